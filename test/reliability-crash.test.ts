// Crash in the middle of a class (issue 8 item 3): 40 tablets send progress, the server is killed
// with SIGKILL (no shutdown code runs), and started again on the same port and data folder. Every
// tablet must come back by itself (jittered backoff, testkit/fleet.ts) and find at least everything
// it had seen acknowledged: for each tablet, the last PROGRESS_SAVED.seq before the kill is at most
// the seq in SESSION_STATE after the restart. The teacher's dashboard comes back with the same class.
import { afterAll, describe, expect, it } from 'vitest';
import { Fleet, loopbackAddress, wordAt } from '../testkit/fleet.js';
import { waitUntil } from '../testkit/wait.js';
import type { TeacherPayload } from '../shared/protocol/index.js';
import { startServer, type RunningServer } from './support/server.js';
import { classCodeOf, nextTeacherFrame, openTeacherSocket, sleep } from './support/reliability.js';

const TABLETS = 40;
const servers: RunningServer[] = [];
let fleet: Fleet | undefined;

afterAll(async () => {
  fleet?.stopAll();
  for (const s of servers) await s.kill();
});

describe('SIGKILL in the middle of a class', () => {
  it('loses no acknowledged progress; every tablet reconnects and resumes; the dashboard sees one class', async () => {
    let server = await startServer();
    servers.push(server);
    fleet = new Fleet(() => ({ url: server.url, classCode: classCodeOf(server) }));
    // Addresses 127.2.x.y: apart from the other suites' 127.1.x.y and 127.0.0.x.
    await fleet.addMany(
      TABLETS,
      (i) => `Crash ${i}`,
      (i) => loopbackAddress(254 * 256 + i),
      10,
    );

    const dashboard = await openTeacherSocket(server);
    const before = await nextTeacherFrame(dashboard, 'SNAPSHOT');
    expect(before.students.filter((s) => s.name.startsWith('Crash '))).toHaveLength(TABLETS);

    // Reading: each tablet sends an update every ~200 ms on average (the app sends every few
    // seconds; this is faster so that commits are in flight when the kill lands).
    const reading = setInterval(() => {
      for (const t of fleet!.tablets) if (Math.random() < 0.5) t.progress();
    }, 100);
    await waitUntil(() => fleet!.tablets.every((t) => t.acked >= 5), 30_000, 'every tablet saved some progress');
    await sleep(300 + Math.random() * 500);
    await server.kill();
    const ackedAtKill = new Map(fleet.tablets.map((t) => [t, t.acked]));
    const sentAtKill = fleet.tablets.reduce((n, t) => n + t.seq, 0);
    expect(await dashboard.closed()).not.toBe(1000);

    server = await startServer({ dataDir: server.dataDir, port: server.port });
    servers.push(server);
    await waitUntil(() => fleet!.openCount === TABLETS, 60_000, `all ${TABLETS} tablets back`);
    clearInterval(reading);

    for (const t of fleet.tablets) {
      expect(t.state!.seq, t.name).toBeGreaterThanOrEqual(ackedAtKill.get(t)!);
      // The stored word is the one sent with that seq (no torn or mixed-up rows).
      expect(t.state!.wordIdx, t.name).toBe(wordAt(t.state!.seq));
    }
    expect(fleet.counters).toMatchObject({ lostUpdates: 0, wrongPositions: 0, finalCloses: 0 });
    // Guards against a dull run: the class was busy when the kill landed.
    expect(sentAtKill).toBeGreaterThan(TABLETS * 5);

    // Resuming: each tablet's next update is saved.
    for (const t of fleet.tablets) t.progress();
    await waitUntil(
      () => fleet!.tablets.every((t) => t.acked === t.seq),
      20_000,
      'every tablet saved after the restart',
    );

    // The dashboard opens again with a new ticket and sees the same students at the same places.
    const again = await openTeacherSocket(server);
    const after: TeacherPayload<'SNAPSHOT'> = await nextTeacherFrame(again, 'SNAPSHOT');
    const byId = new Map(after.students.map((s) => [s.id, s]));
    for (const s of before.students) expect(byId.has(s.id), s.name).toBe(true);
    for (const t of fleet.tablets) expect(byId.get(t.state!.studentId)?.wordIdx, t.name).toBe(wordAt(t.acked));
    expect(after.classroom.classCode).toBe(before.classroom.classCode);
    again.close();
  });
});

describe('the teacher dashboard socket drops', () => {
  it('reconnects with a new ticket and gets a SNAPSHOT with the same students, then deltas', async () => {
    const server = await startServer();
    servers.push(server);
    const local = new Fleet(() => ({ url: server.url, classCode: classCodeOf(server) }));
    try {
      await local.addMany(
        5,
        (i) => `Dash ${i}`,
        (i) => loopbackAddress(254 * 256 + 100 + i),
        5,
      );
      for (const t of local.tablets) t.progress();
      await waitUntil(() => local.tablets.every((t) => t.acked === 1), 10_000, 'progress saved');

      const first = await openTeacherSocket(server);
      const snap1 = await nextTeacherFrame(first, 'SNAPSHOT');
      // The laptop's Wi-Fi drops: the TCP connection is cut without a close frame.
      first.ws.terminate();
      await first.closed();
      // While the dashboard is away the class goes on.
      for (const t of local.tablets) t.progress();
      await waitUntil(() => local.tablets.every((t) => t.acked === 2), 10_000, 'progress saved while away');

      const second = await openTeacherSocket(server);
      const snap2 = await nextTeacherFrame(second, 'SNAPSHOT');
      expect(snap2.students.map((s) => s.id).sort()).toEqual(snap1.students.map((s) => s.id).sort());
      for (const s of snap2.students) expect(s.wordIdx, s.name).toBe(wordAt(2));
      // And it goes on receiving deltas.
      local.tablets[0]!.progress();
      await nextTeacherFrame(second, 'DELTA', (d) => (d.students ?? []).some((s) => s.wordIdx === wordAt(3)), 10_000);
      second.close();
    } finally {
      local.stopAll();
    }
  });
});
