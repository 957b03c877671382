// The planner's arithmetic (bench/planner.ts): the brief's server sizes from per-core figures,
// CPU as the workers' cores times (1 - reserve), the relay's share per answer, memory with one idle
// heap per process, open files per worker, and the network with the listeners' audio.
import { describe, expect, it } from 'vitest';
import { perStudent, planRows, type PlanInput } from '../../../bench/planner.js';

const GB = 1024 ** 3;

const base: PlanInput = {
  figures: {
    coresPerStudent: 0.00002,
    relayCpuSecondsPerAnswer: 0.003,
    answersPerStudentPerSecond: 1 / 300,
    bytesPerStudent: 16_384,
    idleBytesPerProcess: 100e6,
    socketBytesPerStudentPerSec: 20,
    audioBytesPerListenerPerSec: 8000,
  },
  workers: 'auto',
  reservePct: 25,
  fdLimit: 65_536,
  geminiQuotaPerMinute: 1_000_000,
  networkMbps: 1000,
  audioShare: 0,
  audioKbps: null,
};

describe('perStudent', () => {
  it("adds the relay's CPU per answer at the question rate, and the listeners' share of audio", () => {
    const p = perStudent({ ...base, audioShare: 0.25 });
    expect(p.cores).toBeCloseTo(0.00002 + 0.003 / 300, 12);
    expect(p.sentBytesPerSec).toBeCloseTo(20 + 0.25 * 8000, 9);
    expect(p.requestsPerMinute).toBeCloseTo(0.2, 9);
    // A bitrate given instead of the measured one: 64 kbit/s is 8,000 B/s.
    expect(perStudent({ ...base, audioShare: 0.5, audioKbps: 128 }).sentBytesPerSec).toBeCloseTo(20 + 8000, 9);
  });
});

describe('planRows', () => {
  it("gives each of the brief's sizes one worker per vCPU by default, CPU growing with the cores", () => {
    const rows = planRows(base);
    expect(rows.map((r) => [r.name, r.vcpu, r.workers])).toEqual([
      ['small', 2, 2],
      ['medium', 4, 4],
      ['large', 8, 8],
      ['extra large', 16, 16],
    ]);
    const perCore = 0.00002 + 0.003 / 300;
    for (const r of rows) expect(r.bounds.cpu).toBe(Math.floor((r.vcpu * 0.75) / perCore));
    // The primary and two workers each start with an idle heap on the small size.
    expect(rows[0]!.bounds.memory).toBe(Math.floor((4 * GB * 0.75 - 3 * 100e6) / 16_384));
    expect(rows[0]!.bounds.descriptors).toBe(Math.floor(65_536 * 2 * 0.75));
    expect(rows[0]!.binding).toBe('cpu');
  });

  it('holds CPU at the workers asked for, whatever the size', () => {
    const rows = planRows({ ...base, workers: 1 });
    expect(new Set(rows.map((r) => r.bounds.cpu)).size).toBe(1);
    expect(rows.every((r) => r.workers === 1)).toBe(true);
    // One process: a single idle heap.
    expect(rows[0]!.bounds.memory).toBe(Math.floor((4 * GB * 0.75 - 100e6) / 16_384));
  });

  it('names the network when narrated audio fills the link', () => {
    const rows = planRows({ ...base, networkMbps: 100, audioShare: 0.5 });
    const sent = 20 + 0.5 * 8000;
    for (const r of rows) {
      expect(r.bounds.network).toBe(Math.floor((12_500_000 * 0.75) / sent));
      expect(r.binding).toBe('network');
      expect(r.capacity).toBe(r.bounds.network);
    }
  });
});

describe('the server alone', () => {
  it("is the machine's own limit when the API key's quota binds first", () => {
    const rows = planRows({ ...base, geminiQuotaPerMinute: 1000 });
    for (const r of rows) {
      expect(r.binding).toBe('gemini');
      expect(r.server.binding).toBe('cpu');
      expect(r.server.capacity).toBe(r.bounds.cpu);
    }
  });
});
