// Keeps WAL checkpoints (and their fsync) off the main thread: the main connection stops
// checkpointing by itself, and a worker thread does it every second. If the worker cannot run,
// the main connection goes back to SQLite's own automatic checkpoints, so the WAL never grows
// without bound.
import { Worker } from 'node:worker_threads';
import { workerUrl } from '../worker-url.js';
import type { Db } from './db.js';

export class Checkpointer {
  /** Figures for the capacity sampler. */
  readonly stats = { checkpoints: 0, lastMs: 0, maxMs: 0, failures: 0 };
  private worker: Worker | null;

  constructor(
    private readonly db: Db,
    options: { intervalMs?: number } = {},
  ) {
    db.pragma('wal_autocheckpoint = 0');
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

  /** Stops the worker and checkpoints once more on the main connection (shutdown). */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage({ type: 'stop' });
      await exited;
    }
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  private fallBack(): void {
    if (this.worker === null || !this.db.open) return;
    this.worker = null;
    this.db.pragma('wal_autocheckpoint = 1000');
  }
}
