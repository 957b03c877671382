// How many descriptors are free, cheaply enough to ask on every new connection: the kernel's count
// (read a few times a second) plus the connections opened since, minus those closed.
import { fdLimit, FdCounter } from '../capacity/system.js';

export class FdBudget {
  private measured: number | null = null;
  private openAtMeasure = 0;

  constructor(
    /** The soft limit; null or Infinity where there is none to keep to. */
    readonly limit: number | null = finite(fdLimit()),
    private readonly counter: { count(): number | null; readonly cheap: boolean } = new FdCounter(),
  ) {}

  /** How often to recount: a listing of 15,000 descriptors (before Linux 6.2) costs ~15 ms. */
  get recountMs(): number {
    return this.counter.cheap ? 250 : 2_000;
  }

  /** Reads the kernel's figure; `open` is the guard's count of connections at that moment. */
  recount(open: number): void {
    try {
      const n = this.counter.count();
      if (n === null) return;
      this.measured = n;
      this.openAtMeasure = open;
    } catch {
      // Keep the last figure: counting must never be what fails under pressure.
    }
  }

  /** Descriptors free now, or null when the limit or the count is unknown (not Linux). */
  free(open: number): number | null {
    if (this.limit === null || this.measured === null) return null;
    return this.limit - (this.measured + open - this.openAtMeasure);
  }
}

function finite(n: number | null): number | null {
  return n !== null && Number.isFinite(n) ? n : null;
}
