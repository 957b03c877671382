// The relay: questions and word look-ups from the classroom, answered by a language model
// (Gemini, through the route the settings name), the definition cache, the offline dictionary or,
// when no AI can answer, the teacher. It owns the fair queue, the per-student limit on word
// look-ups, retries and deadlines, and the usage figures. It runs in the relay's worker thread
// (relay-worker.ts); the per-student limit on questions is checked before a question leaves the
// socket thread (relay-proxy.ts), because the student hears at once whether it was accepted.
import { createHash } from 'node:crypto';
import type { Settings } from '../config.js';
import { FairQueue } from './fair-queue.js';
import { Lru } from './lru.js';
import { definitionRequest, normaliseWord, previousWord, questionRequest, senseSentence } from './prompt.js';
import { checkRoute } from './check.js';
import { UpstreamError, type Outcome, type Provider, type ProviderConfig } from './provider.js';
import { askerKey, LIMIT_WINDOW_MS, SlidingWindowLimiter } from './rate-limit.js';
import { withRetries, type RetryPlan } from './retry.js';
import { aiStatusOf, resolveRoute, RouteCache, type Route } from './route.js';
import { RelayStats } from './stats.js';
import type {
  AiStatus,
  AskEvents,
  AskJob,
  AskResult,
  ClassPolicy,
  DefineJob,
  DefineResult,
  DefinitionCacheStore,
  FlagReason,
  Relay,
  RouteCheck,
} from './types.js';
import { OfflineDictionary } from './wordnet.js';

/** Shown instead of an answer that was withheld; the teacher's feed shows the flag. */
export const KIND_MESSAGES: Readonly<Record<FlagReason, string>> = {
  prompt_blocked: "Let's keep our questions about the story. Can you ask me something about what you're reading?",
  safety:
    "That's not something I can help with here. Let's get back to the story, and you can always ask your teacher.",
  recitation: "I can't copy out parts of books, but I can help you understand them. Try asking what a part means!",
  empty: "Hmm, I don't have a good answer for that one. Try asking in a different way, or ask your teacher.",
  error: "Oops, I couldn't finish that answer. Please ask again, or ask your teacher.",
};

export const notInDictionary = (word: string) =>
  `I don't know the word "${word || 'that'}" yet. Try reading the sentence around it again, or ask your teacher!`;

const MINUTE_MS = 60_000;
/** A tapped word's pop-up should not wait long: after this, the offline dictionary answers. */
const DEFINE_DEADLINE_MS = 10_000;
/** Definitions kept in memory (each a few hundred bytes); the store keeps them all. */
const DEFINITIONS_IN_MEMORY = 2_000;

export interface RelayLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface RelayOptions {
  getSettings: () => Settings;
  cache: DefinitionCacheStore;
  log?: RelayLog;
  /** The last figures of the relay this one replaces (after a crash): its counters carry on. */
  carriedStats?: Readonly<Record<string, unknown>>;
}

export type ProviderFactory = (config: ProviderConfig) => Provider;

/** Cache key of a definition: the word in the sense of its sentence, at a grade level. */
export function definitionKey(word: string, sentence: string, grade: number): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([grade, word, sentence.toLowerCase()]))
    .digest('hex');
  return `def1:${digest.slice(0, 40)}`;
}

/** A tapped word from the offline dictionary, or the kind line for a word it does not know. */
export async function defineOffline(
  dictionary: OfflineDictionary,
  job: DefineJob,
  log?: RelayLog,
): Promise<DefineResult> {
  const word = normaliseWord(job.word);
  let text: string | undefined;
  try {
    text = word ? await dictionary.define(word, previousWord(job), senseSentence(job)) : undefined;
  } catch (err) {
    log?.warn({ error: String(err) }, 'Offline dictionary failed');
  }
  return { ok: true, text: text ?? notInDictionary(word), source: 'offline' };
}

/** Short reason for the log and the teacher hand-over; never contains student text. */
function describe(err: unknown): string {
  if (err instanceof UpstreamError) return err.status ? `upstream_http_${err.status}` : 'upstream_unreachable';
  return 'upstream_error';
}

/** Questions in a row that found Gemini unavailable before the relay stops trying for a while. */
const OUTAGE_AFTER = 3;
const OUTAGE_MS = 15_000;

