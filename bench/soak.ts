// Soak: a class that runs for a long time with everything churning — tablets dropping and coming
// back, students removed and new ones joining, progress every few seconds, questions answered by
// the teacher, the dashboard reconnecting — and the server's memory printed each minute, to show
// that long-running connections do not accumulate state.
//
//   npm run build && npm run bench:soak -- --minutes 30 [--students 100]
//
// Each minute: server RSS, JS heap (after a full GC, so it is what is retained, not garbage),
// event-loop delay p99/max over the minute, students connected, and the fleet's counters. At the
// end: the growth of RSS and retained heap from minute 2 (after warm-up) to the last minute, as
// a least-squares slope in MB per hour, and whether any acknowledged progress was lost.
import { parseArgs } from 'node:util';
import {
  Fleet,
  launchServer,
  loopbackAddress,
  mib,
  teacherCall,
  type ProbeSample,
  type Tablet,
} from '../testkit/fleet.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    students: { type: 'string', default: '100' },
    'progress-every-s': { type: 'string', default: '3' },
    /** Share of the class whose connection drops each minute. */
    'drops-per-minute': { type: 'string', default: '0.25' },
    /** Students removed by the teacher, and as many new ones joining, each minute. */
    'replace-per-minute': { type: 'string', default: '4' },
    'question-every-s': { type: 'string', default: '120' },
  },
});
const MINUTES = Number(values.minutes);
const STUDENTS = Number(values.students);
const PROGRESS_EVERY_MS = Number(values['progress-every-s']) * 1000;
const DROPS_PER_MINUTE = Number(values['drops-per-minute']);
const REPLACE_PER_MINUTE = Number(values['replace-per-minute']);
const QUESTION_EVERY_MS = Number(values['question-every-s']) * 1000;
if (
  ![MINUTES, STUDENTS, PROGRESS_EVERY_MS, DROPS_PER_MINUTE, REPLACE_PER_MINUTE, QUESTION_EVERY_MS].every(
    (n) => Number.isFinite(n) && n >= 0,
  ) ||
  MINUTES <= 0
) {
  console.error(
    'Usage: bench:soak -- [--minutes 30] [--students 100] [--progress-every-s 3] [--drops-per-minute 0.25] ' +
      '[--replace-per-minute 4] [--question-every-s 120]',
  );
  process.exit(2);
}

const TICK_MS = 250;
const QUESTIONS = [
  'Why did the cat climb the stairs?',
  'What does "keeper" mean?',
  'Where is the lighthouse?',
  'Who drew the map?',
];

interface Minute {
  minute: number;
  sample: ProbeSample;
  loopP99Ms: number;
  loopMaxMs: number;
  connected: number;
  students: number;
  progressSent: number;
  acked: number;
  questions: number;
  answered: number;
}

