// The planner's arithmetic: students each of the design brief's server sizes can hold, from the
// bench's measured per-student figures and the same headroom model as the live panel.
import { cpuCoresUsable, headroom, type Limit } from '../server/capacity/model.js';

/** The design brief's server sizes and its own (estimated) student ranges. */
export const BRIEF_SIZES = [
  { name: 'small', vcpu: 2, ramGb: 4, brief: '1,000-3,000' },
  { name: 'medium', vcpu: 4, ramGb: 16, brief: '5,000-15,000' },
  { name: 'large', vcpu: 8, ramGb: 32, brief: '15,000-30,000' },
  { name: 'extra large', vcpu: 16, ramGb: 64, brief: '30,000-50,000' },
] as const;

export interface PlanInput {
  bytesPerStudent: number;
  coresPerStudent: number;
  /** Gemini requests per student per minute. */
  requestsPerStudentPerMinute: number;
  /** Memory and CPU the server takes with nobody connected. */
  idleBytes: number;
  reservePct: number;
  /** Open-file limit of the server process (sockets are files). */
  fdLimit: number;
  geminiQuotaPerMinute: number;
}

export interface PlanRow {
  name: string;
  vcpu: number;
  ramGb: number;
  brief: string;
  capacity: number;
  binding: Limit | null;
  bounds: Record<Limit, number | null>;
}

/** Students each size holds from zero, keeping the reserve of every resource. */
export function planRows(p: PlanInput): PlanRow[] {
  return BRIEF_SIZES.map((size) => {
    const totalBytes = size.ramGb * 1024 ** 3;
    const h = headroom({
      students: 0,
      reservePct: p.reservePct,
      perStudent: {
        bytes: p.bytesPerStudent,
        cores: p.coresPerStudent,
        requestsPerMinute: p.requestsPerStudentPerMinute,
        basis: 'benchmark',
      },
      memory: { availableBytes: totalBytes - p.idleBytes, totalBytes },
      descriptors: { open: 0, limit: p.fdLimit },
      cpu: { usedCores: 0, usableCores: cpuCoresUsable(size.vcpu) },
      gemini: { enabled: true, quotaPerMinute: p.geminiQuotaPerMinute, requestsPerMinute: 0 },
    });
    return { ...size, capacity: h.capacity ?? 0, binding: h.binding, bounds: h.bounds };
  });
}
