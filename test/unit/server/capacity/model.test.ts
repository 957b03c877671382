// The headroom model and the per-student estimator (server/capacity/model.ts): pure arithmetic,
// checked on worked examples and properties. The network bound: ./network-bound.test.ts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  cpuCoresUsable,
  estimatePerStudent,
  headroom,
  slope,
  type HeadroomInput,
  type LoadPoint,
} from '../../../../server/capacity/model.js';

const GB = 1024 ** 3;

function input(over: Partial<HeadroomInput> = {}): HeadroomInput {
  return {
    students: 1000,
    reservePct: 25,
    perStudent: { bytes: 10_000, cores: 0.00001, requestsPerMinute: 0.2, sentBytesPerSec: null, basis: 'live' },
    memory: { availableBytes: 8 * GB, totalBytes: 16 * GB },
    descriptors: { open: 1100, limit: 20_000 },
    cpu: { usedCores: 0.01, usableCores: 1 },
    gemini: { enabled: true, quotaPerMinute: 1000, requestsPerMinute: 200 },
    network: { linkBytesPerSec: 12_500_000, sentBytesPerSec: 0 },
    ...over,
  };
}

describe('headroom', () => {
  it('keeps the reserve of each resource and names the one that binds', () => {
    const h = headroom(input());
    // Memory: 8 GB free minus 25% of 16 GB = 4 GB, at 10,000 bytes each.
    expect(h.bounds.memory).toBe(Math.floor((4 * GB) / 10_000));
    // Descriptors: 75% of 20,000 = 15,000, minus 1,100 open, one per student.
    expect(h.bounds.descriptors).toBe(13_900);
    // CPU: 0.75 cores minus 0.01 used, at 0.00001 each.
    expect(h.bounds.cpu).toBe(74_000);
    // Gemini: 750 requests a minute minus 200 used, at 0.2 each.
    expect(h.bounds.gemini).toBe(2750);
    expect(h.binding).toBe('gemini');
    expect(h.headroom).toBe(2750);
    expect(h.capacity).toBe(3750);
    expect(h.headroomPct).toBeCloseTo((100 * 2750) / 3750, 1);
  });

  it('leaves out what is not measured or not a limit, and says so when nothing is known', () => {
    const noAi = headroom(input({ gemini: { enabled: false, quotaPerMinute: 1000, requestsPerMinute: 0 } }));
    expect(noAi.bounds.gemini).toBeNull();
    expect(noAi.binding).toBe('descriptors');

    const nothing = headroom(
      input({
        perStudent: { bytes: null, cores: null, requestsPerMinute: null, sentBytesPerSec: null, basis: 'none' },
        descriptors: { open: null, limit: null },
      }),
    );
    expect(nothing).toMatchObject({ headroom: null, capacity: null, headroomPct: null, binding: null });
  });

  it('never goes below zero when a resource is already past its reserve', () => {
    const h = headroom(input({ cpu: { usedCores: 0.9, usableCores: 1 } }));
    expect(h.bounds.cpu).toBe(0);
    expect(h.binding).toBe('cpu');
    expect(h.headroomPct).toBe(0);
  });

  it('headroom is the least bound and shrinks as the reserve grows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 89 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 50_000 }),
        (reserve, bytes, students) => {
          const base = input({
            students,
            reservePct: reserve,
            perStudent: { bytes, cores: 0.00002, requestsPerMinute: 0.1, sentBytesPerSec: null, basis: 'benchmark' },
          });
          const h = headroom(base);
          const known = Object.values(h.bounds).filter((b): b is number => b !== null);
          expect(h.headroom).toBe(Math.min(...known));
          expect(h.capacity).toBe(students + h.headroom!);
          const tighter = headroom({ ...base, reservePct: reserve + 1 });
          expect(tighter.headroom!).toBeLessThanOrEqual(h.headroom!);
        },
      ),
    );
  });

  it("counts one core per socket worker, at most the machine's", () => {
    expect(cpuCoresUsable(16)).toBe(1);
    expect(cpuCoresUsable(1)).toBe(1);
    expect(cpuCoresUsable(16, 4)).toBe(4);
    expect(cpuCoresUsable(2, 8)).toBe(2);
  });
});

describe('slope', () => {
  it('recovers the cost per student of a linear series and refuses a flat one', () => {
    const xs = [0, 100, 200, 300, 400];
    expect(
      slope(
        xs,
        xs.map((x) => 50e6 + 9000 * x),
        20,
      ),
    ).toBeCloseTo(9000, 6);
    expect(slope([500, 500, 505], [1, 2, 3], 20)).toBeNull();
    expect(slope([1], [1], 0)).toBeNull();
  });
});

describe('estimatePerStudent', () => {
  const point = (students: number, over: Partial<LoadPoint> = {}): LoadPoint => ({
    students,
    rssBytes: 60e6 + 8000 * students,
    cpuCores: 0.002 + 0.00001 * students,
    requestsPerMinute: students * 0.2,
    sentBytesPerSec: students * 40,
    ...over,
  });
  const profile = { bytesPerStudent: 7000, coresPerStudent: 0.00002, requestsPerStudentPerMinute: 0.2 };

  it('measures live from the window when students are many and their number moved', () => {
    const window = [0, 1000, 2000, 3000].map((n) => point(n));
    const e = estimatePerStudent(window, null, null, profile);
    expect(e.basis).toBe('live');
    expect(e.bytes).toBeCloseTo(8000, 3);
    expect(e.cores).toBeCloseTo(0.00001, 9);
    expect(e.requestsPerMinute).toBeCloseTo(0.2, 6);
  });

  it('uses the idle point when the class holds steady', () => {
    const steady = Array.from({ length: 30 }, () => point(2000));
    const e = estimatePerStudent(steady, point(0), null, profile);
    expect(e.basis).toBe('live');
    expect(e.bytes).toBeCloseTo(8000, 3);
  });

  it('keeps the last live figures while steady without an idle point', () => {
    const steady = Array.from({ length: 30 }, () => point(2000));
    const previous = {
      bytes: 8100,
      cores: 0.000011,
      requestsPerMinute: 0.2,
      sentBytesPerSec: 40,
      basis: 'live' as const,
    };
    expect(estimatePerStudent(steady, null, previous, profile)).toMatchObject({
      basis: 'live',
      bytes: 8100,
      cores: 0.000011,
    });
  });

  it('falls back to the benchmark, then to nothing, with too few students', () => {
    const few = [point(3), point(10)];
    expect(estimatePerStudent(few, point(0), null, profile)).toEqual({
      bytes: 7000,
      cores: 0.00002,
      requestsPerMinute: 0.2,
      sentBytesPerSec: null,
      basis: 'benchmark',
    });
    expect(estimatePerStudent(few, point(0), null, null)).toEqual({
      bytes: null,
      cores: null,
      requestsPerMinute: null,
      sentBytesPerSec: null,
      basis: 'none',
    });
  });

  it('never reports a negative cost when garbage collection shrinks memory during a ramp', () => {
    const window = [0, 1000, 2000].map((n, k) => point(n, { rssBytes: 200e6 - k * 10e6 }));
    expect(estimatePerStudent(window, null, null, null).bytes).toBe(0);
  });
});
