// How many socket workers `auto` means: the cores this process may use. availableParallelism()
// counts the CPUs the process is allowed to run on (affinity), but not a container's CPU quota
// (docker --cpus, Kubernetes limits), which Linux enforces through cgroups; a server that forks a
// worker per host core inside a 2-core quota only adds processes that wait for each other.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { MAX_WORKERS, parseWorkers } from '../config.js';

/** cgroup v2 `cpu.max` ("max 100000" or "200000 100000"): the quota in cores, or null for none. */
export function coresFromCpuMax(text: string): number | null {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max') return null;
  return quotaCores(Number(quota), Number(period ?? 100_000));
}

/** cgroup v1 `cpu.cfs_quota_us` and `cpu.cfs_period_us` (a quota of -1 is none). */
export function coresFromCfs(quotaText: string, periodText: string): number | null {
  return quotaCores(Number(quotaText.trim()), Number(periodText.trim()));
}

function quotaCores(quota: number, period: number): number | null {
  if (!Number.isFinite(quota) || !Number.isFinite(period) || quota <= 0 || period <= 0) return null;
  // 1.5 cores of quota keep a second worker mostly busy: round up, at least one.
  return Math.max(1, Math.ceil(quota / period));
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The Linux cgroup CPU quota of this process in cores, or null (none, or not Linux). */
function cgroupCores(): number | null {
  if (process.platform !== 'linux') return null;
  const v2 = readOrNull('/sys/fs/cgroup/cpu.max');
  if (v2 !== null) return coresFromCpuMax(v2);
  const quota = readOrNull('/sys/fs/cgroup/cpu/cpu.cfs_quota_us');
  const period = readOrNull('/sys/fs/cgroup/cpu/cpu.cfs_period_us');
  return quota !== null && period !== null ? coresFromCfs(quota, period) : null;
}

/** The cores available to this process: its CPU affinity, within its cgroup quota, at most MAX_WORKERS. */
export function availableCores(): number {
  const quota = cgroupCores();
  const cores = availableParallelism();
  return Math.min(MAX_WORKERS, quota === null ? cores : Math.min(cores, quota));
}

/** The number of socket workers the `workers` setting asks for on this machine. */
export function workerCount(setting: string): number {
  const parsed = parseWorkers(setting);
  return parsed === 'auto' ? availableCores() : (parsed ?? 1);
}
