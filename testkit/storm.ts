// The reconnect storm: the server restarts under a connected fleet of tablets, and every tablet
// comes back on its own. Run at full size by `npm run bench:storm` (bench/storm.ts), and at CI size,
// for correctness only, by test/reliability-storm.test.ts.
import { quantile, wordAt, type Fleet } from './fleet.js';
import { waitUntil } from './wait.js';

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
