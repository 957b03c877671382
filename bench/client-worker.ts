// One client process of the load simulator: a slice of the virtual students. Each joins over HTTP
// (ours) and opens its socket from its own loopback address, as a real tablet has its own, then
// reads: a PROGRESS_UPDATE every progressEveryMs with a growing seq, and now and then a question.
// Latencies are measured from send to the frame that answers it; errors are counted, not thrown.
// Listeners (a share of ours, with --audio) also fetch the narrated book's audio over HTTP, a
// Range request per progress update, at the narration's bitrate.
import http from 'node:http';
import WebSocket from 'ws';
import { loopbackAddress } from '../testkit/loopback.js';
import { Histogram } from './histogram.js';
import {
  newCounters,
  type Counters,
  type FromWorker,
  type Latencies,
  type ToWorker,
  type WorkerConfig,
} from './messages.js';

/** Each turn of the wheel handles the students whose slot is due. */
const TURN_MS = 100;
/** Joins and handshakes under way at once from one process. */
const MAX_CONNECTING = 32;
/** Sent-at times kept per student for progress acks (acks are cumulative and come in order). */
const SENT_RING = 8;
const ERROR_SAMPLES = 10;
/** A student whose socket the server closed (--kill-worker-at) keeps trying this long. */
const RECONNECT_WITHIN_MS = 60_000;

class VirtualStudent {
  ws: WebSocket | null = null;
  id = '';
  seq = 0;
  acked = 0;
  readonly sentAt = new Float64Array(SENT_RING);
  /** questionId -> when it was sent, until acknowledged. */
  readonly asked = new Map<string, number>();
  /** questionId -> when it was sent, until answered. */
  readonly answering = new Map<string, number>();
  nextQuestion = 1;
  /** For reconnecting (the SIGKILL check): the socket URL the join gave. */
  wsUrl = '';
  enrolled = false;
  /** Its socket was closed under it: its latencies no longer count (the others' p99 is the figure). */
  displaced = false;
  /** Listeners: the audio pass cookie and where in the file playback is. */
  audioCookie: string | null = null;
  audioOffset = 0;

  constructor(
    readonly n: number,
    readonly address: string,
  ) {}
}

class Worker {
  private readonly students: VirtualStudent[] = [];
  private readonly wheel: VirtualStudent[][];
  private readonly c = newCounters();
  private readonly lat = { progressSaved: new Histogram(), interruptionAck: new Histogram(), answer: new Histogram() };
  /** The same since the last window (the knee's steps, the SIGKILL check's before and after). */
  private readonly win = { progressSaved: new Histogram(), interruptionAck: new Histogram(), answer: new Histogram() };
  private readonly samples: string[] = [];
  private readonly bookJson: string;
  private readonly askChance: number;
  private stopping = false;
  private turn = 0;
  private turnTimer: NodeJS.Timeout | null = null;
  /** Students this worker connects (the knee's steps raise it). */
  private upTo: number;
  private next = 0;
  private ramping = false;
  private readonly audioAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  private readonly startedAt = performance.now();

  constructor(private readonly o: WorkerConfig) {
    for (let k = 0; k < o.count; k++) this.students.push(new VirtualStudent(o.first + k, loopbackAddress(o.first + k)));
    this.wheel = Array.from({ length: Math.max(1, Math.round(o.progressEveryMs / TURN_MS)) }, () => []);
    this.bookJson = JSON.stringify(o.target.bookId);
    this.askChance = o.progressEveryMs / o.questionEveryMs;
    this.upTo = Math.min(o.count, o.connectFirst);
  }

  start(): void {
    this.turnTimer = setInterval(() => this.turnWheel(), TURN_MS);
    setInterval(() => send({ type: 'counters', counters: this.c }), 1000).unref();
    this.ramp();
  }

  mark(): void {
    for (const h of [...Object.values(this.lat), ...Object.values(this.win)]) h.reset();
  }

  grow(upTo: number): void {
    this.upTo = Math.min(this.o.count, upTo);
    if (!this.ramping) this.ramp();
  }

  /** The latencies since the last window (or mark), and a new window; the hold's go on. */
  window(): void {
    send({ type: 'window', counters: this.c, latencies: latencies(this.win) });
    for (const h of Object.values(this.win)) h.reset();
  }

  private record(kind: keyof Latencies, ms: number): void {
    this.lat[kind].record(ms);
    this.win[kind].record(ms);
  }

