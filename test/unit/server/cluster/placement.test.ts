// Placement of classes on socket workers (server/cluster/placement.ts): stable, in range, spread.
import { describe, expect, it } from 'vitest';
import { newId } from '../../../../server/classroom/ids.js';
import { workerOf } from '../../../../server/cluster/placement.js';

describe('workerOf', () => {
  it('puts every class on worker 0 when there is one worker', () => {
    expect(workerOf('abc', 1)).toBe(0);
    expect(workerOf('', 1)).toBe(0);
  });

  it('gives the same worker for the same id, in every process (a fixed hash, not a random seed)', () => {
    // FNV-1a 32 of "a" is 0xe40c292c: a change of the function would move every saved class.
    const ids = ['bHWLDDoeHxdZ', 'x', 'class-2', 'Zz_9-Aa'];
    const once = ids.map((id) => workerOf(id, 7));
    expect(ids.map((id) => workerOf(id, 7))).toEqual(once);
    expect(workerOf('a', 2)).toBe(0xe40c292c % 2);
    expect(workerOf('a', 7)).toBe(0xe40c292c % 7);
  });

  it('stays in range and spreads ids evenly enough', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const w = workerOf(newId(), 4);
      expect(w).toBeGreaterThanOrEqual(0);
      expect(w).toBeLessThan(4);
      counts[w]!++;
    }
    // 1000 expected each; 800 is over six standard deviations away.
    for (const n of counts) expect(n).toBeGreaterThan(800);
  });
});
