// The outage breaker: when Gemini keeps failing, questions go straight to the teacher for a while.
import type { RelayLog } from './relay-context.js';

/** Questions in a row that found Gemini unavailable before the relay stops trying for a while. */
const OUTAGE_AFTER = 3;

export interface OutageOptions {
  now: () => number;
  /** How long a pause lasts (the `llmOutageSeconds` setting), read when one starts. */
  pauseMs: () => number;
  log?: RelayLog | undefined;
}

/**
 * After OUTAGE_AFTER questions in a row found Gemini unreachable, overloaded or too slow, the
 * questions of the next `llmOutageSeconds` go straight to the teacher: otherwise each would wait
 * out its own deadline, and the last in a long queue would wait minutes. Then Gemini is tried again, and a
 * single failure of that first try starts another pause.
 */
export class OutageBreaker {
  private failuresInARow = 0;
  private until = 0;

  constructor(private readonly o: OutageOptions) {}

  /** Whether questions skip Gemini just now. */
  get active(): boolean {
    return this.o.now() < this.until;
  }

  /** Gemini answered a question. */
  succeeded(): void {
    this.failuresInARow = 0;
  }

  /** A question found Gemini unreachable, overloaded or too slow. */
  failed(): void {
    if (++this.failuresInARow < OUTAGE_AFTER) return;
    const pauseMs = this.o.pauseMs();
    this.until = this.o.now() + pauseMs;
    // The first question after the pause is the probe: one more failure starts another.
    this.failuresInARow = OUTAGE_AFTER - 1;
    this.o.log?.warn({ seconds: pauseMs / 1000 }, 'Gemini keeps failing; questions go to the teacher for a while');
  }
}
