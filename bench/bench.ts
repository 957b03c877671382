// The load simulator's orchestrator. One run measures two servers in turn under the same traffic:
//   1. the bare `ws` baseline (bench/baseline-server.ts),
//   2. ours (dist/server/main.js, READERAI_WORKERS=N) with a temp data folder and the fake Gemini,
//      its students spread over classes of --class-size made through the admin API,
// each alone with its processes, driven by several client processes (bench/client-worker.ts).
// Each phase: idle figures, ramp up, settle, a measured hold, drain. Memory and CPU are read from
// /proc for the server's whole process tree and its relay thread (bench/meter.ts), and for the
// client processes (the load generator shares the machine); latencies are measured by the clients.
// After ours stops, every acknowledged progress update is looked up in its SQLite files: an
// acknowledged update that is not there is a loss.
import { serverEnv, serverExecArgv } from '../testkit/server-env.js';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
import { TreeMeter } from './meter.js';
import { createClasses, narratedBook } from './classes.js';

import type { PerCoreFigures } from './planner.js';

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
  /** Students per class (classes are made through POST /api/admin/classes). */
  classSize: number;
  /** READERAI_WORKERS for ours (a server without the setting ignores it and runs one process). */
  workers: number;
  /** Percent of students listening to the narrated book over HTTP (0: none, no audio fixture). */
  audioPct: number;
  /** The listeners' narration bitrate, kilobits per second. */
  audioKbps: number;
  /** Seconds into the hold to SIGKILL one socket worker (null: not done). */
  killWorkerAtS: number | null;
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
  classSize: 30,
  workers: 1,
  audioPct: 0,
  audioKbps: 64,
  killWorkerAtS: null,
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

/** One server process over the hold. */
export interface ProcessResult {
  pid: number;
  role: 'server' | 'primary' | 'worker';
  cpuPctMedian: number;
  rssHoldBytes: number;
}

/** What SIGKILL of one socket worker did (--kill-worker-at). */
export type KillResult =
  | { skipped: string }
  | {
      pid: number;
      atS: number;
      /** Sockets that closed, and how long until as many were connected as before (1 s resolution). */
      socketsDropped: number;
      backAfterS: number | null;
      reconnected: number;
      /** Questions in flight on the killed worker that went to the teacher (as they should). */
      handedToTeacher: number;
      /** p99 of PROGRESS_SAVED before the kill (everyone) and after it (those never disconnected). */
      p99BeforeMs: number | null;
      p99AfterMs: number | null;
      lostOnReconnect: number;
    };

export interface PhaseResult {
  server: ServerKind;
  students: number;
  idleRssBytes: number;
  /** Median over the hold. */
  holdRssBytes: number;
  bytesPerStudent: number;
  /** Percent of one core, per second over the hold: every server process together. */
  cpuPctMedian: number;
  cpuPctMean: number;
  /** Cores per student (median CPU over the hold / students). */
  coresPerStudent: number;
  /** Each server process (ours: the primary and its socket workers). */
  processes: ProcessResult[];
  /** The busiest socket worker's median CPU (a server alone: its CPU less the relay thread's). */
  busiestWorkerCpuPct: number;
  /** The AI relay thread (ours). */
  relay: { cpuPctMedian: number; cpuSeconds: number; answers: number; cpuMsPerAnswer: number | null } | null;
  /** The load generator (client processes and the orchestrator), percent of one core, mean over the hold. */
  generatorCpuPct: number;
  /** Bytes per second the students received over the hold: socket frames and narrated audio. */
  network: { socketBytesPerSec: number; audioBytesPerSec: number; listeners: number; audioRequests: number };
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
    /** The server's own network figure (mean over its last minute) and its link setting. */
    sentBytesPerSec: number | null;
    linkBytesPerSec: number | null;
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
  kill: KillResult | null;
  /** What npm run plan extrapolates from (bench/planner.ts). */
  perCore: PerCoreFigures & { students: number; workers: number };
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

