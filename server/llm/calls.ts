// The relay's calls to Gemini: the fair queue they wait in (fair-queue.ts), their retry plan and
// what each costs (stats.ts, the key's requests per minute), and the calls under way, so close()
// can stop them.
import type { Settings } from '../config.js';
import { FairQueue } from './fair-queue.js';
import { UpstreamError, type Outcome } from './provider.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import type { RelayLog } from './relay-context.js';
import type { RetryPlan } from './retry.js';
import type { RelayStats } from './stats.js';

const MINUTE_MS = 60_000;

export interface UpstreamCallsOptions {
  settings(): Settings;
  stats: RelayStats;
  log?: RelayLog;
}

export class UpstreamCalls {
  readonly queue: FairQueue;
  private readonly rate = new SlidingWindowLimiter(MINUTE_MS, Date.now);
  /** Every call under way, so close() can stop them. */
  private readonly running = new Set<AbortController>();
  private readonly work = new Set<Promise<unknown>>();
  private closedNow = false;

  constructor(private readonly o: UpstreamCallsOptions) {
    this.queue = new FairQueue(() => o.settings().llmMaxInFlight);
  }

  get closed(): boolean {
    return this.closedNow;
  }

  /** Calls started in the last minute (against the key's quota). */
  get lastMinute(): number {
    return this.rate.count();
  }

  /** Runs one call, stopped by `control` when the relay closes. */
  async track<T>(control: AbortController, run: () => Promise<T>): Promise<T> {
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

  plan(s: Settings, deadlineAt: number, signal: AbortSignal, mayRetry: () => boolean): RetryPlan {
    return {
      maxRetries: s.llmMaxRetries,
      deadlineAt,
      signal,
      mayRetry,
      random: Math.random,
      now: Date.now,
      onTry: () => {
        this.o.stats.upstreamCalls++;
        this.rate.take(0, Number.POSITIVE_INFINITY);
      },
      onRetry: (err, delayMs) => {
        this.o.stats.retries++;
        this.o.log?.info({ status: err.status, delayMs: Math.round(delayMs) }, 'Gemini call failed; retrying');
      },
    };
  }

  /** Counts what a finished call used and cost, and an answer withheld. */
  record(outcome: Outcome, s: Settings): void {
    this.o.stats.addUsage(outcome.usage, {
      inputPerMTok: s.geminiInputPricePerMTok,
      outputPerMTok: s.geminiOutputPricePerMTok,
    });
    if (outcome.flag) this.o.stats.withheld[outcome.flag]++;
  }

  async close(): Promise<void> {
    this.closedNow = true;
    this.queue.close();
    for (const control of this.running) control.abort();
    await Promise.allSettled([...this.work]);
  }
}

/** Short reason for the log and the teacher hand-over; never contains student text. */
export function describe(err: unknown): string {
  if (err instanceof UpstreamError) return err.status ? `upstream_http_${err.status}` : 'upstream_unreachable';
  return 'upstream_error';
}
