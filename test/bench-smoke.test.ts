// CI smoke of the load simulator: 500 virtual students for 10 s against the real built server and
// the bare ws baseline. Correctness only — every update acknowledged and stored, every question
// answered, no errors; the figures it prints are not asserted (a shared machine is too noisy).
import { describe, expect, it } from 'vitest';
import { runBench, DEFAULTS } from '../bench/bench.js';
import { formatReport } from '../bench/report.js';

describe('bench smoke', () => {
  it('runs 500 students for 10 s with no errors and no lost updates', async () => {
    const r = await runBench({
      ...DEFAULTS,
      students: 500,
      durationS: 10,
      clients: 2,
      rampPerSecond: 500,
      // More questions than a class asks, so 10 s still sees a few dozen go through the relay.
      questionEveryS: 30,
      llmLatencyMs: 100,
      log: () => {},
    });
    console.log(formatReport(r));

    for (const phase of [r.baseline!, r.ours]) {
      expect(phase.students).toBe(500);
      expect(phase.errorSamples).toEqual([]);
      expect(phase.errorCount).toBe(0);
      expect(phase.counters.progressAcked).toBe(phase.counters.progressSent);
      expect(phase.counters.answers).toBe(phase.counters.questionsSent);
      expect(phase.progressSaved.n).toBeGreaterThan(500);
    }
    expect(r.ours.counters.joined).toBe(500);
    expect(r.ours.counters.questionsSent).toBeGreaterThan(20);
    expect(r.loss).toMatchObject({ studentsChecked: 500, lost: 0 });
    expect(r.errors).toBe(0);
    // Ratios to the baseline are not checked: at 500 students RSS moves more with GC than with students.
  }, 180_000);
});
