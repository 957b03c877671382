// Reconnect storm, CI size (issue 8 item 4): 200 tablets, each from its own loopback address, are
// reading when the server is killed and restarted on the same port and data; all must come back
// by themselves (the student app's jittered backoff) and find their positions. Correctness only:
// the timings are measured by `npm run bench:storm` (2,000 tablets), see docs/reliability.md.
import { afterAll, describe, expect, it } from 'vitest';
import { Fleet, loopbackAddress, wordAt } from '../testkit/fleet.js';
import { waitUntil } from '../testkit/wait.js';
import { reconnectStorm } from '../testkit/storm.js';
import { startServer, type RunningServer } from './support/server.js';
import { classCodeOf } from './support/reliability.js';

const TABLETS = 200;
const servers: RunningServer[] = [];
let fleet: Fleet | undefined;

afterAll(async () => {
  fleet?.stopAll();
  for (const s of servers) await s.kill();
});

describe('reconnect storm after a crash', () => {
  it(`brings all ${TABLETS} tablets back with their positions, then they keep saving`, async () => {
    let server = await startServer();
    servers.push(server);
    fleet = new Fleet(() => ({ url: server.url, classCode: classCodeOf(server) }));
    // 127.3.x.y: apart from the other suites' addresses.
    await fleet.addMany(
      TABLETS,
      (i) => `Storm ${i}`,
      (i) => loopbackAddress(2 * 254 * 256 + i),
      25,
    );

    const result = await reconnectStorm(
      fleet,
      async () => {
        await server.kill();
        server = await startServer({ dataDir: server.dataDir, port: server.port });
        servers.push(server);
        return server;
      },
      { deadlineMs: 60_000 },
    );
    expect(result).toMatchObject({ tablets: TABLETS, lostUpdates: 0, wrongPositions: 0 });
    expect(fleet.openCount).toBe(TABLETS);
    expect(fleet.counters).toMatchObject({ lostUpdates: 0, wrongPositions: 0, finalCloses: 0 });
    // Each tablet is one student, back as itself.
    expect(new Set(fleet.tablets.map((t) => t.state!.studentId)).size).toBe(TABLETS);

    for (const t of fleet.tablets) t.progress();
    await waitUntil(() => fleet!.tablets.every((t) => t.acked === t.seq), 30_000, 'every tablet saved after the storm');
    for (const t of fleet.tablets) expect(t.wordIdx).toBe(wordAt(t.acked));
  });
});