async function main(): Promise<void> {
  const server = await launchServer();
  const fleet = new Fleet(() => server);
  let nextStudent = 0;
  const newStudent = () => {
    const n = nextStudent++;
    return fleet.add(`Reader ${n}`, loopbackAddress(n));
  };
  console.log(
    `soak: ${STUDENTS} students for ${MINUTES} min on ${server.url} (pid ${server.proc.pid}, data ${server.dataDir})`,
  );
  await fleet.addMany(
    STUDENTS,
    (i) => `Reader ${i}`,
    (i) => loopbackAddress(i),
  );
  nextStudent = STUDENTS;

  let progressSent = 0;
  let questions = 0;
  let ackedTotal = 0;
  // Answers are replayed after a reconnect: count each question once.
  const answeredIds = new Set<string>();
  fleet.onFrame = (t, m) => {
    if (m.type === 'ANSWER_DONE') answeredIds.add(`${t.name}/${m.payload.questionId}`);
  };
  let stopping = false;
  const report = (what: string) => (err: Error) => {
    if (!stopping) console.error(`${what}: ${err.message}`);
  };

  // The class: each tick, every tablet whose turn it is sends progress; some ask; some drop.
  const tickChance = (everyMs: number) => (everyMs > 0 ? TICK_MS / everyMs : 0);
  const tick = setInterval(() => {
    for (const t of fleet.tablets) {
      if (Math.random() < tickChance(PROGRESS_EVERY_MS) && t.progress()) progressSent++;
      if (
        Math.random() < tickChance(QUESTION_EVERY_MS) &&
        t.ask(`q${++questions}`, QUESTIONS[questions % QUESTIONS.length]!)
      )
        continue;
      if (Math.random() < (DROPS_PER_MINUTE * TICK_MS) / 60_000) t.drop();
    }
  }, TICK_MS);

  // The teacher: answers waiting questions, removes a few students (new ones join), and reopens
  // the dashboard socket now and then.
  let teacherBusy = false;
  const teacher = setInterval(() => {
    if (teacherBusy) return;
    teacherBusy = true;
    void (async () => {
      const feed = await teacherCall<{ id: string; status: string }[]>(server, '/feed');
      for (const q of feed.filter((f) => f.status === 'waiting_teacher').slice(0, 50)) {
        await teacherCall(server, `/questions/${q.id}/answer`, { text: 'Good question! Read on and see.' });
      }
    })()
      .catch(report('teacher'))
      .finally(() => (teacherBusy = false));
  }, 10_000);
  const replace = setInterval(() => {
    void (async () => {
      for (let i = 0; i < REPLACE_PER_MINUTE && fleet.tablets.length > 0; i++) {
        const leaving: Tablet = fleet.tablets[Math.floor(Math.random() * fleet.tablets.length)]!;
        if (leaving.state) await teacherCall(server, `/students/${leaving.state.studentId}/remove`, {});
        fleet.remove(leaving);
        await newStudent();
      }
    })().catch(report('replace'));
  }, 60_000);
  const dashboard = setInterval(() => void openDashboardOnce(server).catch(report('dashboard')), 60_000);

  const minutes: Minute[] = [];
  const started = Date.now();
  console.log(
    'min  rss MB  heap MB(after GC)  loop p99/max ms  connected/students  ' +
      'progress sent/acked  questions/answered  lost',
  );
  for (let minute = 1; minute <= MINUTES; minute++) {
    await new Promise((r) => setTimeout(r, started + minute * 60_000 - Date.now()));
    const window = server.samples.filter((s) => !s.afterGc && s.at > Math.max(started, Date.now() - 60_000));
    const sample = await server.sample({ gc: true });
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { students: number };
    ackedTotal = fleet.tablets.reduce((n, t) => n + t.acked, 0);
    const m: Minute = {
      minute,
      sample,
      loopP99Ms: Math.max(0, ...window.map((s) => s.loopP99Ms)),
      loopMaxMs: Math.max(0, ...window.map((s) => s.loopMaxMs)),
      connected: health.students,
      students: fleet.tablets.length,
      progressSent,
      acked: ackedTotal,
      questions,
      answered: answeredIds.size,
    };
    minutes.push(m);
    const row = [
      String(minute).padStart(3),
      mib(sample.rssBytes).padStart(6),
      mib(sample.heapUsedBytes).padStart(17),
      `${m.loopP99Ms.toFixed(1)}/${m.loopMaxMs.toFixed(1)}`.padStart(15),
      `${m.connected}/${m.students}`.padStart(18),
      `${progressSent}/${ackedTotal}`.padStart(19),
      `${questions}/${answeredIds.size}`.padStart(18),
      String(fleet.counters.lostUpdates),
    ];
    console.log(row.join('  '));
  }
  stopping = true;
  clearInterval(tick);
  clearInterval(teacher);
  clearInterval(replace);
  clearInterval(dashboard);
  fleet.stopAll();
  await server.stop();

  const steady = minutes.filter((m) => m.minute >= 2);
  const slope = (pick: (m: Minute) => number) =>
    leastSquaresSlope(steady.map((m) => [m.minute, pick(m) / 1024 / 1024]));
  const first = steady[0];
  const last = steady.at(-1);
  console.log('\nsummary');
  if (first && last && steady.length >= 2) {
    console.log(
      `  RSS:            ${mib(first.sample.rssBytes)} MB at minute ${first.minute} -> ` +
        `${mib(last.sample.rssBytes)} MB at minute ${last.minute}; ` +
        `slope ${(slope((m) => m.sample.rssBytes) * 60).toFixed(1)} MB/hour`,
    );
    console.log(
      `  heap after GC:  ${mib(first.sample.heapUsedBytes)} MB -> ${mib(last.sample.heapUsedBytes)} MB; ` +
        `slope ${(slope((m) => m.sample.heapUsedBytes) * 60).toFixed(1)} MB/hour`,
    );
  }
  console.log(
    `  event loop:     worst minute p99 ${Math.max(...minutes.map((m) => m.loopP99Ms)).toFixed(1)} ms, ` +
      `max ${Math.max(...minutes.map((m) => m.loopMaxMs)).toFixed(1)} ms`,
  );
  console.log(
    `  traffic:        ${progressSent} progress updates (${ackedTotal} acknowledged by the tablets still in class), ` +
      `${questions} questions, ${answeredIds.size} answered, ${nextStudent} students joined over the run, ` +
      `${fleet.counters.reconnects} reconnects`,
  );
  console.log(
    `  integrity:      ${fleet.counters.lostUpdates} acknowledged updates lost, ` +
      `${fleet.counters.wrongPositions} positions not matching their seq, ${fleet.counters.errorFrames} ERROR frames`,
  );
  process.exitCode = fleet.counters.lostUpdates + fleet.counters.wrongPositions > 0 ? 1 : 0;
}

/** Slope of y over x by least squares (0 for fewer than two points). */
function leastSquaresSlope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx;
}

/** Opens the teacher's live socket with a fresh ticket, waits for its SNAPSHOT, closes it. */
async function openDashboardOnce(server: { url: string; wsBase: string; adminToken: string }): Promise<void> {
  const { ticket } = await teacherCall<{ ticket: string }>(server, '/ticket', {});
  const { default: WebSocket } = await import('ws');
  await new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(`${server.wsBase}/ws/teacher?ticket=${ticket}`);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no SNAPSHOT within 10 s'));
    }, 10_000);
    ws.once('message', () => {
      clearTimeout(timer);
      // Stay a while, receiving deltas, then leave as a closed laptop lid would.
      setTimeout(() => ws.terminate(), 20_000);
      resolve();
    });
    ws.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
