// What a bench run prints and leaves behind: the table in the design brief's terms, the targets
// of issue 6 with pass/fail, the results JSON and an SVG chart (bench-results/, gitignored).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LatencySummary } from './histogram.js';
import type { BenchResult, TimelinePoint } from './bench.js';

export interface TargetCheck {
  name: string;
  target: string;
  measured: string;
  ok: boolean;
}

const KIB = 1024;

/** Issue 6's targets, as measured by this run. */
export function checkTargets(r: BenchResult): TargetCheck[] {
  const ours = r.ours;
  const checks: TargetCheck[] = [
    {
      name: 'students held',
      target: `${r.options.students} for ${r.options.durationS} s`,
      measured: `${ours.students}`,
      ok: ours.students >= r.options.students,
    },
    { name: 'errors', target: '0', measured: String(r.errors - r.loss.lost), ok: r.errors - r.loss.lost === 0 },
    { name: 'lost updates', target: '0', measured: String(r.loss.lost), ok: r.loss.lost === 0 },
    {
      name: 'RSS per student',
      target: '≤ 12 KiB',
      measured: kib(ours.bytesPerStudent),
      ok: ours.bytesPerStudent <= 12 * KIB,
    },
    latencyCheck('PROGRESS_SAVED p99', ours.progressSaved),
    latencyCheck('INTERRUPTION_ACKNOWLEDGED p99', ours.interruptionAck),
    {
      name: 'server CPU',
      target: '≤ 25% of one core',
      measured: `${ours.cpuPctMedian.toFixed(1)}%`,
      ok: ours.cpuPctMedian <= 25,
    },
  ];
  if (r.ratios)
    checks.splice(4, 0, {
      name: 'memory vs bare ws',
      target: '≤ 1.5x',
      measured: `${r.ratios.memory.toFixed(2)}x`,
      ok: r.ratios.memory <= 1.5,
    });
  return checks;
}

function latencyCheck(name: string, l: LatencySummary): TargetCheck {
  return {
    name,
    target: '≤ 20 ms',
    measured: l.p99Ms === null ? 'none measured' : `${l.p99Ms.toFixed(1)} ms`,
    ok: l.p99Ms !== null && l.p99Ms <= 20,
  };
}

export function formatReport(r: BenchResult): string {
  const b = r.baseline;
  const o = r.ours;
  const rows: [string, string, string, string][] = [
    ['', 'ReaderAI', 'bare ws', 'ratio'],
    ['students connected (median, hold)', String(o.students), b ? String(b.students) : '-', ''],
    [
      'server RSS idle → hold',
      `${mib(o.idleRssBytes)} → ${mib(o.holdRssBytes)}`,
      b ? `${mib(b.idleRssBytes)} → ${mib(b.holdRssBytes)}` : '-',
      '',
    ],
    [
      'memory per student',
      kib(o.bytesPerStudent),
      b ? kib(b.bytesPerStudent) : '-',
      r.ratios ? `${r.ratios.memory.toFixed(2)}x` : '',
    ],
    [
      'server CPU, % of one core (median / mean)',
      `${o.cpuPctMedian.toFixed(1)} / ${o.cpuPctMean.toFixed(1)}`,
      b ? `${b.cpuPctMedian.toFixed(1)} / ${b.cpuPctMean.toFixed(1)}` : '-',
      '',
    ],
    [
      'CPU per student, % of one core',
      pct(o.coresPerStudent),
      b ? pct(b.coresPerStudent) : '-',
      r.ratios ? `${r.ratios.cpu.toFixed(2)}x` : '',
    ],
    ['PROGRESS_SAVED p50 / p99 / max', lat(o.progressSaved), b ? lat(b.progressSaved) : '-', ''],
    ['INTERRUPTION_ACKNOWLEDGED p50 / p99 / max', lat(o.interruptionAck), b ? lat(b.interruptionAck) : '-', ''],
    ['answer (fake Gemini) p50 / p99 / max', lat(o.answer), '', ''],
    [
      'progress acked / sent',
      `${o.counters.progressAcked} / ${o.counters.progressSent}`,
      b ? `${b.counters.progressAcked} / ${b.counters.progressSent}` : '-',
      '',
    ],
    [
      'questions answered / asked',
      `${o.counters.answers} / ${o.counters.questionsSent}`,
      b ? `${b.counters.answers} / ${b.counters.questionsSent}` : '-',
      '',
    ],
    [
      'event-loop p99 (server reports)',
      o.reported?.loopP99MsMedian != null ? `${o.reported.loopP99MsMedian.toFixed(1)} ms` : '-',
      '',
      '',
    ],
    ['errors', String(o.errorCount), b ? String(b.errorCount) : '-', ''],
    ['lost updates (acked, not in SQLite)', `${r.loss.lost} of ${r.loss.studentsChecked} students`, '', ''],
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  const lines = rows.map((row) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));

  const perCore = o.coresPerStudent > 0 ? Math.floor(0.75 / o.coresPerStudent) : null;
  const brief = [
    '',
    'Against the design brief:',
    `  memory per student: brief 80-300 KB, measured ${kib(o.bytesPerStudent)}` +
      (o.bytesPerStudent > 0
        ? ` (${Math.round((80 * 1000) / o.bytesPerStudent)}x-${Math.round((300 * 1000) / o.bytesPerStudent)}x less)`
        : ''),
    `  CPU per student: brief 0.01-0.05% of a CPU, measured ${pct(o.coresPerStudent)}`,
    `  students per core (75% busy): brief 200-400, measured ${perCore ?? '-'}`,
  ];
  if (o.reported) {
    brief.push(
      `  the server's own capacity view at the end: ${o.reported.basis} figures, ` +
        `${o.reported.bytesPerStudent ?? '-'} B and ${o.reported.cpuPctPerStudent ?? '-'}% per student; ` +
        `headroom ${o.reported.headroom ?? '-'} more (${o.reported.binding ?? '-'} binds)`,
    );
  }
  const targets = checkTargets(r).map(
    (t) => `  ${t.ok ? 'PASS' : 'FAIL'}  ${t.name.padEnd(31)} target ${t.target.padEnd(20)} measured ${t.measured}`,
  );
  const samples = [...(b?.errorSamples ?? []), ...o.errorSamples, ...r.loss.examples];
  return [
    ...lines,
    ...brief,
    '',
    'Targets (issue 6):',
    ...targets,
    ...(samples.length ? ['', 'Error samples:', ...samples.map((s) => `  ${s}`)] : []),
  ].join('\n');
}

