// Class codes: their alphabet, how a typed code is read, and the limit on wrong guesses.
import { describe, expect, it } from 'vitest';
import { CLASS_CODE_ALPHABET, newClassCode, normaliseClassCode } from '../../../../server/classroom/ids.js';
import { AttemptLimiter } from '../../../../server/classroom/attempts.js';

describe('class codes', () => {
  it('uses only unambiguous characters and forgives case and spacing', () => {
    for (let i = 0; i < 200; i++) for (const c of newClassCode()) expect(CLASS_CODE_ALPHABET).toContain(c);
    expect(CLASS_CODE_ALPHABET).not.toMatch(/[0O1IL2Z5S8B6G]/);
    expect(normaliseClassCode(' ab-c d ')).toBe('ABCD');
  });
  it('limits wrong guesses per address', () => {
    const limiter = new AttemptLimiter(3, 60_000);
    for (let i = 0; i < 3; i++) limiter.record('10.0.0.1', 0);
    expect(limiter.retryAfter('10.0.0.1', 1000)).toBe(59_000);
    expect(limiter.retryAfter('10.0.0.2', 1000)).toBe(0);
    expect(limiter.retryAfter('10.0.0.1', 61_000)).toBe(0);
  });
});
