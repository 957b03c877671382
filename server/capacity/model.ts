// The headroom model: how many more students this machine can take, and which resource runs out
// first. Pure functions over measured figures, so the dashboard, the endpoint and the planner
// (bench/plan.ts) all answer the same way and the arithmetic is unit-tested on its own.

export type Limit = 'memory' | 'descriptors' | 'cpu' | 'gemini' | 'network';
export const LIMITS: readonly Limit[] = ['memory', 'descriptors', 'cpu', 'gemini', 'network'];

/** Where the per-student figures came from. */
export type Basis = 'live' | 'benchmark' | 'none';

/** What one more student costs. */
export interface PerStudent {
  /** Resident memory per connected student, bytes. */
  bytes: number | null;
  /** CPU per connected student, in cores (0.0001 = 0.01% of one core). */
  cores: number | null;
  /** Gemini requests per connected student per minute. */
  requestsPerMinute: number | null;
  /** Bytes per second sent to each connected student (socket frames, and narrated audio for listeners). */
  sentBytesPerSec: number | null;
  basis: Basis;
}

export interface HeadroomInput {
  students: number;
  /** Share of each resource kept free, 0..90. */
  reservePct: number;
  perStudent: PerStudent;
  memory: {
    /** Memory this process could still take (system available, or cgroup room). */
    availableBytes: number;
    /** All the memory there is (machine or cgroup limit): the reserve is a share of this. */
    totalBytes: number;
  };
  descriptors: { open: number | null; limit: number | null };
  cpu: {
    /** What the process uses now, in cores. */
    usedCores: number;
    /** What the process can use at most (one core for JavaScript; see cpuCoresUsable). */
    usableCores: number;
  };
  gemini: {
    /** Off without an API key: questions go to the teacher, no quota is spent. */
    enabled: boolean;
    quotaPerMinute: number;
    requestsPerMinute: number;
  };
  network: {
    /** What the link (or the school's Wi-Fi) carries, bytes per second. */
    linkBytesPerSec: number;
    /** What the server sends now, bytes per second. */
    sentBytesPerSec: number;
  };
}

export interface Headroom {
  /** Students the machine can still take, keeping the reserve (null: nothing measured yet). */
  headroom: number | null;
  /** Students now plus headroom. */
  capacity: number | null;
  /** Headroom as a share of capacity, 0..100. */
  headroomPct: number | null;
  /** The resource that runs out first. */
  binding: Limit | null;
  /** Each resource's own headroom in students (null: not measured, or not a limit here). */
  bounds: Record<Limit, number | null>;
}

/** Each socket is one file descriptor; the database and the log files are in the fixed part. */
export const DESCRIPTORS_PER_STUDENT = 1;

/**
 * Each socket worker runs its classes' JavaScript (and better-sqlite3's commits) on one thread;
 * more cores than workers help garbage collection and the kernel's network stack, not the event
 * loops. So the server can use at most one core per socket worker, and no more than the machine
 * has: the CPU bound is then these cores times (1 - reserve).
 */
export function cpuCoresUsable(machineCores: number, workers = 1): number {
  return Math.min(Math.max(1, workers), machineCores);
}

/** A link setting in megabits per second (READERAI_NETWORK_MBPS) as bytes per second. */
export function linkBytesPerSec(mbps: number): number {
  return (mbps * 1_000_000) / 8;
}

/** Students that fit in `spare` units of a resource at `perStudent` units each. */
function fit(spare: number, perStudent: number | null): number | null {
  if (perStudent === null || !(perStudent > 0) || !Number.isFinite(spare)) return null;
  return Math.max(0, Math.floor(spare / perStudent));
}

export function headroom(i: HeadroomInput): Headroom {
  const keep = Math.min(Math.max(i.reservePct, 0), 90) / 100;
  const { perStudent: per } = i;
  const bounds: Record<Limit, number | null> = {
    memory: fit(i.memory.availableBytes - keep * i.memory.totalBytes, per.bytes),
    descriptors:
      i.descriptors.open === null || i.descriptors.limit === null
        ? null
        : fit(i.descriptors.limit * (1 - keep) - i.descriptors.open, DESCRIPTORS_PER_STUDENT),
    cpu: fit(i.cpu.usableCores * (1 - keep) - i.cpu.usedCores, per.cores),
    gemini: i.gemini.enabled
      ? fit(i.gemini.quotaPerMinute * (1 - keep) - i.gemini.requestsPerMinute, per.requestsPerMinute)
      : null,
    // Only what the server sends counts: tablets send small frames, the audio and answers flow out.
    network: fit(i.network.linkBytesPerSec * (1 - keep) - i.network.sentBytesPerSec, per.sentBytesPerSec),
  };
  let binding: Limit | null = null;
  for (const limit of LIMITS) {
    const b = bounds[limit];
    if (b !== null && (binding === null || b < bounds[binding]!)) binding = limit;
  }
  const room = binding === null ? null : bounds[binding]!;
  const capacity = room === null ? null : i.students + room;
  return {
    headroom: room,
    capacity,
    headroomPct: capacity === null ? null : capacity === 0 ? 0 : round((100 * room!) / capacity, 1),
    binding,
    bounds,
  };
}

