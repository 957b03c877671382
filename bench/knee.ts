// The knee search (`npm run bench -- --knee`): for each worker count, one server and a stepped
// ramp. Each step connects more students (classes of --class-size), lets them settle, and measures
// a window of --knee-step-s: p99 of PROGRESS_SAVED and INTERRUPTION_ACKNOWLEDGED, CPU of every
// server process, of the relay thread and of the load generator. The knee is the most students
// whose window kept both p99s at or under 20 ms. The load generator runs on the same cores as the
// server, so on a small machine the knee is the server's and the generator's together: the
// generator's CPU is printed beside it, and the per-core cost (CPU-seconds per student-second,
// relay CPU per answer) is what `npm run plan` extrapolates from.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchTarget, GeneratorMeter, rampDone, spawnWorkers, sumCounters, withServer } from './bench.js';
import type { BenchOptions } from './bench.js';
import { TreeMeter } from './meter.js';
import { median } from './processes.js';
import type { PerCoreFigures } from './planner.js';

/** The ack target the knee is the edge of. */
export const KNEE_P99_MS = 20;

export interface KneeOptions {
  max: number;
  steps: number;
  stepS: number;
  workers: number[];
}

export interface KneeStep {
  students: number;
  progressP99Ms: number | null;
  interruptionP99Ms: number | null;
  /** Every server process together, and the busiest one, percent of one core (medians over the window). */
  serverCpuPct: number;
  busiestProcessCpuPct: number;
  relayCpuPct: number | null;
  generatorCpuPct: number;
  answers: number;
  relayCpuSeconds: number | null;
  errors: number;
  ok: boolean;
}

export interface KneeRun {
  workers: number;
  steps: KneeStep[];
  /** The most students of a step within the target (null: not even the first). */
  knee: number | null;
  /** The largest step was within too: the knee is beyond --knee-max. */
  beyondMax: boolean;
  /** Per-core cost from the largest step within the target (or the first step). */
  perCore: Omit<
    PerCoreFigures,
    'bytesPerStudent' | 'idleBytesPerProcess' | 'audioBytesPerListenerPerSec' | 'socketBytesPerStudentPerSec'
  >;
  lost: number;
}

export interface KneeResult {
  startedAt: string;
  machine: { cores: number };
  options: KneeOptions & { classSize: number; progressEveryS: number; questionEveryS: number };
  runs: KneeRun[];
}

/** The students of each step: an even ramp from max/steps to max, whole classes. */
export function stepSizes(max: number, steps: number, classSize: number): number[] {
  const out: number[] = [];
  for (let k = 1; k <= steps; k++) {
    const n = Math.max(classSize, Math.round((max * k) / steps / classSize) * classSize);
    if (out.at(-1) !== n) out.push(Math.min(n, max));
  }
  return out;
}

export async function runKnee(o: BenchOptions & { maxInFlight: number }, k: KneeOptions): Promise<KneeResult> {
  const startedAt = new Date().toISOString();
  const { availableParallelism } = await import('node:os');
  const sizes = stepSizes(k.max, k.steps, o.classSize);
  const runs: KneeRun[] = [];
  for (const workers of k.workers) {
    o.log(`\n== Knee search, READERAI_WORKERS=${workers}: steps of ${sizes.join(', ')} students, ${k.stepS} s each ==`);
    const run = { ...o, workers, students: k.max };
    const { result, loss } = await withServer(run, (server) => steps(server, run, sizes, k.stepS));
    const within = result.steps.filter((s) => s.ok);
    const basis = within.at(-1) ?? result.steps[0];
    runs.push({
      workers,
      steps: result.steps,
      knee: within.at(-1)?.students ?? null,
      beyondMax: result.steps.length === sizes.length && result.steps.at(-1)!.ok,
      perCore: {
        coresPerStudent: basis ? Math.max(0, basis.serverCpuPct - (basis.relayCpuPct ?? 0)) / 100 / basis.students : 0,
        relayCpuSecondsPerAnswer:
          basis && basis.relayCpuSeconds !== null && basis.answers > 0 ? basis.relayCpuSeconds / basis.answers : 0,
        answersPerStudentPerSecond: 1 / o.questionEveryS,
      },
      lost: loss.lost,
    });
    o.log(
      `Knee with ${workers} worker(s): ` +
        (runs.at(-1)!.knee === null
          ? `none (already over ${KNEE_P99_MS} ms at the first step, ${sizes[0]} students)`
          : `${kneeText(runs.at(-1)!)} students at p99 ≤ ${KNEE_P99_MS} ms`) +
        `; ${loss.lost} acked updates lost of ${loss.studentsChecked} checked`,
    );
  }
  return {
    startedAt,
    machine: { cores: availableParallelism() },
    options: { ...k, classSize: o.classSize, progressEveryS: o.progressEveryS, questionEveryS: o.questionEveryS },
    runs,
  };
}

