// Turns each second's sample into the capacity panel's figures: keeps the last minute (for the
// per-student slope and the chart), remembers the idle point, and applies the headroom model.
import type { CapacityPoint, CapacityView } from '../../shared/protocol/index.js';
import {
  cpuCoresUsable,
  estimatePerStudent,
  headroom,
  linkBytesPerSec,
  type LoadPoint,
  type MeasuredProfile,
  type PerStudent,
} from './model.js';
import type { Sample } from './sampler.js';

/** Seconds of history: the window for the slope and the chart. */
export const WINDOW = 60;

export interface MonitorOptions {
  reservePct(): number;
  /** Gemini requests per minute the API key allows. */
  quotaPerMinute(): number;
  aiEnabled(): boolean;
  /** The link's (or Wi-Fi's) capacity in megabits per second (READERAI_NETWORK_MBPS). */
  networkMbps(): number;
  /** Socket workers, each able to use one core (see cpuCoresUsable). */
  workers(): number;
  /** The last benchmark's figures on this machine, if any. */
  profile(): MeasuredProfile | null;
}

export class CapacityMonitor {
  private readonly window: LoadPoint[] = [];
  private readonly history: CapacityPoint[] = [];
  /** Memory and CPU with nobody connected: anchors the slope when the class holds steady. */
  private idle: LoadPoint | null = null;
  private readonly idleSamples: LoadPoint[] = [];
  private perStudent: PerStudent | null = null;

  constructor(private readonly o: MonitorOptions) {}

  add(s: Sample): CapacityView {
    const point: LoadPoint = {
      students: s.students,
      rssBytes: s.rssBytes,
      cpuCores: s.cpuCores,
      requestsPerMinute: s.gemini.requestsPerMinute,
      sentBytesPerSec: s.network.sentBytesPerSec,
    };
    push(this.window, point);
    if (s.students === 0) this.idle = this.idlePoint(point);
    const per = estimatePerStudent(this.window, this.idle, this.perStudent, this.o.profile());
    this.perStudent = per;

    const reservePct = this.o.reservePct();
    const quotaPerMinute = this.o.quotaPerMinute();
    const enabled = this.o.aiEnabled();
    const requestsPerMinute = mean(this.window.map((p) => p.requestsPerMinute));
    // The last minute's mean, as for Gemini: audio comes in bursts (a tablet fetches clips ahead).
    const sentBytesPerSec = mean(this.window.map((p) => p.sentBytesPerSec));
    const link = linkBytesPerSec(this.o.networkMbps());
    const h = headroom({
      students: s.students,
      reservePct,
      perStudent: per,
      memory: { availableBytes: s.availableBytes, totalBytes: s.totalBytes },
      descriptors: { open: s.openFds, limit: s.fdLimit },
      cpu: { usedCores: s.cpuCores, usableCores: cpuCoresUsable(s.cores, this.o.workers()) },
      gemini: { enabled, quotaPerMinute, requestsPerMinute },
      network: { linkBytesPerSec: link, sentBytesPerSec },
    });
    push(this.history, {
      at: s.at,
      students: s.students,
      rssBytes: s.rssBytes,
      cpuPct: pct(s.cpuCores),
      loopP99Ms: s.loopP99Ms,
      headroom: h.headroom,
    });

    return {
      at: s.at,
      students: s.students,
      capacity: h.capacity,
      headroom: h.headroom,
      headroomPct: h.headroomPct,
      binding: h.binding,
      bounds: h.bounds,
      reservePct,
      perStudent: {
        bytes: per.bytes === null ? null : Math.round(per.bytes),
        cpuPct: per.cores === null ? null : pct(per.cores, 6),
        geminiPerMinute: per.requestsPerMinute,
        sentBytesPerSec: per.sentBytesPerSec === null ? null : Math.round(per.sentBytesPerSec),
        basis: per.basis,
      },
      process: {
        rssBytes: s.rssBytes,
        heapUsedBytes: s.heapUsedBytes,
        heapTotalBytes: s.heapTotalBytes,
        externalBytes: s.externalBytes,
        cpuPct: pct(s.cpuCores),
        loopP50Ms: s.loopP50Ms,
        loopP99Ms: s.loopP99Ms,
        loopUtilization: s.loopUtilization,
        openFds: s.openFds,
        // An unlimited limit has no JSON number; null reads as "no limit known".
        fdLimit: s.fdLimit !== null && Number.isFinite(s.fdLimit) ? s.fdLimit : null,
      },
      system: {
        availableBytes: s.availableBytes,
        totalBytes: s.totalBytes,
        cgroupLimitBytes: s.cgroupLimitBytes,
        cores: s.cores,
      },
      sqlite: s.sqlite,
      gemini: { enabled, inFlight: s.gemini.inFlight, queued: s.gemini.queued, requestsPerMinute, quotaPerMinute },
      network: {
        sentBytesPerSec: Math.round(sentBytesPerSec),
        audioBytesPerSec: Math.round(s.network.audioBytesPerSec),
        linkBytesPerSec: link,
      },
      exhausted: s.exhausted,
      connections: {
        open: s.connections.open,
        pending: s.connections.pending,
        upgraded: s.connections.upgraded,
        refused: s.connections.refused,
        evicted: s.connections.evicted,
        dropped: s.connections.dropped,
        fdFree: s.connections.fdFree,
      },
      history: this.history,
    };
  }

  private idlePoint(latest: LoadPoint): LoadPoint {
    this.idleSamples.push(latest);
    if (this.idleSamples.length > IDLE_SAMPLES) this.idleSamples.shift();
    const least = (f: (p: LoadPoint) => number) => Math.min(...this.idleSamples.map(f));
    return {
      students: 0,
      rssBytes: least((p) => p.rssBytes),
      cpuCores: least((p) => p.cpuCores),
      requestsPerMinute: 0,
      sentBytesPerSec: 0,
    };
  }
}

/**
 * The idle point is the least RSS and CPU of the last few idle seconds: start-up (loading, JIT,
 * garbage not yet collected) would otherwise count as idle and hide what students cost.
 */
const IDLE_SAMPLES = 10;

function push<T>(ring: T[], item: T): void {
  ring.push(item);
  if (ring.length > WINDOW) ring.shift();
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Cores as percent of one core, rounded. */
function pct(cores: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(cores * 100 * f) / f;
}
