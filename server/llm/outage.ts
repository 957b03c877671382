// The outage breaker: when Gemini keeps failing, questions go straight to the teacher for a while.
import type { RelayLog } from './relay-context.js';

/** Questions in a row that found Gemini unavailable before the relay stops trying for a while. */
const OUTAGE_AFTER = 3;
const OUTAGE_MS = 15_000;

/**
 * After OUTAGE_AFTER questions in a row found Gemini unreachable, overloaded or too slow, the
 * next OUTAGE_MS of questions go straight to the teacher: otherwise each would wait out its own
 * deadline, and the last in a long queue would wait minutes. Then Gemini is tried again, and a
 * single failure of that first try starts another pause.
 */
export class OutageBreaker {
  private failuresInARow = 0;
  private until = 0;

  constructor(private readonly log?: RelayLog) {}

  /** Whether questions skip Gemini just now. */
  get active(): boolean {
    return Date.now() < this.until;
  }

  /** Gemini answered a question. */
  succeeded(): void {
    this.failuresInARow = 0;
  }

  /** A question found Gemini unreachable, overloaded or too slow. */
  failed(): void {
    if (++this.failuresInARow < OUTAGE_AFTER) return;
    this.until = Date.now() + OUTAGE_MS;
    // The first question after the pause is the probe: one more failure starts another.
    this.failuresInARow = OUTAGE_AFTER - 1;
    this.log?.warn({ seconds: OUTAGE_MS / 1000 }, 'Gemini keeps failing; questions go to the teacher for a while');
  }
}
