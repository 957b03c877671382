// The server core over real sockets and a real SQLite file: join, resume, progress, bad input,
// teacher auth, graceful shutdown and restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createServer, type AddressInfo } from 'node:net';
import { CloseCode, ErrorCode, Limits } from '../shared/protocol/codes.js';
import { startServer, teacherApi, tempDir, type RunningServer } from './support/server.js';
import { writeFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { join, TestTablet } from './support/student-client.js';
import { waitUntil } from '../testkit/wait.js';

let server: RunningServer;
let classCode: string;

beforeAll(async () => {
  server = await startServer();
  classCode = new URL(server.joinUrl).searchParams.get('code')!;
});
afterAll(async () => {
  await server?.stop();
});

async function joined(name: string) {
  const res = await join(server.url, { classCode, name });
  expect(res.status).toBe(200);
  const tablet = await TestTablet.open(res.body.wsUrl);
  const state = await tablet.next('SESSION_STATE');
  return { ...res.body, tablet, state };
}

describe('health and join', () => {
  it('answers /healthz once ready', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('prints a join URL with a 6-character code without look-alike characters', () => {
    expect(classCode).toMatch(/^[ACDEFHJKMNPQRTUVWXY347]{6}$/);
  });

  it('refuses a wrong class code with 403 and a clear message', async () => {
    const res = await join(server.url, { classCode: 'AAAAAA', name: 'Mia' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe(ErrorCode.WRONG_CLASS_CODE);
    expect(res.body.message).toMatch(/class code/i);
  });

  it.each([
    ['empty', '   '],
    ['too long', 'x'.repeat(Limits.NAME_MAX + 1)],
    ['control characters', 'Mi\u0007a'],
    ['a bidi override', 'Mia\u202Egnp.exe'],
  ])('refuses a bad name (%s) with 400', async (_why, name) => {
    const res = await join(server.url, { classCode, name });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(ErrorCode.BAD_NAME);
  });

  it('accepts the code in lower case with spaces, and resumes by token but never by name', async () => {
    const first = await join(server.url, {
      classCode: ` ${classCode.toLowerCase().slice(0, 3)} ${classCode.toLowerCase().slice(3)} `,
      name: 'Noah',
    });
    expect(first.status).toBe(200);
    expect(first.body.resumed).toBe(false);
    expect(first.body.wsUrl).toContain(`/ws/${first.body.sessionId}?token=`);

    const again = await join(server.url, { classCode, name: 'Noah', token: first.body.token });
    expect(again.body).toMatchObject({ studentId: first.body.studentId, resumed: true });

    const impostor = await join(server.url, { classCode, name: 'Noah' });
    expect(impostor.body.studentId).not.toBe(first.body.studentId);
  });
});

describe('student socket', () => {
  it('refuses a bad or missing token with 401 before the upgrade', async () => {
    const { body } = await join(server.url, { classCode, name: 'Ava' });
    for (const url of [
      `${server.wsBase}/ws/${body.sessionId}?token=nope`,
      `${server.wsBase}/ws/${body.sessionId}`,
      `${server.wsBase}/ws/other-session?token=${body.token}`,
    ]) {
      await expect(TestTablet.open(url)).rejects.toMatchObject({ statusCode: 401 });
    }
  });

  it('saves progress, ignores stale seqs, and resumes after a disconnect', async () => {
    const s = await joined('Liam');
    expect(s.state).toMatchObject({ studentId: s.studentId, wordIdx: 0, seq: 0, bookId: expect.any(String) });
    const bookId = s.state.bookId;

    s.tablet.send('PROGRESS_UPDATE', { bookId, wordIdx: 12, audioTs: 3.5, seq: 1 });
    s.tablet.send('PROGRESS_UPDATE', { bookId, wordIdx: 20, audioTs: 5.25, seq: 2 });
    await s.tablet.next('PROGRESS_SAVED', (p) => p.seq === 2);

    const before = s.tablet.frames.length;
    s.tablet.send('PROGRESS_UPDATE', { bookId, wordIdx: 3, audioTs: 1, seq: 1 });
    expect(await s.tablet.next('PROGRESS_SAVED', () => true, 5000, before)).toEqual({ seq: 2 });

    s.tablet.close();
    await s.tablet.closed();
    const back = await TestTablet.open(s.wsUrl);
    expect(await back.next('SESSION_STATE')).toMatchObject({ wordIdx: 20, audioTs: 5.25, seq: 2, bookId });
    back.close();
  });

  it('closes the first socket with REPLACED when the same token connects again', async () => {
    const s = await joined('Emma');
    const second = await TestTablet.open(s.wsUrl);
    await second.next('SESSION_STATE');
    expect(await s.tablet.closed()).toBe(CloseCode.REPLACED);
    second.close();
  });

  it('answers bad frames with ERROR and keeps going, without touching another student', async () => {
    const bad = await joined('Oscar');
    const good = await joined('Zoe');
    const bookId = bad.state.bookId;
    const cases: [string | Buffer, string, boolean?][] = [
      ['{not json', ErrorCode.BAD_JSON],
      ['[1,2]', ErrorCode.BAD_MESSAGE],
      [JSON.stringify({ type: 'NOPE', payload: {} }), ErrorCode.UNKNOWN_TYPE],
      [
        JSON.stringify({ type: 'PROGRESS_UPDATE', payload: { bookId, wordIdx: 'ten', audioTs: 0, seq: 1 } }),
        ErrorCode.BAD_MESSAGE,
      ],
      [JSON.stringify({ type: 'PROGRESS_UPDATE', payload: { bookId, audioTs: 0, seq: 1 } }), ErrorCode.BAD_MESSAGE],
      [
        JSON.stringify({
          type: 'PROGRESS_UPDATE',
          payload: { bookId: 'no-such-book', wordIdx: 1, audioTs: 0, seq: 1 },
        }),
        ErrorCode.UNKNOWN_BOOK,
      ],
      [
        JSON.stringify({ type: 'PROGRESS_UPDATE', payload: { bookId, wordIdx: 9_999_999, audioTs: 0, seq: 1 } }),
        ErrorCode.BAD_WORD_INDEX,
      ],
      [
        JSON.stringify({
          type: 'STUDENT_INTERRUPTION',
          payload: { questionId: 'q', questionText: 'x'.repeat(501), context: { bookId, wordIdx: 0 } },
        }),
        ErrorCode.BAD_MESSAGE,
      ],
      [Buffer.from([1, 2, 3]), ErrorCode.BINARY_NOT_ALLOWED, true],
    ];
    for (const [frame, code, binary] of cases) {
      const from = bad.tablet.frames.length;
      bad.tablet.sendRaw(frame, binary);
      expect(await bad.tablet.next('ERROR', () => true, 5000, from)).toMatchObject({ code });
    }
    // Still working for both.
    bad.tablet.send('PROGRESS_UPDATE', { bookId, wordIdx: 5, audioTs: 1, seq: 1 });
    await bad.tablet.next('PROGRESS_SAVED', (p) => p.seq === 1);
    good.tablet.send('PROGRESS_UPDATE', { bookId, wordIdx: 7, audioTs: 1, seq: 1 });
    await good.tablet.next('PROGRESS_SAVED', (p) => p.seq === 1);
    expect(good.tablet.of('ERROR')).toEqual([]);
    bad.tablet.close();
    good.tablet.close();
  });

  it('closes with 1009 on a frame over 16 KB and with 1007 on invalid UTF-8', async () => {
    const big = await joined('Ivy');
    big.tablet.sendRaw('x'.repeat(Limits.MAX_PAYLOAD + 1));
    expect(await big.tablet.closed()).toBe(1009);

    const utf = await joined('Leo');
    // ws refuses to send invalid UTF-8 as text, so write the raw frame: FIN+text, masked, length 2.
    const raw = (utf.tablet.ws as unknown as { _socket: import('node:net').Socket })._socket;
    raw.write(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28]));
    expect(await utf.tablet.closed()).toBe(1007);
  });

  it('drops frames from a flooding socket with TOO_MANY_MESSAGES and stays up', async () => {
    const f = await joined('Flood');
    for (let i = 0; i < 300; i++) f.tablet.send('RAISE_HAND', { raised: i % 2 === 0 });
    await f.tablet.next('ERROR', (p) => p.code === ErrorCode.TOO_MANY_MESSAGES);
    expect(f.tablet.of('HAND_STATE').length).toBeLessThan(300);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    f.tablet.close();
  });
});

describe('heartbeat', () => {
  it('cuts a socket that stops answering pings and keeps one that answers', async () => {
    const own = await startServer({ env: { READERAI_HEARTBEAT_SECONDS: '1' } });
    try {
      const code = new URL(own.joinUrl).searchParams.get('code')!;
      const open = async (name: string) => {
        const res = await join(own.url, { classCode: code, name });
        const tablet = await TestTablet.open(res.body.wsUrl);
        await tablet.next('SESSION_STATE');
        return tablet;
      };
      const [healthy, frozen] = [await open('Awake'), await open('Asleep')];
      // A tablet that went to sleep: its socket stays open but nothing is read or answered.
      (frozen.ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
      await waitUntil(
        async () => {
          const { body } = await teacherApi<{ students: { name: string; status: string }[] }>(own, '/classroom');
          return body.students.find((s) => s.name === 'Asleep')?.status === 'offline';
        },
        15_000,
        'the sleeping tablet offline',
        200,
      );
      const { body } = await teacherApi<{ students: { name: string; status: string }[] }>(own, '/classroom');
      expect(body.students.find((s) => s.name === 'Asleep')?.status).toBe('offline');
      expect(body.students.find((s) => s.name === 'Awake')?.status).not.toBe('offline');
      expect(healthy.closeCode).toBeNull();
      healthy.close();
    } finally {
      await own.stop();
    }
  });
});

describe('teacher API', () => {
  it('refuses requests without the admin token, or with a wrong one', async () => {
    expect((await fetch(`${server.url}/api/teacher/classroom`)).status).toBe(401);
    expect((await teacherApi({ url: server.url, adminToken: 'wrong' }, '/classroom')).status).toBe(401);
  });

  it('lists students with name, status, book and progress', async () => {
    const s = await joined('Maya');
    s.tablet.send('PROGRESS_UPDATE', { bookId: s.state.bookId, wordIdx: 30, audioTs: 9, seq: 1, playing: true });
    await s.tablet.next('PROGRESS_SAVED');
    const { status, body } = await teacherApi<{
      classCode: string;
      joinUrl: string;
      students: { id: string; name: string; status: string; wordIdx: number; progress: number }[];
    }>(server, '/classroom');
    expect(status).toBe(200);
    expect(body.classCode).toBe(classCode);
    expect(body.joinUrl).toContain(classCode);
    expect(body.students.find((x) => x.id === s.studentId)).toMatchObject({
      name: 'Maya',
      status: 'reading',
      wordIdx: 30,
    });
    s.tablet.close();
  });

  it('gives the live feed only with a single-use ticket, then sends a snapshot', async () => {
    const ticket = (await teacherApi<{ ticket: string }>(server, '/ticket', { method: 'POST' })).body.ticket;
    const ws = new WebSocket(`${server.wsBase}/ws/teacher?ticket=${ticket}`);
    type Snapshot = { type: string; payload: { students: unknown[]; classroom: { classCode: string } } };
    const first = await new Promise<Snapshot>((resolve, reject) => {
      ws.once('message', (d) => resolve(JSON.parse(String(d)) as Snapshot));
      ws.once('error', reject);
    });
    expect(first.type).toBe('SNAPSHOT');
    expect(first.payload.classroom.classCode).toBe(classCode);
    ws.close();
    await expect(TestTablet.open(`${server.wsBase}/ws/teacher?ticket=${ticket}`)).rejects.toMatchObject({
      statusCode: 401,
    });
  });

  it('refuses the live feed from another origin', async () => {
    const ticket = (await teacherApi<{ ticket: string }>(server, '/ticket', { method: 'POST' })).body.ticket;
    await expect(
      TestTablet.open(`${server.wsBase}/ws/teacher?ticket=${ticket}`, { origin: 'http://evil.example' }),
    ).rejects.toMatchObject({ statusCode: 403 });
  });

  it('sends security headers and a CSP on pages', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('questions without an API key', () => {
  it('acknowledges at once, tells the student the teacher will answer, and delivers the teacher answer', async () => {
    const s = await joined('Ella');
    s.tablet.send('STUDENT_INTERRUPTION', {
      questionId: 'q1',
      questionText: 'Why did the lamp go out?',
      context: { bookId: s.state.bookId, wordIdx: 40 },
    });
    expect(await s.tablet.next('INTERRUPTION_ACKNOWLEDGED')).toMatchObject({ questionId: 'q1' });
    await s.tablet.next('TEACHER_WILL_ANSWER', (p) => p.questionId === 'q1');
    const ackIdx = s.tablet.frames.findIndex((f) => f.type === 'INTERRUPTION_ACKNOWLEDGED');
    const teacherIdx = s.tablet.frames.findIndex((f) => f.type === 'TEACHER_WILL_ANSWER');
    expect(ackIdx).toBeLessThan(teacherIdx);

    const feed = await teacherApi<
      { id: string; questionId: string; studentId: string; status: string; questionText: string }[]
    >(server, '/feed');
    const item = feed.body.find((q) => q.studentId === s.studentId && q.questionId === 'q1')!;
    expect(item).toMatchObject({ status: 'waiting_teacher', questionText: 'Why did the lamp go out?' });

    const answered = await teacherApi(server, `/questions/${item.id}/answer`, {
      body: { text: 'The wind blew it out.' },
    });
    expect(answered.status).toBe(200);
    expect(await s.tablet.next('ANSWER_DONE')).toEqual({
      questionId: 'q1',
      text: 'The wind blew it out.',
      source: 'teacher',
    });
    s.tablet.close();
  });
});

describe('shutdown and restart', () => {
  it('closes sockets with 1001, exits 0, and resumes every student at the same word', async () => {
    const own = await startServer();
    const code = new URL(own.joinUrl).searchParams.get('code')!;
    const res = await join(own.url, { classCode: code, name: 'Ruby' });
    const tablet = await TestTablet.open(res.body.wsUrl);
    const { bookId } = await tablet.next('SESSION_STATE');
    tablet.send('PROGRESS_UPDATE', { bookId, wordIdx: 57, audioTs: 14, seq: 3 });
    await tablet.next('PROGRESS_SAVED', (p) => p.seq === 3);

    expect(await own.stop()).toBe(0);
    expect(await tablet.closed()).toBe(CloseCode.GOING_AWAY);

    const again = await startServer({ dataDir: own.dataDir, port: own.port });
    try {
      const back = await TestTablet.open(res.body.wsUrl);
      expect(await back.next('SESSION_STATE')).toMatchObject({
        studentId: res.body.studentId,
        wordIdx: 57,
        audioTs: 14,
        seq: 3,
      });
      expect(new URL(again.joinUrl).searchParams.get('code')).toBe(code);
      back.close();
    } finally {
      await again.stop();
    }
  });

  it('listens on the port the teacher chose in the settings after a restart', async () => {
    const freePort = () =>
      new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as AddressInfo;
          probe.close(() => resolve(port));
        });
      });
    const [preset, chosen] = [await freePort(), await freePort()];
    // IT presets a port (the teacher may change a preset, not a lock); no READERAI_PORT.
    const dataDir = tempDir();
    writeFileSync(joinPath(dataDir, 'no-machine-config.json'), JSON.stringify({ preset: { port: preset } }));
    const first = await startServer({ dataDir, env: { READERAI_PORT: '' } });
    expect(first.port).toBe(preset);
    expect((await teacherApi(first, '/settings', { method: 'PUT', body: { port: chosen } })).status).toBe(200);
    await first.stop();
    const second = await startServer({ dataDir, env: { READERAI_PORT: '' } });
    try {
      expect(second.port).toBe(chosen);
    } finally {
      await second.stop();
    }
  });
});