async function steps(
  server: Parameters<Parameters<typeof withServer>[1]>[0],
  o: BenchOptions & { maxInFlight: number },
  sizes: number[],
  stepS: number,
): Promise<{ steps: KneeStep[]; acked: Map<string, number> }> {
  const target = await benchTarget(server, o, o.log);
  const meter = new TreeMeter(server.child.pid!);
  const clients = spawnWorkers(target, o, sizes[0]!, false);
  const generator = new GeneratorMeter(clients.pids);
  const total = () => sumCounters([...clients.counters.values()]);
  const out: KneeStep[] = [];
  try {
    meter.read();
    clients.start();
    for (const [i, students] of sizes.entries()) {
      if (i > 0) clients.grow(students);
      await rampDone(clients.ramped(), students, o.rampPerSecond);
      await sleep(o.progressEveryS * 1000 + 1000);
      await clients.window();
      const startRelay = meter.read().relayCpuSeconds;
      generator.read();
      const startAnswers = total().answers;
      const cpu: number[] = [];
      const busiest: number[] = [];
      const relay: number[] = [];
      const gen: number[] = [];
      for (let t = 0; t < stepS; t++) {
        await sleep(1000);
        const r = meter.read();
        cpu.push(r.cpuPct);
        busiest.push(Math.max(...r.processes.map((p) => p.cpuPct)));
        if (r.relayCpuPct !== null) relay.push(r.relayCpuPct);
        gen.push(generator.read());
      }
      const endRelay = meter.read().relayCpuSeconds;
      const w = await clients.window();
      const c = total();
      const errors = (Object.values(c.errors) as number[]).reduce((a, b) => a + b, 0);
      const p99 = [w.progressSaved.p99Ms, w.interruptionAck.p99Ms];
      const step: KneeStep = {
        students: c.connected,
        progressP99Ms: w.progressSaved.p99Ms,
        interruptionP99Ms: w.interruptionAck.p99Ms,
        serverCpuPct: round(median(cpu) ?? 0),
        busiestProcessCpuPct: round(median(busiest) ?? 0),
        relayCpuPct: relay.length ? round(median(relay)!) : null,
        generatorCpuPct: round(gen.reduce((a, b) => a + b, 0) / Math.max(1, gen.length)),
        answers: c.answers - startAnswers,
        relayCpuSeconds: startRelay !== null && endRelay !== null ? endRelay - startRelay : null,
        errors,
        // A window with no question asked says nothing about INTERRUPTION_ACKNOWLEDGED: progress alone decides.
        ok: errors === 0 && p99.every((v) => v === null || v <= KNEE_P99_MS) && p99[0] !== null,
      };
      out.push(step);
      o.log(
        `  step ${i + 1}/${sizes.length}: ${step.students} students · ` +
          `p99 PROGRESS_SAVED ${fmt(step.progressP99Ms)} ms, ` +
          `INTERRUPTION_ACKNOWLEDGED ${fmt(step.interruptionP99Ms)} ms · server ${step.serverCpuPct}% ` +
          `(busiest process ${step.busiestProcessCpuPct}%, relay ${step.relayCpuPct ?? '-'}%) · ` +
          `load generator ${step.generatorCpuPct}% · errors ${errors} · ` +
          `${step.ok ? 'within' : 'OVER'} ${KNEE_P99_MS} ms`,
      );
      // Two windows over in a row after one within: the knee is behind us, more load only makes the
      // run slower. Before any window is within, the ramp goes on (a slow start is not a knee).
      if (!step.ok && out.length >= 2 && !out.at(-2)!.ok && out.some((x) => x.ok)) break;
    }
    const finals = await clients.stop(o.drainS * 1000);
    const acked = new Map<string, number>();
    for (const f of finals) for (const [id, seq] of f.acked) acked.set(id, seq);
    return { steps: out, acked };
  } finally {
    clients.kill();
  }
}

export function formatKnee(r: KneeResult): string {
  const lines = [
    '',
    `Knee (the most students with p99 PROGRESS_SAVED and INTERRUPTION_ACKNOWLEDGED ≤ ${KNEE_P99_MS} ms):`,
  ];
  for (const run of r.runs) {
    const at = run.steps.find((s) => s.students === run.knee);
    lines.push(
      `  ${run.workers} worker(s): ${run.knee === null ? 'none within the target' : `${kneeText(run)} students`}` +
        (at ? ` (server ${at.serverCpuPct}% of one core, load generator ${at.generatorCpuPct}%)` : '') +
        `; per core: ${(run.perCore.coresPerStudent * 100).toPrecision(2)}% of a core per student, ` +
        `relay ${(run.perCore.relayCpuSecondsPerAnswer * 1000).toFixed(2)} ms per answer; lost ${run.lost}`,
    );
  }
  lines.push(
    `Caveat: on this ${r.machine.cores}-core machine the load generator shares the cores with the server; ` +
      'its CPU is beside each figure. The knee is the pair of them, not the server alone: ' +
      'npm run plan extrapolates from the per-core cost instead.',
  );
  return lines.join('\n');
}

