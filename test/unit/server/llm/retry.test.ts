// Retries of one upstream call (server/llm/retry.ts): jittered exponential backoff, at least the
// server's hint, never past the deadline, only for retryable failures, and never once a stream has
// shown text. The waits are recorded, not slept; the clock is the test's.
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../../server/llm/provider.js';
import { backoffMs, withRetries, type RetryPlan } from '../../../../server/llm/retry.js';

const unavailable = (retryAfterMs?: number) => new UpstreamError('503', true, 503, retryAfterMs);

/** A plan whose waits move the clock instead of sleeping. */
function plan(over: Partial<RetryPlan> = {}) {
  const clock = { now: 0 };
  const waits: number[] = [];
  const tries: number[] = [];
  const p: RetryPlan = {
    maxRetries: 3,
    deadlineAt: 60_000,
    signal: new AbortController().signal,
    mayRetry: () => true,
    onTry: () => tries.push(clock.now),
    onRetry: () => {},
    random: () => 0.5,
    now: () => clock.now,
    sleep: (ms) => {
      waits.push(ms);
      clock.now += ms;
      return Promise.resolve();
    },
    ...over,
  };
  return { p, waits, tries, clock };
}

/** An attempt that fails with these errors in turn, then answers. */
function failing(...errors: Error[]) {
  let n = 0;
  return () => (n < errors.length ? Promise.reject(errors[n++]!) : Promise.resolve('answer'));
}

describe('backoff', () => {
  it('doubles from 500 ms up to 8 s, half fixed and half random', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffMs(n, undefined, () => 0))).toEqual([250, 500, 1000, 2000, 4000, 4000]);
    expect([0, 1, 4, 9].map((n) => backoffMs(n, undefined, () => 1))).toEqual([500, 1000, 8000, 8000]);
  });

  it("waits at least the server's hint, spread over a tenth of it", () => {
    expect(backoffMs(0, 2_500, () => 0)).toBe(2_500);
    expect(backoffMs(0, 2_500, () => 1)).toBe(2_750);
    // A hint shorter than the backoff does not shorten it.
    expect(backoffMs(3, 10, () => 0)).toBe(2_000);
  });
});

describe('withRetries', () => {
  it('retries a retryable failure with growing waits, then returns the answer', async () => {
    const { p, waits, tries } = plan();
    await expect(withRetries(failing(unavailable(), unavailable()), p)).resolves.toBe('answer');
    expect(waits).toEqual([375, 750]);
    expect(tries).toEqual([0, 375, 1_125]);
  });

  it('gives up after maxRetries with the last error', async () => {
    const { p, tries } = plan({ maxRetries: 2 });
    const last = unavailable();
    await expect(withRetries(failing(unavailable(), unavailable(), last), p)).rejects.toBe(last);
    expect(tries).toHaveLength(3);
  });

  it('does not retry what cannot succeed: a 400, a non-upstream error, a stream that showed text', async () => {
    const badRequest = new UpstreamError('400', false, 400);
    await expect(withRetries(failing(badRequest), plan().p)).rejects.toBe(badRequest);
    const bug = new TypeError('bug');
    await expect(withRetries(failing(bug), plan().p)).rejects.toBe(bug);
    const { p, tries } = plan({ mayRetry: () => false });
    await expect(withRetries(failing(unavailable()), p)).rejects.toBeInstanceOf(UpstreamError);
    expect(tries).toHaveLength(1);
  });

  it('starts no try whose wait would end past the deadline', async () => {
    const { p, waits } = plan({ deadlineAt: 2_000 });
    const hinted = unavailable(5_000);
    await expect(withRetries(failing(hinted), p)).rejects.toBe(hinted);
    expect(waits).toEqual([]);
  });

  it('stops at once when the caller cancels', async () => {
    const cancel = new AbortController();
    cancel.abort();
    const { p, tries } = plan({ signal: cancel.signal });
    await expect(withRetries(failing(unavailable()), p)).rejects.toBeInstanceOf(UpstreamError);
    expect(tries).toHaveLength(1);
  });
});