/**
 * Least-squares slope of y against x over paired samples, or null when x does not spread by at
 * least `minSpread` (a steady class says nothing about what one more student costs).
 */
export function slope(xs: readonly number[], ys: readonly number[], minSpread: number): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return null;
  let sx = 0;
  let sy = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < n; k++) {
    const x = xs[k]!;
    sx += x;
    sy += ys[k]!;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (hi - lo < minSpread) return null;
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (let k = 0; k < n; k++) {
    const dx = xs[k]! - mx;
    sxy += dx * (ys[k]! - my);
    sxx += dx * dx;
  }
  return sxx > 0 ? sxy / sxx : null;
}

/** One point of the recent window, as the estimator needs it. */
export interface LoadPoint {
  students: number;
  rssBytes: number;
  cpuCores: number;
  requestsPerMinute: number;
  sentBytesPerSec: number;
}

/** Figures a benchmark measured on this machine (see ./profile.ts). */
export interface MeasuredProfile {
  bytesPerStudent: number;
  coresPerStudent: number;
  requestsPerStudentPerMinute: number;
  /** Bytes per second sent per student (older profiles have none: the bound is then unknown). */
  sentBytesPerStudentPerSec?: number | undefined;
}

export interface EstimateOptions {
  /** Fewer students than this and live figures are too noisy to use. */
  minStudents: number;
  /** The window's student count must spread this much for a slope (and at least 10% of its mean). */
  minSpread: number;
}

export const DEFAULT_ESTIMATE: EstimateOptions = { minStudents: 50, minSpread: 20 };

/**
 * Per-student cost. Live when enough students are connected and their number moved over the
 * window (including the idle point, RSS and CPU with nobody connected, if one was seen): the slope
 * of memory and CPU against students. A class that holds steady keeps the last live figures
 * (`previous`). Otherwise the benchmark's figures, else nothing.
 */
export function estimatePerStudent(
  window: readonly LoadPoint[],
  idle: LoadPoint | null,
  previous: PerStudent | null,
  profile: MeasuredProfile | null,
  o: EstimateOptions = DEFAULT_ESTIMATE,
): PerStudent {
  const last = window[window.length - 1];
  if (last && last.students >= o.minStudents) {
    const points = idle ? [idle, ...window] : window;
    const xs = points.map((p) => p.students);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const spread = Math.max(o.minSpread, 0.1 * mean);
    const bytes = slope(
      xs,
      points.map((p) => p.rssBytes),
      spread,
    );
    const cores = slope(
      xs,
      points.map((p) => p.cpuCores),
      spread,
    );
    // Requests and bytes sent are driven by students alone (nobody connected, nothing is sent):
    // the rate over the window divided by the class.
    const perStudent = (f: (p: LoadPoint) => number) =>
      mean > 0 ? window.reduce((a, p) => a + f(p), 0) / window.length / mean : null;
    const requests = perStudent((p) => p.requestsPerMinute);
    const sent = perStudent((p) => p.sentBytesPerSec);
    if (bytes !== null && cores !== null) {
      return {
        bytes: Math.max(0, bytes),
        cores: Math.max(0, cores),
        requestsPerMinute: requests,
        sentBytesPerSec: sent,
        basis: 'live',
      };
    }
    if (previous?.basis === 'live') return { ...previous, requestsPerMinute: requests, sentBytesPerSec: sent };
  }
  if (profile) {
    return {
      bytes: profile.bytesPerStudent,
      cores: profile.coresPerStudent,
      requestsPerMinute: profile.requestsPerStudentPerMinute,
      sentBytesPerSec: profile.sentBytesPerStudentPerSec ?? null,
      basis: 'benchmark',
    };
  }
  return { bytes: null, cores: null, requestsPerMinute: null, sentBytesPerSec: null, basis: 'none' };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
