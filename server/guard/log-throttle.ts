// One log line per kind of trouble every few seconds: a flood or a full disk repeats the same
// error thousands of times a second, and writing each would add to the pressure it reports.
const EVERY_MS = 10_000;

export class LogThrottle {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Whether to log this kind now, and how many were left unlogged since the last line. */
  take(kind: string): { log: boolean; suppressed: number } {
    const now = this.now();
    const seen = this.last.get(kind);
    if (seen && now - seen.at < EVERY_MS) {
      seen.suppressed++;
      return { log: false, suppressed: 0 };
    }
    this.last.set(kind, { at: now, suppressed: 0 });
    return { log: true, suppressed: seen?.suppressed ?? 0 };
  }
}
