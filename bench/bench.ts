// The load simulator's orchestrator. One run measures two servers in turn under the same traffic:
//   1. the bare `ws` baseline (bench/baseline-server.ts),
//   2. ours (dist/server/main.js) with a temp data folder and the fake Gemini,
// each alone in its own process, driven by several client processes (bench/client-worker.ts).
// Each phase: idle figures, ramp up, settle, a measured hold, drain. Memory and CPU are read from
// /proc/<pid>; latencies are measured by the clients. After ours stops, every acknowledged progress
// update is looked up in its SQLite file: an acknowledged update that is not there is a loss.
import { serverEnv, serverExecArgv } from '../testkit/server-env.js';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Histogram, summarise, type LatencySummary } from './histogram.js';
import {
  newCounters,
  type Counters,
  type FromWorker,
  type Target,
  type ToWorker,
  type WorkerConfig,
} from './messages.js';
import { waitForMessage } from '../testkit/ipc.js';
import { forkSibling, median, readProc, stopChild } from './processes.js';
import { startUpstream } from './upstream.js';

export const SERVER_ENTRY = fileURLToPath(new URL('../dist/server/main.js', import.meta.url));

export interface BenchOptions {
  students: number;
  durationS: number;
  progressEveryS: number;
  questionEveryS: number;
  /** Fake Gemini: wait before the first chunk, and between chunks. */
  llmLatencyMs: number;
  chunkDelayMs: number;
  /** Client processes (each may hold up to its open-file limit of sockets). */
  clients: number;
  /** New students per second, all clients together. */
  rampPerSecond: number;
  /** Also measure the bare `ws` baseline. */
  baseline: boolean;
  /** READERAI_LLM_MAX_IN_FLIGHT for ours; null sizes it for the question rate and latency. */
  maxInFlight: number | null;
  /** READERAI_GEMINI_RPM for ours (the quota the capacity model plans against). */
  geminiRpm: number;
  /** Seconds allowed, after traffic stops, for outstanding acks and answers. */
  drainS: number;
  /** Node flags for our server's process, for profiling (--cpu-prof, --heapsnapshot-signal=SIGUSR2). */
  serverNodeArgs: string[];
  log: (line: string) => void;
  /** Called about once a second with a one-line status (the CLI redraws it in place). */
  status?: (line: string) => void;
}

export const DEFAULTS: Omit<BenchOptions, 'log'> = {
  students: 15_000,
  durationS: 60,
  progressEveryS: 5,
  questionEveryS: 300,
  llmLatencyMs: 600,
  chunkDelayMs: 40,
  clients: 4,
  rampPerSecond: 1000,
  baseline: true,
  maxInFlight: null,
  geminiRpm: 10_000,
  drainS: 15,
  serverNodeArgs: [],
};

export type ServerKind = Target['kind'];

export interface TimelinePoint {
  server: ServerKind;
  /** Seconds since this server's phase began. */
  t: number;
  phase: 'idle' | 'ramp' | 'settle' | 'hold' | 'drain';
  students: number;
  rssBytes: number;
  cpuPct: number;
}

export interface PhaseResult {
  server: ServerKind;
  students: number;
  idleRssBytes: number;
  /** Median over the hold. */
  holdRssBytes: number;
  bytesPerStudent: number;
  /** Percent of one core, per second over the hold. */
  cpuPctMedian: number;
  cpuPctMean: number;
  /** Cores per student (median CPU over the hold / students). */
  coresPerStudent: number;
  counters: Counters;
  errorCount: number;
  errorSamples: string[];
  progressSaved: LatencySummary;
  interruptionAck: LatencySummary;
  answer: LatencySummary;
  /** The server's own figures from GET /api/teacher/capacity over the hold (ours only). */
  reported: {
    loopP99MsMedian: number | null;
    bytesPerStudent: number | null;
    cpuPctPerStudent: number | null;
    basis: string | null;
    headroom: number | null;
    binding: string | null;
  } | null;
}