  async stop(drainMs: number): Promise<void> {
    this.stopping = true;
    if (this.turnTimer) clearInterval(this.turnTimer);
    const deadline = performance.now() + drainMs;
    while (
      performance.now() < deadline &&
      this.students.some((s) => s.acked < s.seq || s.asked.size > 0 || s.answering.size > 0)
    ) {
      await sleep(100);
    }
    for (const s of this.students) {
      if (s.acked < s.seq) this.c.errors.unackedProgress++;
      this.c.errors.unansweredQuestions += s.asked.size + s.answering.size;
    }
    const hold = latencies(this.lat);
    const acked = this.students.filter((s) => s.id !== '').map((s): [string, number] => [s.id, s.acked]);
    send({ type: 'final', counters: this.c, latencies: hold, acked, samples: this.samples });
    await this.closeAll();
    this.audioAgent.destroy();
    send({ type: 'closed' });
  }

  // ---------------------------------------------------------------------------------------------

  private ramp(): void {
    this.ramping = true;
    const from = this.next;
    const began = performance.now();
    let connecting = 0;
    const timer = setInterval(() => {
      const due = Math.min(
        this.upTo,
        from + Math.floor(((performance.now() - began) / 1000) * this.o.rampPerSecond) + 1,
      );
      while (this.next < due && connecting < MAX_CONNECTING && !this.stopping) {
        connecting++;
        const s = this.students[this.next++]!;
        // connect() counts its own failures; this catches a throw it did not expect, so the ramp goes on.
        this.connect(s)
          .catch((err: unknown) => this.fail('connectFailed', `socket ${s.n}: ${(err as Error).message}`))
          .finally(() => connecting--);
      }
      if ((this.next >= this.upTo || this.stopping) && connecting === 0) {
        clearInterval(timer);
        this.ramping = false;
        send({ type: 'ramped', counters: this.c });
      }
    }, 10);
  }

  private async connect(s: VirtualStudent): Promise<void> {
    const t = this.o.target;
    let url: string;
    if (t.kind === 'ours') {
      const classCode = t.classCodes[Math.floor(s.n / t.classSize) % t.classCodes.length]!;
      try {
        const joined = await joinClass(t.httpBase, classCode, `Reader ${s.n}`, s.address);
        s.id = joined.studentId;
        url = joined.wsUrl;
        this.c.joined++;
        if (t.audio && s.n % 100 < t.audio.percent) {
          s.audioCookie = await audioPass(t.httpBase, joined.sessionId, joined.token, s.address);
          s.audioOffset = Math.floor(Math.random() * t.audio.fileBytes);
        }
      } catch (err) {
        this.fail('joinFailed', `join ${s.n}: ${(err as Error).message}`);
        return;
      }
    } else {
      s.id = `b${s.n}`;
      url = `${t.wsBase}/ws`;
    }
    s.wsUrl = url;
    await this.open(s);
  }

  /** Opens the student's socket; `quiet` while reconnecting, when refusals are expected. */
  private open(s: VirtualStudent, quiet = false): Promise<void> {
    const t = this.o.target;
    return new Promise<void>((resolve) => {
      // A server that stops answering must fail the connect, not hang the ramp.
      const ws = new WebSocket(s.wsUrl, {
        localAddress: s.address,
        perMessageDeflate: false,
        handshakeTimeout: 30_000,
      });
      let opened = false;
      let settled = false;
      const failed = (text: string) => {
        if (settled) return;
        settled = true;
        if (!quiet) this.fail('connectFailed', text);
        resolve();
      };
      ws.on('open', () => {
        opened = settled = true;
        s.ws = ws;
        this.c.connected++;
        // The baseline sends nothing on connect; ours sends SESSION_STATE first.
        if (t.kind === 'baseline') this.enrol(s);
        resolve();
      });
      ws.on('message', (data) => this.onFrame(s, String(data)));
      ws.on('close', (code) => {
        if (!opened) return;
        this.c.connected--;
        s.ws = null;
        if (this.stopping) return;
        if (!this.o.reconnect) {
          this.fail('unexpectedClose', `student ${s.n} closed with ${code}`);
          return;
        }
        // A tablet waits a moment and opens again; questions in flight are the server's to hand on.
        s.asked.clear();
        s.answering.clear();
        s.displaced = true;
        this.reconnect(s, performance.now() + RECONNECT_WITHIN_MS);
      });
      ws.on('unexpected-response', (_req, res) => {
        failed(`socket ${s.n}: HTTP ${res.statusCode}`);
        ws.terminate();
      });
      ws.on('error', (err) => {
        if (!opened) failed(`socket ${s.n}: ${err.message}`);
      });
    });
  }

  /** Tries again every second or so (a restarting worker answers 503 for a while), up to the deadline. */
  private reconnect(s: VirtualStudent, deadline: number): void {
    setTimeout(
      () =>
        void this.open(s, true).then(() => {
          if (s.ws !== null) this.c.reconnected++;
          else if (this.stopping) return;
          else if (performance.now() < deadline) this.reconnect(s, deadline);
          else this.fail('unexpectedClose', `student ${s.n} was not back within ${RECONNECT_WITHIN_MS / 1000} s`);
        }),
      200 + Math.random() * 1000,
    );
  }