  const classes = Math.ceil(o.students / o.classSize);
  o.log(
    `\n== ReaderAI server: ${o.students} students in ${classes} classes of ${o.classSize}, ` +
      `READERAI_WORKERS=${o.workers}${o.audioPct > 0 ? `, ${o.audioPct}% listening to narrated audio` : ''} ==`,
  );
  const { result: ours, loss } = await withServer(o, async (s) => {
    const target = await benchTarget(s, o, o.log);
    return drive(target, s.child, o, timeline, s);
  });

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
      classSize: o.classSize,
      workers: o.workers,
      audioPct: o.audioPct,
      audioKbps: o.audioKbps,
      killWorkerAtS: o.killWorkerAtS,
    },
    machine: { cores: availableParallelism(), node: process.version },
    baseline: baseline && strip(baseline),
    ours: strip(ours),
    ratios,
    loss,
    kill: ours.kill,
    perCore: {
      students: ours.students,
      workers: ours.processes.filter((p) => p.role === 'worker').length || 1,
      ...perCoreOf(ours, o),
      audioBytesPerListenerPerSec:
        ours.network.listeners > 0 ? ours.network.audioBytesPerSec / ours.network.listeners : null,
    },
    errors: ours.errorCount + (baseline?.errorCount ?? 0) + loss.lost,
    timeline,
  };
}

/** The per-core figures of one measured stretch (bench/planner.ts extrapolates from them). */
export function perCoreOf(
  p: Pick<
    PhaseResult,
    'students' | 'cpuPctMedian' | 'relay' | 'idleRssBytes' | 'bytesPerStudent' | 'processes' | 'network'
  >,
  o: Pick<BenchOptions, 'questionEveryS'>,
): Omit<PerCoreFigures, 'audioBytesPerListenerPerSec'> {
  const relayPct = p.relay?.cpuPctMedian ?? 0;
  return {
    coresPerStudent: p.students > 0 ? Math.max(0, p.cpuPctMedian - relayPct) / 100 / p.students : 0,
    relayCpuSecondsPerAnswer: (p.relay?.cpuMsPerAnswer ?? 0) / 1000,
    answersPerStudentPerSecond: 1 / o.questionEveryS,
    bytesPerStudent: Math.max(0, p.bytesPerStudent),
    idleBytesPerProcess: p.idleRssBytes / Math.max(1, p.processes.length),
    socketBytesPerStudentPerSec: p.students > 0 ? p.network.socketBytesPerSec / p.students : 0,
  };
}

// -----------------------------------------------------------------------------------------------

export interface OurServer {
  child: ChildProcess;
  httpBase: string;
  adminToken: string;
  output: () => string;
}

/**
 * Starts our server (fake Gemini, temp data folder), runs `use` against it, stops it (SIGTERM:
 * it commits and closes its databases) and checks every acknowledged update against SQLite.
 */
