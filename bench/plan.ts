// `npm run plan -- --students 20000 --audio 30`: "how many concurrent students can one server
// handle?", answered for the design brief's server sizes (2, 4, 8, 16 vCPU) from per-core figures
// measured here: the last bench's (bench-results/latest.json) if there is one, else the figures
// built in below, and the same headroom model as the live panel.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { perStudent, planRows, type PerCoreFigures, type PlanInput } from './planner.js';
import type { BenchResult } from './bench.js';

/**
 * Measured on the 2-core development machine (Node 24, 2026-12-02, `npm run bench -- --students
 * 2000 --duration 20 --audio 20`, one process, 400 listeners at 64 kbit/s). The machine was shared
 * (load average 8), so CPU is a ceiling, and the socket work includes serving the listeners' audio.
 * `npm run bench` replaces them with this machine's own figures.
 */
export const MEASURED: PerCoreFigures & { source: string } = {
  source: 'built-in figures (2-core development machine, 2026-12-02, 2,000 students, one process, 20% listening)',
  coresPerStudent: 0.000069,
  relayCpuSecondsPerAnswer: 0.0039,
  answersPerStudentPerSecond: 1 / 300,
  bytesPerStudent: 31.6 * 1024,
  idleBytesPerProcess: 163 * 1024 * 1024,
  socketBytesPerStudentPerSec: 11,
  audioBytesPerListenerPerSec: 8000,
};

const USAGE = `Usage: npm run plan -- [--students N] [options]
  --students N       students enrolled (without it: the table alone)
  --concurrency F    share of them connected at once, 0..1 (default 1)
  --workers N|auto   socket workers per server (default auto: one per vCPU)
  --audio PCT        share of students listening to narrated audio, percent (default 0)
  --audio-kbps K     narration bitrate to plan with (default: measured by the bench, else 64)
  --network-mbps M   the server's link or the school's Wi-Fi, Mbit/s (default 100, as READERAI_NETWORK_MBPS)
  --reserve PCT      share of each resource kept free (default 25)
  --fd-limit N       open-file limit of each server process (default 65536; 'ulimit -n' raises it)
  --rpm N            Gemini requests per minute the API key allows (default 1000)
  --results FILE     a bench's JSON (default bench-results/latest.json)`;