  /** Puts a student on the wheel at a random phase, as tablets start reading at any moment. */
  private enrol(s: VirtualStudent): void {
    if (s.enrolled) return;
    s.enrolled = true;
    this.wheel[Math.floor(Math.random() * this.wheel.length)]!.push(s);
  }

  private turnWheel(): void {
    // Catch up on turns a busy loop made late, so the rate stays the configured one.
    const due = Math.floor((performance.now() - this.startedAt) / TURN_MS);
    for (; this.turn <= due; this.turn++) {
      const now = performance.now();
      for (const s of this.wheel[this.turn % this.wheel.length]!) {
        if (s.ws === null) continue;
        this.sendProgress(s, now);
        if (Math.random() < this.askChance) this.ask(s, now);
        if (s.audioCookie !== null) this.listen(s);
      }
    }
  }

  private sendProgress(s: VirtualStudent, now: number): void {
    const seq = ++s.seq;
    s.sentAt[seq % SENT_RING] = now;
    const wordIdx = Math.min(seq * 12, this.o.target.wordCount);
    s.ws!.send(
      `{"type":"PROGRESS_UPDATE","payload":{"bookId":${this.bookJson},"wordIdx":${wordIdx},` +
        `"audioTs":${seq * 5},"seq":${seq},"playing":true}}`,
    );
    this.c.progressSent++;
  }

  /** The next stretch of narration, as a playing tablet fetches ahead (from the start again at the end). */
  private listen(s: VirtualStudent): void {
    const a = (this.o.target as Extract<WorkerConfig['target'], { kind: 'ours' }>).audio!;
    let want = Math.max(1, Math.round((a.bytesPerSecond * this.o.progressEveryMs) / 1000));
    while (want > 0) {
      const start = s.audioOffset;
      const end = Math.min(a.fileBytes, start + want) - 1;
      want -= end - start + 1;
      s.audioOffset = end + 1 >= a.fileBytes ? 0 : end + 1;
      this.fetchAudio(s, a.src, start, end);
    }
  }

  private fetchAudio(s: VirtualStudent, src: string, start: number, end: number): void {
    const req = http.request(
      `${this.o.target.kind === 'ours' ? this.o.target.httpBase : ''}${src}`,
      {
        localAddress: s.address,
        agent: this.audioAgent,
        headers: { range: `bytes=${start}-${end}`, cookie: s.audioCookie! },
        timeout: 30_000,
      },
      (res) => {
        if (res.statusCode !== 206) {
          this.fail('audioFailed', `student ${s.n}: audio HTTP ${res.statusCode}`);
          res.resume();
          return;
        }
        res.on('data', (d: Buffer) => (this.c.audioBytes += d.length));
        res.on('end', () => this.c.audioRequests++);
      },
    );
    req.on('timeout', () => req.destroy(new Error('audio timed out')));
    req.on('error', (err) => this.fail('audioFailed', `student ${s.n}: audio ${err.message}`));
    req.end();
  }

  private ask(s: VirtualStudent, now: number): void {
    const questionId = `q${s.nextQuestion++}`;
    s.asked.set(questionId, now);
    const wordIdx = Math.min(s.seq * 12, this.o.target.wordCount);
    s.ws!.send(
      `{"type":"STUDENT_INTERRUPTION","payload":{"questionId":"${questionId}",` +
        `"questionText":"What does this word mean?","context":{"bookId":${this.bookJson},"wordIdx":${wordIdx}}}}`,
    );
    this.c.questionsSent++;
  }

