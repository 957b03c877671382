// The relay: questions and word look-ups from the classroom, answered by a language model
// (Gemini, through the route the settings name), the definition cache, the offline dictionary or,
// when no AI can answer, the teacher. It runs in the relay's worker thread (relay-worker.ts); the
// per-student limit on questions is checked before a question leaves the socket thread
// (relay-proxy.ts), because the student hears at once whether it was accepted.
//
// This file puts the parts together and answers for the whole: questions (questions.ts), word
// look-ups (definitions.ts), the outage breaker (outage.ts), the calls to Gemini with their queue,
// retries and deadlines (calls.ts), one provider per route (provider-cache.ts), the figures
// (stats.ts).
import type { Settings } from '../config.js';
import { UpstreamCalls } from './calls.js';
import { checkRoute } from './check.js';
import { Definitions } from './definitions.js';
import { OutageBreaker } from './outage.js';
import { ProviderCache, type ProviderFactory } from './provider-cache.js';
import { Questions } from './questions.js';
import type { RelayContext, RelayLog } from './relay-context.js';
import { aiStatusOf, resolveRoute, RouteCache } from './route.js';
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
  Relay,
  RouteCheck,
} from './types.js';

export interface RelayOptions {
  getSettings: () => Settings;
  cache: DefinitionCacheStore;
  log?: RelayLog;
  /** The last figures of the relay this one replaces (after a crash): its counters carry on. */
  carriedStats?: Readonly<Record<string, unknown>>;
  /** The clock of the outage pause (tests pass their own). */
  now?: () => number;
}

export class ClassroomRelay implements Relay {
  private readonly context: RelayContext;
  private readonly outage: OutageBreaker;
  private readonly questions: Questions;
  private readonly definitions: Definitions;

  constructor(
    private readonly o: RelayOptions,
    private readonly makeProvider: ProviderFactory,
  ) {
    const stats = new RelayStats();
    if (o.carriedStats) stats.restore(o.carriedStats);
    const routes = new RouteCache((detail) => o.log?.warn({ detail }, 'Vertex AI is off: its key cannot be used'));
    const providers = new ProviderCache(makeProvider);
    const settings = () => o.getSettings();
    this.context = {
      settings,
      route: (s, aiAnswers) => routes.route(s, aiAnswers),
      provider: (config) => providers.get(config),
      calls: new UpstreamCalls({ settings, stats, log: o.log }),
      stats,
      log: o.log,
    };
    this.outage = new OutageBreaker({
      now: o.now ?? Date.now,
      pauseMs: () => settings().llmOutageSeconds * 1000,
      log: o.log,
    });
    this.questions = new Questions(this.context, this.outage);
    this.definitions = new Definitions(this.context, o.cache);
  }

  get aiEnabled(): boolean {
    const { context: c } = this;
    return c.route(c.settings()).on;
  }

  aiStatus(policy?: Pick<ClassPolicy, 'aiAnswers'>): AiStatus {
    const { context: c } = this;
    const s = c.settings();
    return aiStatusOf(c.route(s, policy?.aiAnswers), s.geminiModel, this.outage.active);
  }

  /** One short request through the route as it is configured now (the file is read again). */
  checkRoute(): Promise<RouteCheck> {
    return checkRoute(resolveRoute(this.o.getSettings()), this.makeProvider);
  }

  ask(job: AskJob, events: AskEvents): Extract<AskResult, { accepted: true }> {
    return this.questions.ask(job, events);
  }

  define(job: DefineJob): Promise<DefineResult> {
    return this.definitions.define(job);
  }

  stats(): Record<string, number | string | boolean> {
    const { settings, route, calls, stats } = this.context;
    const s = settings();
    const lastMinute = calls.lastMinute;
    const r = route(s);
    return stats.snapshot({
      aiEnabled: r.on,
      aiProvider: r.provider,
      aiRoute: r.on ? r.label : '',
      model: s.geminiModel,
      queueDepth: calls.queue.depth,
      inFlight: calls.queue.inFlight,
      maxInFlight: s.llmMaxInFlight,
      requestsLastMinute: lastMinute,
      rpmQuota: s.geminiRequestsPerMinute,
      rpmUsedPct: Number(((100 * lastMinute) / s.geminiRequestsPerMinute).toFixed(2)),
      definitionsInMemory: this.definitions.inMemory,
      geminiUnavailable: this.outage.active,
    });
  }

  async close(): Promise<void> {
    await this.context.calls.close();
    await this.definitions.close();
  }
}
