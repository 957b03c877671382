// The relay's figures for the dashboard and the capacity model: latency of upstream calls,
// retries, withheld answers, tokens and what they cost, cache use. Latency figures are over the
// most recent calls only, so they follow the day's conditions.
import type { Usage } from './provider.js';
import type { FlagReason } from './types.js';

const RECENT = 200;

class Recent {
  private readonly samples: number[] = [];

  add(ms: number): void {
    this.samples.push(ms);
    if (this.samples.length > RECENT) this.samples.shift();
  }

  /** The q-quantile (nearest rank) of the recent samples, or 0 with none. */
  quantile(q: number): number {
    if (this.samples.length === 0) return 0;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  }
}

export interface Prices {
  inputPerMTok: number;
  outputPerMTok: number;
}

/** The cumulative counters (besides `withheld`), kept across a restart of the relay's worker. */
const COUNTERS = [
  'questions',
  'answeredByAi',
  'toTeacher',
  'rateLimited',
  'upstreamCalls',
  'retries',
  'upstreamFailures',
  'inputTokens',
  'outputTokens',
  'costUsd',
  'definitions',
  'cacheHits',
  'cacheMisses',
  'mergedDefinitions',
  'offlineDefinitions',
] as const;

export class RelayStats {
  readonly firstChunkMs = new Recent();
  readonly totalMs = new Recent();
  questions = 0;
  answeredByAi = 0;
  toTeacher = 0;
  rateLimited = 0;
  upstreamCalls = 0;
  retries = 0;
  upstreamFailures = 0;
  readonly withheld: Record<FlagReason, number> = { prompt_blocked: 0, safety: 0, recitation: 0, empty: 0, error: 0 };
  inputTokens = 0;
  outputTokens = 0;
  /** Dollars, priced at the settings in force when each call ended. */
  costUsd = 0;
  definitions = 0;
  cacheHits = 0;
  cacheMisses = 0;
  mergedDefinitions = 0;
  offlineDefinitions = 0;

  addUsage(usage: Usage, prices: Prices): void {
    this.inputTokens += usage.inputTokens;
    this.outputTokens += usage.outputTokens;
    this.costUsd += (usage.inputTokens * prices.inputPerMTok + usage.outputTokens * prices.outputPerMTok) / 1e6;
  }

  /**
   * Takes over the counters of a crashed relay from its last snapshot, so the day's figures (cost
   * above all) do not start again from zero. Latency samples start afresh.
   */
  restore(snapshot: Readonly<Record<string, unknown>>): void {
    const count = (name: string) => {
      const v = snapshot[name];
      return typeof v === 'number' && Number.isFinite(v) ? v : 0;
    };
    for (const name of COUNTERS) this[name] = count(name);
    for (const flag of Object.keys(this.withheld) as FlagReason[]) this.withheld[flag] = count(`withheld_${flag}`);
  }

  /** Flat figures; `live` adds what only the relay's parts know right now (queue, rate, ...). */
  snapshot(live: Record<string, number | string | boolean>): Record<string, number | string | boolean> {
    const round = (n: number, digits = 6) => Number(n.toFixed(digits));
    const lookups = this.cacheHits + this.cacheMisses;
    return {
      ...live,
      questions: this.questions,
      answeredByAi: this.answeredByAi,
      toTeacher: this.toTeacher,
      rateLimited: this.rateLimited,
      upstreamCalls: this.upstreamCalls,
      retries: this.retries,
      upstreamFailures: this.upstreamFailures,
      withheld: Object.values(this.withheld).reduce((a, b) => a + b, 0),
      ...Object.fromEntries(Object.entries(this.withheld).map(([k, v]) => [`withheld_${k}`, v])),
      firstChunkMsP50: this.firstChunkMs.quantile(0.5),
      firstChunkMsP95: this.firstChunkMs.quantile(0.95),
      totalMsP50: this.totalMs.quantile(0.5),
      totalMsP95: this.totalMs.quantile(0.95),
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      costUsd: round(this.costUsd),
      // The core divides costUsd by the student-hours it counts to get cost per student-hour.
      costPerQuestionUsd: this.answeredByAi > 0 ? round(this.costUsd / this.answeredByAi) : 0,
      definitions: this.definitions,
      cacheHits: this.cacheHits,
      cacheMisses: this.cacheMisses,
      cacheHitRatio: lookups > 0 ? round(this.cacheHits / lookups, 4) : 0,
      mergedDefinitions: this.mergedDefinitions,
      offlineDefinitions: this.offlineDefinitions,
    };
  }
}
