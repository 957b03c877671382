// Word look-ups: from the cache (definition-cache.ts), else one Gemini call however many students
// tapped the same word in the same sense at once, within a short deadline, else the offline
// dictionary. Each student may look up so many words in five minutes.
import type { Settings } from '../config.js';
import { describe } from './calls.js';
import { DefinitionCache, definitionKey } from './definition-cache.js';
import { definitionRequest, normaliseWord, previousWord, senseSentence } from './prompt.js';
import type { Provider } from './provider.js';
import { askerKey, LIMIT_WINDOW_MS, SlidingWindowLimiter } from './rate-limit.js';
import type { RelayContext, RelayLog } from './relay-context.js';
import { withRetries } from './retry.js';
import type { DefineJob, DefineResult, DefinitionCacheStore } from './types.js';
import { OfflineDictionary } from './wordnet.js';

/** A tapped word's pop-up should not wait long: after this, the offline dictionary answers. */
const DEFINE_DEADLINE_MS = 10_000;

export const notInDictionary = (word: string) =>
  `I don't know the word "${word || 'that'}" yet. Try reading the sentence around it again, or ask your teacher!`;

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

export class Definitions {
  private readonly limits = new SlidingWindowLimiter(LIMIT_WINDOW_MS, Date.now);
  private readonly cache: DefinitionCache;
  /** Single flight: one upstream call per definition key, however many students tapped it. */
  private readonly pending = new Map<string, Promise<string | undefined>>();
  private readonly dictionary = new OfflineDictionary();

  constructor(
    private readonly r: RelayContext,
    store: DefinitionCacheStore,
  ) {
    this.cache = new DefinitionCache(store, r.log);
  }

  get inMemory(): number {
    return this.cache.inMemory;
  }

  async define(job: DefineJob): Promise<DefineResult> {
    const { r } = this;
    r.stats.definitions++;
    const s = r.settings();
    const word = normaliseWord(job.word);
    const key = definitionKey(word, senseSentence(job), job.policy.gradeLevel);
    const known = this.cache.known(key);
    if (known) {
      r.stats.cacheHits++;
      return { ok: true, text: known, source: 'cache' };
    }
    const route = r.route(s, job.policy.aiAnswers);
    if (word && route.on && !r.calls.closed) {
      r.stats.cacheMisses++;
      let pending = this.pending.get(key);
      if (pending) {
        r.stats.mergedDefinitions++;
      } else {
        const wait = this.limits.take(askerKey(job), job.policy.definitionsPer5Min);
        if (wait > 0) {
          r.stats.rateLimited++;
          return { ok: false, retryAfterMs: wait };
        }
        pending = this.upstream(job, s, r.provider(route.config)).then(
          (text) => text && this.cache.remember(key, word, text),
        );
        this.pending.set(key, pending);
        void pending.finally(() => this.pending.delete(key));
      }
      const text = await pending;
      if (text) return { ok: true, text, source: 'gemini' };
    }
    r.stats.offlineDefinitions++;
    return defineOffline(this.dictionary, job, r.log);
  }

  close(): Promise<void> {
    return this.dictionary.close();
  }

  /** One upstream definition through the fair queue; undefined when it failed or was withheld. */
  private upstream(job: DefineJob, s: Settings, provider: Provider): Promise<string | undefined> {
    const { r } = this;
    const request = definitionRequest(job, job.policy.gradeLevel);
    const deadlineMs = Math.min(DEFINE_DEADLINE_MS, s.llmDeadlineSeconds * 1000);
    const deadlineAt = Date.now() + deadlineMs;
    const control = new AbortController();
    const signal = AbortSignal.any([control.signal, AbortSignal.timeout(deadlineMs)]);
    return new Promise((resolve) => {
      const run = async () => {
        if (r.calls.closed) return resolve(undefined);
        try {
          const outcome = await withRetries(
            () => provider.generate(request, signal),
            r.calls.plan(s, deadlineAt, signal, () => true),
          );
          r.calls.record(outcome, s);
          resolve(outcome.flag ? undefined : outcome.text.trim());
        } catch (err) {
          r.stats.upstreamFailures++;
          r.log?.warn(
            { reason: signal.aborted ? 'deadline' : describe(err), model: s.geminiModel },
            'Gemini gave no definition',
          );
          resolve(undefined);
        }
      };
      const ticket = r.calls.queue.submit(job.classId, job.studentKey, () => r.calls.track(control, run));
      // Still queued at the deadline: give up the place and let the dictionary answer.
      signal.addEventListener('abort', () => ticket.cancel() && resolve(undefined), { once: true });
    });
  }
}