/** p99 against students, one line per worker count, the 20 ms target drawn across. */
export function kneeSvg(r: KneeResult): string {
  const W = 720;
  const H = 360;
  const PAD = { left: 60, right: 150, top: 30, bottom: 40 };
  const points = r.runs.flatMap((run) => run.steps);
  const xMax = Math.max(1, ...points.map((s) => s.students));
  const worst = (s: KneeStep) => Math.max(s.progressP99Ms ?? 0, s.interruptionP99Ms ?? 0);
  const yMax = Math.max(KNEE_P99_MS * 2, ...points.map(worst)) * 1.1;
  const x = (n: number) => PAD.left + ((W - PAD.left - PAD.right) * n) / xMax;
  const y = (ms: number) => H - PAD.bottom - ((H - PAD.top - PAD.bottom) * Math.min(ms, yMax)) / yMax;
  const colours = ['#1f6feb', '#d29922', '#2da44e', '#cf222e'];
  const parts = [
    `<text x="${PAD.left}" y="18" font-size="13">` +
      'p99 acks (the worse of PROGRESS_SAVED and INTERRUPTION_ACKNOWLEDGED) against students</text>',
    `<line x1="${PAD.left}" y1="${y(0)}" x2="${W - PAD.right}" y2="${y(0)}" stroke="#ccc"/>`,
    `<line x1="${PAD.left}" y1="${y(KNEE_P99_MS)}" x2="${W - PAD.right}" y2="${y(KNEE_P99_MS)}" ` +
      'stroke="#cf222e" stroke-dasharray="4 4"/>',
    `<text x="${PAD.left - 6}" y="${y(KNEE_P99_MS) + 4}" font-size="11" text-anchor="end">${KNEE_P99_MS} ms</text>`,
    `<text x="${PAD.left - 6}" y="${y(yMax / 1.1) + 4}" font-size="11" text-anchor="end">` +
      `${Math.round(yMax / 1.1)} ms</text>`,
    `<text x="${x(xMax)}" y="${H - 12}" font-size="11" text-anchor="end">${xMax} students</text>`,
    `<text x="${PAD.left}" y="${H - 12}" font-size="11">0</text>`,
  ];
  r.runs.forEach((run, i) => {
    const colour = colours[i % colours.length]!;
    const pts = run.steps.map((s) => `${x(s.students).toFixed(1)},${y(worst(s)).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.join(' ')}"/>`);
    for (const s of run.steps)
      parts.push(`<circle cx="${x(s.students).toFixed(1)}" cy="${y(worst(s)).toFixed(1)}" r="3" fill="${colour}"/>`);
    parts.push(
      `<text x="${W - PAD.right + 10}" y="${PAD.top + 18 * (i + 1)}" font-size="12" fill="${colour}">` +
        `${run.workers} worker(s): knee ${run.knee === null ? '-' : kneeText(run).replace('≥', '&#8805;')}</text>`,
    );
  });
  parts.push(
    `<text x="${W - PAD.right + 10}" y="${PAD.top + 18 * (r.runs.length + 2)}" font-size="10" fill="#57606a">` +
      `${r.machine.cores} cores, shared</text>`,
    `<text x="${W - PAD.right + 10}" y="${PAD.top + 18 * (r.runs.length + 2) + 13}" font-size="10" fill="#57606a">` +
      `with the load generator</text>`,
  );
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`
  );
}

/** knee-<time>.json, knee-latest.json in outDir and the chart in bench/figures/; returns the chart's path. */
export function writeKnee(r: KneeResult, outDir: string, figuresDir: string): string {
  mkdirSync(outDir, { recursive: true });
  mkdirSync(figuresDir, { recursive: true });
  const json = JSON.stringify(r, null, 2) + '\n';
  writeFileSync(join(outDir, `knee-${r.startedAt.replace(/[:.]/g, '-')}.json`), json);
  writeFileSync(join(outDir, 'knee-latest.json'), json);
  const svg = join(figuresDir, 'knee.svg');
  writeFileSync(svg, kneeSvg(r));
  return svg;
}

/** "3990", or "≥ 3990" when even the largest step was within the target. */
const kneeText = (run: KneeRun) => `${run.beyondMax ? '≥ ' : ''}${run.knee}`;
const round = (n: number) => Math.round(n * 10) / 10;
const fmt = (v: number | null) => (v === null ? '-' : v.toFixed(1));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
