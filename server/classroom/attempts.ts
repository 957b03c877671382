// Counts events per address in a fixed window: wrong class-code guesses (30 a minute: generous
// for typos, hopeless for guessing 113 million codes; a whole school may share one address behind
// NAT) and new students joining.
export class AttemptLimiter {
  private readonly byAddress = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly maxFailures = 30,
    private readonly windowMs = 60_000,
  ) {}

  /** Milliseconds until this address may try again, or 0 if it may try now. */
  retryAfter(address: string, now = Date.now()): number {
    const entry = this.byAddress.get(address);
    if (!entry || entry.resetAt <= now) return 0;
    return entry.count >= this.maxFailures ? entry.resetAt - now : 0;
  }

  record(address: string, now = Date.now()): void {
    const entry = this.byAddress.get(address);
    if (!entry || entry.resetAt <= now) {
      // Forget stale addresses now and then so the map cannot grow without bound.
      if (this.byAddress.size > 10_000) this.sweep(now);
      this.byAddress.set(address, { count: 1, resetAt: now + this.windowMs });
    } else {
      entry.count++;
    }
  }

  private sweep(now: number): void {
    for (const [address, entry] of this.byAddress) if (entry.resetAt <= now) this.byAddress.delete(address);
  }
}
