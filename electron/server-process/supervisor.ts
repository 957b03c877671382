// Keeps the classroom server running next to the desktop window. The server is a separate process
// (Electron's utilityProcess in the app, child_process.fork in tests and in `npm start` without
// Electron), so a crash in it never takes the teacher's window down: the supervisor restarts it
// with exponential backoff and reports every change of state so the dashboard can say so.
import { EventEmitter } from 'node:events';
import { parseServerMessage, type ParentToServer, type ServerStarted } from '../../server/host-messages.js';

/** One running server process, whatever started it. */
export interface ServerChild {
  postMessage(msg: ParentToServer): void;
  /** Ends the process at once; used only when a graceful shutdown overran its time. */
  kill(): void;
  onMessage(listener: (msg: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
}

/** Starts the server with this environment. */
export type ForkServer = (env: NodeJS.ProcessEnv) => ServerChild;

export type ServerStatus =
  | { state: 'starting'; attempt: number }
  | { state: 'running'; port: number; joinUrl: string }
  | { state: 'restarting'; attempt: number; retryInMs: number; reason: string }
  /** Gave up: the server failed to start too many times in a row (a config error will not heal). */
  | { state: 'failed'; reason: string }
  | { state: 'stopping' }
  | { state: 'stopped' };

export interface SupervisorOptions {
  fork: ForkServer;
  /** Called before every (re)start, so a changed Gemini key reaches the next server. */
  env: () => NodeJS.ProcessEnv;
  /** First restart delay; doubles (factor) up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  backoffFactor?: number;
  /** A run at least this long counts as healthy and resets the backoff. */
  stableAfterMs?: number;
  /** Time the server has to report `server-started` before it is killed and retried. */
  startTimeoutMs?: number;
  /** Time a graceful shutdown may take (SQLite flush) before the process is killed. */
  shutdownTimeoutMs?: number;
  /** Consecutive failed starts (never reached `server-started`) before giving up. */
  maxStartFailures?: number;
  log?: (line: string) => void;
}

type Events = { status: [ServerStatus] };

export type StopResult = 'exited' | 'killed' | 'not-running';

export class ServerSupervisor extends EventEmitter<Events> {
  private readonly opts: Required<SupervisorOptions>;
  private child: ServerChild | null = null;
  private childExited: Promise<number | null> = Promise.resolve(null);
  private current: ServerStatus = { state: 'stopped' };
  private started: ServerStarted | null = null;
  /** False once stop() was called: an exit is then expected and not restarted. */
  private wanted = false;
  private failures = 0;
  private startFailures = 0;
  private attempt = 0;
  private lastError = '';
  private restartTimer: NodeJS.Timeout | null = null;
  private startTimer: NodeJS.Timeout | null = null;

  constructor(options: SupervisorOptions) {
    super();
    this.opts = {
      initialBackoffMs: 500,
      maxBackoffMs: 30_000,
      backoffFactor: 2,
      stableAfterMs: 60_000,
      startTimeoutMs: 60_000,
      shutdownTimeoutMs: 10_000,
      maxStartFailures: 6,
      log: () => {},
      ...options,
    };
  }

  get status(): ServerStatus {
    return this.current;
  }

  /** The running server's addresses and admin token, or null while it is not running. */
  get session(): ServerStarted | null {
    return this.current.state === 'running' ? this.started : null;
  }

  /** Starts the server unless it is already running or about to be restarted. */
  start(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.failures = 0;
    this.startFailures = 0;
    this.spawn();
  }

  /** Stops gracefully and starts again (e.g. after the Gemini key changed). */
  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  /**
   * Asks the server to shut down and waits for it, at most shutdownTimeoutMs, then kills it.
   * Never restarts it afterwards.
   */
  async stop(): Promise<StopResult> {
    this.wanted = false;
    this.clearTimers();
    const child = this.child;
    if (!child) {
      this.setStatus({ state: 'stopped' });
      return 'not-running';
    }
    this.setStatus({ state: 'stopping' });
    const exited = this.childExited;
    child.postMessage({ type: 'shutdown' });
    let result: StopResult = 'exited';
    if ((await withTimeout(exited, this.opts.shutdownTimeoutMs)) === TIMED_OUT) {
      this.opts.log(`server did not exit within ${this.opts.shutdownTimeoutMs} ms of shutdown; killing it`);
      child.kill();
      result = 'killed';
      await withTimeout(exited, 5_000);
    }
    this.setStatus({ state: 'stopped' });
    return result;
  }

  private spawn(): void {
    this.attempt += 1;
    this.started = null;
    this.setStatus({ state: 'starting', attempt: this.attempt });
    const spawnedAt = Date.now();
    let child: ServerChild;
    try {
      child = this.opts.fork(this.opts.env());
    } catch (err) {
      this.onChildGone(`could not start the server: ${(err as Error).message}`, false, spawnedAt);
      return;
    }
    this.child = child;
    this.childExited = new Promise((resolve) => child.onExit(resolve));
    child.onMessage((raw) => this.onMessage(child, raw));
    void this.childExited.then((code) => {
      if (this.child !== child) return;
      this.child = null;
      this.clearTimers();
      if (!this.wanted) return;
      const why = this.lastError || `server exited with code ${code ?? 'null (killed)'}`;
      this.onChildGone(why, this.started !== null, spawnedAt);
    });
    this.startTimer = setTimeout(() => {
      this.lastError = `server did not report it was listening within ${this.opts.startTimeoutMs} ms`;
      child.kill();
    }, this.opts.startTimeoutMs);
    this.startTimer.unref?.();
  }

  private onMessage(child: ServerChild, raw: unknown): void {
    if (child !== this.child) return;
    const msg = parseServerMessage(raw);
    if (!msg) return;
    if (msg.type === 'server-error') {
      this.lastError = msg.message;
      this.opts.log(`server reported a startup error: ${msg.message}`);
      return;
    }
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
    this.started = msg;
    this.lastError = '';
    this.startFailures = 0;
    this.setStatus({ state: 'running', port: msg.port, joinUrl: msg.joinUrl });
  }

  private onChildGone(reason: string, hadStarted: boolean, spawnedAt: number): void {
    this.lastError = '';
    this.started = null;
    if (hadStarted && Date.now() - spawnedAt >= this.opts.stableAfterMs) this.failures = 0;
    if (!hadStarted) this.startFailures += 1;
    if (this.startFailures >= this.opts.maxStartFailures) {
      this.wanted = false;
      this.opts.log(`giving up after ${this.startFailures} failed starts: ${reason}`);
      this.setStatus({ state: 'failed', reason });
      return;
    }
    this.failures += 1;
    const retryInMs = Math.min(
      this.opts.maxBackoffMs,
      this.opts.initialBackoffMs * this.opts.backoffFactor ** (this.failures - 1),
    );
    this.opts.log(`server stopped unexpectedly (${reason}); restarting in ${retryInMs} ms`);
    this.setStatus({ state: 'restarting', attempt: this.attempt + 1, retryInMs, reason });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.wanted) this.spawn();
    }, retryInMs);
  }

  private clearTimers(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.startTimer) clearTimeout(this.startTimer);
    this.restartTimer = null;
    this.startTimer = null;
  }

  private setStatus(status: ServerStatus): void {
    this.current = status;
    this.emit('status', status);
  }
}

const TIMED_OUT = Symbol('timed out');

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
