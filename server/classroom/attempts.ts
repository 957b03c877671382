// Counts events per key in a fixed window: wrong class-code guesses and new students joining.
export class AttemptLimiter {
  private readonly byKey = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Milliseconds until this key may try again, or 0 if it may try now (limit: the constructor's, or `max`). */
  retryAfter(key: string, now: number, max = this.max): number {
    const entry = this.byKey.get(key);
    if (!entry || entry.resetAt <= now) return 0;
    return entry.count >= max ? entry.resetAt - now : 0;
  }

  record(key: string, now: number): void {
    const entry = this.byKey.get(key);
    if (!entry || entry.resetAt <= now) {
      // Forget stale keys now and then so the map cannot grow without bound.
      if (this.byKey.size > 10_000) this.sweep(now);
      this.byKey.set(key, { count: 1, resetAt: now + this.windowMs });
    } else {
      entry.count++;
    }
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.byKey) if (entry.resetAt <= now) this.byKey.delete(key);
  }
}

/** Wrong codes one address may try in a minute: generous for typos (a school may share one address behind NAT). */
export const WRONG_CODES_PER_ADDRESS = 30;
/**
 * Six characters of 22 is 113 million codes. With one class, the worst case the single-class
 * release allowed was a LAN of a thousand addresses each guessing 30 times a minute: 30,000
 * guesses a minute at one code. With L lessons open, every guess has L chances, so the server as
 * a whole allows 30,000 / L wrong guesses a minute (never fewer than 30, one address's worth):
 * guesses times open codes stays where it was, however many classes are live.
 */
const GUESS_BUDGET_PER_MINUTE = 30_000;
const SERVER_WIDE_KEY = '';

/** The wrong-code limits for the whole server: per address, and server-wide, over every class. */
export class CodeGuard {
  private readonly perAddress = new AttemptLimiter(WRONG_CODES_PER_ADDRESS);
  private readonly serverWide = new AttemptLimiter(Number.MAX_SAFE_INTEGER);

  /** Milliseconds until a code from this address is looked at again (0: now). */
  retryAfter(address: string, openLessons: number, now: number): number {
    const serverWideMax = Math.max(
      WRONG_CODES_PER_ADDRESS,
      Math.floor(GUESS_BUDGET_PER_MINUTE / Math.max(1, openLessons)),
    );
    return Math.max(
      this.perAddress.retryAfter(address, now),
      this.serverWide.retryAfter(SERVER_WIDE_KEY, now, serverWideMax),
    );
  }

  wrong(address: string, now: number): void {
    this.perAddress.record(address, now);
    this.serverWide.record(SERVER_WIDE_KEY, now);
  }
}
