// A fleet of reconnecting virtual tablets and a probed server process, shared by the reliability
// benches (bench/storm.ts, bench/soak.ts) and the reliability tests (test/reliability-*.test.ts).
//
// Each tablet behaves like the student app where it matters for reliability: its own loopback
// address (127.x.y.z, so per-address limits mean what they would in a classroom), a seq kept on the
// tablet, and reconnection with exponential backoff and full jitter after any drop that is not
// final. On every SESSION_STATE it checks that nothing it saw acknowledged was lost.
import { serverEnv, serverFork } from './server-env.js';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { FINAL_CLOSE_CODES, type JoinResponse, type ServerMessage } from '../shared/protocol/index.js';
import { waitForMessage } from './ipc.js';
import { waitUntil } from './wait.js';

export { loopbackAddress } from './loopback.js';

/** The built server: beside dist/testkit when this file runs compiled, under dist/ when run by tsx. */
const SERVER_ENTRY = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../dist/server/main.js' : '../server/main.js', import.meta.url),
);

// ---------------------------------------------------------------------------------------------
// The server under test, with a probe preloaded into its process: every second it posts its
// memory and event-loop delay over the IPC channel (nothing in the server changes for the bench).

export interface ProbeSample {
  type: 'bench-probe';
  at: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** Event-loop delay over the last second. */
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  /** Set when the sample followed a full GC (asked for with `sample({ gc: true })`). */
  afterGc: boolean;
}

const PROBE = `
import { monitorEventLoopDelay } from 'node:perf_hooks';
const RESOLUTION_MS = 10;
const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
h.enable();
const post = (afterGc) => {
  const m = process.memoryUsage();
  // Each recorded value is the whole gap between two samples: the delay is what exceeds the interval.
  const ms = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  process.send?.({ type: 'bench-probe', at: Date.now(),
    rssBytes: m.rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal,
    loopP50Ms: ms(h.percentile(50)), loopP99Ms: ms(h.percentile(99)), loopMaxMs: ms(h.max), afterGc });
  if (!afterGc) h.reset();
};
setInterval(() => post(false), 1000).unref();
// The forced GC stalls the loop itself: that stall is the probe's, so it is not counted.
process.on('message', (m) => {
  if (m && m.type === 'bench-gc-sample') { globalThis.gc?.(); post(true); setTimeout(() => h.reset(), 20); }
});
`;

export interface ServerUnderTest {
  proc: ChildProcess;
  port: number;
  url: string;
  wsBase: string;
  adminToken: string;
  dataDir: string;
  classCode: string;
  /** Every probe sample since start, oldest first. */
  samples: ProbeSample[];
  /** A fresh sample, after a full GC when gc is true (the server runs with --expose-gc). */
  sample(o?: { gc?: boolean }): Promise<ProbeSample>;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'readerai-bench-'));
}

