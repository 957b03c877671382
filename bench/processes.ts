// Child processes of the bench (the server under test, the baseline, the client processes) and
// what /proc says about them: each server runs alone in its process, so its memory and CPU are
// its own and not the clients'.
import { fork, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Forks a sibling module of this file. Under tsx (npm run bench, vitest) the sibling is the .ts
 * source and the child needs tsx's loader; compiled into dist/bench it is the .js next to this one.
 */
export function forkSibling(name: string, env: NodeJS.ProcessEnv, stdio: 'inherit' | 'pipe' = 'inherit'): ChildProcess {
  const fromSource = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(new URL(`./${name}${fromSource ? '.ts' : '.js'}`, import.meta.url));
  return fork(file, [], {
    env,
    execArgv: fromSource ? ['--import', 'tsx'] : [],
    stdio: stdio === 'inherit' ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}

/** SIGTERM, then SIGKILL if it has not exited within graceMs. Resolves to the exit code. */
export function stopChild(child: ChildProcess, graceMs = 20_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

let clockTicks: number | null = null;

/** Kernel clock ticks per second (for /proc/<pid>/stat CPU times); 100 on nearly every Linux. */
function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface ProcFigures {
  rssBytes: number;
  /** user + system CPU since the process started, seconds. */
  cpuSeconds: number;
}

/** user + system seconds from a /proc stat line (a process's, or one of its threads'). */
function statCpuSeconds(stat: string): number {
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
}

/** RSS and CPU time of a process, from /proc (Linux); null once it has gone. */
export function readProc(pid: number): ProcFigures | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const cpuSeconds = statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
    if (!Number.isFinite(rssKb) || !Number.isFinite(cpuSeconds)) return null;
    return { rssBytes: rssKb * 1024, cpuSeconds };
  } catch {
    return null;
  }
}

/** CPU seconds of one thread of a process; null once it has gone. */
export function readThreadCpu(pid: number, tid: number): number | null {
  try {
    const cpu = statCpuSeconds(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
    return Number.isFinite(cpu) ? cpu : null;
  } catch {
    return null;
  }
}

/** Median of the numbers (null for none). */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
