// `npm run plan -- --students 5000 --concurrency 0.4`: "how many concurrent students can one server
// handle?", answered from the last bench's measured per-student figures (bench-results/latest.json)
// for the design brief's own server sizes, with the same headroom model as the live panel.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { planRows, type PlanInput } from './planner.js';
import type { BenchResult } from './bench.js';

const USAGE = `Usage: npm run plan -- --students N [--concurrency F] [--reserve PCT] [--fd-limit N] [--rpm N]
                        [--results FILE]
  --students N      students enrolled
  --concurrency F   share of them connected at once, 0..1 (default 1)
  --reserve PCT     share of each resource kept free (default 25)
  --fd-limit N      open-file limit of the server process (default 65536; 'ulimit -n' raises it)
  --rpm N           Gemini requests per minute the API key allows (default 1000)
  --results FILE    a bench's JSON (default bench-results/latest.json)`;

function main(): void {
  const { values } = parseArgs({
    options: {
      students: { type: 'string' },
      concurrency: { type: 'string' },
      reserve: { type: 'string' },
      'fd-limit': { type: 'string' },
      rpm: { type: 'string' },
      results: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || values.students === undefined) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 1;
    return;
  }
  const file = values.results ?? 'bench-results/latest.json';
  let bench: BenchResult;
  try {
    bench = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  } catch {
    console.error(`No bench results at ${file}: run \`npm run bench\` first.`);
    process.exitCode = 1;
    return;
  }
  const students = Number(values.students);
  const concurrency = Number(values.concurrency ?? 1);
  const concurrent = Math.ceil(students * concurrency);
  const input: PlanInput = {
    bytesPerStudent: bench.ours.bytesPerStudent,
    coresPerStudent: bench.ours.coresPerStudent,
    requestsPerStudentPerMinute: 60 / bench.options.questionEveryS,
    idleBytes: bench.ours.idleRssBytes,
    reservePct: Number(values.reserve ?? 25),
    fdLimit: Number(values['fd-limit'] ?? 65_536),
    geminiQuotaPerMinute: Number(values.rpm ?? 1000),
  };
  const rows = planRows(input);
  const fits = rows.find((r) => r.capacity >= concurrent);

  console.log(`${students} students at ${concurrency} concurrency: ${concurrent} connected at once.`);
  console.log(
    `Measured per student (bench of ${bench.ours.students} on ${bench.startedAt.slice(0, 10)}): ` +
      `${(input.bytesPerStudent / 1024).toFixed(1)} KiB, ${(input.coresPerStudent * 100).toPrecision(2)}% of a core, ` +
      `${input.requestsPerStudentPerMinute.toFixed(2)} Gemini requests/min; ` +
      `${input.reservePct}% of each resource kept free.\n`,
  );
  const fmt = (n: number | null) => (n === null ? '-' : n.toLocaleString('en-US'));
  const header = [
    'size',
    'vCPU',
    'RAM',
    'brief says',
    'memory',
    'CPU',
    'descriptors',
    'Gemini',
    'capacity',
    'binds',
    `${concurrent}?`,
  ];
  const table = [
    header,
    ...rows.map((r) => [
      r.name,
      String(r.vcpu),
      `${r.ramGb} GB`,
      r.brief,
      fmt(r.bounds.memory),
      fmt(r.bounds.cpu),
      fmt(r.bounds.descriptors),
      fmt(r.bounds.gemini),
      fmt(r.capacity),
      r.binding ?? '-',
      r.capacity >= concurrent ? 'yes' : 'no',
    ]),
  ];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  for (const row of table)
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  console.log(
    '\nOne server process runs its JavaScript on one core, so CPU capacity does not grow past one core;' +
      "\nthe Gemini column is the API key's quota, the same on every machine (raise it with Google, or --rpm).",
  );
  console.log(
    fits
      ? `\nAnswer: the ${fits.name} size (${fits.vcpu} vCPU / ${fits.ramGb} GB) ` +
          `holds ${concurrent} concurrent students.`
      : `\nAnswer: no single size holds ${concurrent} concurrent students; ` +
          `the binding limit is ${rows.at(-1)?.binding}.`,
  );
}

main();
