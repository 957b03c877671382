// The sampler reads this very process: descriptors, limits, event-loop delay, CPU, and the
// figures its sources give (SQLite commits, the relay's queue), read defensively.
import { openSync, closeSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FdCounter, parseCgroupBytes, parseFdLimit } from '../server/capacity/system.js';
import { Sampler, pickNumber, type SamplerSources } from '../server/capacity/sampler.js';
import { noConnections } from '../server/guard/admission.js';
import { Pressure } from '../server/guard/pressure.js';

const linux = process.platform === 'linux';

describe('system figures', () => {
  it('reads the soft open-file limit from /proc limits text', () => {
    const text =
      'Limit                     Soft Limit           Hard Limit           Units\n' +
      'Max open files            20000                524288               files\n';
    expect(parseFdLimit(text)).toBe(20_000);
    expect(parseFdLimit('Max open files            unlimited            unlimited            files')).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(parseFdLimit('nothing here')).toBeNull();
  });

  it('reads cgroup memory limits, treating "max" and v1 no-limit as none', () => {
    expect(parseCgroupBytes('1073741824\n')).toBe(1_073_741_824);
    expect(parseCgroupBytes('max\n')).toBeNull();
    expect(parseCgroupBytes('9223372036854771712')).toBeNull();
  });

  it.runIf(linux)('counts descriptors as they are opened and closed', () => {
    const counter = new FdCounter();
    const before = counter.count();
    const fds = Array.from({ length: 40 }, () => openSync('/dev/null', 'r'));
    try {
      // The listing fallback (kernels before 6.2) reports on the next call.
      const during = counter.count() ?? 0;
      expect(during - (before ?? 0)).toBeGreaterThanOrEqual(before === null ? 0 : 40);
    } finally {
      for (const fd of fds) closeSync(fd);
    }
  });
});

describe('Sampler', () => {
  let sampler: Sampler | null = null;
  afterEach(() => sampler?.stop());

  function sources(over: Partial<SamplerSources> = {}) {
    const writer = { commits: 0, rowsWritten: 0, lastCommitMs: 0.4, maxCommitMs: 2, failures: 0 };
    return {
      writer,
      s: {
        students: () => 7,
        writer: () => writer,
        pendingWrites: () => 3,
        relay: () => ({ queueDepth: 4, inFlight: 2, upstreamCalls: 0 }),
        bytesSent: () => ({ sockets: 0, audio: 0 }),
        connections: () => ({ ...noConnections(), fdLimit: null, fdFree: null }),
        pressure: new Pressure(),
        ...over,
      } satisfies SamplerSources,
    };
  }

  it('sees a blocked event loop and busy CPU', async () => {
    const { s } = sources();
    sampler = new Sampler(s);
    // Let the delay monitor record a few normal turns, then block the loop for 80 ms.
    await new Promise((r) => setTimeout(r, 50));
    const until = performance.now() + 80;
    while (performance.now() < until) {
      // busy
    }
    await new Promise((r) => setTimeout(r, 30));
    const x = sampler.sample();
    expect(x.loopP99Ms).toBeGreaterThanOrEqual(50);
    expect(x.cpuCores).toBeGreaterThan(0.2);
    expect(x.loopUtilization).toBeGreaterThan(0.2);
    expect(x.students).toBe(7);
    expect(x.rssBytes).toBeGreaterThan(x.heapUsedBytes);
    expect(x.availableBytes).toBeGreaterThan(0);
    if (linux) {
      expect(x.openFds).toBeGreaterThan(3);
      expect(x.fdLimit).toBeGreaterThan(x.openFds!);
    }
  });

  it('turns cumulative commit and call counts into rates, and reads the relay queue', async () => {
    const calls = { upstreamCalls: 10 };
    const { s, writer } = sources({ relay: () => ({ queueDepth: 4, inFlight: 2, ...calls }) });
    sampler = new Sampler(s);
    sampler.sample();
    writer.commits = 50;
    writer.rowsWritten = 5000;
    calls.upstreamCalls = 20;
    await new Promise((r) => setTimeout(r, 500));
    const x = sampler.sample();
    // 50 commits and 10 calls in half a second or more (a busy machine makes it more).
    expect(x.sqlite.commitsPerSec).toBeGreaterThan(10);
    expect(x.sqlite.commitsPerSec).toBeLessThanOrEqual(101);
    expect(x.sqlite.rowsPerSec).toBeCloseTo(x.sqlite.commitsPerSec * 100, 0);
    expect(x.sqlite.pending).toBe(3);
    expect(x.gemini).toMatchObject({ queued: 4, inFlight: 2 });
    expect(x.gemini.requestsPerMinute).toBeCloseTo((x.sqlite.commitsPerSec / 5) * 60, 6);
  });

  it("turns bytes sent on sockets and as audio into rates, the audio's part apart", async () => {
    const sent = { sockets: 1000, audio: 0 };
    const { s, writer } = sources({ bytesSent: () => ({ ...sent }) });
    sampler = new Sampler(s);
    sampler.sample();
    writer.commits = 10;
    sent.sockets += 40_000;
    sent.audio += 160_000;
    await new Promise((r) => setTimeout(r, 500));
    const x = sampler.sample();
    // The same interval divides the commits and the bytes: 10 commits against 200,000 bytes.
    expect(x.network.sentBytesPerSec).toBeCloseTo(x.sqlite.commitsPerSec * 20_000, 0);
    expect(x.network.audioBytesPerSec).toBeCloseTo(x.sqlite.commitsPerSec * 16_000, 0);
  });

  it('survives a relay whose figures are missing, odd or throwing', () => {
    sampler = new Sampler(
      sources({
        relay: () => {
          throw new Error('not ready');
        },
      }).s,
    );
    expect(sampler.sample().gemini).toEqual({ inFlight: null, queued: null, requestsPerMinute: 0 });
    expect(
      pickNumber({ queued: 'many', queueDepth: Number.NaN, waiting: 5 }, ['queued', 'queueDepth', 'waiting']),
    ).toBe(5);
  });
});