export class ClassroomRelay implements Relay {
  private readonly queue: FairQueue;
  private readonly definitionLimits = new SlidingWindowLimiter(LIMIT_WINDOW_MS, Date.now);
  private readonly upstreamRate = new SlidingWindowLimiter(MINUTE_MS, Date.now);
  private readonly definitions = new Lru<string, string>(DEFINITIONS_IN_MEMORY);
  /** Single flight: one upstream call per definition key, however many students tapped it. */
  private readonly pendingDefinitions = new Map<string, Promise<string | undefined>>();
  private readonly dictionary = new OfflineDictionary();
  private readonly statsData = new RelayStats();
  /** Every call under way, so close() can stop them. */
  private readonly running = new Set<AbortController>();
  private readonly work = new Set<Promise<unknown>>();
  private closed = false;
  private failuresInARow = 0;
  private outageUntil = 0;
  private providerSignature = '';
  private providerInstance: Provider | undefined;
  private readonly routes = new RouteCache((detail) =>
    this.o.log?.warn({ detail }, 'Vertex AI is off: its key cannot be used'),
  );

  constructor(
    private readonly o: RelayOptions,
    private readonly makeProvider: ProviderFactory,
  ) {
    this.queue = new FairQueue(() => this.settings().llmMaxInFlight);
    if (o.carriedStats) this.statsData.restore(o.carriedStats);
  }

  private settings(): Settings {
    return this.o.getSettings();
  }

  get aiEnabled(): boolean {
    return this.route(this.settings()).on;
  }

  private route(s: Settings): Route {
    return this.routes.route(s);
  }

  /** The provider for the current route and model (rebuilt when either changes). */
  private provider(config: ProviderConfig): Provider {
    const signature = JSON.stringify(config);
    if (!this.providerInstance || signature !== this.providerSignature) {
      this.providerInstance = this.makeProvider(config);
      this.providerSignature = signature;
    }
    return this.providerInstance;
  }

  aiStatus(policy?: Pick<ClassPolicy, 'aiAnswers'>): AiStatus {
    const s = this.settings();
    return aiStatusOf(this.routes.route(s, policy?.aiAnswers), s.geminiModel, this.inOutage());
  }

  /** One short request through the route as it is configured now (the file is read again). */
  checkRoute(): Promise<RouteCheck> {
    return checkRoute(resolveRoute(this.settings()), this.makeProvider);
  }

  /** Takes a question the socket thread has admitted (its per-student limit is checked there). */
  ask(job: AskJob, events: AskEvents): Extract<AskResult, { accepted: true }> {
    const s = this.settings();
    this.statsData.questions++;
    const control = new AbortController();
    // Events stop at the first done/teacher, and after a cancel.
    let ended = false;
    const open = () => !ended && !control.signal.aborted;
    const last = () => open() && (ended = true);
    const out: AskEvents = {
      position: (n) => open() && events.position(n),
      chunk: (text) => open() && events.chunk(text),
      done: (answer) => last() && events.done(answer),
      teacher: (reason) => last() && events.teacher(reason),
    };
    const route = this.routes.route(s, job.policy.aiAnswers);
    const noAi = !route.on
      ? route.reason
      : this.closed
        ? 'relay_closed'
        : this.inOutage()
          ? 'gemini_unavailable'
          : null;
    if (noAi) {
      this.statsData.toTeacher++;
      // After the return, so the core acknowledges the question before hearing its fate.
      queueMicrotask(() => out.teacher(noAi));
      return { accepted: true, queuePosition: 0, cancel: () => control.abort() };
    }
    const ticket = this.queue.submit(
      job.classId,
      job.studentKey,
      () => this.track(control, () => this.answer(job, out, control.signal)),
      out.position,
    );
    return {
      accepted: true,
      queuePosition: ticket.position,
      cancel: () => {
        ticket.cancel();
        control.abort();
      },
    };
  }

  private async track<T>(control: AbortController, run: () => Promise<T>): Promise<T> {
    this.running.add(control);
    const p = run();
    this.work.add(p);
    try {
      return await p;
    } finally {
      this.running.delete(control);
      this.work.delete(p);
    }
  }

