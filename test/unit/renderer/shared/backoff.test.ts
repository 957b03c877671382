// The tablet's reconnect delays (full jitter).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Backoff } from '../../../../renderer/shared/backoff.js';

describe('reconnect backoff (full jitter)', () => {
  it('each delay is drawn from [0, min(cap, base * 2^n)) and the window resets after success', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (draws) => {
          let k = 0;
          const b = new Backoff({ baseMs: 500, capMs: 15_000, random: () => draws[k++ % draws.length]! });
          draws.forEach((_, n) => {
            const window = Math.min(15_000, 500 * 2 ** n);
            const d = b.next();
            expect(d).toBeGreaterThanOrEqual(0);
            expect(d).toBeLessThan(window);
          });
          b.reset();
          expect(b.window()).toBe(500);
        },
      ),
    );
  });

  it('2,000 tablets after a restart spread out instead of arriving together', () => {
    const firsts = Array.from({ length: 2000 }, () => new Backoff({ baseMs: 500, capMs: 15_000 })).map((b) => {
      b.next();
      b.next();
      return b.next(); // third attempt: window of 2 s
    });
    const perTenth = new Array<number>(20).fill(0);
    for (const d of firsts) perTenth[Math.floor(d / 100)]!++;
    // Evenly spread: no 100 ms slice carries more than about twice its share (100).
    expect(Math.max(...perTenth)).toBeLessThan(200);
    expect(Math.min(...perTenth)).toBeGreaterThan(40);
  });
});
