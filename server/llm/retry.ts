// Retries of one upstream call: jittered exponential backoff that waits at least as long as the
// server asked (RetryInfo), and never past the caller's deadline.
import { setTimeout as sleep } from 'node:timers/promises';
import { UpstreamError } from './provider.js';

const BASE_MS = 500;
const CAP_MS = 8_000;

export interface RetryPlan {
  maxRetries: number;
  /** Epoch ms after which no new try starts. */
  deadlineAt: number;
  /** Aborts the wait between tries (deadline or cancel). */
  signal: AbortSignal;
  /** Whether a failed try may be repeated (a stream that already showed text may not). */
  mayRetry: () => boolean;
  /** Hears every try about to start (for counting) and every retry's wait. */
  onTry: () => void;
  onRetry: (err: UpstreamError, delayMs: number) => void;
  random: () => number;
  /** The clock `deadlineAt` is read on. */
  now: () => number;
  /** Waits between tries (tests pass one that does not sleep). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<unknown>;
}

const wait = (ms: number, signal: AbortSignal) => sleep(ms, undefined, { signal });

/** Wait before retry number `n` (0-based): half fixed, half random; at least the server's hint. */
export function backoffMs(n: number, hintMs: number | undefined, random: () => number): number {
  const exp = Math.min(CAP_MS, BASE_MS * 2 ** n);
  const jittered = exp / 2 + random() * (exp / 2);
  // Spread the clients a hint released at the same moment over a tenth of the hint.
  return hintMs === undefined ? jittered : Math.max(jittered, hintMs + random() * hintMs * 0.1);
}

export async function withRetries<T>(attempt: () => Promise<T>, plan: RetryPlan): Promise<T> {
  for (let n = 0; ; n++) {
    plan.onTry();
    try {
      return await attempt();
    } catch (err) {
      if (
        !(err instanceof UpstreamError) ||
        !err.retryable ||
        n >= plan.maxRetries ||
        !plan.mayRetry() ||
        plan.signal.aborted
      ) {
        throw err;
      }
      const delay = backoffMs(n, err.retryAfterMs, plan.random);
      if (plan.now() + delay >= plan.deadlineAt) throw err;
      plan.onRetry(err, delay);
      await (plan.sleep ?? wait)(delay, plan.signal);
    }
  }
}
