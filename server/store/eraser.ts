// Deletion that erases: the rows go in one transaction on the main connection, whose
// secure_delete (./db.ts) zeroes their bytes in the pages, and then the WAL, which still holds
// the pages as they were before, is checkpointed and truncated to nothing. What is pending in the
// group commit is written first, so a progress row queued for a deleted child cannot come back.
import type { Checkpointer } from './checkpointer.js';
import type { Db } from './db.js';
import type { GroupCommit } from './group-commit.js';

export class Eraser {
  /** Figures for tests and IT: erasures done, and the last one's time to an empty WAL. */
  readonly stats = { erasures: 0, lastWalEmptyMs: 0 };

  constructor(
    private readonly db: Db,
    private readonly writer: Pick<GroupCommit<never>, 'flush'>,
    private readonly checkpointer: Checkpointer,
  ) {}

  /** Runs `deletes` in one transaction; resolves once no file holds what they deleted. */
  erase(deletes: () => void): Promise<void> {
    this.writer.flush();
    this.db.transaction(deletes)();
    this.stats.erasures++;
    const started = performance.now();
    return this.checkpointer.truncate().then(() => {
      this.stats.lastWalEmptyMs = performance.now() - started;
    });
  }
}