export async function withServer<T extends { acked: ReadonlyMap<string, number> }>(
  o: Pick<BenchOptions, 'geminiRpm' | 'serverNodeArgs' | 'workers' | 'llmLatencyMs' | 'chunkDelayMs' | 'log'> & {
    maxInFlight: number;
  },
  use: (server: OurServer) => Promise<T>,
): Promise<{ result: T; loss: LossCheck }> {
  const upstream = await startUpstream(o.llmLatencyMs, o.chunkDelayMs);
  const dataDir = mkdtempSync(join(tmpdir(), 'readerai-bench-'));
  try {
    const server = await startServer(dataDir, upstream.baseUrl, o);
    let result: T;
    try {
      result = await use(server);
    } finally {
      o.log('Stopping the server (SIGTERM: it commits and closes the database)…');
      const code = await stopChild(server.child);
      if (code !== 0) o.log(`The server exited with ${code}:\n${server.output().slice(-2000)}`);
    }
    o.log(`Checking ${result.acked.size} students' acknowledged progress against SQLite…`);
    return { result, loss: checkLoss(dataDir, result.acked) };
  } finally {
    await upstream.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function startServer(
  dataDir: string,
  geminiBaseUrl: string,
  o: Pick<BenchOptions, 'geminiRpm' | 'serverNodeArgs' | 'workers'> & { maxInFlight: number },
): Promise<OurServer> {
  const { fork } = await import('node:child_process');
  const child = fork(SERVER_ENTRY, [], {
    env: serverEnv(dataDir, {
      env: {
        GEMINI_API_KEY: 'bench-fake-key',
        READERAI_GEMINI_BASE_URL: geminiBaseUrl,
        READERAI_LLM_MAX_IN_FLIGHT: String(o.maxInFlight),
        READERAI_GEMINI_RPM: String(o.geminiRpm),
        READERAI_WORKERS: String(o.workers),
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

/** The classes the students join (and, with --audio, the narrated book they read). */
export async function benchTarget(
  server: OurServer,
  o: Pick<BenchOptions, 'students' | 'classSize' | 'audioPct' | 'audioKbps'>,
  log: (line: string) => void,
): Promise<Target> {
  const classes = await createClasses(server, Math.ceil(o.students / o.classSize));
  const base = { kind: 'ours' as const, httpBase: server.httpBase, classSize: o.classSize };
  const classCodes = classes.map((c) => c.classCode);
  if (o.audioPct <= 0) {
    const room = await teacherGet<{ bookId: string }>(server.httpBase, classes[0]!.teacherToken, '/classroom');
    const books = (await (await fetch(`${server.httpBase}/api/books`)).json()) as { id: string; wordCount: number }[];
    const wordCount = books.find((b) => b.id === room.bookId)?.wordCount ?? 0;
    return { ...base, classCodes, bookId: room.bookId, wordCount, audio: null };
  }
  log('Making the narrated book (espeak-ng, sox) and giving it to every class…');
  const book = await narratedBook(server, classes);
  const audio = { ...book.audio, percent: o.audioPct, bytesPerSecond: (o.audioKbps * 1000) / 8 };
  return { ...base, classCodes, bookId: book.bookId, wordCount: book.wordCount, audio };
}

interface CapacityReport {
  process: { loopP99Ms: number };
  perStudent: { bytes: number | null; cpuPct: number | null; basis: string };
  network?: { sentBytesPerSec: number; linkBytesPerSec: number };
  headroom: number | null;
  binding: string | null;
}

type Driven = PhaseResult & { acked: Map<string, number>; kill: KillResult | null };

/** One server's phase: idle, ramp, settle, hold, drain. */
async function drive(
  target: Target,
  child: ChildProcess,
  o: BenchOptions & { maxInFlight: number },
  timeline: TimelinePoint[],
  ours?: OurServer,
): Promise<Driven> {
  const meter = new TreeMeter(child.pid!);
  const began = performance.now();
  let phase: TimelinePoint['phase'] = 'idle';
  meter.read();
  const hold = {
    rss: [] as number[],
    cpu: [] as number[],
    students: [] as number[],
    loopP99: [] as number[],
    relay: [] as number[],
    byPid: new Map<number, { role: ProcessResult['role']; cpu: number[]; rss: number[] }>(),
  };
  let report: CapacityReport | null = null;

  const workers = spawnWorkers(target, o, o.students, o.killWorkerAtS !== null);
  const total = () => sumCounters([...workers.counters.values()]);
  const generator = new GeneratorMeter(workers.pids);

  const sampleOnce = async () => {
    const now = performance.now();
    const tree = meter.read();
    const gen = generator.read();
    const c = total();
    timeline.push({
      server: target.kind,
      t: round((now - began) / 1000, 1),
      phase,
      students: c.connected,
      rssBytes: tree.rssBytes,
      cpuPct: round(tree.cpuPct, 1),
    });
    if (phase === 'hold') {
      hold.rss.push(tree.rssBytes);
      hold.cpu.push(tree.cpuPct);
      hold.students.push(c.connected);
      if (tree.relayCpuPct !== null) hold.relay.push(tree.relayCpuPct);
      for (const p of tree.processes) {
        const h = hold.byPid.get(p.pid) ?? { role: p.role, cpu: [], rss: [] };
        h.cpu.push(p.cpuPct);
        h.rss.push(p.rssBytes);
        hold.byPid.set(p.pid, h);
      }
      generator.hold(gen);
      if (ours) {
        report = await teacherGet<CapacityReport>(ours.httpBase, ours.adminToken, '/capacity').catch(() => report);
        if (report) hold.loopP99.push(report.process.loopP99Ms);
      }
    }
    const errs = (Object.values(c.errors) as number[]).reduce((a, b) => a + b, 0);
    o.status?.(
      `[${target.kind}] ${phase.padEnd(6)} ${c.connected}/${o.students} students · RSS ${mb(tree.rssBytes)} · ` +
        `CPU ${tree.cpuPct.toFixed(0)}% (${tree.processes.length} proc) · load generator ${gen.toFixed(0)}% · ` +
        `progress ${c.progressAcked}/${c.progressSent} acked · questions ${c.answers}/${c.questionsSent} answered · ` +
        `errors ${errs}`,
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
      idleRss = Math.min(idleRss, meter.read().rssBytes || Infinity);
    }

    phase = 'ramp';
    workers.start();
    await rampDone(workers.ramped(), o.students, o.rampPerSecond);
    phase = 'settle';
    // Every student has sent its first updates before the measured window starts.
    await sleep(o.progressEveryS * 1000 + 1000);
    phase = 'hold';
    workers.broadcast({ type: 'mark' });
    const atMark = { counters: total(), relayCpu: meter.read().relayCpuSeconds, at: performance.now() };
    const killing =
      o.killWorkerAtS !== null && target.kind === 'ours'
        ? killOneWorker(meter, workers, total, o.killWorkerAtS, o.log)
        : Promise.resolve(null);
    for (let s = 0; s < o.durationS; s += 5) await sleep(Math.min(5, o.durationS - s) * 1000);
    const kill = await killing;
    const atEnd = { counters: total(), relayCpu: meter.read().relayCpuSeconds, at: performance.now() };
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
    const processes: ProcessResult[] = [...hold.byPid].map(([pid, h]) => ({
      pid,
      role: h.role,
      cpuPctMedian: round(median(h.cpu) ?? 0, 2),
      rssHoldBytes: median(h.rss) ?? 0,
    }));
    const relayPct = median(hold.relay);
    const answers = atEnd.counters.answers - atMark.counters.answers;
    const relayCpu =
      atMark.relayCpu !== null && atEnd.relayCpu !== null ? Math.max(0, atEnd.relayCpu - atMark.relayCpu) : null;
    const socketWorkers = processes.filter((p) => p.role === 'worker');
    const holdS = (atEnd.at - atMark.at) / 1000;
    const listeners = target.kind === 'ours' && target.audio ? Math.round((students * target.audio.percent) / 100) : 0;
    return {
      server: target.kind,
      students,
      idleRssBytes: idleRss,
      holdRssBytes: holdRss,
      bytesPerStudent: students > 0 ? (holdRss - idleRss) / students : 0,
      cpuPctMedian: round(cpuMedian, 2),
      cpuPctMean: round(hold.cpu.reduce((a, b) => a + b, 0) / Math.max(1, hold.cpu.length), 2),
      coresPerStudent: students > 0 ? cpuMedian / 100 / students : 0,
      processes,
      busiestWorkerCpuPct: round(
        socketWorkers.length > 0
          ? Math.max(...socketWorkers.map((p) => p.cpuPctMedian))
          : Math.max(0, cpuMedian - (relayPct ?? 0)),
        2,
      ),
      relay:
        relayPct === null || relayCpu === null
          ? null
          : {
              cpuPctMedian: round(relayPct, 2),
              cpuSeconds: round(relayCpu, 3),
              answers,
              cpuMsPerAnswer: answers > 0 ? round((1000 * relayCpu) / answers, 3) : null,
            },
      generatorCpuPct: round(generator.holdMean(), 1),
      network: {
        socketBytesPerSec: Math.round((atEnd.counters.socketBytes - atMark.counters.socketBytes) / holdS),
        audioBytesPerSec: Math.round((atEnd.counters.audioBytes - atMark.counters.audioBytes) / holdS),
        listeners,
        audioRequests: atEnd.counters.audioRequests - atMark.counters.audioRequests,
      },
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
            sentBytesPerSec: rep.network?.sentBytesPerSec ?? null,
            linkBytesPerSec: rep.network?.linkBytesPerSec ?? null,
          }
        : null,
      acked,
      kill,
    };
  } finally {
    clearInterval(sampler);
    workers.kill();
  }
}

/** Waits for the clients' 'ramped'; a ramp three times its planned length plus two minutes is a stuck server. */
export async function rampDone(ramped: Promise<void>, students: number, perSecond: number): Promise<void> {
  const limitS = (3 * students) / perSecond + 120;
  let stalled: NodeJS.Timeout | undefined;
  await Promise.race([
    ramped,
    new Promise(
      (_, reject) =>
        (stalled = setTimeout(
          () => reject(new Error(`the ramp did not finish in ${limitS} s: the server stopped keeping up`)),
          limitS * 1000,
        )),
    ),
  ]).finally(() => clearTimeout(stalled));
}

/** CPU of the load generator: the client processes and this orchestrator, percent of one core. */
export class GeneratorMeter {
  private last: { cpu: number; at: number } | null = null;
  private readonly held: number[] = [];

  constructor(private readonly pids: () => number[]) {}

  private cpuSeconds(): number {
    const own = process.cpuUsage();
    let s = (own.user + own.system) / 1e6;
    for (const pid of this.pids()) s += readProc(pid)?.cpuSeconds ?? 0;
    return s;
  }

  /** Percent of one core since the last read. */
  read(): number {
    const now = { cpu: this.cpuSeconds(), at: performance.now() };
    const pct = this.last ? (100 * (now.cpu - this.last.cpu)) / Math.max(1e-3, (now.at - this.last.at) / 1000) : 0;
    this.last = now;
    return pct;
  }

  hold(pct: number): void {
    this.held.push(pct);
  }

  holdMean(): number {
    return this.held.length === 0 ? 0 : this.held.reduce((a, b) => a + b, 0) / this.held.length;
  }
}

/**
 * --kill-worker-at: SIGKILL of one socket worker S seconds into the hold. Its tablets reconnect on
 * their own (the clients run with reconnect on); the figures are how long until as many sockets are
 * open as before, and the p99 of everyone before against those never disconnected after.
 */
async function killOneWorker(
  meter: TreeMeter,
  workers: ReturnType<typeof spawnWorkers>,
  total: () => Counters,
  atS: number,
  log: (line: string) => void,
): Promise<KillResult> {
  await sleep(atS * 1000);
  const pids = meter.workers();
  if (pids.length === 0)
    return { skipped: 'the server runs no socket workers (READERAI_WORKERS=1, or no such setting yet)' };
  const before = await workers.window();
  const connected = total().connected;
  const pid = pids[0]!;
  log(`SIGKILL socket worker ${pid} at ${atS} s into the hold (${connected} students connected)…`);
  process.kill(pid, 'SIGKILL');
  const killedAt = performance.now();
  let lowest = connected;
  let backAfterS: number | null = null;
  while (performance.now() - killedAt < 60_000) {
    await sleep(250);
    const now = total().connected;
    lowest = Math.min(lowest, now);
    if (lowest < connected && now >= connected) {
      backAfterS = round((performance.now() - killedAt) / 1000, 1);
      break;
    }
  }
  // Ten seconds of the survivors' acks after the return.
  await workers.window();
  await sleep(10_000);
  const after = await workers.window();
  const c = total();
  return {
    pid,
    atS,
    socketsDropped: connected - lowest,
    backAfterS,
    reconnected: c.reconnected,
    handedToTeacher: c.handedToTeacher,
    p99BeforeMs: before.progressSaved.p99Ms,
    p99AfterMs: after.progressSaved.p99Ms,
    lostOnReconnect: c.errors.lostOnReconnect,
  };
}

/** The client processes of one phase; `connectFirst` of the students connect at start. */
export function spawnWorkers(
  target: Target,
  o: Pick<BenchOptions, 'clients' | 'students' | 'rampPerSecond' | 'progressEveryS' | 'questionEveryS'>,
  connectFirst: number,
  reconnect: boolean,
) {
  const n = Math.max(1, Math.min(o.clients, o.students));
  const children: ChildProcess[] = [];
  const configs: WorkerConfig[] = [];
  const counters = new Map<number, Counters>();
  const finals: Extract<FromWorker, { type: 'final' }>[] = [];
  const share = (total: number, k: number) => Math.floor(total / n) + (k < total % n ? 1 : 0);
  let ramped = 0;
  let onRamped: () => void = () => {};
  let rampedPromise = Promise.resolve();
  const expectRamp = () => {
    ramped = 0;
    rampedPromise = new Promise<void>((resolve) => (onRamped = resolve));
  };
  let windows: Extract<FromWorker, { type: 'window' }>[] = [];
  let onWindows: () => void = () => {};
  let first = 0;
  for (let k = 0; k < n; k++) {
    const count = share(o.students, k);
    const child = forkSibling('client-worker', { PATH: process.env.PATH ?? '', READERAI_BENCH_WORKER: '1' });
    configs.push({
      target,
      first,
      count,
      connectFirst: share(connectFirst, k),
      rampPerSecond: o.rampPerSecond / n,
      progressEveryMs: o.progressEveryS * 1000,
      questionEveryMs: o.questionEveryS * 1000,
      reconnect,
    });
    first += count;
    child.on('message', (m: FromWorker) => {
      if (m.type === 'counters' || m.type === 'ramped' || m.type === 'final' || m.type === 'window')
        counters.set(k, m.counters);
      if (m.type === 'ramped' && ++ramped === n) onRamped();
      if (m.type === 'window' && windows.push(m) === n) onWindows();
      if (m.type === 'final') finals.push(m);
    });
    children.push(child);
  }
  const post = (child: ChildProcess, m: ToWorker) => child.connected && child.send(m);
  return {
    counters,
    pids: () => children.filter((c) => c.exitCode === null && c.pid !== undefined).map((c) => c.pid!),
    /** Every client has connected what it was asked to (since the last start or grow). */
    ramped: () => rampedPromise,
    start: () => {
      expectRamp();
      children.forEach((c, k) => post(c, { type: 'start', config: configs[k]! }));
    },
    /** Connects more students, `total` in all. */
    grow: (total: number) => {
      expectRamp();
      children.forEach((c, k) => post(c, { type: 'grow', upTo: share(total, k) }));
    },
    broadcast: (m: ToWorker) => children.forEach((c) => post(c, m)),
    /** The latencies every client saw since the last window (or mark), merged; a new window starts. */
    async window(): Promise<{ progressSaved: LatencySummary; interruptionAck: LatencySummary }> {
      windows = [];
      const all = new Promise<void>((resolve) => (onWindows = resolve));
      children.forEach((c) => post(c, { type: 'window' }));
      await Promise.race([all, sleep(10_000)]);
      const progressSaved = new Histogram();
      const interruptionAck = new Histogram();
      for (const w of windows) {
        progressSaved.add(w.latencies.progressSaved);
        interruptionAck.add(w.latencies.interruptionAck);
      }
      return { progressSaved: summarise(progressSaved), interruptionAck: summarise(interruptionAck) };
    },
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

/**
 * Every student's stored seq must be at least the last seq acknowledged as saved. Every SQLite
 * file in the data folder with a progress table counts (one file, or one per socket worker).
 */
export function checkLoss(dataDir: string, acked: ReadonlyMap<string, number>): LossCheck {
  const stored = new Map<string, number>();
  for (const file of readdirSync(dataDir).filter((f) => f.endsWith('.db'))) {
    const db = new Database(join(dataDir, file), { readonly: true, fileMustExist: true });
    try {
      const hasProgress = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'progress'").get();
      if (!hasProgress) continue;
      for (const r of db.prepare('SELECT student_id AS id, seq FROM progress').all() as { id: string; seq: number }[])
        stored.set(r.id, Math.max(r.seq, stored.get(r.id) ?? 0));
    } finally {
      db.close();
    }
  }
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
}

export function sumCounters(all: readonly Counters[]): Counters {
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
      'reconnected',
      'handedToTeacher',
      'socketBytes',
      'audioBytes',
      'audioRequests',
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
