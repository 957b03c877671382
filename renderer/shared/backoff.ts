// Reconnect delays with exponential backoff and "full jitter": each wait is a random time between
// 0 and min(cap, base * 2^attempt). When a classroom server restarts, thousands of tablets lose
// their socket in the same instant; full jitter spreads their returns evenly over the window
// instead of bunching them at the same few instants, as a fixed or "equal jitter" delay would.

export interface BackoffOptions {
  /** The first window, in ms (attempt 0 waits between 0 and this). */
  baseMs?: number;
  /** The largest window, in ms. */
  capMs?: number;
  /** Replaceable for tests; returns a number in [0, 1). */
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly random: () => number;

  constructor(o: BackoffOptions = {}) {
    this.baseMs = o.baseMs ?? 500;
    this.capMs = o.capMs ?? 15_000;
    this.random = o.random ?? Math.random;
  }

  /** The window the next delay is drawn from. */
  window(): number {
    // 2^attempt is capped before multiplying so a long outage cannot overflow to Infinity.
    return Math.min(this.capMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
  }

  /** The delay before the next attempt; each call widens the window for the one after. */
  next(): number {
    const delay = Math.floor(this.random() * this.window());
    this.attempt++;
    return delay;
  }

  /** After a success: the next failure starts from the smallest window again. */
  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
