// Keeps WAL checkpoints (and their fsync) off the main thread: the main connection stops
// checkpointing by itself, and a worker thread does it every second. If the worker cannot run,
// the main connection goes back to SQLite's own automatic checkpoints, so the WAL never grows
// without bound.
import { Worker } from 'node:worker_threads';
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
    this.worker = new Worker(workerUrl(), {
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

/**
 * The compiled worker next to this file; under the test runner this module is TypeScript source,
 * and the worker is started through tsx's loader (a worker does not inherit the parent's).
 */
function workerUrl(): URL {
  if (!import.meta.url.endsWith('.ts')) return new URL('./checkpoint-worker.js', import.meta.url);
  const boot = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};
register();
await import(${JSON.stringify(new URL('./checkpoint-worker.ts', import.meta.url).href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}
