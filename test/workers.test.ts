// Socket workers (issue 20 item 2 and 3): with READERAI_WORKERS=2 the primary owns the one port,
// every class lives on one worker, and a tablet's socket, its class's teacher feed and its commits
// are that worker's. Two classes placed on different workers: their tablets join and are saved,
// each worker holds only its own; one worker is SIGKILLed under a few hundred tablets: its tablets
// come back by themselves with nothing acknowledged lost (checked in SQLite too), and the other
// worker's tablets never notice. A client cannot make itself loopback with X-Forwarded-For.
import Database from 'better-sqlite3';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { request as tlsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGemini } from '../testkit/fake-gemini.js';
import { Fleet, loopbackAddress, wordAt } from '../testkit/fleet.js';
import { waitUntil } from '../testkit/wait.js';
import type { TeacherPayload } from '../shared/protocol/index.js';
import { startServer, tempDir, type RunningServer } from './support/server.js';
import { classCodeOf, nextTeacherFrame, openTeacherSocket } from './support/reliability.js';
import { join as joinClass, TestTablet } from './support/student-client.js';
import { makeCertificate } from './support/tls.js';

const PER_CLASS = 150;

interface Placed {
  classId: string;
  classCode: string;
  worker: number;
}

async function admin<T>(
  server: RunningServer,
  path: string,
  init: { method?: string; body?: unknown; classId?: string } = {},
): Promise<{ status: number; worker: string | null; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      authorization: `Bearer ${server.adminToken}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.classId ? { 'x-readerai-class': init.classId } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: res.status, worker: res.headers.get('x-readerai-worker'), body: (await res.json()) as T };
}

/** New classes until one lives on each worker (a class is made by, and on, the worker that gets the request). */
async function classOnEachWorker(server: RunningServer): Promise<Placed[]> {
  const placed = new Map<number, Placed>();
  for (let i = 0; i < 20 && placed.size < 2; i++) {
    const made = await admin<{ classId: string; classCode: string }>(server, '/api/admin/classes', {
      body: { name: `Class ${i}` },
    });
    expect(made.status).toBe(201);
    const worker = Number(made.worker);
    if (!placed.has(worker)) placed.set(worker, { classId: made.body.classId, classCode: made.body.classCode, worker });
  }
  return [placed.get(0)!, placed.get(1)!];
}

describe('two socket workers', () => {
  let server: RunningServer;
  let classes: Placed[];
  const fleets: Fleet[] = [];

  beforeAll(async () => {
    server = await startServer({ env: { READERAI_WORKERS: '2' } });
    classes = await classOnEachWorker(server);
  }, 60_000);
  afterAll(async () => {
    for (const f of fleets) f.stopAll();
    // SIGTERM: the primary asks both workers to finish (their last commits) and exits cleanly.
    expect(await server?.stop()).toBe(0);
  });

  it('routes each class to its worker: joins, sockets, acks, teacher routes and feed', async () => {
    for (const [n, c] of classes.entries()) {
      const fleet = new Fleet(() => ({ url: server.url, classCode: c.classCode }));
      fleets.push(fleet);
      // 127.3.x.y and 127.4.x.y: apart from the other suites' addresses.
      await fleet.addMany(
        PER_CLASS,
        (i) => `W${c.worker} kid ${i}`,
        (i) => loopbackAddress((2 + n) * 254 * 256 + i),
        25,
      );
    }
    for (const fleet of fleets) for (const t of fleet.tablets) t.progress();
    await waitUntil(() => fleets.every((f) => f.tablets.every((t) => t.acked === 1)), 20_000, 'first updates saved');

    for (const c of classes) {
      // The class's teacher routes are answered by its worker, which sees only its own students.
      const stats = await admin<{ worker: { index: number; count: number; pid: number } }>(
        server,
        '/api/teacher/stats',
        { classId: c.classId },
      );
      expect(stats.body.worker).toMatchObject({ index: c.worker, count: 2 });
      expect(stats.worker).toBe(String(c.worker));
      // The feed: a ticket from the class's worker opens a socket on the same worker.
      const ticket = await admin<{ ticket: string }>(server, '/api/teacher/ticket', {
        method: 'POST',
        classId: c.classId,
        body: {},
      });
      expect(ticket.body.ticket.startsWith(`${c.classId}.`)).toBe(true);
      const feed = await TestTablet.open(
        `${server.wsBase}/ws/teacher?ticket=${encodeURIComponent(ticket.body.ticket)}`,
      );
      const snapshot: TeacherPayload<'SNAPSHOT'> = await nextTeacherFrame(feed, 'SNAPSHOT');
      expect(snapshot.classroom.classCode).toBe(c.classCode);
      expect(snapshot.students.filter((s) => s.name.startsWith(`W${c.worker} kid `))).toHaveLength(PER_CLASS);
      feed.ws.close();
    }

    // The school view joins both workers' lists, with each class's live figures.
    const list = await admin<{ classId: string; studentsConnected: number }[]>(server, '/api/admin/classes');
    expect(list.status).toBe(200);
    for (const c of classes) expect(list.body.find((r) => r.classId === c.classId)?.studentsConnected).toBe(PER_CLASS);
    expect((await admin<{ workers: number }>(server, '/api/admin/server')).body.workers).toBe(2);
  }, 120_000);

  it('a SIGKILLed worker returns: its tablets resume, nothing acked lost; the other class never notices', async () => {
    const [victim, bystander] = [classes[0]!, classes[1]!];
    const [hit, calm] = [fleets[0]!, fleets[1]!];
    const { body } = await admin<{ worker: { pid: number } }>(server, '/api/teacher/stats', {
      classId: victim.classId,
    });
    const pid = body.worker.pid;

    const reading = setInterval(() => {
      for (const f of fleets) for (const t of f.tablets) if (Math.random() < 0.3) t.progress();
    }, 100);
    try {
      await waitUntil(() => fleets.every((f) => f.tablets.every((t) => t.acked >= 3)), 30_000, 'reading under way');
      const calmAcked = calm.tablets.reduce((n, t) => n + t.acked, 0);
      process.kill(pid, 'SIGKILL');
      const ackedAtKill = new Map(hit.tablets.map((t) => [t, t.acked]));
      await waitUntil(() => hit.openCount === 0, 10_000, 'the killed worker’s tablets saw the drop');
      // The other worker carries on saving meanwhile.
      await waitUntil(
        () => calm.tablets.reduce((n, t) => n + t.acked, 0) > calmAcked + PER_CLASS,
        10_000,
        'the other class keeps saving',
      );
      await waitUntil(() => hit.openCount === PER_CLASS, 60_000, 'every tablet of the killed worker back');
      for (const t of hit.tablets) {
        expect(t.state!.seq, t.name).toBeGreaterThanOrEqual(ackedAtKill.get(t)!);
        expect(t.state!.wordIdx, t.name).toBe(wordAt(t.state!.seq));
      }
      expect(hit.counters).toMatchObject({ lostUpdates: 0, wrongPositions: 0, finalCloses: 0 });
      expect(hit.counters.reconnects).toBe(PER_CLASS);
      expect(calm.counters).toMatchObject({ reconnects: 0, lostUpdates: 0, finalCloses: 0 });
      expect(calm.openCount).toBe(PER_CLASS);
      // A new worker (a new pid) took the class back.
      const again = await admin<{ worker: { pid: number; index: number } }>(server, '/api/teacher/stats', {
        classId: victim.classId,
      });
      expect(again.body.worker.index).toBe(victim.worker);
      expect(again.body.worker.pid).not.toBe(pid);
      expect(bystander.worker).not.toBe(victim.worker);
    } finally {
      clearInterval(reading);
    }

    // Every update a tablet saw acknowledged is in the database.
    await waitUntil(() => fleets.every((f) => f.tablets.every((t) => t.acked === t.seq)), 20_000, 'all saved');
    const db = new Database(join(server.dataDir, 'readerai.db'), { readonly: true });
    try {
      const seqOf = db
        .prepare('SELECT p.seq FROM progress p JOIN students s ON s.id = p.student_id WHERE s.name = ?')
        .pluck();
      for (const f of fleets) for (const t of f.tablets) expect(seqOf.get(t.name), t.name).toBe(t.acked);
    } finally {
      db.close();
    }
  }, 180_000);
});

/** A non-loopback address of this machine, to be a client from "the LAN". */
function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

function get(url: string, from: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress: from, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the client address with socket workers', () => {
  const lan = lanAddress();
  let server: RunningServer | undefined;
  beforeAll(async () => {
    if (lan) server = await startServer({ env: { READERAI_WORKERS: '2', READERAI_HOST: '0.0.0.0' } });
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('a forged X-Forwarded-For on the public port does not make a LAN client loopback', async (ctx) => {
    if (!lan || !server) return ctx.skip('no non-loopback address on this machine');
    const auth = { authorization: `Bearer ${server.adminToken}` };
    const url = `http://${lan}:${server.port}/api/admin/classes`;
    expect(await get(`http://127.0.0.1:${server.port}/api/admin/classes`, '127.0.0.1', auth)).toBe(200);
    for (const forged of ['127.0.0.1', '127.0.0.1, 127.0.0.1', '::1'])
      expect(await get(url, lan, { ...auth, 'x-forwarded-for': forged }), forged).toBe(403);
    expect(await get(`http://${lan}:${server.port}/admin/`, lan, { 'x-forwarded-for': '127.0.0.1' })).toBe(403);
    // A teacher socket upgrade is handed over with the client's own address: refused too.
    const refused = await TestTablet.open(`ws://${lan}:${server.port}/ws/teacher?ticket=x.y`, {
      localAddress: lan,
      headers: { 'x-forwarded-for': '127.0.0.1' },
    }).catch((err: unknown) => (err as { statusCode?: number }).statusCode);
    expect(refused).toBe(403);
  });
});

