// `npm run bench -- --students 15000 --workers 2`: the load simulator from the command line.
// Prints the table and the targets, writes bench-results/ (with the per-core figures npm run plan
// reads) and the per-student figures the server's capacity panel uses (capacity-profile.json in
// the data folder). `--knee` runs the knee search instead (bench/knee.ts). Exits 1 on any error
// or lost update; a missed performance target is reported, not an exit code.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envLayer, resolve } from '../server/config.js';
import { writeProfile } from '../server/capacity/profile.js';
import { DEFAULTS, inFlightFor, runBench, type BenchOptions } from './bench.js';
import { formatKnee, runKnee, writeKnee, type KneeOptions } from './knee.js';
import { formatReport, writeResults } from './report.js';

const KNEE_DEFAULTS: KneeOptions = { max: 15_000, steps: 6, stepS: 20, workers: [1, 2] };

const USAGE = `Usage: npm run bench -- [options]
  --students N          virtual students (default ${DEFAULTS.students})
  --duration S          measured seconds at full load (default ${DEFAULTS.durationS})
  --progress-every S    seconds between progress updates per student (default ${DEFAULTS.progressEveryS})
  --question-every S    mean seconds between questions per student (default ${DEFAULTS.questionEveryS})
  --llm-latency MS      fake Gemini's wait before answering (default ${DEFAULTS.llmLatencyMs})
  --chunk-delay MS      fake Gemini's pause between streamed chunks (default ${DEFAULTS.chunkDelayMs})
  --clients N           client processes (default: one per 4,000 students, at least 2)
  --ramp N              new students per second (default ${DEFAULTS.rampPerSecond})
  --max-in-flight N     READERAI_LLM_MAX_IN_FLIGHT (default: sized for the question rate)
  --rpm N               READERAI_GEMINI_RPM, the quota the capacity model uses (default ${DEFAULTS.geminiRpm})
  --class-size N        students per class, classes made through the admin API (default ${DEFAULTS.classSize})
  --workers N           READERAI_WORKERS for our server (default ${DEFAULTS.workers})
  --audio PCT           percent of students listening to a narrated book over HTTP (default 0)
  --audio-kbps K        the listeners' narration bitrate (default ${DEFAULTS.audioKbps})
  --kill-worker-at S    SIGKILL one socket worker S seconds into the hold; its tablets reconnect
  --no-baseline         skip the bare ws baseline
  --server-node-args=A  Node flags for our server, space-separated
                        (e.g. --server-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof")
  --out DIR             results folder (default bench-results)
  --data-dir DIR        where to leave capacity-profile.json (default: the server's data folder)
  --no-profile          do not write capacity-profile.json

Knee search (instead of the run above): a stepped ramp per worker count, the most students
with p99 acks ≤ 20 ms; chart in bench/figures/knee.svg
  --knee                run it
  --knee-max N          students of the last step (default ${KNEE_DEFAULTS.max})
  --knee-steps N        steps up to it (default ${KNEE_DEFAULTS.steps})
  --knee-step-s S       measured seconds per step (default ${KNEE_DEFAULTS.stepS})
  --knee-workers LIST   worker counts, comma-separated (default ${KNEE_DEFAULTS.workers.join(',')})`;

