// Keeps WAL checkpoints (and their fsync) off the main thread: the main connection stops
// checkpointing by itself, and a worker thread does it every second. If the worker cannot run,
// the main connection goes back to SQLite's own automatic checkpoints, so the WAL never grows
// without bound. After a deletion, truncate() empties the WAL file itself (see ./eraser.ts).
import { Worker } from 'node:worker_threads';
import { workerUrl } from '../worker-url.js';
import type { Db } from './db.js';

/** Retries of a truncating checkpoint that a reader held up: quick at first, then every 5 s. */
const TRUNCATE_RETRY_MIN_MS = 100;
const TRUNCATE_RETRY_MAX_MS = 5_000;

export class Checkpointer {
  /** Figures for the capacity sampler. */
  readonly stats = { checkpoints: 0, lastMs: 0, maxMs: 0, failures: 0, truncations: 0, truncateRetries: 0 };
  private worker: Worker | null;
  private truncateTimer: NodeJS.Timeout | null = null;
  private truncateWaiters: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    /**
     * `periodic: false`: this process never checkpoints on its own (neither the worker nor
     * SQLite's automatic ones); another process sharing the file does (server/cluster/: socket
     * worker 0). truncate() and the last checkpoint at stop still run here.
     */
    options: { intervalMs?: number; periodic?: boolean } = {},
  ) {
    db.pragma('wal_autocheckpoint = 0');
    if (options.periodic === false) {
      this.worker = null;
      return;
    }
    this.worker = new Worker(workerUrl(import.meta.url, 'checkpoint-worker'), {
      workerData: { file: db.name, intervalMs: options.intervalMs ?? 1000 },
    });
    this.worker.unref();
    this.worker.on('message', (m: { ms?: number; error?: string }) => {
      if (m.error !== undefined) {
        this.stats.failures++;
        return;
      }
      this.stats.checkpoints++;
      this.stats.lastMs = m.ms ?? 0;
      if (this.stats.lastMs > this.stats.maxMs) this.stats.maxMs = this.stats.lastMs;
    });
    this.worker.on('error', () => this.fallBack());
    this.worker.on('exit', () => this.fallBack());
  }

  /**
   * Copies the whole WAL into the database and truncates the WAL file to zero bytes, so no
   * page image from before a deletion stays in it (PASSIVE checkpoints reuse the file from the
   * start and leave older frames past that point). Runs on the main connection, which is the
   * writer: it waits for nobody but readers. A reader still on an older snapshot (the worker
   * mid-checkpoint, the relay's connection) makes it busy: it tries again until it succeeds.
   * Resolves once the WAL is empty.
   */
  truncate(): Promise<void> {
    const done = new Promise<void>((resolve) => this.truncateWaiters.push(resolve));
    if (this.truncateTimer === null) this.tryTruncate(0);
    return done;
  }

  private tryTruncate(attempt: number): void {
    this.truncateTimer = null;
    if (!this.db.open) return;
    let busy = true;
    try {
      const [row] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      busy = row?.busy !== 0;
    } catch {
      // SQLITE_BUSY or a locked file: the same as busy.
    }
    if (!busy) {
      this.stats.truncations++;
      for (const resolve of this.truncateWaiters.splice(0)) resolve();
      return;
    }
    this.stats.truncateRetries++;
    const delay = Math.min(TRUNCATE_RETRY_MAX_MS, TRUNCATE_RETRY_MIN_MS * 2 ** Math.min(attempt, 10));
    this.truncateTimer = setTimeout(() => this.tryTruncate(attempt + 1), delay);
    this.truncateTimer.unref();
  }

  /** Stops the worker and checkpoints once more on the main connection (shutdown). */
  async stop(): Promise<void> {
    if (this.truncateTimer) clearTimeout(this.truncateTimer);
    this.truncateTimer = null;
    const worker = this.worker;
    this.worker = null;
    if (worker) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage({ type: 'stop' });
      await exited;
    }
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const resolve of this.truncateWaiters.splice(0)) resolve();
  }

  private fallBack(): void {
    if (this.worker === null || !this.db.open) return;
    this.worker = null;
    this.db.pragma('wal_autocheckpoint = 1000');
  }
}
