// Per-student sliding windows: at most `limit` events in `windowMs`. A refused event is not
// counted, and the answer says how long until the oldest counted event leaves the window.
import type { Asker } from './types.js';

/** The window of the per-student limits on questions and on word look-ups. */
export const LIMIT_WINDOW_MS = 5 * 60_000;

/** A student's key for the limits: student keys are unique only within their class. */
export const askerKey = (a: Asker): string => `${a.classId}\u0000${a.studentKey}`;

export class SlidingWindowLimiter {
  private readonly events = new Map<string | number, number[]>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Counts one event for `key` and returns 0, or returns how many ms until one would be allowed. */
  take(key: string | number, limit: number): number {
    const now = this.now();
    const times = (this.events.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (times.length >= limit) {
      this.events.set(key, times);
      return Math.max(1, (times[times.length - limit] ?? now) + this.windowMs - now);
    }
    times.push(now);
    this.events.set(key, times);
    return 0;
  }

  /** Events counted in the window (all keys). */
  count(): number {
    const since = this.now() - this.windowMs;
    let n = 0;
    for (const [key, times] of this.events) {
      const live = times.filter((t) => t > since);
      if (live.length === 0) this.events.delete(key);
      else this.events.set(key, live);
      n += live.length;
    }
    return n;
  }
}
