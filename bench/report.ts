// What a bench run prints and leaves behind: the table in the design brief's terms, the server's
// processes, relay, load generator and network, the targets of issues 6 and 20 with pass/fail, the
// results JSON and an SVG chart (bench-results/, gitignored).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LatencySummary } from './histogram.js';
import type { BenchResult, TimelinePoint } from './bench.js';

export interface TargetCheck {
  /** Which issue's targets. */
  issue: 6 | 20;
  name: string;
  target: string;
  measured: string;
  ok: boolean;
}

const KIB = 1024;

/** Issue 6's targets, then issue 20's, as measured by this run. */
export function checkTargets(r: BenchResult): TargetCheck[] {
  return [...issue6(r), ...issue20(r)];
}

function issue6(r: BenchResult): TargetCheck[] {
  const ours = r.ours;
  const checks: Omit<TargetCheck, 'issue'>[] = [
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
  return checks.map((c) => ({ issue: 6, ...c }));
}

/** Issue 20's targets: every server process together, against bare ws in the same run. */
function issue20(r: BenchResult): TargetCheck[] {
  const o = r.ours;
  const b = r.baseline;
  const checks: Omit<TargetCheck, 'issue'>[] = [
    { name: 'errors', target: '0', measured: String(r.errors - r.loss.lost), ok: r.errors - r.loss.lost === 0 },
    {
      name: 'lost acked updates (SQLite)',
      target: '0',
      measured: `${r.loss.lost} of ${r.loss.studentsChecked}`,
      ok: r.loss.lost === 0,
    },
    ratioLatency('PROGRESS_SAVED p99', o.progressSaved, b?.progressSaved ?? null),
    ratioLatency('INTERRUPTION_ACKNOWLEDGED p99', o.interruptionAck, b?.interruptionAck ?? null),
    {
      name: 'busiest socket worker',
      target: '≤ 25% of one core',
      measured: `${o.busiestWorkerCpuPct.toFixed(1)}%`,
      ok: o.busiestWorkerCpuPct <= 25,
    },
  ];
  if (b && b.cpuPctMedian > 0) {
    const ratio = o.cpuPctMedian / b.cpuPctMedian;
    checks.push({
      name: 'all server processes CPU',
      target: '≤ 2x bare ws',
      measured: `${o.cpuPctMedian.toFixed(1)}% = ${ratio.toFixed(2)}x (ws ${b.cpuPctMedian.toFixed(1)}%)`,
      ok: ratio <= 2,
    });
  }
  if (r.ratios)
    checks.push({
      name: 'RSS growth per student',
      target: '≤ 1.5x bare ws',
      measured: `${kib(o.bytesPerStudent)} = ${r.ratios.memory.toFixed(2)}x (ws ${kib(b!.bytesPerStudent)})`,
      ok: r.ratios.memory <= 1.5,
    });
  const k = r.kill;
  if (k && 'pid' in k) {
    checks.push(
      {
        name: 'SIGKILL: tablets back',
        target: '≤ 10 s',
        measured: k.backAfterS === null ? 'not back in 60 s' : `${k.backAfterS} s (${k.socketsDropped} sockets)`,
        ok: k.backAfterS !== null && k.backAfterS <= 10,
      },
      {
        name: 'SIGKILL: acked updates lost',
        target: '0',
        measured: String(k.lostOnReconnect),
        ok: k.lostOnReconnect === 0,
      },
      {
        name: "SIGKILL: the others' p99 after",
        target: '≤ 1.5x before',
        measured: `${ms(k.p99AfterMs)} ms after, ${ms(k.p99BeforeMs)} ms before`,
        ok: k.p99AfterMs !== null && k.p99BeforeMs !== null && k.p99AfterMs <= 1.5 * k.p99BeforeMs,
      },
    );
  }
  return checks.map((c) => ({ issue: 20, ...c }));
}

function ratioLatency(name: string, l: LatencySummary, ws: LatencySummary | null): Omit<TargetCheck, 'issue'> {
  const cap = ws?.p99Ms != null ? Math.min(20, 1.5 * ws.p99Ms) : 20;
  return {
    name,
    target: ws?.p99Ms != null ? `≤ 20 ms and ≤ 1.5x ws (${cap.toFixed(1)})` : '≤ 20 ms',
    measured:
      l.p99Ms === null
        ? 'none measured'
        : `${l.p99Ms.toFixed(1)} ms` + (ws?.p99Ms ? ` = ${(l.p99Ms / ws.p99Ms).toFixed(2)}x ws` : ''),
    ok: l.p99Ms !== null && l.p99Ms <= cap,
  };
}

function latencyCheck(name: string, l: LatencySummary): Omit<TargetCheck, 'issue'> {
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
      'server RSS idle → hold (all processes)',
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
      'server CPU, % of one core (all processes, median / mean)',
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
  const line = (t: TargetCheck) =>
    `  ${t.ok ? 'PASS' : 'FAIL'}  ${t.name.padEnd(31)} target ${t.target.padEnd(30)} measured ${t.measured}`;
  const all = checkTargets(r);
  const samples = [...(b?.errorSamples ?? []), ...o.errorSamples, ...r.loss.examples];
  return [
    ...lines,
    ...brief,
    '',
    ...processLines(r),
    '',
    'Targets (issue 6: one process, absolute):',
    ...all.filter((t) => t.issue === 6).map(line),
    '',
    `Targets (issue 20: every server process, against bare ws in the same run; READERAI_WORKERS=${r.options.workers}):`,
    ...all.filter((t) => t.issue === 20).map(line),
    ...(samples.length ? ['', 'Error samples:', ...samples.map((s) => `  ${s}`)] : []),
  ].join('\n');
}

/** The server's processes, its relay thread, the load generator and the network. */
function processLines(r: BenchResult): string[] {
  const o = r.ours;
  const out = ['Server processes (median over the hold, % of one core):'];
  for (const p of o.processes)
    out.push(
      `  ${p.role.padEnd(7)} pid ${String(p.pid).padEnd(8)} ` +
        `CPU ${p.cpuPctMedian.toFixed(1).padStart(5)}%  RSS ${mib(p.rssHoldBytes)}`,
    );
  if (r.baseline) out.push(`  bare ws (one process)   CPU ${r.baseline.cpuPctMedian.toFixed(1).padStart(5)}%`);
  out.push(
    o.relay
      ? `  AI relay thread (ai-relay): CPU ${o.relay.cpuPctMedian.toFixed(1)}%, ${o.relay.cpuSeconds} CPU-s for ` +
          `${o.relay.answers} answers = ${o.relay.cpuMsPerAnswer ?? '-'} ms of CPU per answer`
      : '  AI relay thread: not found (no thread named ai-relay)',
  );
  out.push(
    `  load generator (client processes + orchestrator): ${o.generatorCpuPct.toFixed(0)}% of one core` +
      (r.baseline ? ` (bare ws phase: ${r.baseline.generatorCpuPct.toFixed(0)}%)` : '') +
      ` on this ${r.machine.cores}-core machine`,
  );
  const pc = r.perCore;
  out.push(
    `  per core, for npm run plan: socket work ${(pc.coresPerStudent * 100).toPrecision(2)}% of a core per student ` +
      `(CPU-s per student-second), relay ${(pc.relayCpuSecondsPerAnswer * 1000).toFixed(2)} ms per answer`,
  );
  const n = o.network;
  const link = o.reported?.linkBytesPerSec ?? null;
  const sent = n.socketBytesPerSec + n.audioBytesPerSec;
  out.push(
    `Network (received by the students over the hold): sockets ${kbit(n.socketBytesPerSec)}` +
      (o.students > 0 ? ` (${kbit(n.socketBytesPerSec / o.students)} per student)` : '') +
      (n.listeners > 0
        ? `, narrated audio ${kbit(n.audioBytesPerSec)} for ${n.listeners} listeners ` +
          `(${kbit(n.audioBytesPerSec / n.listeners)} each, ${n.audioRequests} range requests)`
        : ', no narrated audio (--audio P to add listeners)') +
      (link ? `; ${((100 * sent) / link).toFixed(2)}% of the server's ${kbit(link)} link setting` : ''),
  );
  if (o.reported?.sentBytesPerSec != null)
    out.push(`  the server's own figure (mean of its last minute): ${kbit(o.reported.sentBytesPerSec)} sent`);
  if (r.kill)
    out.push(
      'pid' in r.kill
        ? `SIGKILL of socket worker ${r.kill.pid} at ${r.kill.atS} s: ${r.kill.socketsDropped} sockets dropped, ` +
            `back after ${r.kill.backAfterS ?? '>60'} s, ${r.kill.reconnected} reconnected, ` +
            `${r.kill.handedToTeacher} questions in flight handed to the teacher, ` +
            `others' PROGRESS_SAVED p99 ${ms(r.kill.p99BeforeMs)} → ${ms(r.kill.p99AfterMs)} ms, ` +
            `${r.kill.lostOnReconnect} acked updates lost`
        : `SIGKILL check skipped: ${r.kill.skipped}`,
    );
  return out;
}

/** Students, RSS and CPU over time, ours and the baseline overlaid (time from each phase's start). */
export function chartSvg(timeline: readonly TimelinePoint[]): string {
  const W = 720;
  const H = 170;
  const PAD = { left: 60, right: 20, top: 24, bottom: 24 };
  const panels: { title: string; value: (p: TimelinePoint) => number; unit: string }[] = [
    { title: 'students connected', value: (p) => p.students, unit: '' },
    { title: 'server RSS (all processes)', value: (p) => p.rssBytes / 1024 / 1024, unit: ' MiB' },
    { title: 'server CPU, % of one core (all processes)', value: (p) => p.cpuPct, unit: '%' },
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

const kbit = (bytesPerSec: number) =>
  bytesPerSec * 8 >= 1e6
    ? `${((bytesPerSec * 8) / 1e6).toFixed(2)} Mbit/s`
    : `${((bytesPerSec * 8) / 1e3).toFixed(1)} kbit/s`;
const kib = (bytes: number) => `${(bytes / KIB).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / KIB / KIB).toFixed(0)} MiB`;
const pct = (cores: number) => `${(cores * 100).toPrecision(2)}%`;
const ms = (v: number | null) => (v === null ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(0));
const lat = (l: LatencySummary) => (l.n === 0 ? '-' : `${ms(l.p50Ms)} / ${ms(l.p99Ms)} / ${ms(l.maxMs)} ms`);