/** POST JSON over HTTPS, trusting the test certificate (which names the LAN host, not 127.0.0.1). */
function postTls(url: string, ca: string, body: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = tlsRequest(
      url,
      { method: 'POST', ca, checkServerIdentity: () => undefined, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('socket workers under TLS', () => {
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it('terminates TLS in the primary and pipes each socket to its worker: tablets and dashboards work', async () => {
    const dir = tempDir();
    const tls = makeCertificate(dir, 'reader-room.school.lan');
    server = await startServer({ tls, env: { READERAI_WORKERS: '2' } });
    const joined = await postTls(`${server.url}/api/join`, tls.pem, {
      classCode: classCodeOf(server),
      name: 'Tls Kid',
    });
    expect(joined.status).toBe(200);
    const { wsUrl } = joined.body as { wsUrl: string };
    expect(wsUrl.startsWith('wss://')).toBe(true);
    // Node's TLS takes undefined as "this name is fine"; ws's types still say boolean.
    const trust = { ca: tls.pem, checkServerIdentity: (() => undefined) as never };
    const tablet = await TestTablet.open(wsUrl.replace(/\/\/[^/]+/, `//127.0.0.1:${server.port}`), trust);
    const state = await tablet.next('SESSION_STATE');
    tablet.send('PROGRESS_UPDATE', { bookId: state.bookId, wordIdx: 3, audioTs: 1, seq: 1, playing: true });
    expect((await tablet.next('PROGRESS_SAVED')).seq).toBe(1);
    const feed = await openTeacherSocket(server, {}, trust);
    const snapshot: TeacherPayload<'SNAPSHOT'> = await nextTeacherFrame(feed, 'SNAPSHOT');
    expect(snapshot.students.map((s) => s.name)).toContain('Tls Kid');
    tablet.ws.close();
    feed.ws.close();
  });
});

describe('one AI relay for every worker', () => {
  let fake: FakeGemini;
  let server: RunningServer;
  beforeAll(async () => {
    fake = await FakeGemini.start();
    server = await startServer({ env: { ...fake.serverEnv, READERAI_WORKERS: '2' } });
  });
  afterAll(async () => {
    await server?.stop();
    await fake?.close();
  });

  it("streams each class's answer chunk by chunk through the primary's relay, to the right tablet", async () => {
    const classes = await classOnEachWorker(server);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    fake.reply({ chunks: ['Pip ', 'is ', 'brave.'], before: (i) => (i === 1 ? held : Promise.resolve()) });
    fake.reply({ chunks: ['Pip ', 'is ', 'brave.'], before: (i) => (i === 1 ? held : Promise.resolve()) });
    const tablets = [];
    for (const c of classes) {
      const joined = await joinClass(server.url, { classCode: c.classCode, name: `Asker ${c.worker}` });
      const tablet = await TestTablet.open(joined.body.wsUrl);
      const state = await tablet.next('SESSION_STATE');
      expect(state.aiAnswers).toBe(true);
      tablet.send('STUDENT_INTERRUPTION', {
        questionId: `q-${c.worker}`,
        questionText: 'Who is brave?',
        context: { bookId: state.bookId, wordIdx: 10 },
      });
      tablets.push(tablet);
    }
    // The first chunk of each answer arrives while the stand-in holds the rest: streamed, not buffered.
    for (const [i, tablet] of tablets.entries())
      expect(await tablet.next('ANSWER_CHUNK')).toEqual({ questionId: `q-${classes[i]!.worker}`, text: 'Pip ' });
    release();
    for (const [i, tablet] of tablets.entries()) {
      const done = await tablet.next('ANSWER_DONE');
      expect(done).toMatchObject({ questionId: `q-${classes[i]!.worker}`, text: 'Pip is brave.', source: 'gemini' });
      tablet.ws.close();
    }
    // One relay: either worker's figures (sent every 500 ms) count both answers.
    const answered = async (classId: string) =>
      (await admin<{ relay: { answeredByAi?: number } }>(server, '/api/teacher/stats', { classId })).body.relay
        .answeredByAi ?? 0;
    for (const c of classes)
      await waitUntil(async () => (await answered(c.classId)) === 2, 5_000, `answers counted by worker ${c.worker}`);
  });
});
