// The capacity model's network bound (server/capacity/model.ts): what the server sends against
// the link (READERAI_NETWORK_MBPS) with the reserve kept, the bytes each student is sent measured
// live or taken from the benchmark, and "network" named when it is the scarcest resource.
import { describe, expect, it } from 'vitest';
import {
  estimatePerStudent,
  headroom,
  linkBytesPerSec,
  type HeadroomInput,
  type LoadPoint,
} from '../../../../server/capacity/model.js';

const GB = 1024 ** 3;

function input(over: Partial<HeadroomInput> = {}): HeadroomInput {
  return {
    students: 1000,
    reservePct: 25,
    perStudent: { bytes: 10_000, cores: 0.00001, requestsPerMinute: 0.2, sentBytesPerSec: 2000, basis: 'live' },
    memory: { availableBytes: 8 * GB, totalBytes: 16 * GB },
    descriptors: { open: 1100, limit: 65_536 },
    cpu: { usedCores: 0.01, usableCores: 1 },
    gemini: { enabled: false, quotaPerMinute: 1000, requestsPerMinute: 0 },
    network: { linkBytesPerSec: linkBytesPerSec(100), sentBytesPerSec: 2_000_000 },
    ...over,
  };
}

describe('network bound', () => {
  it('is 100 Mbit/s as 12.5 MB/s', () => {
    expect(linkBytesPerSec(100)).toBe(12_500_000);
    expect(linkBytesPerSec(1000)).toBe(125_000_000);
  });

  it('keeps the reserve of the link and names network when it binds', () => {
    const h = headroom(input());
    // 75% of 12.5 MB/s = 9.375 MB/s, minus 2 MB/s sent now, at 2,000 B/s per student.
    expect(h.bounds.network).toBe(3687);
    expect(h.binding).toBe('network');
    expect(h.headroom).toBe(3687);
    expect(h.capacity).toBe(4687);
  });

  it('gives way to a scarcer resource on a faster link', () => {
    const h = headroom(input({ network: { linkBytesPerSec: linkBytesPerSec(10_000), sentBytesPerSec: 2_000_000 } }));
    expect(h.bounds.network).toBe(Math.floor((0.75 * 1_250_000_000 - 2_000_000) / 2000));
    expect(h.binding).not.toBe('network');
  });

  it('is no bound while the bytes per student are unknown, and zero once the link is past its reserve', () => {
    const per = { ...input().perStudent, sentBytesPerSec: null };
    expect(headroom(input({ perStudent: per })).bounds.network).toBeNull();
    const full = headroom(input({ network: { linkBytesPerSec: linkBytesPerSec(100), sentBytesPerSec: 10_000_000 } }));
    expect(full.bounds.network).toBe(0);
    expect(full.binding).toBe('network');
  });
});

describe('bytes sent per student', () => {
  const point = (students: number, sentBytesPerSec: number): LoadPoint => ({
    students,
    rssBytes: 60e6 + 8000 * students,
    cpuCores: 0.002 + 0.00001 * students,
    requestsPerMinute: 0,
    sentBytesPerSec,
  });

  it('is the window mean of bytes sent over its mean of students, live', () => {
    const window = [1000, 2000, 3000].map((n) => point(n, n * 1500));
    const e = estimatePerStudent(window, null, null, null);
    expect(e.basis).toBe('live');
    expect(e.sentBytesPerSec).toBeCloseTo(1500, 6);
  });

  it("comes from the benchmark's profile before enough students are connected, when it has the figure", () => {
    const profile = {
      bytesPerStudent: 7000,
      coresPerStudent: 0.00002,
      requestsPerStudentPerMinute: 0.2,
      sentBytesPerStudentPerSec: 1800,
    };
    expect(estimatePerStudent([point(3, 100)], null, null, profile).sentBytesPerSec).toBe(1800);
    const older = { bytesPerStudent: 7000, coresPerStudent: 0.00002, requestsPerStudentPerMinute: 0.2 };
    expect(estimatePerStudent([point(3, 100)], null, null, older).sentBytesPerSec).toBeNull();
  });
});
