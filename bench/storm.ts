// Reconnect storm: a full class of tablets is connected and reading; the server restarts (SIGKILL by
// default, as a crash; --graceful for SIGTERM); every tablet comes back on its own with the student
// app's jittered backoff. Prints how long until all were back, p50/p99 reconnect times, the
// server's event-loop delay and /healthz latency during the storm, and checks that every tablet
// found its position (nothing acknowledged lost).
//
//   npm run build && npm run bench:storm -- [--tablets 2000] [--graceful] [--deadline-s 60]
//
// The CI version (test/reliability-storm.test.ts, 200 tablets) runs reconnectStorm below and
// checks correctness only.
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { Fleet, launchServer, loopbackAddress, quantile, waitUntil, wordAt, type ServerUnderTest } from './fleet.js';

export interface StormResult {
  tablets: number;
  /** From the kill to the new server listening. */
  restartMs: number;
  /** From the kill to the last tablet's SESSION_STATE. */
  allBackMs: number;
  /** Each tablet's drop-to-SESSION_STATE time. */
  reconnectP50Ms: number | null;
  reconnectP99Ms: number | null;
  reconnectMaxMs: number | null;
  /** Connection attempts that failed (server down, or refused) before each tablet got back. */
  failedAttempts: number;
  /** /healthz round trips sampled every 100 ms from the restart until all were back. */
  healthP50Ms: number | null;
  healthP99Ms: number | null;
  healthMaxMs: number | null;
  /** Tablets whose SESSION_STATE had a seq below what they had seen acknowledged. */
  lostUpdates: number;
  /** Tablets whose stored word did not belong to the stored seq. */
  wrongPositions: number;
}

/**
 * Restarts the server under a connected fleet and measures the way back. `restart` must stop the
 * old server and resolve once the new one listens on the same port (with the same data).
 */
export async function reconnectStorm(
  fleet: Fleet,
  restart: () => Promise<{ url: string }>,
  o: { deadlineMs: number },
): Promise<StormResult> {
  const n = fleet.tablets.length;
  for (const t of fleet.tablets) t.progress();
  await waitUntil(() => fleet.tablets.every((t) => t.acked === t.seq), 30_000, 'every tablet saved before the storm');
  fleet.reconnectMs = [];
  const failedBefore = fleet.counters.failedAttempts;
  const ackedBefore = new Map(fleet.tablets.map((t) => [t, t.acked]));

  const killedAt = Date.now();
  const server = await restart();
  const restartMs = Date.now() - killedAt;
  const health: number[] = [];
  const deadline = killedAt + o.deadlineMs;
  while (fleet.openCount < n && Date.now() < deadline) {
    const started = performance.now();
    try {
      const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      health.push(performance.now() - started);
    } catch {
      health.push(performance.now() - started);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await waitUntil(
    () => fleet.openCount === n,
    Math.max(0, deadline - Date.now()),
    `${n - fleet.openCount} of ${n} tablets not back`,
  );
  let wrongPositions = 0;
  let lostUpdates = 0;
  for (const t of fleet.tablets) {
    if (t.state!.seq < ackedBefore.get(t)!) lostUpdates++;
    if (t.state!.wordIdx !== wordAt(t.state!.seq)) wrongPositions++;
  }
  return {
    tablets: n,
    restartMs,
    allBackMs: Math.max(...fleet.tablets.map((t) => t.backAt)) - killedAt,
    reconnectP50Ms: quantile(fleet.reconnectMs, 0.5),
    reconnectP99Ms: quantile(fleet.reconnectMs, 0.99),
    reconnectMaxMs: quantile(fleet.reconnectMs, 1),
    failedAttempts: fleet.counters.failedAttempts - failedBefore,
    healthP50Ms: quantile(health, 0.5),
    healthP99Ms: quantile(health, 0.99),
    healthMaxMs: quantile(health, 1),
    lostUpdates,
    wrongPositions,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tablets: { type: 'string', default: '2000' },
      graceful: { type: 'boolean', default: false },
      'deadline-s': { type: 'string', default: '60' },
    },
  });
  const tablets = Number(values.tablets);
  const deadlineMs = Number(values['deadline-s']) * 1000;
  if (!(tablets > 0 && deadlineMs > 0)) {
    console.error('Usage: bench:storm -- [--tablets 2000] [--graceful] [--deadline-s 60]');
    process.exit(2);
  }
  let server: ServerUnderTest = await launchServer();
  const fleet = new Fleet(() => server);
  try {
    console.log(`storm: joining ${tablets} tablets (own loopback address each) to ${server.url}...`);
    const joinStarted = Date.now();
    await fleet.addMany(tablets, (i) => `Storm ${i}`, loopbackAddress, 100);
    console.log(
      `  all connected in ${((Date.now() - joinStarted) / 1000).toFixed(1)} s; ` +
        `restarting the server (${values.graceful ? 'SIGTERM' : 'SIGKILL'})...`,
    );
    const result = await reconnectStorm(
      fleet,
      async () => {
        const { dataDir, port } = server;
        if (values.graceful) await server.stop();
        else await server.kill();
        server = await launchServer({ dataDir, port });
        return server;
      },
      { deadlineMs },
    );
    // The new server's own event-loop delay over the storm (probe samples, one a second; the first
    // covers the server's own start-up, loading modules and opening the database, so it is left out).
    const during = server.samples.slice(1).filter((s) => !s.afterGc);
    const ms = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(0)} ms`);
    console.log(
      [
        '',
        `reconnect storm: ${result.tablets} tablets, ${values.graceful ? 'graceful restart' : 'SIGKILL + restart'}`,
        `  server back listening after     ${ms(result.restartMs)}`,
        `  all tablets back after          ${ms(result.allBackMs)} (from the kill)` +
          (result.allBackMs <= 30_000 ? '  [within 30 s]' : '  [OVER 30 s]'),
        `  reconnect time per tablet       p50 ${ms(result.reconnectP50Ms)}, p99 ${ms(result.reconnectP99Ms)}, ` +
          `max ${ms(result.reconnectMaxMs)}`,
        `  failed attempts (server down)   ${result.failedAttempts} ` +
          `(${(result.failedAttempts / result.tablets).toFixed(1)} per tablet)`,
        `  server event-loop delay         p99 ${ms(Math.max(0, ...during.map((s) => s.loopP99Ms)))} (worst second), ` +
          `max ${ms(Math.max(0, ...during.map((s) => s.loopMaxMs)))}`,
        `  /healthz during the storm       p50 ${ms(result.healthP50Ms)}, p99 ${ms(result.healthP99Ms)}, ` +
          `max ${ms(result.healthMaxMs)} (from this process, itself busy with the tablets)`,
        `  positions                       ${result.lostUpdates} lost acknowledged updates, ` +
          `${result.wrongPositions} wrong positions`,
      ].join('\n'),
    );
    process.exitCode = result.lostUpdates + result.wrongPositions > 0 ? 1 : 0;
  } finally {
    fleet.stopAll();
    await server.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