  private plan(s: Settings, deadlineAt: number, signal: AbortSignal, mayRetry: () => boolean): RetryPlan {
    return {
      maxRetries: s.llmMaxRetries,
      deadlineAt,
      signal,
      mayRetry,
      random: Math.random,
      onTry: () => {
        this.statsData.upstreamCalls++;
        this.upstreamRate.take(0, Number.POSITIVE_INFINITY);
      },
      onRetry: (err, delayMs) => {
        this.statsData.retries++;
        this.o.log?.info({ status: err.status, delayMs: Math.round(delayMs) }, 'Gemini call failed; retrying');
      },
    };
  }

  private record(outcome: Outcome, s: Settings): void {
    this.statsData.addUsage(outcome.usage, {
      inputPerMTok: s.geminiInputPricePerMTok,
      outputPerMTok: s.geminiOutputPricePerMTok,
    });
    if (outcome.flag) this.statsData.withheld[outcome.flag]++;
  }

  /**
   * After OUTAGE_AFTER questions in a row found Gemini unreachable, overloaded or too slow, the
   * next OUTAGE_MS of questions go straight to the teacher: otherwise each would wait out its own
   * deadline, and the last in a long queue would wait minutes. Then Gemini is tried again, and a
   * single failure of that first try starts another pause.
   */
  private inOutage(): boolean {
    return Date.now() < this.outageUntil;
  }

  private async answer(job: AskJob, out: AskEvents, cancelled: AbortSignal): Promise<void> {
    if (cancelled.aborted || this.closed) return;
    const s = this.settings();
    const route = this.routes.route(s, job.policy.aiAnswers);
    if (!route.on || this.inOutage()) {
      // AI was switched off, or Gemini went away, while this question waited.
      this.statsData.toTeacher++;
      out.teacher(route.on ? 'gemini_unavailable' : route.reason);
      return;
    }
    const provider = this.provider(route.config);
    const request = questionRequest(job, job.policy.gradeLevel);
    const started = Date.now();
    const deadlineMs = s.llmDeadlineSeconds * 1000;
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = AbortSignal.any([cancelled, deadline]);
    let firstChunkAt: number | undefined;
    const onText = (text: string) => {
      firstChunkAt ??= Date.now();
      out.chunk(text);
    };
    try {
      // Once a chunk was shown the call cannot be repeated: the student would see text twice.
      const outcome = await withRetries(
        () => provider.stream(request, signal, onText),
        this.plan(s, started + deadlineMs, signal, () => firstChunkAt === undefined),
      );
      this.record(outcome, s);
      this.failuresInARow = 0;
      this.statsData.totalMs.add(Date.now() - started);
      if (firstChunkAt !== undefined) this.statsData.firstChunkMs.add(firstChunkAt - started);
      if (outcome.flag) {
        out.done({ text: KIND_MESSAGES[outcome.flag], source: 'gemini', flag: outcome.flag });
      } else {
        this.statsData.answeredByAi++;
        out.done({ text: outcome.text, source: 'gemini' });
      }
    } catch (err) {
      if (cancelled.aborted) return; // the student left or the server is stopping
      this.statsData.upstreamFailures++;
      const reason = deadline.aborted ? 'deadline' : describe(err);
      this.o.log?.warn(
        { reason, model: s.geminiModel, error: err instanceof Error ? err.message : String(err) },
        'Gemini gave no answer',
      );
      // Part of an answer was shown, or Gemini refused the request itself: a kind word and a
      // flag for the teacher. Otherwise (unreachable, overloaded, too slow) the teacher answers.
      if (firstChunkAt !== undefined || (err instanceof UpstreamError && err.status === 400)) {
        this.statsData.withheld.error++;
        out.done({ text: KIND_MESSAGES.error, source: 'gemini', flag: 'error' });
      } else {
        this.statsData.toTeacher++;
        if (++this.failuresInARow >= OUTAGE_AFTER) {
          this.outageUntil = Date.now() + OUTAGE_MS;
          // The first question after the pause is the probe: one more failure starts another.
          this.failuresInARow = OUTAGE_AFTER - 1;
          this.o.log?.warn(
            { seconds: OUTAGE_MS / 1000 },
            'Gemini keeps failing; questions go to the teacher for a while',
          );
        }
        out.teacher(reason);
      }
    }
  }

