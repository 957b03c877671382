// A probe to load into the server under the bench, to see where latency tails and memory go:
//
//   npm run bench -- --no-baseline --server-node-args="--import=./dist/bench/gc-probe.js"
//
// It appends to bench-results/gc-probe-<pid>-<thread>.log (Node loads `--import` modules into
// worker threads too, so the checkpoint worker gets its own file):
//   - every GC pause over 15 ms, with its kind
//   - every event-loop stop over 40 ms, seen as a 10 ms timer firing late
//   - every 10 s, GC counts and total pause time per kind, and process.memoryUsage() in MiB
// Timestamps are seconds since the probe loaded. Not part of the server: nothing imports it.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { constants, performance, PerformanceObserver } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';

const GC_REPORT_MS = 15;
const TICK_MS = 10;
const STALL_REPORT_MS = 40;
const SUMMARY_EVERY_MS = 10_000;

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callbacks',
};

const dir = 'bench-results';
mkdirSync(dir, { recursive: true });
const file = join(dir, `gc-probe-${process.pid}-${threadId}.log`);
const t0 = performance.now();
const seconds = (t: number) => ((t - t0) / 1000).toFixed(2);
const write = (line: string) => appendFileSync(file, `${line}\n`);

const totals: Record<string, { count: number; ms: number; maxMs: number }> = {};

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    // Node puts the GC kind in `detail`; its PerformanceEntry type does not declare it.
    const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } };
    const kind = KINDS[detail?.kind ?? -1] ?? 'other';
    const total = (totals[kind] ??= { count: 0, ms: 0, maxMs: 0 });
    total.count++;
    total.ms += entry.duration;
    total.maxMs = Math.max(total.maxMs, entry.duration);
    if (entry.duration > GC_REPORT_MS) write(`${seconds(entry.startTime)} gc ${kind} ${entry.duration.toFixed(1)} ms`);
  }
}).observe({ entryTypes: ['gc'] });

let lastTick = performance.now();
setInterval(() => {
  const now = performance.now();
  const late = now - lastTick - TICK_MS;
  if (late > STALL_REPORT_MS) write(`${seconds(lastTick)} stall ${late.toFixed(0)} ms`);
  lastTick = now;
}, TICK_MS).unref();

setInterval(() => {
  const mib = Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 2 ** 20)]));
  const gc = Object.entries(totals).map(
    ([k, t]) => `${k} ${t.count}× ${t.ms.toFixed(0)} ms (max ${t.maxMs.toFixed(0)})`,
  );
  write(`${seconds(performance.now())} summary gc: ${gc.join(', ')} · memory MiB ${JSON.stringify(mib)}`);
}, SUMMARY_EVERY_MS).unref();
