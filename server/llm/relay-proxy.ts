// The relay as the socket thread sees it: the same boundary (types.ts), behind which the real
// relay runs in its own worker thread (relay-worker.ts). Only what must answer at once stays
// here: the per-student limit on questions (the tablet is told at once whether its question was
// taken) and the acknowledgement's queue place, an estimate the worker corrects. Everything else
// crosses by message: the answer chunk by chunk, cancels, word look-ups, figures in batches.
//
// A worker that crashes is started again (bounded backoff). The questions it was answering go to
// the teacher, as when Gemini fails, and the words it was looking up are answered from the
// offline dictionary here, so nothing a student asked is lost.
import { Worker } from 'node:worker_threads';
import type { Settings } from '../config.js';
import { workerUrl } from '../worker-url.js';
import { askerKey, LIMIT_WINDOW_MS, SlidingWindowLimiter } from './rate-limit.js';
import type { FromRelay, RelayDatabase, RelayWorkerData, Stats, ToRelay, Wire } from './relay-messages.js';
import { defineOffline } from './definitions.js';
import type { RelayLog } from './relay-context.js';
import { aiStatusOf, RouteCache } from './route.js';
import type {
  AiStatus,
  AskEvents,
  AskJob,
  AskResult,
  BookPassage,
  ClassPolicy,
  DefineJob,
  DefineResult,
  Relay,
  RouteCheck,
} from './types.js';
import { OfflineDictionary } from './wordnet.js';

/**
 * The relay's end as the proxy sees it: a worker thread here, or with socket workers the one relay
 * thread of the primary process, reached over IPC (server/cluster/relay-link.ts). Either way it
 * takes ToRelay messages, answers in FromRelay batches, and ends with 'exit'.
 */
export interface RelayLink {
  postMessage(message: ToRelay): void;
  on(event: 'message', listener: (batch: FromRelay[]) => void): unknown;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  once(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): unknown;
  unref(): void;
}

/** The relay in a worker thread of this process. */
export function relayThread(data: RelayWorkerData): Worker {
  return new Worker(workerUrl(import.meta.url, 'relay-worker'), { workerData: data, name: 'ai-relay' });
}

export interface RelayProxyOptions {
  getSettings: () => Settings;
  /** Starts the relay (default: a worker thread of this process, relayThread). */
  openRelay?: (data: RelayWorkerData) => RelayLink;
  /** The classroom's SQLite file: the worker keeps the definition cache in it. */
  database: RelayDatabase;
  log?: RelayLog;
  /** Clock for the per-student question limit (tests move it). */
  now?: () => number;
}

/** First wait before starting a crashed worker again; it doubles on each crash in a row. */
const RESTART_FIRST_MS = 100;
const RESTART_MAX_MS = 10_000;
/** A worker that ran this long without crashing resets the backoff. */
const STABLE_MS = 60_000;
/** How often a change of settings is looked for when nothing is asked (a key removed, say). */
const SETTINGS_CHECK_MS = 500;
/** Books whose words the worker keeps (a class reads one; the rest are sent again if needed). */
const BOOKS_KEPT = 32;
/** How long close() waits for the worker to stop its calls before ending it. */
const CLOSE_WAIT_MS = 5_000;

interface OpenAsk {
  events: AskEvents;
  /** The place the acknowledgement gave. */
  estimate: number;
  /** Whether the student has heard a place from the worker. */
  placed: boolean;
}

interface OpenDefine {
  job: DefineJob;
  resolve(result: DefineResult): void;
}

export class RelayProxy implements Relay {
  private worker: RelayLink | null = null;
  private startedAt = 0;
  private restarts = 0;
  private restartDelayMs = RESTART_FIRST_MS;
  private restartTimer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  private nextId = 1;
  private readonly asks = new Map<number, OpenAsk>();
  private readonly defines = new Map<number, OpenDefine>();
  private readonly statsRequests = new Map<number, () => void>();
  private readonly checks = new Map<number, (result: RouteCheck) => void>();
  /** The route as this thread sees it, so whether AI is on is known without asking the worker. */
  private readonly routes = new RouteCache();
  /** Book words -> number in the current worker; Map order is least recently used first. */
  private readonly books = new Map<readonly string[], number>();
  private nextBook = 1;
  private sentSettings: Settings;
  /** The worker's latest figures (cumulative ones carry over a crash). */
  private workerStats: Stats = {};
  /** What this side decided itself: refusals, and the hand-overs while no worker was running. */
  private readonly own = { questions: 0, rateLimited: 0, toTeacher: 0, definitions: 0, offlineDefinitions: 0 };
  private readonly questionLimits: SlidingWindowLimiter;
  private readonly settingsTimer: NodeJS.Timeout;
  /** For words under way when a worker crashed; opened on first use. */
  private dictionary: OfflineDictionary | null = null;
  private readonly fallbacks = new Set<Promise<unknown>>();

