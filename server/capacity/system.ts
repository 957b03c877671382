// What the operating system says about this process's limits: open file descriptors, the
// descriptor limit, and memory limits of a container (cgroup). Linux reads /proc and /sys; on
// other systems the figures are null ("unknown"), never guessed.
import { readFileSync, statSync, promises as fsp } from 'node:fs';

const FD_DIR = '/proc/self/fd';

/**
 * Counts this process's open descriptors. Since Linux 6.2, stat() of /proc/self/fd reports the
 * count as its size, for ~0.05 ms; listing 15,000 entries costs ~15 ms of event loop, so the list
 * is only read (asynchronously, in the thread pool) on older kernels.
 */
export class FdCounter {
  private last: number | null = null;
  private listing = false;
  /** Whether a count costs a stat() (Linux 6.2+) rather than a listing. */
  readonly cheap: boolean;

  constructor(private readonly dir = FD_DIR) {
    let works = false;
    try {
      works = statSync(dir).size > 0;
    } catch {
      // Not Linux: unknown.
    }
    this.cheap = works;
  }

  /** The latest count (the listing fallback lags by one call). */
  count(): number | null {
    if (this.cheap) {
      try {
        return statSync(this.dir).size;
      } catch {
        return null;
      }
    }
    if (!this.listing && process.platform === 'linux') {
      this.listing = true;
      fsp.readdir(this.dir).then(
        (names) => ((this.last = names.length), (this.listing = false)),
        () => ((this.last = null), (this.listing = false)),
      );
    }
    return this.last;
  }
}

/** The soft "Max open files" from a /proc/<pid>/limits text, or null. */
export function parseFdLimit(limits: string): number | null {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
  if (!m) return null;
  return m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1]);
}

export function fdLimit(): number | null {
  try {
    return parseFdLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return null;
  }
}

/** A cgroup memory file's value: bytes, or null for "max"/no limit (v1 says ~2^63 for none). */
export function parseCgroupBytes(text: string): number | null {
  const t = text.trim();
  if (t === '' || t === 'max') return null;
  const n = Number(t);
  return Number.isFinite(n) && n > 0 && n < 2 ** 60 ? n : null;
}

const CGROUP_FILES = [
  // v2, then v1.
  { limit: '/sys/fs/cgroup/memory.max', usage: '/sys/fs/cgroup/memory.current' },
  { limit: '/sys/fs/cgroup/memory/memory.limit_in_bytes', usage: '/sys/fs/cgroup/memory/memory.usage_in_bytes' },
];

export interface CgroupMemory {
  limitBytes: number;
  usageBytes: number;
}

/** Finds which cgroup files (if any) carry a memory limit; read once at start. */
export function cgroupMemoryReader(): (() => CgroupMemory | null) | null {
  for (const files of CGROUP_FILES) {
    const read = (path: string) => {
      try {
        return parseCgroupBytes(readFileSync(path, 'utf8'));
      } catch {
        return null;
      }
    };
    if (read(files.limit) === null) continue;
    return () => {
      const limitBytes = read(files.limit);
      const usageBytes = read(files.usage);
      return limitBytes === null || usageBytes === null ? null : { limitBytes, usageBytes };
    };
  }
  return null;
}