export interface LossCheck {
  studentsChecked: number;
  lost: number;
  examples: string[];
}

export interface BenchResult {
  startedAt: string;
  options: Omit<BenchOptions, 'log' | 'status'> & { maxInFlight: number };
  machine: { cores: number; node: string };
  baseline: PhaseResult | null;
  ours: PhaseResult;
  ratios: { memory: number; cpu: number } | null;
  loss: LossCheck;
  /** Errors of every kind, ours and the baseline's, plus lost updates. */
  errors: number;
  timeline: TimelinePoint[];
}

/** Questions per second times the answer's duration, doubled: enough Gemini calls in flight. */
export function inFlightFor(
  o: Pick<BenchOptions, 'students' | 'questionEveryS' | 'llmLatencyMs' | 'chunkDelayMs'>,
): number {
  const perSecond = o.students / o.questionEveryS;
  const seconds = (o.llmLatencyMs + 3 * o.chunkDelayMs) / 1000;
  return Math.min(256, Math.max(8, Math.ceil(perSecond * seconds * 2)));
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const o = { ...options, maxInFlight: options.maxInFlight ?? inFlightFor(options) };
  const timeline: TimelinePoint[] = [];
  const startedAt = new Date().toISOString();
  const { availableParallelism } = await import('node:os');

  let baseline: PhaseResult | null = null;
  if (o.baseline) {
    o.log(`\n== Bare ws baseline: ${o.students} students ==`);
    const child = forkSibling('baseline-server', { PATH: process.env.PATH ?? '' });
    try {
      const { port } = await waitForMessage<{ type: string; port: number }>(child, 'baseline-started', 20_000);
      const book = { bookId: 'bench-book', wordCount: 100_000 };
      baseline = await drive({ kind: 'baseline', wsBase: `ws://127.0.0.1:${port}`, ...book }, child, o, timeline);
    } finally {
      await stopChild(child, 5000);
    }
  }

  o.log(`\n== ReaderAI server: ${o.students} students ==`);
  const upstream = await startUpstream(o.llmLatencyMs, o.chunkDelayMs);
  const dataDir = mkdtempSync(join(tmpdir(), 'readerai-bench-'));
  let ours: PhaseResult;
  let loss: LossCheck;
  try {
    const server = await startServer(dataDir, upstream.baseUrl, o);
    let acked: Map<string, number>;
    try {
      const target = await classroomTarget(server.httpBase, server.adminToken);
      const run = await drive(target, server.child, o, timeline, server);
      ours = run;
      acked = run.acked;
    } finally {
      o.log('Stopping the server (SIGTERM: it commits and closes the database)…');
      const code = await stopChild(server.child);
      if (code !== 0) o.log(`The server exited with ${code}:\n${server.output().slice(-2000)}`);
    }
    o.log(`Checking ${acked.size} students' acknowledged progress against SQLite…`);
    loss = checkLoss(join(dataDir, 'readerai.db'), acked);
  } finally {
    await upstream.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const ratios =
    baseline && baseline.bytesPerStudent > 0 && baseline.coresPerStudent > 0
      ? {
          memory: ours.bytesPerStudent / baseline.bytesPerStudent,
          cpu: ours.coresPerStudent / baseline.coresPerStudent,
        }
      : null;
  return {
    startedAt,
    options: {
      students: o.students,
      durationS: o.durationS,
      progressEveryS: o.progressEveryS,
      questionEveryS: o.questionEveryS,
      llmLatencyMs: o.llmLatencyMs,
      chunkDelayMs: o.chunkDelayMs,
      clients: o.clients,
      rampPerSecond: o.rampPerSecond,
      baseline: o.baseline,
      maxInFlight: o.maxInFlight,
      geminiRpm: o.geminiRpm,
      drainS: o.drainS,
      serverNodeArgs: o.serverNodeArgs,
    },
    machine: { cores: availableParallelism(), node: process.version },
    baseline: baseline && strip(baseline),
    ours: strip(ours),
    ratios,
    loss,
    errors: ours.errorCount + (baseline?.errorCount ?? 0) + loss.lost,
    timeline,
  };
}

// -----------------------------------------------------------------------------------------------

interface OurServer {
  child: ChildProcess;
  httpBase: string;
  adminToken: string;
  output: () => string;
}

async function startServer(
  dataDir: string,
  geminiBaseUrl: string,
  o: Pick<BenchOptions, 'geminiRpm' | 'serverNodeArgs'> & { maxInFlight: number },
): Promise<OurServer> {
  const { fork } = await import('node:child_process');
  const child = fork(SERVER_ENTRY, [], {
    env: serverEnv(dataDir, {
      env: {
        GEMINI_API_KEY: 'bench-fake-key',
        READERAI_GEMINI_BASE_URL: geminiBaseUrl,
        READERAI_LLM_MAX_IN_FLIGHT: String(o.maxInFlight),
        READERAI_GEMINI_RPM: String(o.geminiRpm),
      },
    }),
    execArgv: serverExecArgv(o.serverNodeArgs),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const started = await waitForMessage<{ type: string; port: number; adminToken: string }>(
    child,
    'server-started',
    30_000,
    () => output,
  );
  return { child, httpBase: `http://127.0.0.1:${started.port}`, adminToken: started.adminToken, output: () => output };
}

async function teacherGet<T>(httpBase: string, adminToken: string, path: string): Promise<T> {
  const res = await fetch(`${httpBase}/api/teacher${path}`, { headers: { authorization: `Bearer ${adminToken}` } });
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

async function classroomTarget(httpBase: string, adminToken: string): Promise<Target> {
  const room = await teacherGet<{ classCode: string; bookId: string }>(httpBase, adminToken, '/classroom');
  const books = (await (await fetch(`${httpBase}/api/books`)).json()) as { id: string; wordCount: number }[];
  const wordCount = books.find((b) => b.id === room.bookId)?.wordCount ?? 0;
  return { kind: 'ours', httpBase, classCode: room.classCode, bookId: room.bookId, wordCount };
}

interface CapacityReport {
  process: { loopP99Ms: number };
  perStudent: { bytes: number | null; cpuPct: number | null; basis: string };
  headroom: number | null;
  binding: string | null;
}

type Driven = PhaseResult & { acked: Map<string, number> };

/** One server's phase: idle, ramp, settle, hold, drain. */
async function drive(
  target: Target,
  child: ChildProcess,
  o: BenchOptions & { maxInFlight: number },
  timeline: TimelinePoint[],
  ours?: OurServer,
): Promise<Driven> {
  const pid = child.pid!;
  const began = performance.now();
  let phase: TimelinePoint['phase'] = 'idle';
  let last = readProc(pid);
  let lastAt = performance.now();
  const hold = { rss: [] as number[], cpu: [] as number[], students: [] as number[], loopP99: [] as number[] };
  let report: CapacityReport | null = null;

  const workers = spawnWorkers(target, o);
  const total = () => sumCounters([...workers.counters.values()]);

  const sampleOnce = async () => {
    const now = performance.now();
    const p = readProc(pid);
    if (!p || !last) return;
    const cpuPct = (100 * (p.cpuSeconds - last.cpuSeconds)) / ((now - lastAt) / 1000);
    last = p;
    lastAt = now;
    const c = total();
    timeline.push({
      server: target.kind,
      t: round((now - began) / 1000, 1),
      phase,
      students: c.connected,
      rssBytes: p.rssBytes,
      cpuPct: round(cpuPct, 1),
    });
    if (phase === 'hold') {
      hold.rss.push(p.rssBytes);
      hold.cpu.push(cpuPct);
      hold.students.push(c.connected);
      if (ours) {
        report = await teacherGet<CapacityReport>(ours.httpBase, ours.adminToken, '/capacity').catch(() => report);
        if (report) hold.loopP99.push(report.process.loopP99Ms);
      }
    }
    const errs = (Object.values(c.errors) as number[]).reduce((a, b) => a + b, 0);
    o.status?.(
      `[${target.kind}] ${phase.padEnd(6)} ${c.connected}/${o.students} students · RSS ${mb(p.rssBytes)} · ` +
        `CPU ${cpuPct.toFixed(0)}% · progress ${c.progressAcked}/${c.progressSent} acked · ` +
        `questions ${c.answers}/${c.questionsSent} answered · errors ${errs}`,
    );
  };
  let sampling = Promise.resolve();
  const sampler = setInterval(() => {
    sampling = sampling.then(sampleOnce);
  }, 1000);

  try {
    // Idle: what the server costs with nobody connected. The least of a few readings, as start-up
    // garbage is collected at V8's leisure and would otherwise count against the students.
    let idleRss = Infinity;
    for (let k = 0; k < 6; k++) {
      await sleep(500);
      idleRss = Math.min(idleRss, readProc(pid)?.rssBytes ?? Infinity);
    }

    phase = 'ramp';
    workers.start();
    // A ramp that takes three times its planned length plus two minutes means the server is stuck.
    const rampLimitS = (3 * o.students) / o.rampPerSecond + 120;
    let stalled: NodeJS.Timeout | undefined;
    await Promise.race([
      workers.ramped,
      new Promise(
        (_, reject) =>
          (stalled = setTimeout(
            () => reject(new Error(`the ramp did not finish in ${rampLimitS} s: the server stopped keeping up`)),
            rampLimitS * 1000,
          )),
      ),
    ]).finally(() => clearTimeout(stalled));
    phase = 'settle';
    // Every student has sent its first updates before the measured window starts.
    await sleep(o.progressEveryS * 1000 + 1000);
    phase = 'hold';
    workers.broadcast({ type: 'mark' });
    for (let s = 0; s < o.durationS; s += 5) await sleep(Math.min(5, o.durationS - s) * 1000);
    phase = 'drain';
    const finals = await workers.stop(o.drainS * 1000);
    clearInterval(sampler);
    await sampling;

    const counters = sumCounters(finals.map((f) => f.counters));
    const lat = { progressSaved: new Histogram(), interruptionAck: new Histogram(), answer: new Histogram() };
    const acked = new Map<string, number>();
    for (const f of finals) {
      lat.progressSaved.add(f.latencies.progressSaved);
      lat.interruptionAck.add(f.latencies.interruptionAck);
      lat.answer.add(f.latencies.answer);
      for (const [id, seq] of f.acked) acked.set(id, seq);
    }
    const students = median(hold.students) ?? 0;
    const holdRss = median(hold.rss) ?? idleRss;
    const cpuMedian = median(hold.cpu) ?? 0;
    const rep = report as CapacityReport | null;
    return {
      server: target.kind,
      students,
      idleRssBytes: idleRss,
      holdRssBytes: holdRss,
      bytesPerStudent: students > 0 ? (holdRss - idleRss) / students : 0,
      cpuPctMedian: round(cpuMedian, 2),
      cpuPctMean: round(hold.cpu.reduce((a, b) => a + b, 0) / Math.max(1, hold.cpu.length), 2),
      coresPerStudent: students > 0 ? cpuMedian / 100 / students : 0,
      counters,
      errorCount: (Object.values(counters.errors) as number[]).reduce((a, b) => a + b, 0),
      errorSamples: finals.flatMap((f) => f.samples).slice(0, 10),
      progressSaved: summarise(lat.progressSaved),
      interruptionAck: summarise(lat.interruptionAck),
      answer: summarise(lat.answer),
      reported: rep
        ? {
            loopP99MsMedian: median(hold.loopP99),
            bytesPerStudent: rep.perStudent.bytes,
            cpuPctPerStudent: rep.perStudent.cpuPct,
            basis: rep.perStudent.basis,
            headroom: rep.headroom,
            binding: rep.binding,
          }
        : null,
      acked,
    };
  } finally {
    clearInterval(sampler);
    workers.kill();
  }
}

/** The client processes of one phase. */
function spawnWorkers(target: Target, o: BenchOptions) {
  const n = Math.max(1, Math.min(o.clients, o.students));
  const children: ChildProcess[] = [];
  const configs: WorkerConfig[] = [];
  const counters = new Map<number, Counters>();
  let ramped = 0;
  let onRamped: () => void = () => {};
  const rampedPromise = new Promise<void>((resolve) => (onRamped = resolve));
  const finals: Extract<FromWorker, { type: 'final' }>[] = [];
  let first = 0;
  for (let k = 0; k < n; k++) {
    const count = Math.floor(o.students / n) + (k < o.students % n ? 1 : 0);
    const child = forkSibling('client-worker', { PATH: process.env.PATH ?? '', READERAI_BENCH_WORKER: '1' });
    configs.push({
      target,
      first,
      count,
      rampPerSecond: o.rampPerSecond / n,
      progressEveryMs: o.progressEveryS * 1000,
      questionEveryMs: o.questionEveryS * 1000,
    });
    first += count;
    child.on('message', (m: FromWorker) => {
      if (m.type === 'counters' || m.type === 'ramped' || m.type === 'final') counters.set(k, m.counters);
      if (m.type === 'ramped' && ++ramped === n) onRamped();
      if (m.type === 'final') finals.push(m);
    });
    children.push(child);
  }
  const post = (child: ChildProcess, m: ToWorker) => child.connected && child.send(m);
  return {
    counters,
    ramped: rampedPromise,
    start: () => children.forEach((c, k) => post(c, { type: 'start', config: configs[k]! })),
    broadcast: (m: ToWorker) => children.forEach((c) => post(c, m)),
    async stop(drainMs: number) {
      const exits = children.map(
        (c) => new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : c.once('exit', () => resolve()))),
      );
      children.forEach((c) => post(c, { type: 'stop', drainMs }));
      await Promise.race([Promise.all(exits), sleep(drainMs + 20_000)]);
      if (finals.length < n) throw new Error(`only ${finals.length} of ${n} client processes reported`);
      return finals;
    },
    kill: () => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')),
  };
}

/** Every student's stored seq must be at least the last seq acknowledged as saved. */
export function checkLoss(dbFile: string, acked: ReadonlyMap<string, number>): LossCheck {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const stored = new Map<string, number>();
    for (const r of db.prepare('SELECT student_id AS id, seq FROM progress').all() as { id: string; seq: number }[])
      stored.set(r.id, r.seq);
    let lost = 0;
    const examples: string[] = [];
    for (const [id, seq] of acked) {
      if (seq === 0) continue;
      const have = stored.get(id) ?? 0;
      if (have < seq) {
        lost++;
        if (examples.length < 5) examples.push(`${id}: acked ${seq}, stored ${have}`);
      }
    }
    return { studentsChecked: acked.size, lost, examples };
  } finally {
    db.close();
  }
}

function sumCounters(all: readonly Counters[]): Counters {
  const out: Counters = newCounters();
  for (const c of all) {
    for (const k of [
      'connected',
      'joined',
      'progressSent',
      'progressAcked',
      'questionsSent',
      'questionsAcked',
      'answers',
    ] as const)
      out[k] += c[k];
    for (const k of Object.keys(out.errors) as (keyof Counters['errors'])[]) out.errors[k] += c.errors[k];
  }
  return out;
}

function strip(p: Driven | PhaseResult): PhaseResult {
  const { acked: _acked, ...rest } = p as Driven;
  return rest;
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
