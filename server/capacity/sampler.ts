// Reads this process's figures once a second: memory, CPU, event-loop delay and utilisation,
// descriptors, free memory, SQLite commits and the Gemini relay's queue. Each read is cheap (no
// listing of sockets, no walk over students): the sampler must not move the figures it measures.
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type ELDHistogram } from 'node:perf_hooks';
import { availableParallelism, freemem, totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { cgroupMemoryReader, fdLimit, FdCounter, type CgroupMemory } from './system.js';
import type { ConnectionStats } from '../guard/connections.js';
import type { Pressure } from '../guard/pressure.js';
import { resourceOf, type Resource } from '../guard/resource.js';

export interface WriterStats {
  commits: number;
  rowsWritten: number;
  lastCommitMs: number;
  maxCommitMs: number;
  failures: number;
}

/** Where the figures come from (the capacity plugin wires these to the app). */
export interface SamplerSources {
  students(): number;
  writer(): Readonly<WriterStats>;
  pendingWrites(): number;
  /** The relay's flat figures; their names belong to the relay, so they are read defensively. */
  relay(): Record<string, unknown>;
  /** Bytes sent since start: socket frames to tablets, and narrated audio over HTTP. */
  bytesSent(): { sockets: number; audio: number };
  /** The connection guard's figures. */
  connections(): ConnectionStats;
  /** Where shortages are reported, by the sampler and by everyone else. */
  pressure: Pick<Pressure, 'report' | 'current'>;
}

export interface Sample {
  at: number;
  students: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** Process CPU over the last interval, in cores (user + system, every thread). */
  cpuCores: number;
  loopP50Ms: number;
  loopP99Ms: number;
  /** Share of the interval the event loop was busy, 0..1. */
  loopUtilization: number;
  openFds: number | null;
  fdLimit: number | null;
  /** Memory this process could still take: the system's free memory, or the cgroup's room. */
  availableBytes: number;
  totalBytes: number;
  cgroupLimitBytes: number | null;
  cores: number;
  sqlite: {
    lastCommitMs: number;
    maxCommitMs: number;
    commitsPerSec: number;
    rowsPerSec: number;
    pending: number;
    failures: number;
  };
  gemini: { inFlight: number | null; queued: number | null; requestsPerMinute: number };
  /** Bytes sent per second over the last interval: all of it, and the narrated audio's part. */
  network: { sentBytesPerSec: number; audioBytesPerSec: number };
  /** Resources met exhausted in the last few seconds, by the sampler or any other part. */
  exhausted: Resource[];
  connections: ConnectionStats;
}

/** Event-loop delay is timed every 10 ms: fine enough for a 20 ms p99 target. */
const LOOP_RESOLUTION_MS = 10;

/** The first finite number among the relay's fields with these names. */
export function pickNumber(stats: Record<string, unknown>, names: readonly string[]): number | null {
  for (const name of names) {
    const v = stats[name];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

// The relay engineer names these; any of the usual spellings is accepted.
const IN_FLIGHT = ['inFlight', 'active', 'running'];
const QUEUED = ['queued', 'queueDepth', 'queueLength', 'waiting'];
const PER_MINUTE = ['requestsLastMinute', 'requestsPerMinute'];
/** Cumulative calls: the rate is derived from these when the relay gives no per-minute figure. */
const UPSTREAM_CALLS = ['upstreamCalls', 'requests', 'calls'];

export class Sampler {
  private readonly loop: ELDHistogram;
  private readonly fds = new FdCounter();
  private readonly fdMax = fdLimit();
  private readonly cgroup: (() => CgroupMemory | null) | null = cgroupMemoryReader();
  private readonly cores = availableParallelism();
  private lastAt = performance.now();
  private lastCpu = process.cpuUsage();
  private lastElu: EventLoopUtilization = performance.eventLoopUtilization();
  private lastCommits = 0;
  private lastRows = 0;
  private lastCalls: number | null = null;
  private lastSent: { sockets: number; audio: number };
  /** RSS as last read: process.memoryUsage() needs a descriptor (it reads /proc/self/stat). */
  private lastRss = 0;

  constructor(private readonly sources: SamplerSources) {
    this.loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.loop.enable();
    const w = sources.writer();
    this.lastCommits = w.commits;
    this.lastRows = w.rowsWritten;
    this.lastSent = sources.bytesSent();
  }

  /** Figures since the previous call (or since construction). */
  sample(): Sample {
    const nowPerf = performance.now();
    const seconds = Math.max((nowPerf - this.lastAt) / 1000, 1e-3);
    this.lastAt = nowPerf;

    const cpu = process.cpuUsage(this.lastCpu);
    this.lastCpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization(this.lastElu);
    this.lastElu = performance.eventLoopUtilization();
    const loopP50Ms = this.loopMs(50);
    const loopP99Ms = this.loopMs(99);
    this.loop.reset();

    const mem = this.memory();
    const group = this.cgroup?.() ?? null;
    const systemFree = freemem();
    const systemTotal = totalmem();

    const w = this.sources.writer();
    const commits = w.commits - this.lastCommits;
    const rows = w.rowsWritten - this.lastRows;
    this.lastCommits = w.commits;
    this.lastRows = w.rowsWritten;

    const relay = this.safeRelay();
    const calls = pickNumber(relay, UPSTREAM_CALLS);
    const callsNow = calls === null || this.lastCalls === null ? 0 : Math.max(0, calls - this.lastCalls);
    this.lastCalls = calls;

    const sent = this.sources.bytesSent();
    const socketBytes = Math.max(0, sent.sockets - this.lastSent.sockets);
    const audioBytes = Math.max(0, sent.audio - this.lastSent.audio);
    this.lastSent = sent;

    return {
      at: Date.now(),
      students: this.sources.students(),
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      externalBytes: mem.external,
      cpuCores: (cpu.user + cpu.system) / 1e6 / seconds,
      loopP50Ms,
      loopP99Ms,
      loopUtilization: elu.utilization,
      openFds: this.fds.count(),
      fdLimit: this.fdMax,
      availableBytes: group ? Math.min(systemFree, Math.max(0, group.limitBytes - group.usageBytes)) : systemFree,
      totalBytes: group ? Math.min(systemTotal, group.limitBytes) : systemTotal,
      cgroupLimitBytes: group?.limitBytes ?? null,
      cores: this.cores,
      sqlite: {
        lastCommitMs: w.lastCommitMs,
        maxCommitMs: w.maxCommitMs,
        commitsPerSec: commits / seconds,
        rowsPerSec: rows / seconds,
        pending: this.sources.pendingWrites(),
        failures: w.failures,
      },
      gemini: {
        inFlight: pickNumber(relay, IN_FLIGHT),
        queued: pickNumber(relay, QUEUED),
        requestsPerMinute: pickNumber(relay, PER_MINUTE) ?? (callsNow * 60) / seconds,
      },
      network: { sentBytesPerSec: (socketBytes + audioBytes) / seconds, audioBytesPerSec: audioBytes / seconds },
      exhausted: this.sources.pressure.current(),
      connections: this.sources.connections(),
    };
  }

  /**
   * Memory figures, also when the process is out of descriptors (EMFILE) or memory: then the heap
   * comes from V8, which needs no file, RSS stays at its last reading, and the shortage is
   * reported, for the panel to name.
   */
  private memory(): { rss: number; heapUsed: number; heapTotal: number; external: number } {
    try {
      const m = process.memoryUsage();
      this.lastRss = m.rss;
      return m;
    } catch (err) {
      this.sources.pressure.report(resourceOf(err));
      const h = getHeapStatistics();
      return {
        rss: this.lastRss,
        heapUsed: h.used_heap_size,
        heapTotal: h.total_heap_size,
        external: h.external_memory,
      };
    }
  }

  stop(): void {
    this.loop.disable();
  }

  private loopMs(percentile: number): number {
    // With no timer turn recorded yet the histogram reports NaN or a huge min; say 0.
    const ns = this.loop.count > 0 ? this.loop.percentile(percentile) : 0;
    return Number.isFinite(ns) ? ns / 1e6 : 0;
  }

  private safeRelay(): Record<string, unknown> {
    try {
      return this.sources.relay();
    } catch {
      return {};
    }
  }
}
