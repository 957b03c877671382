// Group commit: progress updates and other small writes that arrive while the event loop is busy
// go into one transaction, run as soon as the loop is free (setImmediate, not a timer). Under light
// load a write commits on the next turn of the loop; under heavy load one commit carries thousands
// of updates. better-sqlite3 is synchronous, so frames that arrive during a commit wait in the
// socket buffers and land in the next batch by themselves. A row is acknowledged only after the
// transaction that wrote it has committed.
import type { Db } from './db.js';

export interface Dirty {
  /** Set while the row waits in a batch, so marking it twice costs nothing. */
  queued: boolean;
}

export interface GroupCommitOptions<R extends Dirty> {
  /** Writes one row's current state (inside the transaction). */
  write(row: R): void;
  /** Called for each row once its transaction has committed. */
  saved(row: R): void;
  /** A commit failed (disk full, database locked): the batch is kept and retried. */
  failed(err: Error, attempt: number): void;
  /** The first commit after failures went through. */
  recovered(): void;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

export class GroupCommit<R extends Dirty> {
  private rows: R[] = [];
  private ops: (() => void)[] = [];
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private readonly commitBatch: (rows: R[], ops: (() => void)[]) => void;
  /** Figures for the capacity sampler. */
  readonly stats = { commits: 0, rowsWritten: 0, lastCommitMs: 0, maxCommitMs: 0, failures: 0 };

  constructor(
    db: Db,
    private readonly opts: GroupCommitOptions<R>,
  ) {
    this.commitBatch = db.transaction((rows: R[], ops: (() => void)[]) => {
      for (const op of ops) op();
      for (const row of rows) opts.write(row);
    });
  }

  get pending(): number {
    return this.rows.length + this.ops.length;
  }

  /** Queue a row's current state for the next commit. */
  mark(row: R): void {
    if (row.queued) return;
    row.queued = true;
    this.rows.push(row);
    this.schedule();
  }

  /** Queue a write (a question, an answer) for the next commit. */
  run(op: () => void): void {
    this.ops.push(op);
    this.schedule();
  }

  /** Commit whatever is pending now (used at shutdown). Returns false if it failed. */
  flush(): boolean {
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    if (this.pending === 0) return true;
    const rows = this.rows;
    const ops = this.ops;
    this.rows = [];
    this.ops = [];
    const started = performance.now();
    try {
      this.commitBatch(rows, ops);
    } catch (err) {
      // Keep everything for the next try, ahead of what arrived meanwhile.
      this.rows = rows.concat(this.rows);
      this.ops = ops.concat(this.ops);
      this.failures++;
      this.stats.failures++;
      this.opts.failed(err as Error, this.failures);
      return false;
    }
    const ms = performance.now() - started;
    this.stats.commits++;
    this.stats.rowsWritten += rows.length + ops.length;
    this.stats.lastCommitMs = ms;
    if (ms > this.stats.maxCommitMs) this.stats.maxCommitMs = ms;
    if (this.failures > 0) {
      this.failures = 0;
      this.opts.recovered();
    }
    for (const row of rows) {
      row.queued = false;
      this.opts.saved(row);
    }
    return true;
  }

  /** Stop retrying (shutdown); pending writes are flushed by the caller. */
  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private schedule(): void {
    if (this.scheduled || this.retryTimer) return;
    this.scheduled = true;
    setImmediate(this.onTurn);
  }

  private readonly onTurn = (): void => {
    this.scheduled = false;
    if (this.flush()) return;
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(this.failures - 1, 10));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.onTurn();
    }, delay);
    this.retryTimer.unref();
  };
}
