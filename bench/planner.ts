// The planner's arithmetic: students each of the design brief's server sizes can hold, from
// per-core figures the bench measured (CPU-seconds per student-second of socket work, the relay's
// CPU per answer, memory and bytes sent per student) and the same headroom model as the live panel.
import { cpuCoresUsable, headroom, linkBytesPerSec, LIMITS, type Limit } from '../server/capacity/model.js';

/** The design brief's server sizes and its own (estimated) student ranges. */
export const BRIEF_SIZES = [
  { name: 'small', vcpu: 2, ramGb: 4, brief: '1,000-3,000' },
  { name: 'medium', vcpu: 4, ramGb: 16, brief: '5,000-15,000' },
  { name: 'large', vcpu: 8, ramGb: 32, brief: '15,000-30,000' },
  { name: 'extra large', vcpu: 16, ramGb: 64, brief: '30,000-50,000' },
] as const;

/** What one student costs, measured on one machine and independent of its size. */
export interface PerCoreFigures {
  /** Socket work (every server process but the relay), cores per connected student. */
  coresPerStudent: number;
  /** The AI relay's CPU per answered question, seconds. */
  relayCpuSecondsPerAnswer: number;
  /** Questions answered per student per second (the bench's question rate). */
  answersPerStudentPerSecond: number;
  /** RSS growth per student, every server process together. */
  bytesPerStudent: number;
  /** RSS of one server process with nobody connected. */
  idleBytesPerProcess: number;
  /** Socket frames sent per student per second. */
  socketBytesPerStudentPerSec: number;
  /** Narrated audio fetched per listening student per second (null: not measured). */
  audioBytesPerListenerPerSec: number | null;
}

export interface PlanInput {
  figures: PerCoreFigures;
  /** Socket workers; 'auto' is one per vCPU, as READERAI_WORKERS=auto would choose. */
  workers: number | 'auto';
  reservePct: number;
  /** Open-file limit of each server process (sockets are files; each worker holds its own). */
  fdLimit: number;
  geminiQuotaPerMinute: number;
  /** The server's link or the school's Wi-Fi, megabits per second. */
  networkMbps: number;
  /** Share of students listening to narrated audio, 0..1. */
  audioShare: number;
  /** A narration bitrate to plan with instead of the measured one (kilobits per second). */
  audioKbps: number | null;
}

export interface PlanRow {
  name: string;
  vcpu: number;
  ramGb: number;
  brief: string;
  workers: number;
  capacity: number;
  binding: Limit | null;
  /** The machine's own limit, the API key's quota aside (it is the same on every size). */
  server: { capacity: number; binding: Limit | null };
  bounds: Record<Limit, number | null>;
}

/** What one student costs in each resource, relay and audio included. */
export function perStudent(p: Pick<PlanInput, 'figures' | 'audioShare' | 'audioKbps'>): {
  cores: number;
  sentBytesPerSec: number;
  requestsPerMinute: number;
} {
  const f = p.figures;
  const listener = p.audioKbps !== null ? (p.audioKbps * 1000) / 8 : (f.audioBytesPerListenerPerSec ?? 0);
  return {
    cores: f.coresPerStudent + f.relayCpuSecondsPerAnswer * f.answersPerStudentPerSecond,
    sentBytesPerSec: f.socketBytesPerStudentPerSec + p.audioShare * listener,
    requestsPerMinute: f.answersPerStudentPerSecond * 60,
  };
}

/** Students each size holds from zero, keeping the reserve of every resource. */
export function planRows(p: PlanInput): PlanRow[] {
  const per = perStudent(p);
  return BRIEF_SIZES.map((size) => {
    const workers = p.workers === 'auto' ? size.vcpu : Math.min(p.workers, size.vcpu);
    const totalBytes = size.ramGb * 1024 ** 3;
    // The primary and every socket worker start with their own idle heap.
    const idle = (workers > 1 ? workers + 1 : 1) * p.figures.idleBytesPerProcess;
    const h = headroom({
      students: 0,
      reservePct: p.reservePct,
      perStudent: {
        bytes: p.figures.bytesPerStudent,
        cores: per.cores,
        requestsPerMinute: per.requestsPerMinute,
        sentBytesPerSec: per.sentBytesPerSec,
        basis: 'benchmark',
      },
      memory: { availableBytes: totalBytes - idle, totalBytes },
      descriptors: { open: 0, limit: p.fdLimit * workers },
      cpu: { usedCores: 0, usableCores: cpuCoresUsable(size.vcpu, workers) },
      gemini: { enabled: true, quotaPerMinute: p.geminiQuotaPerMinute, requestsPerMinute: 0 },
      network: { linkBytesPerSec: linkBytesPerSec(p.networkMbps), sentBytesPerSec: 0 },
    });
    let server: Limit | null = null;
    for (const limit of LIMITS) {
      const b = h.bounds[limit];
      if (limit !== 'gemini' && b !== null && (server === null || b < h.bounds[server]!)) server = limit;
    }
    return {
      ...size,
      workers,
      capacity: h.capacity ?? 0,
      binding: h.binding,
      server: { capacity: server === null ? 0 : h.bounds[server]!, binding: server },
      bounds: h.bounds,
    };
  });
}