  async define(job: DefineJob): Promise<DefineResult> {
    this.statsData.definitions++;
    const s = this.settings();
    const word = normaliseWord(job.word);
    const key = definitionKey(word, senseSentence(job), job.policy.gradeLevel);
    const known = this.known(key);
    if (known) {
      this.statsData.cacheHits++;
      return { ok: true, text: known, source: 'cache' };
    }
    const route = this.routes.route(s, job.policy.aiAnswers);
    if (word && route.on && !this.closed) {
      this.statsData.cacheMisses++;
      let pending = this.pendingDefinitions.get(key);
      if (pending) {
        this.statsData.mergedDefinitions++;
      } else {
        const wait = this.definitionLimits.take(askerKey(job), job.policy.definitionsPer5Min);
        if (wait > 0) {
          this.statsData.rateLimited++;
          return { ok: false, retryAfterMs: wait };
        }
        pending = this.defineUpstream(job, s, this.provider(route.config)).then(
          (text) => text && this.remember(key, word, text),
        );
        this.pendingDefinitions.set(key, pending);
        void pending.finally(() => this.pendingDefinitions.delete(key));
      }
      const text = await pending;
      if (text) return { ok: true, text, source: 'gemini' };
    }
    this.statsData.offlineDefinitions++;
    return defineOffline(this.dictionary, job, this.o.log);
  }

  /** A definition from memory, else from the persistent store (which then warms memory). */
  private known(key: string): string | undefined {
    const hot = this.definitions.get(key);
    if (hot) return hot;
    try {
      const stored = this.o.cache.get(key);
      if (stored) this.definitions.set(key, stored.text);
      return stored?.text;
    } catch (err) {
      this.o.log?.warn({ error: String(err) }, 'Definition cache could not be read');
      return undefined;
    }
  }

  private remember(key: string, word: string, text: string): string {
    this.definitions.set(key, text);
    try {
      this.o.cache.put(key, word, text, 'gemini');
    } catch (err) {
      this.o.log?.warn({ error: String(err) }, 'Definition cache could not be written');
    }
    return text;
  }

  /** One upstream definition through the fair queue; undefined when it failed or was withheld. */
  private defineUpstream(job: DefineJob, s: Settings, provider: Provider): Promise<string | undefined> {
    const request = definitionRequest(job, job.policy.gradeLevel);
    const deadlineMs = Math.min(DEFINE_DEADLINE_MS, s.llmDeadlineSeconds * 1000);
    const deadlineAt = Date.now() + deadlineMs;
    const control = new AbortController();
    const signal = AbortSignal.any([control.signal, AbortSignal.timeout(deadlineMs)]);
    return new Promise((resolve) => {
      const run = async () => {
        if (this.closed) return resolve(undefined);
        try {
          const outcome = await withRetries(
            () => provider.generate(request, signal),
            this.plan(s, deadlineAt, signal, () => true),
          );
          this.record(outcome, s);
          resolve(outcome.flag ? undefined : outcome.text.trim());
        } catch (err) {
          this.statsData.upstreamFailures++;
          this.o.log?.warn(
            { reason: signal.aborted ? 'deadline' : describe(err), model: s.geminiModel },
            'Gemini gave no definition',
          );
          resolve(undefined);
        }
      };
      const ticket = this.queue.submit(job.classId, job.studentKey, () => this.track(control, run));
      // Still queued at the deadline: give up the place and let the dictionary answer.
      signal.addEventListener('abort', () => ticket.cancel() && resolve(undefined), { once: true });
    });
  }

  stats(): Record<string, number | string | boolean> {
    const s = this.settings();
    const lastMinute = this.upstreamRate.count();
    const route = this.route(s);
    return this.statsData.snapshot({
      aiEnabled: route.on,
      aiProvider: route.provider,
      aiRoute: route.on ? route.label : '',
      model: s.geminiModel,
      queueDepth: this.queue.depth,
      inFlight: this.queue.inFlight,
      maxInFlight: s.llmMaxInFlight,
      requestsLastMinute: lastMinute,
      rpmQuota: s.geminiRequestsPerMinute,
      rpmUsedPct: Number(((100 * lastMinute) / s.geminiRequestsPerMinute).toFixed(2)),
      definitionsInMemory: this.definitions.size,
      geminiUnavailable: this.inOutage(),
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.close();
    for (const control of this.running) control.abort();
    await Promise.allSettled([...this.work]);
    await this.dictionary.close();
  }
}