  private onFrame(s: VirtualStudent, text: string): void {
    const now = performance.now();
    this.c.socketBytes += text.length + (text.length < 126 ? 2 : 4);
    let frame: { type: string; payload: Record<string, unknown> };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      this.fail('errorFrames', `student ${s.n}: frame is not JSON`);
      return;
    }
    const p = frame.payload;
    switch (frame.type) {
      case 'SESSION_STATE': {
        const stored = p.seq as number;
        // After a reconnect: what the server kept must cover everything it acknowledged.
        if (stored < s.acked) this.fail('lostOnReconnect', `student ${s.n}: acked ${s.acked}, resumed at ${stored}`);
        // Updates sent but never acknowledged are the tablet's to send again, from the saved seq.
        s.seq = s.acked = s.enrolled ? Math.max(s.acked, stored) : Math.max(s.seq, stored);
        this.enrol(s);
        break;
      }
      case 'PROGRESS_SAVED': {
        const seq = p.seq as number;
        if (seq <= s.acked) break;
        // Cumulative: every update up to seq is saved by this one ack.
        if (!s.displaced)
          for (let k = Math.max(s.acked + 1, seq - SENT_RING + 1); k <= seq; k++)
            this.record('progressSaved', now - s.sentAt[k % SENT_RING]!);
        this.c.progressAcked += seq - s.acked;
        s.acked = seq;
        break;
      }
      case 'INTERRUPTION_ACKNOWLEDGED': {
        const id = p.questionId as string;
        const sent = s.asked.get(id);
        if (sent === undefined) break;
        s.asked.delete(id);
        s.answering.set(id, sent);
        if (!s.displaced) this.record('interruptionAck', now - sent);
        this.c.questionsAcked++;
        break;
      }
      case 'ANSWER_DONE': {
        const id = p.questionId as string;
        const sent = s.answering.get(id);
        if (sent === undefined) break;
        s.answering.delete(id);
        this.record('answer', now - sent);
        this.c.answers++;
        break;
      }
      case 'TEACHER_WILL_ANSWER': {
        const id = p.questionId as string;
        const waiting = s.answering.delete(id) || s.asked.delete(id);
        // A question in flight when its worker died goes to the teacher: the promise, not a failure.
        if (!waiting && s.displaced) this.c.handedToTeacher++;
        else this.fail('teacherFallback', `student ${s.n}: question ${id} went to the teacher`);
        break;
      }
      case 'RATE_LIMITED':
        s.asked.delete(p.questionId as string);
        this.fail('rateLimited', `student ${s.n}: rate limited ${JSON.stringify(p)}`);
        break;
      case 'ERROR':
        this.fail('errorFrames', `student ${s.n}: ERROR ${String(p.code)} ${String(p.message)}`);
        break;
      // QUEUE_POSITION, ANSWER_CHUNK, HAND_STATE...: nothing to measure.
    }
  }

  private fail(kind: keyof Counters['errors'], text: string): void {
    this.c.errors[kind]++;
    if (this.samples.length < ERROR_SAMPLES) this.samples.push(text);
  }

  private async closeAll(): Promise<void> {
    const open = this.students.filter((s) => s.ws !== null);
    await Promise.all(
      open.map(
        (s) =>
          new Promise<void>((resolve) => {
            const ws = s.ws!;
            const timer = setTimeout(() => (ws.terminate(), resolve()), 5000);
            ws.once('close', () => (clearTimeout(timer), resolve()));
            ws.close(1000, 'bench done');
          }),
      ),
    );
  }
}

function latencies(h: Record<keyof Latencies, Histogram>): Latencies {
  return {
    progressSaved: h.progressSaved.toJSON(),
    interruptionAck: h.interruptionAck.toJSON(),
    answer: h.answer.toJSON(),
  };
}

type Joined = { studentId: string; sessionId: string; token: string; wsUrl: string };

/** POST /api/join from the student's own address. */
async function joinClass(httpBase: string, classCode: string, name: string, localAddress: string): Promise<Joined> {
  const res = await post(`${httpBase}/api/join`, { classCode, name }, localAddress);
  return JSON.parse(res.text) as Joined;
}

/** POST /api/audio/pass: the cookie the audio route asks for. */
async function audioPass(httpBase: string, classId: string, token: string, localAddress: string): Promise<string> {
  const res = await post(`${httpBase}/api/audio/pass`, { classId }, localAddress, `Bearer ${token}`);
  const cookie = res.setCookie?.[0]?.split(';')[0];
  if (!cookie) throw new Error('no audio pass cookie');
  return cookie;
}

function post(
  url: string,
  json: unknown,
  localAddress: string,
  authorization?: string,
): Promise<{ text: string; setCookie: string[] | undefined }> {
  const body = JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        localAddress,
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(authorization ? { authorization } : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode} ${text.slice(0, 200)}`));
          else resolve({ text, setCookie: res.headers['set-cookie'] });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

function send(m: FromWorker): void {
  process.send?.(m);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Runs only as a forked child; importing the module starts nothing.
if (process.send !== undefined && process.env.READERAI_BENCH_WORKER === '1') {
  let worker: Worker | null = null;
  process.on('message', (m: ToWorker) => {
    if (m.type === 'start') {
      worker = new Worker(m.config);
      worker.start();
    } else if (m.type === 'mark') worker?.mark();
    else if (m.type === 'grow') worker?.grow(m.upTo);
    else if (m.type === 'window') worker?.window();
    else if (m.type === 'stop') void worker?.stop(m.drainMs).then(() => process.exit(0));
  });
  // The orchestrator went away: do not linger with thousands of sockets.
  process.on('disconnect', () => process.exit(0));
}