function options(): {
  bench: Omit<BenchOptions, 'log' | 'status'>;
  out: string;
  dataDir: string | null;
  knee: KneeOptions | null;
} {
  const { values } = parseArgs({
    options: {
      students: { type: 'string' },
      duration: { type: 'string' },
      'progress-every': { type: 'string' },
      'question-every': { type: 'string' },
      'llm-latency': { type: 'string' },
      'chunk-delay': { type: 'string' },
      clients: { type: 'string' },
      ramp: { type: 'string' },
      'max-in-flight': { type: 'string' },
      rpm: { type: 'string' },
      'no-baseline': { type: 'boolean' },
      'server-node-args': { type: 'string' },
      out: { type: 'string' },
      'data-dir': { type: 'string' },
      'no-profile': { type: 'boolean' },
      'class-size': { type: 'string' },
      workers: { type: 'string' },
      audio: { type: 'string' },
      'audio-kbps': { type: 'string' },
      'kill-worker-at': { type: 'string' },
      knee: { type: 'boolean' },
      'knee-max': { type: 'string' },
      'knee-steps': { type: 'string' },
      'knee-step-s': { type: 'string' },
      'knee-workers': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = (v: string | undefined, fallback: number, name: string) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number (got ${v})\n${USAGE}`);
    return n;
  };
  const knee: KneeOptions | null = values.knee
    ? {
        max: Math.floor(num(values['knee-max'], KNEE_DEFAULTS.max, 'knee-max')),
        steps: Math.floor(num(values['knee-steps'], KNEE_DEFAULTS.steps, 'knee-steps')),
        stepS: Math.ceil(num(values['knee-step-s'], KNEE_DEFAULTS.stepS, 'knee-step-s')),
        workers:
          values['knee-workers']?.split(',').map((w) => Math.floor(num(w.trim(), 1, 'knee-workers'))) ??
          KNEE_DEFAULTS.workers,
      }
    : null;
  const students = knee ? knee.max : Math.floor(num(values.students, DEFAULTS.students, 'students'));
  const maxInFlight =
    values['max-in-flight'] === undefined ? null : Math.floor(num(values['max-in-flight'], 0, 'max-in-flight'));
  const dataDir = values['no-profile'] ? null : (values['data-dir'] ?? serverDataDir());
  return {
    bench: {
      students,
      durationS: num(values.duration, DEFAULTS.durationS, 'duration'),
      progressEveryS: num(values['progress-every'], DEFAULTS.progressEveryS, 'progress-every'),
      questionEveryS: num(values['question-every'], DEFAULTS.questionEveryS, 'question-every'),
      llmLatencyMs: num(values['llm-latency'], DEFAULTS.llmLatencyMs, 'llm-latency'),
      chunkDelayMs: num(values['chunk-delay'], DEFAULTS.chunkDelayMs, 'chunk-delay'),
      clients: Math.floor(num(values.clients, Math.max(2, Math.ceil(students / 4000)), 'clients')),
      rampPerSecond: num(values.ramp, DEFAULTS.rampPerSecond, 'ramp'),
      baseline: !values['no-baseline'],
      maxInFlight,
      geminiRpm: Math.floor(num(values.rpm, DEFAULTS.geminiRpm, 'rpm')),
      drainS: DEFAULTS.drainS,
      serverNodeArgs: values['server-node-args']?.split(' ').filter(Boolean) ?? [],
      classSize: Math.floor(num(values['class-size'], DEFAULTS.classSize, 'class-size')),
      workers: Math.floor(num(values.workers, DEFAULTS.workers, 'workers')),
      audioPct: values.audio === undefined ? 0 : Math.min(100, num(values.audio, 0, 'audio')),
      audioKbps: num(values['audio-kbps'], DEFAULTS.audioKbps, 'audio-kbps'),
      killWorkerAtS: values['kill-worker-at'] === undefined ? null : num(values['kill-worker-at'], 0, 'kill-worker-at'),
    },
    out: values.out ?? 'bench-results',
    dataDir,
    knee,
  };
}

/** The data folder the server on this machine uses (READERAI_DATA_DIR or the platform default). */
function serverDataDir(): string {
  return resolve({ machine: {}, teacher: {}, environment: envLayer(process.env), flag: {}, locked: {} }).settings
    .dataDir;
}

async function main(): Promise<void> {
  const o = options();
  const tty = process.stdout.isTTY;
  let statusCount = 0;
  const io = {
    log: (line: string) => console.log(tty ? `\r\x1b[K${line}` : line),
    // On a terminal the status line is redrawn; in a log, one line every 5 seconds.
    status: (line: string) =>
      tty
        ? process.stdout.write(`\r\x1b[K${line.slice(0, (process.stdout.columns ?? 200) - 1)}`)
        : statusCount++ % 5 === 0 && console.log(line),
  };
  if (o.knee) {
    const knee = await runKnee({ ...o.bench, ...io, maxInFlight: o.bench.maxInFlight ?? inFlightFor(o.bench) }, o.knee);
    console.log(formatKnee(knee));
    const chart = writeKnee(knee, o.out, fileURLToPath(new URL('./figures', import.meta.url)));
    console.log(`\nResults: ${join(o.out, 'knee-latest.json')} (chart: ${chart})`);
    process.exitCode = knee.runs.some((r) => r.lost > 0) ? 1 : 0;
    return;
  }
  const result = await runBench({ ...o.bench, ...io });
  if (tty) process.stdout.write('\r\x1b[K');
  console.log('\n' + formatReport(result));
  const file = writeResults(result, o.out);
  console.log(`\nResults: ${file} (chart: ${join(o.out, 'latest.svg')})`);
  if (o.dataDir && result.ours.students > 0) {
    const profile = writeProfile(o.dataDir, {
      measuredAt: Date.now(),
      students: result.ours.students,
      results: file,
      bytesPerStudent: Math.max(0, result.ours.bytesPerStudent),
      coresPerStudent: result.ours.coresPerStudent,
      requestsPerStudentPerMinute: 60 / result.options.questionEveryS,
      sentBytesPerStudentPerSec:
        result.ours.students > 0
          ? (result.ours.network.socketBytesPerSec + result.ours.network.audioBytesPerSec) / result.ours.students
          : 0,
    });
    console.log(`Per-student figures for the capacity panel: ${profile}`);
  }
  process.exitCode = result.errors > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
