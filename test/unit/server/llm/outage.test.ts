// The outage breaker (server/llm/outage.ts) on the test's clock: three failures in a row start a
// pause of `llmOutageSeconds`; a success resets the count; after the pause one more failure (the
// probe) starts the next pause at once.
import { describe, expect, it } from 'vitest';
import { OutageBreaker } from '../../../../server/llm/outage.js';

function breaker(pauseSeconds = 15) {
  const clock = { now: 1_000 };
  const warned: object[] = [];
  const log = { warn: (o: object) => warned.push(o), info: () => {} };
  const b = new OutageBreaker({ now: () => clock.now, pauseMs: () => pauseSeconds * 1000, log });
  return { b, clock, warned };
}

describe('outage breaker', () => {
  it('pauses after three failures in a row, for the configured length', () => {
    const { b, clock, warned } = breaker(2);
    b.failed();
    b.failed();
    expect(b.active).toBe(false);
    b.failed();
    expect(b.active).toBe(true);
    expect(warned).toEqual([{ seconds: 2 }]);
    clock.now += 1_999;
    expect(b.active).toBe(true);
    clock.now += 1;
    expect(b.active).toBe(false);
  });

  it('counts only failures in a row', () => {
    const { b } = breaker();
    b.failed();
    b.failed();
    b.succeeded();
    b.failed();
    b.failed();
    expect(b.active).toBe(false);
  });

  it('takes one failed probe after a pause to pause again, and a success to stay open', () => {
    const { b, clock } = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    clock.now += 15_000;
    expect(b.active).toBe(false);
    b.failed();
    expect(b.active).toBe(true);
    clock.now += 15_000;
    b.succeeded();
    b.failed();
    expect(b.active).toBe(false);
  });
});
