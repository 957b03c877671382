// SQLite: migrations, WAL, and the group commit (acknowledge only after commit; batch what
// arrives together; keep and retry on failure).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDatabase } from '../../../../server/store/db.js';
import { GroupCommit } from '../../../../server/store/group-commit.js';
import { MIGRATIONS } from '../../../../server/store/migrations.js';
import { tempDir } from '../../../support/server.js';
import { waitUntil } from '../../../../testkit/wait.js';

interface Row {
  queued: boolean;
  id: number;
  value: number;
}

function setup() {
  const db = openDatabase(join(tempDir(), 'test.db'));
  db.exec('CREATE TABLE kv (id INTEGER PRIMARY KEY, value INTEGER)');
  const put = db.prepare('INSERT INTO kv VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET value = excluded.value');
  const saved: [number, number, number][] = [];
  let failNext = 0;
  const failures: number[] = [];
  let recovered = 0;
  const gc = new GroupCommit<Row>(db, {
    write: (r) => {
      if (failNext > 0) {
        failNext--;
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      }
      put.run(r.id, r.value);
    },
    // What a reader sees at the moment of the acknowledgement: the row must be committed.
    saved: (r) =>
      saved.push([
        r.id,
        r.value,
        (db.prepare('SELECT value FROM kv WHERE id = ?').get(r.id) as { value: number }).value,
      ]),
    failed: (_e, attempt) => failures.push(attempt),
    recovered: () => recovered++,
  });
  return { db, gc, saved, failures, fail: (n: number) => (failNext = n), recovered: () => recovered };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('database', () => {
  it('opens in WAL mode with synchronous=NORMAL at the latest schema version', () => {
    const { db } = setup();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  });

  it('refuses a database written by a newer version', () => {
    const dir = tempDir();
    const db = openDatabase(join(dir, 'x.db'));
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openDatabase(join(dir, 'x.db'))).toThrow(/newer ReaderAI/);
  });
});

describe('group commit', () => {
  it('commits everything marked in one turn as one transaction and acknowledges after commit', async () => {
    const { gc, saved } = setup();
    const rows = Array.from({ length: 1000 }, (_, i) => ({ queued: false, id: i, value: i * 2 }));
    for (const r of rows) gc.mark(r);
    gc.mark(rows[0]!); // marking twice costs nothing
    expect(saved).toHaveLength(0);
    await tick();
    expect(gc.stats.commits).toBe(1);
    expect(saved).toHaveLength(1000);
    for (const [, value, stored] of saved) expect(stored).toBe(value);
    expect(saved.map(([id]) => id)).toEqual(rows.map((r) => r.id));
  });

  it('puts rows marked during a commit into the next one', async () => {
    const { gc, saved } = setup();
    const a = { queued: false, id: 1, value: 1 };
    const b = { queued: false, id: 2, value: 2 };
    gc.mark(a);
    gc.run(() => gc.mark(b)); // arrives while the first transaction runs
    await tick();
    expect(saved.map(([id]) => id)).toEqual([1]);
    await tick();
    expect(saved.map(([id]) => id)).toEqual([1, 2]);
    expect(gc.stats.commits).toBe(2);
  });

  it('keeps the batch when a commit fails, retries, and reports recovery without losing a row', async () => {
    const { gc, saved, failures, fail, recovered, db } = setup();
    fail(2);
    const rows = [1, 2, 3].map((id) => ({ queued: false, id, value: id * 10 }));
    for (const r of rows) gc.mark(r);
    await tick();
    expect(saved).toHaveLength(0);
    expect(failures).toEqual([1]);
    await waitUntil(() => saved.length >= 3, 5_000, 'the batch saved after the retry');
    expect(failures).toEqual([1, 2]);
    expect(recovered()).toBe(1);
    expect(saved.map(([id, , stored]) => [id, stored])).toEqual([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM kv').get()).toEqual({ n: 3 });
  });
});

describe('checkpointer', () => {
  it('checkpoints the WAL from a worker thread while the main connection writes', async () => {
    const { Checkpointer } = await import('../../../../server/store/checkpointer.js');
    const db = openDatabase(join(tempDir(), 'cp.db'));
    const cp = new Checkpointer(db, { intervalMs: 50 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    db.exec('CREATE TABLE t (x)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const deadline = Date.now() + 10_000;
    while (cp.stats.checkpoints < 3 && Date.now() < deadline) {
      db.transaction(() => {
        for (let i = 0; i < 100; i++) insert.run(i);
      })();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(cp.stats.checkpoints).toBeGreaterThanOrEqual(3);
    expect(cp.stats.failures).toBe(0);
    await cp.stop();
    // The final checkpoint on stop leaves an empty WAL.
    expect(db.pragma('wal_checkpoint(PASSIVE)')).toEqual([{ busy: 0, log: 0, checkpointed: 0 }]);
    db.close();
  });
});