export async function launchServer(
  o: { dataDir?: string; port?: number; env?: Record<string, string>; fdLimit?: number | undefined } = {},
): Promise<ServerUnderTest> {
  const dataDir = o.dataDir ?? tempDataDir();
  const proc = fork(SERVER_ENTRY, [], {
    env: serverEnv(dataDir, { port: o.port ?? 0, env: { READERAI_LOG_LEVEL: 'error', ...o.env } }),
    ...serverFork({
      fdLimit: o.fdLimit,
      extra: ['--expose-gc', `--import=data:text/javascript,${encodeURIComponent(PROBE)}`],
    }),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let errors = '';
  proc.stderr!.on('data', (d) => (errors = (errors + String(d)).slice(-4000)));
  const samples: ProbeSample[] = [];
  proc.on('message', (m: { type?: string }) => {
    if (m?.type === 'bench-probe') samples.push(m as ProbeSample);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const started = await waitForMessage<{ type: string; port: number; adminToken: string; joinUrl: string }>(
    proc,
    'server-started',
    30_000,
    () => errors,
  );
  return {
    proc,
    port: started.port,
    url: `http://127.0.0.1:${started.port}`,
    wsBase: `ws://127.0.0.1:${started.port}`,
    adminToken: started.adminToken,
    dataDir,
    classCode: new URL(started.joinUrl).searchParams.get('code') ?? '',
    samples,
    sample(s = {}) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no probe sample within 30 s')), 30_000);
        const on = (m: ProbeSample) => {
          if (m?.type !== 'bench-probe' || m.afterGc !== (s.gc === true)) return;
          clearTimeout(timer);
          proc.off('message', on);
          resolve(m);
        };
        proc.on('message', on);
        if (s.gc) proc.send({ type: 'bench-gc-sample' });
      });
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** A teacher API call with the admin token (JSON in, JSON out). */
export async function teacherCall<T>(
  server: { url: string; adminToken: string },
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${server.url}/api/teacher${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${server.adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`teacher ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

// ---------------------------------------------------------------------------------------------
// Tablets

/** The student app's reconnect policy (renderer/shared/backoff.ts): full jitter, 500 ms doubling to 15 s. */
export const BACKOFF = { baseMs: 500, capMs: 15_000 };

export function jitteredDelay(attempt: number, o = BACKOFF): number {
  return Math.floor(Math.random() * Math.min(o.capMs, o.baseMs * 2 ** Math.min(attempt, 30)));
}

export interface FleetCounters {
  /** SESSION_STATE with a seq below one this tablet had seen acknowledged: a lost update. */
  lostUpdates: number;
  /** SESSION_STATE whose word does not belong to its seq: a torn or mixed-up write. */
  wrongPositions: number;
  reconnects: number;
  failedAttempts: number;
  errorFrames: number;
  finalCloses: number;
}

/** The word a tablet is at when it sends `seq` (every built-in book has over 200 words). */
export const wordAt = (seq: number) => (seq * 3) % 200;

export class Tablet {
  ws: WebSocket | null = null;
  open = false;
  /** Last seq sent, and the last one the server acknowledged as saved. */
  seq = 0;
  acked = 0;
  wordIdx = 0;
  attempt = 0;
  /** When the current outage began (the drop), for reconnect times; null while connected. */
  downSince: number | null = null;
  /** When the latest SESSION_STATE arrived (Date.now()). */
  backAt = 0;
  /** SESSION_STATE of the latest connection. */
  state: { seq: number; wordIdx: number; studentId: string } | null = null;
  stopped = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly fleet: Fleet,
    readonly name: string,
    readonly address: string,
    readonly wsUrl: string,
  ) {}

  /** The book the server says this student reads (from SESSION_STATE). */
  bookId = '';

  connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.wsUrl, {
      localAddress: this.address,
      handshakeTimeout: 15_000,
      perMessageDeflate: false,
    });
    this.ws = ws;
    ws.on('message', (data) => this.onFrame(JSON.parse(String(data)) as ServerMessage));
    ws.on('close', (code) => this.onClose(ws, code));
    ws.on('error', () => {
      // 'close' follows (or, for a refused upgrade, the attempt simply failed).
    });
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      ws.terminate();
    });
  }

  /**
   * A progress update, as the reader sends every few seconds while reading aloud. The word is a
   * function of the seq (wordAt), so any stored position can be checked against its seq.
   */
  progress(): boolean {
    if (!this.open || this.ws === null) return false;
    this.seq++;
    this.wordIdx = wordAt(this.seq);
    this.ws.send(
      JSON.stringify({
        type: 'PROGRESS_UPDATE',
        payload: {
          bookId: this.bookId,
          wordIdx: this.wordIdx,
          audioTs: this.wordIdx * 0.4,
          seq: this.seq,
          playing: true,
        },
      }),
    );
    return true;
  }

  ask(questionId: string, text: string): boolean {
    if (!this.open || this.ws === null) return false;
    this.ws.send(
      JSON.stringify({
        type: 'STUDENT_INTERRUPTION',
        payload: { questionId, questionText: text, context: { bookId: this.bookId, wordIdx: this.wordIdx } },
      }),
    );
    return true;
  }

  /** Cuts the connection as a dropped Wi-Fi would; the tablet comes back by itself. */
  drop(): void {
    this.ws?.terminate();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.ws?.terminate();
  }

  private onFrame(m: ServerMessage): void {
    switch (m.type) {
      case 'SESSION_STATE': {
        const p = m.payload;
        if (p.seq < this.acked) this.fleet.counters.lostUpdates++;
        if (p.seq > 0 && p.wordIdx !== wordAt(p.seq)) this.fleet.counters.wrongPositions++;
        this.state = { seq: p.seq, wordIdx: p.wordIdx, studentId: p.studentId };
        this.bookId = p.bookId;
        this.backAt = Date.now();
        // The tablet's own seq only grows; after a crash it re-sends where it really is.
        this.seq = Math.max(this.seq, p.seq);
        this.open = true;
        this.attempt = 0;
        if (this.downSince !== null) {
          this.fleet.reconnected(this, Date.now() - this.downSince);
          this.downSince = null;
        }
        break;
      }
      case 'PROGRESS_SAVED':
        if (m.payload.seq > this.acked) this.acked = m.payload.seq;
        break;
      case 'ERROR':
        this.fleet.counters.errorFrames++;
        this.fleet.frame(this, m);
        break;
      default:
        this.fleet.frame(this, m);
    }
  }

  private onClose(ws: WebSocket, code: number): void {
    if (ws !== this.ws) return;
    const wasOpen = this.open;
    this.open = false;
    this.ws = null;
    if (this.stopped) return;
    if (FINAL_CLOSE_CODES.includes(code)) {
      this.fleet.counters.finalCloses++;
      this.stopped = true;
      return;
    }
    if (wasOpen) this.downSince ??= Date.now();
    else this.fleet.counters.failedAttempts++;
    this.timer = setTimeout(() => this.connect(), jitteredDelay(this.attempt++));
  }
}

export class Fleet {
  readonly tablets: Tablet[] = [];
  readonly counters: FleetCounters = {
    lostUpdates: 0,
    wrongPositions: 0,
    reconnects: 0,
    failedAttempts: 0,
    errorFrames: 0,
    finalCloses: 0,
  };
  /** Reconnect times (drop to SESSION_STATE) since the last reset, ms. */
  reconnectMs: number[] = [];
  /** Other frames (answers, acknowledgements) for whoever drives the fleet. */
  onFrame: (t: Tablet, m: ServerMessage) => void = () => {};

  constructor(private readonly server: () => { url: string; classCode: string }) {}

  get openCount(): number {
    let n = 0;
    for (const t of this.tablets) if (t.open) n++;
    return n;
  }

  /** Joins a student over HTTP and opens their socket from `address`; resolves once connected. */
  async add(name: string, address: string): Promise<Tablet> {
    const { url, classCode } = this.server();
    const res = await fetch(`${url}/api/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ classCode, name }),
    });
    if (res.status !== 200) throw new Error(`join ${name}: HTTP ${res.status} ${await res.text()}`);
    const body = (await res.json()) as JoinResponse;
    const tablet = new Tablet(this, name, address, body.wsUrl);
    this.tablets.push(tablet);
    tablet.connect();
    await waitUntil(() => tablet.open || tablet.stopped, 30_000, `${name} did not connect`);
    return tablet;
  }

  /** Adds many, at most `parallel` joining at once. */
  async addMany(
    count: number,
    name: (i: number) => string,
    address: (i: number) => string,
    parallel = 50,
  ): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < count) {
        const i = next++;
        await this.add(name(i), address(i));
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, count) }, lane));
  }

  remove(tablet: Tablet): void {
    tablet.stop();
    const i = this.tablets.indexOf(tablet);
    if (i >= 0) this.tablets.splice(i, 1);
  }

  reconnected(_t: Tablet, ms: number): void {
    this.counters.reconnects++;
    this.reconnectMs.push(ms);
  }

  frame(t: Tablet, m: ServerMessage): void {
    this.onFrame(t, m);
  }

  stopAll(): void {
    for (const t of this.tablets) t.stop();
  }
}

/** The q-quantile of unsorted numbers (nearest rank), or null for none. */
export function quantile(xs: readonly number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

export const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
