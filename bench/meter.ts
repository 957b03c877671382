// CPU and memory of a server under test, every process of it: the process the bench started and
// its descendants (socket workers), and inside them the AI relay's thread (named `ai-relay`),
// read from /proc once a second. Each reading is turned into per-process CPU over the interval.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readProc, readThreadCpu } from './processes.js';

export interface ProcessReading {
  pid: number;
  /** 'server' when it runs alone, else 'primary' and 'worker'. */
  role: 'server' | 'primary' | 'worker';
  rssBytes: number;
  /** Percent of one core over the interval (0 for a process first seen now). */
  cpuPct: number;
}

export interface TreeReading {
  processes: ProcessReading[];
  rssBytes: number;
  cpuPct: number;
  /** The relay thread's share of cpuPct (null: no thread of that name). */
  relayCpuPct: number | null;
  /** Cumulative CPU seconds of the relay thread, for its cost per answer. */
  relayCpuSeconds: number | null;
}

export const RELAY_THREAD = 'ai-relay';

/** The program a process runs (/proc/<pid>/exe), or null. */
function exe(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return null;
  }
}

/** Pids whose parent is `pid`, and theirs, from /proc/<pid>/stat (field 4). */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(name));
      parents.set(ppid, list);
    } catch {
      // Gone between the listing and the read.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const child of parents.get(p) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** The thread of `pid` named `name` (its /proc/<pid>/task/<tid>/comm), or null. */
export function threadNamed(pid: number, name: string): number | null {
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        if (readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() === name) return Number(tid);
      } catch {
        // The thread ended.
      }
    }
  } catch {
    // The process ended.
  }
  return null;
}

export class TreeMeter {
  private last = new Map<number, { cpuSeconds: number; at: number }>();
  private relay: { pid: number; tid: number } | null = null;
  private lastRelay: { cpuSeconds: number; at: number } | null = null;

  constructor(readonly rootPid: number) {}

  /**
   * The socket workers now: the root's descendants that run the same program (Node), so a helper
   * it starts (tsx's esbuild under the baseline, prlimit, a shell) is not taken for one.
   */
  workers(): number[] {
    const program = exe(this.rootPid);
    return descendants(this.rootPid).filter((pid) => program !== null && exe(pid) === program);
  }

  read(): TreeReading {
    const now = performance.now();
    const pids = [this.rootPid, ...this.workers()];
    const processes: ProcessReading[] = [];
    const seen = new Map<number, { cpuSeconds: number; at: number }>();
    for (const pid of pids) {
      const p = readProc(pid);
      if (!p) continue;
      const before = this.last.get(pid);
      seen.set(pid, { cpuSeconds: p.cpuSeconds, at: now });
      processes.push({
        pid,
        role: pids.length === 1 ? 'server' : pid === this.rootPid ? 'primary' : 'worker',
        rssBytes: p.rssBytes,
        cpuPct: before ? (100 * (p.cpuSeconds - before.cpuSeconds)) / Math.max(1e-3, (now - before.at) / 1000) : 0,
      });
    }
    this.last = seen;

    let relayCpuPct: number | null = null;
    let relayCpuSeconds: number | null = null;
    if (!this.relay || readThreadCpu(this.relay.pid, this.relay.tid) === null) {
      this.relay = null;
      this.lastRelay = null;
      for (const pid of pids) {
        const tid = threadNamed(pid, RELAY_THREAD);
        if (tid !== null) {
          this.relay = { pid, tid };
          break;
        }
      }
    }
    if (this.relay) {
      relayCpuSeconds = readThreadCpu(this.relay.pid, this.relay.tid);
      if (relayCpuSeconds !== null && this.lastRelay)
        relayCpuPct =
          (100 * (relayCpuSeconds - this.lastRelay.cpuSeconds)) / Math.max(1e-3, (now - this.lastRelay.at) / 1000);
      this.lastRelay = relayCpuSeconds === null ? null : { cpuSeconds: relayCpuSeconds, at: now };
    }
    return {
      processes,
      rssBytes: processes.reduce((a, p) => a + p.rssBytes, 0),
      cpuPct: processes.reduce((a, p) => a + p.cpuPct, 0),
      relayCpuPct,
      relayCpuSeconds,
    };
  }
}