/** Students, RSS and CPU over time, ours and the baseline overlaid (time from each phase's start). */
export function chartSvg(timeline: readonly TimelinePoint[]): string {
  const W = 720;
  const H = 170;
  const PAD = { left: 60, right: 20, top: 24, bottom: 24 };
  const panels: { title: string; value: (p: TimelinePoint) => number; unit: string }[] = [
    { title: 'students connected', value: (p) => p.students, unit: '' },
    { title: 'server RSS', value: (p) => p.rssBytes / 1024 / 1024, unit: ' MiB' },
    { title: 'server CPU, % of one core', value: (p) => p.cpuPct, unit: '%' },
  ];
  const tMax = Math.max(1, ...timeline.map((p) => p.t));
  const colours = { ours: '#1f6feb', baseline: '#8b949e' } as const;
  const parts: string[] = [];
  panels.forEach((panel, i) => {
    const y0 = i * H;
    const yMax = Math.max(1, ...timeline.map(panel.value)) * 1.1;
    const x = (t: number) => PAD.left + ((W - PAD.left - PAD.right) * t) / tMax;
    const y = (v: number) => y0 + H - PAD.bottom - ((H - PAD.top - PAD.bottom) * v) / yMax;
    parts.push(`<text x="${PAD.left}" y="${y0 + 16}" font-size="13">${panel.title}</text>`);
    parts.push(`<line x1="${PAD.left}" y1="${y(0)}" x2="${W - PAD.right}" y2="${y(0)}" stroke="#ccc"/>`);
    parts.push(
      `<text x="${PAD.left - 6}" y="${y(yMax / 1.1) + 4}" font-size="11" text-anchor="end">` +
        `${Math.round(yMax / 1.1)}${panel.unit}</text>`,
    );
    parts.push(`<text x="${PAD.left - 6}" y="${y(0) + 4}" font-size="11" text-anchor="end">0</text>`);
    for (const server of ['baseline', 'ours'] as const) {
      const pts = timeline
        .filter((p) => p.server === server)
        .map((p) => `${x(p.t).toFixed(1)},${y(panel.value(p)).toFixed(1)}`);
      if (pts.length > 1)
        parts.push(`<polyline fill="none" stroke="${colours[server]}" stroke-width="1.5" points="${pts.join(' ')}"/>`);
    }
  });
  const legend =
    `<text x="${W - PAD.right}" y="16" font-size="12" text-anchor="end">` +
    `<tspan fill="${colours.ours}">ReaderAI</tspan>  <tspan fill="${colours.baseline}">bare ws</tspan>  ` +
    `(seconds from each phase's start; ${Math.round(tMax)} s)</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H * panels.length}" font-family="sans-serif">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n${legend}\n${parts.join('\n')}\n</svg>\n`
  );
}

/** Writes bench-<time>.json/.svg and latest.json/.svg into outDir; returns the JSON's path. */
export function writeResults(r: BenchResult, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const stamp = r.startedAt.replace(/[:.]/g, '-');
  const json = JSON.stringify({ ...r, targets: checkTargets(r) }, null, 2) + '\n';
  const svg = chartSvg(r.timeline);
  const file = join(outDir, `bench-${stamp}.json`);
  writeFileSync(file, json);
  writeFileSync(join(outDir, `bench-${stamp}.svg`), svg);
  writeFileSync(join(outDir, 'latest.json'), json);
  writeFileSync(join(outDir, 'latest.svg'), svg);
  return file;
}

const kib = (bytes: number) => `${(bytes / KIB).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / KIB / KIB).toFixed(0)} MiB`;
const pct = (cores: number) => `${(cores * 100).toPrecision(2)}%`;
const ms = (v: number | null) => (v === null ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(0));
const lat = (l: LatencySummary) => (l.n === 0 ? '-' : `${ms(l.p50Ms)} / ${ms(l.p99Ms)} / ${ms(l.maxMs)} ms`);