/** The bench's per-core figures if the file has them, else the built-in ones. */
function figures(file: string): PerCoreFigures & { source: string } {
  try {
    const bench = JSON.parse(readFileSync(file, 'utf8')) as Partial<BenchResult>;
    if (bench.perCore)
      return {
        ...bench.perCore,
        source:
          `${file} (bench of ${bench.perCore.students} students, ` +
          `${bench.perCore.workers} worker(s), ${bench.startedAt?.slice(0, 10)})`,
      };
  } catch {
    // No bench on this machine yet: the built-in figures.
  }
  return MEASURED;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      students: { type: 'string' },
      concurrency: { type: 'string' },
      workers: { type: 'string' },
      audio: { type: 'string' },
      'audio-kbps': { type: 'string' },
      'network-mbps': { type: 'string' },
      reserve: { type: 'string' },
      'fd-limit': { type: 'string' },
      rpm: { type: 'string' },
      results: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const num = (v: string | undefined, fallback: number, name: string, min = 0) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min} (got ${v})\n${USAGE}`);
    return n;
  };
  const f = figures(values.results ?? 'bench-results/latest.json');
  const input: PlanInput = {
    figures: f,
    workers: values.workers === undefined || values.workers === 'auto' ? 'auto' : num(values.workers, 1, 'workers', 1),
    reservePct: num(values.reserve, 25, 'reserve'),
    fdLimit: num(values['fd-limit'], 65_536, 'fd-limit', 1),
    geminiQuotaPerMinute: num(values.rpm, 1000, 'rpm', 1),
    networkMbps: num(values['network-mbps'], 100, 'network-mbps', 0.001),
    audioShare: Math.min(100, num(values.audio, 0, 'audio')) / 100,
    audioKbps:
      values['audio-kbps'] !== undefined
        ? num(values['audio-kbps'], 64, 'audio-kbps')
        : f.audioBytesPerListenerPerSec === null
          ? 64
          : null,
  };
  const per = perStudent(input);
  const students = values.students === undefined ? null : num(values.students, 0, 'students', 1);
  const concurrent = students === null ? null : Math.ceil(students * num(values.concurrency, 1, 'concurrency'));

  console.log(`Per-core figures: ${f.source}.`);
  console.log(
    `  socket work ${pct(f.coresPerStudent)} of a core per student (CPU-seconds per student-second), ` +
      `relay ${(f.relayCpuSecondsPerAnswer * 1000).toFixed(2)} ms of CPU per answer, ` +
      `${(f.answersPerStudentPerSecond * 60).toFixed(2)} answers/min per student;`,
  );
  console.log(
    `  ${(f.bytesPerStudent / 1024).toFixed(1)} KiB RSS per student, ` +
      `${mib(f.idleBytesPerProcess)} MiB idle per process; ` +
      `sent ${f.socketBytesPerStudentPerSec.toFixed(0)} B/s per student on sockets, ` +
      (f.audioBytesPerListenerPerSec === null
        ? 'audio not measured.'
        : `${kbit(f.audioBytesPerListenerPerSec)} per listener.`),
  );
  console.log(
    `Planned per student: ${pct(per.cores)} of a core, ${kbit(per.sentBytesPerSec)} sent ` +
      `(${Math.round(input.audioShare * 100)}% listening` +
      `${input.audioKbps !== null ? ` at ${input.audioKbps} kbit/s` : ''}), ` +
      `${per.requestsPerMinute.toFixed(2)} Gemini requests/min; ${input.reservePct}% of each resource kept free; ` +
      `link ${input.networkMbps} Mbit/s.\n`,
  );

  const rows = planRows(input);
  const fmt = (n: number | null) => (n === null ? '-' : n.toLocaleString('en-US'));
  const header = ['size', 'vCPU', 'RAM', 'workers', 'brief says', 'CPU', 'memory', 'open files', 'network', 'Gemini'];
  header.push('server alone', 'capacity', 'binds');
  if (concurrent !== null) header.push(`${concurrent}?`);
  const table = [
    header,
    ...rows.map((r) => {
      const row = [
        r.name,
        String(r.vcpu),
        `${r.ramGb} GB`,
        String(r.workers),
        r.brief,
        fmt(r.bounds.cpu),
        fmt(r.bounds.memory),
        fmt(r.bounds.descriptors),
        fmt(r.bounds.network),
        fmt(r.bounds.gemini),
        `${fmt(r.server.capacity)} (${r.server.binding ?? '-'})`,
        fmt(r.capacity),
        r.binding ?? '-',
      ];
      if (concurrent !== null) row.push(r.capacity >= concurrent ? 'yes' : 'no');
      return row;
    }),
  ];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  for (const row of table)
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  console.log(
    '\nCPU is the vCPUs the workers can use (one event loop each) times (1 - reserve), over the socket work' +
      "\nand the relay's share per student; open files are each worker's limit times the workers; network is" +
      "\nthe link times (1 - reserve) over what each student is sent; the Gemini column is the API key's quota," +
      '\nthe same on every machine (raise it with Google, or --rpm); "server alone" is the least of the others.',
  );
  if (concurrent === null) return;
  const fits = rows.find((r) => r.capacity >= concurrent);
  console.log(
    fits
      ? `\nAnswer: the ${fits.name} size (${fits.vcpu} vCPU / ${fits.ramGb} GB) ` +
          `holds ${concurrent} concurrent students.`
      : `\nAnswer: no single size holds ${concurrent} concurrent students; ` +
          `the binding limit is ${rows.at(-1)?.binding}.`,
  );
}

const pct = (cores: number) => `${(cores * 100).toPrecision(2)}%`;
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const kbit = (bytesPerSec: number) => `${((bytesPerSec * 8) / 1000).toFixed(1)} kbit/s`;

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
