// The primary's socket workers: forks them (child_process.fork of the compiled server entry, told
// its place by the environment), waits for each to say ready, restarts one that dies with a
// bounded backoff, passes each one's changes to the others, and stops them all at shutdown.
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { isWorkerToPrimary, type PrimaryToWorker } from './messages.js';
import type { RelayHub } from './relay-hub.js';

/** The compiled server entry; its environment makes it a worker (server/main.ts). */
const ENTRY = fileURLToPath(new URL('../main.js', import.meta.url));
/** A worker that lived this long before dying starts again at the shortest delay. */
const STABLE_MS = 60_000;
const RESTART_MIN_MS = 250;
const RESTART_MAX_MS = 30_000;
/** A worker that has not finished its last commits by then is killed. */
const STOP_GRACE_MS = 15_000;

/** The delay before the next restart of a worker that has died `failures` times in a row. */
export function restartDelay(failures: number): number {
  return Math.min(RESTART_MAX_MS, RESTART_MIN_MS * 2 ** Math.max(0, failures - 1));
}

interface Slot {
  index: number;
  child: ChildProcess | null;
  ready: boolean;
  pid: number | null;
  startedAt: number;
  failures: number;
  timer: NodeJS.Timeout | null;
}

export interface SupervisorOptions {
  count: number;
  argv: readonly string[];
  env: (index: number) => NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** The one AI relay (./relay-hub.ts): hears each worker's relay messages, and when one ends. */
  relay: Pick<RelayHub, 'opened' | 'fromWorker' | 'workerGone'>;
}

export class Supervisor {
  private readonly slots: Slot[];
  private stopping = false;
  private firstStart: { resolve: () => void; reject: (err: Error) => void } | null = null;

  constructor(private readonly o: SupervisorOptions) {
    this.slots = Array.from({ length: o.count }, (_, index) => ({
      index,
      child: null,
      ready: false,
      pid: null,
      startedAt: 0,
      failures: 0,
      timer: null,
    }));
  }

  /** Forks every worker; resolves once all are ready, rejects if one ends before it is. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.firstStart = { resolve, reject };
      for (const slot of this.slots) this.spawn(slot);
    });
  }

  get count(): number {
    return this.slots.length;
  }

  isReady(index: number): boolean {
    return this.slots[index]?.ready === true;
  }

  /** Sends to a ready worker; false if it is not (dead, restarting) or the channel is gone. */
  send(index: number, message: PrimaryToWorker, handle?: Socket): boolean {
    const slot = this.slots[index];
    if (!slot?.ready) return false;
    return this.post(index, message, handle);
  }

  /** Sends to a running worker, ready or still starting (the relay's answers to its proxy). */
  post(index: number, message: PrimaryToWorker, handle?: Socket): boolean {
    const child = this.slots[index]?.child;
    if (!child?.connected) return false;
    child.send(message, handle);
    return true;
  }

  /** Asks every worker to finish (GOING_AWAY to its sockets, last commits) and waits for them. */
  async stop(): Promise<void> {
    this.stopping = true;
    const exits = this.slots.map((slot) => {
      if (slot.timer) clearTimeout(slot.timer);
      const child = slot.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      if (child.connected) child.send({ type: 'shutdown' } satisfies PrimaryToWorker);
      else child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      return exited.finally(() => clearTimeout(kill));
    });
    await Promise.all(exits);
  }

  private spawn(slot: Slot): void {
    slot.timer = null;
    slot.ready = false;
    slot.startedAt = Date.now();
    const child = fork(ENTRY, [...this.o.argv], {
      env: this.o.env(slot.index),
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    slot.child = child;
    slot.pid = child.pid ?? null;
    child.on('message', (m: unknown) => {
      if (!isWorkerToPrimary(m)) return;
      if (m.type === 'ready') {
        slot.ready = true;
        if (this.firstStart && this.slots.every((s) => s.ready)) {
          this.firstStart.resolve();
          this.firstStart = null;
        }
      } else if (m.type === 'changed') {
        for (const other of this.slots)
          if (other !== slot) this.send(other.index, { type: 'changed', change: m.change });
      } else if (m.type === 'relay-open') this.o.relay.opened(slot.index, m.data);
      else this.o.relay.fromWorker(slot.index, m.message);
    });
    child.on('error', () => undefined);
    child.once('exit', (code, signal) => this.exited(slot, child, code, signal));
  }

  private exited(slot: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.child !== child) return;
    const wasReady = slot.ready;
    slot.ready = false;
    slot.child = null;
    this.o.relay.workerGone(slot.index);
    if (this.stopping) return;
    if (this.firstStart && !wasReady) {
      // At start, a worker that cannot start is a configuration problem, not a crash to retry.
      this.firstStart.reject(new Error(`socket worker ${slot.index} ended before it was ready (${signal ?? code})`));
      this.firstStart = null;
      return;
    }
    slot.failures = Date.now() - slot.startedAt >= STABLE_MS ? 1 : slot.failures + 1;
    const delay = restartDelay(slot.failures);
    this.o.log(`socket worker ${slot.index} (pid ${slot.pid}) ended (${signal ?? code}); restarting in ${delay} ms`);
    slot.timer = setTimeout(() => this.spawn(slot), delay);
  }
}