  constructor(private readonly o: RelayProxyOptions) {
    this.questionLimits = new SlidingWindowLimiter(LIMIT_WINDOW_MS, o.now ?? Date.now);
    this.sentSettings = o.getSettings();
    this.start();
    this.settingsTimer = setInterval(() => this.settings(), SETTINGS_CHECK_MS);
    this.settingsTimer.unref();
  }

  get aiEnabled(): boolean {
    return this.routes.route(this.o.getSettings()).on;
  }

  /** The route from the settings here; whether Google is paused after failures from the worker. */
  aiStatus(policy?: Pick<ClassPolicy, 'aiAnswers'>): AiStatus {
    const s = this.settings();
    return aiStatusOf(
      this.routes.route(s, policy?.aiAnswers),
      s.geminiModel,
      this.workerStats.geminiUnavailable === true,
    );
  }

  /** The trial request runs in the worker, through the same SDK and route as the answers. */
  checkRoute(): Promise<RouteCheck> {
    this.settings();
    if (!this.worker || this.closing) return Promise.resolve(this.noWorkerCheck());
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.checks.set(id, resolve);
      this.post({ type: 'check', id });
    });
  }

  ask(job: AskJob, events: AskEvents): AskResult {
    const s = this.settings();
    const wait = this.questionLimits.take(askerKey(job), job.policy.questionsPer5Min);
    if (wait > 0) {
      this.own.rateLimited++;
      return { accepted: false, retryAfterMs: wait };
    }
    if (!this.worker || this.closing) {
      this.own.questions++;
      this.own.toTeacher++;
      const reason = this.closing ? 'relay_closed' : 'relay_restarting';
      let cancelled = false;
      // After the return, so the classroom acknowledges the question before hearing its fate.
      queueMicrotask(() => cancelled || events.teacher(reason));
      return { accepted: true, queuePosition: 0, cancel: () => (cancelled = true) };
    }
    const id = this.nextId++;
    // As if the queue were this side's questions only, served in order; the worker says better.
    const estimate = Math.max(0, this.asks.size - s.llmMaxInFlight + 1);
    this.asks.set(id, { events, estimate, placed: false });
    this.post({ type: 'ask', id, job: this.wire(job) });
    return {
      accepted: true,
      queuePosition: estimate,
      cancel: () => {
        if (this.asks.delete(id)) this.post({ type: 'cancel', id });
      },
    };
  }

  define(job: DefineJob): Promise<DefineResult> {
    this.settings();
    if (!this.worker || this.closing) {
      this.own.definitions++;
      return this.offline(job);
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.defines.set(id, { job, resolve });
      this.post({ type: 'define', id, job: this.wire(job) });
    });
  }

  /** The worker's latest figures (at most STATS_MS old), with what this side counted. */
  stats(): Stats {
    const merged: Stats = { ...this.workerStats };
    for (const [name, n] of Object.entries(this.own)) {
      const theirs = merged[name];
      merged[name] = (typeof theirs === 'number' ? theirs : 0) + n;
    }
    merged.aiEnabled = this.aiEnabled;
    merged.relayRestarts = this.restarts;
    merged.relayRunning = this.worker !== null;
    return merged;
  }

  /** Figures as of now: asks the worker and waits for its answer (tests; no batching delay). */
  async freshStats(): Promise<Stats> {
    if (this.worker && !this.closing) {
      const id = this.nextId++;
      await new Promise<void>((resolve) => {
        this.statsRequests.set(id, resolve);
        this.post({ type: 'stats', id });
      });
    }
    return this.stats();
  }

  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  /** The worker thread running now (tests end it to play a crash); null when reached over IPC. */
  get thread(): Worker | null {
    return this.worker instanceof Worker ? this.worker : null;
  }

  // ---------------------------------------------------------------------------------------------

  private start(): void {
    const data: RelayWorkerData = {
      settings: this.sentSettings,
      database: this.o.database,
      carriedStats: this.restarts > 0 ? this.workerStats : undefined,
    };
    const worker = (this.o.openRelay ?? relayThread)(data);
    // The server's shutdown closes the relay; a forgotten one must not keep the process alive.
    worker.unref();
    this.worker = worker;
    this.startedAt = Date.now();
    this.books.clear();
    worker.on('message', (batch: FromRelay[]) => {
      for (const m of batch) this.receive(worker, m);
    });
    worker.on('error', (err: unknown) => this.o.log?.warn({ error: String(err) }, 'The AI relay crashed'));
    worker.on('exit', (code) => this.exited(worker, code));
  }

  private post(message: ToRelay): void {
    this.worker?.postMessage(message);
  }

  /** Sends the settings to the worker when they changed (the settings service replaces the object). */
  private settings(): Settings {
    const s = this.o.getSettings();
    if (s !== this.sentSettings) {
      this.sentSettings = s;
      this.post({ type: 'settings', settings: s });
    }
    return s;
  }

  /** The job without its book's words: the worker gets each book once, by number. */
  private wire<J extends BookPassage>(job: J): Wire<J> {
    const { words, ...rest } = job;
    let book = this.books.get(words);
    if (book !== undefined) {
      this.books.delete(words);
    } else {
      book = this.nextBook++;
      this.post({ type: 'book', book, words });
      if (this.books.size >= BOOKS_KEPT) {
        const [oldest, number] = this.books.entries().next().value as [readonly string[], number];
        this.books.delete(oldest);
        this.post({ type: 'forget', book: number });
      }
    }
    this.books.set(words, book);
    return { ...rest, book };
  }

  private receive(from: RelayLink, m: FromRelay): void {
    if (from !== this.worker) return;
    switch (m.type) {
      case 'queued': {
        const ask = this.asks.get(m.id);
        if (ask && !ask.placed && m.position !== ask.estimate) ask.events.position(m.position);
        if (ask) ask.placed = true;
        return;
      }
      case 'position': {
        const ask = this.asks.get(m.id);
        if (!ask) return;
        ask.placed = true;
        ask.events.position(m.position);
        return;
      }
      case 'chunk':
        this.asks.get(m.id)?.events.chunk(m.text);
        return;
      case 'done':
      case 'teacher': {
        const ask = this.asks.get(m.id);
        if (!ask) return;
        this.asks.delete(m.id);
        if (m.type === 'done') ask.events.done(m.answer);
        else ask.events.teacher(m.reason);
        return;
      }
      case 'defined': {
        const define = this.defines.get(m.id);
        this.defines.delete(m.id);
        define?.resolve(m.result);
        return;
      }
      case 'checked':
        this.checks.get(m.id)?.(m.result);
        this.checks.delete(m.id);
        return;
      case 'stats':
        this.workerStats = m.stats;
        if (m.id !== undefined) {
          this.statsRequests.get(m.id)?.();
          this.statsRequests.delete(m.id);
        }
        return;
      case 'log':
        this.o.log?.[m.level](m.obj, m.msg);
        return;
      case 'closed':
        void from.terminate();
        return;
    }
  }

  private exited(worker: RelayLink, code: number): void {
    if (worker !== this.worker) return;
    this.worker = null;
    // On close the relay stops its calls without a word to the student, as it always has.
    if (!this.closing) {
      for (const ask of this.asks.values()) {
        this.own.toTeacher++;
        ask.events.teacher('relay_restarted');
      }
    }
    this.asks.clear();
    for (const define of this.defines.values()) void this.offline(define.job).then(define.resolve);
    this.defines.clear();
    for (const answered of this.statsRequests.values()) answered();
    this.statsRequests.clear();
    for (const answered of this.checks.values()) answered(this.noWorkerCheck());
    this.checks.clear();
    if (this.closing) return;

    this.restarts++;
    if (Date.now() - this.startedAt >= STABLE_MS) this.restartDelayMs = RESTART_FIRST_MS;
    const delayMs = this.restartDelayMs;
    this.restartDelayMs = Math.min(RESTART_MAX_MS, delayMs * 2);
    this.o.log?.warn(
      { exitCode: code, restartInMs: delayMs, restarts: this.restarts },
      'The AI relay stopped: its questions went to the teacher; starting it again',
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.closing) this.start();
    }, delayMs);
    this.restartTimer.unref();
  }

  /** The answer to a route check while no worker can make it (it crashed, or the relay closed). */
  private noWorkerCheck(): RouteCheck {
    const s = this.o.getSettings();
    const route = this.routes.route(s);
    return {
      ok: false,
      route: route.on ? route.label : null,
      model: s.geminiModel,
      modelVersion: null,
      region: route.on ? route.region : null,
      latencyMs: null,
      problem: 'server',
      message: 'The AI relay is not running just now (it restarts by itself after a problem); try the check again.',
    };
  }

  /** A word from the offline dictionary on this thread (no worker to ask). */
  private offline(job: DefineJob): Promise<DefineResult> {
    this.own.offlineDefinitions++;
    this.dictionary ??= new OfflineDictionary();
    const answer = defineOffline(this.dictionary, job, this.o.log);
    this.fallbacks.add(answer);
    void answer.finally(() => this.fallbacks.delete(answer));
    return answer;
  }

  private async stop(): Promise<void> {
    clearInterval(this.settingsTimer);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (worker) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage({ type: 'close' } satisfies ToRelay);
      const timer = setTimeout(() => void worker.terminate(), CLOSE_WAIT_MS);
      await exited;
      clearTimeout(timer);
    }
    await Promise.allSettled([...this.fallbacks]);
    await this.dictionary?.close();
  }
}
