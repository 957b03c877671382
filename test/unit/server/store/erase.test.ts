// Deletion that erases, at the level of the SQLite file (server/store): secure_delete zeroes what a
// delete frees, a database from before that setting is rewritten once on upgrade, and the truncating
// checkpoint waits out a reader that holds an old snapshot, then leaves a WAL of zero bytes.
import Database from 'better-sqlite3';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Checkpointer } from '../../../../server/store/checkpointer.js';
import { openDatabase } from '../../../../server/store/db.js';
import { MIGRATIONS } from '../../../../server/store/migrations.js';
import { tempDir } from '../../../support/server.js';

const MARKER = 'Zebulonia Unitmarker';
const inFile = (file: string) => readFileSync(file).includes(Buffer.from(MARKER));

/** A schema-2 database (the release before erasing) holding a deleted row's bytes in its free space. */
function oldDatabaseWithDeletedMarker(file: string): void {
  const db = new Database(file);
  db.pragma('secure_delete = OFF');
  for (const sql of MIGRATIONS.slice(0, 2)) db.exec(sql);
  db.pragma('user_version = 2');
  db.exec(`INSERT INTO classes (id, name, class_code, teacher_token, book_id, created_at)
    VALUES ('c1', 'Class', 'ABCDEF', 'tt', 'b', 0)`);
  // Enough rows to fill several pages, as a real class has.
  const insert = db.prepare(
    `INSERT INTO students (id, class_id, name, token_hash, created_at) VALUES (?, 'c1', ?, ?, 0)`,
  );
  for (let i = 0; i < 200; i++) insert.run(`s${i}`, i === 7 ? MARKER : `Child ${i}`, `h${i}`);
  db.exec(`DELETE FROM students WHERE id = 's7'`);
  db.close();
}

describe('erasing in the database file', () => {
  it('rewrites a database from before secure_delete once, so earlier deletions leave no trace', () => {
    const file = join(tempDir(), 'old.db');
    oldDatabaseWithDeletedMarker(file);
    // Without secure_delete the deleted name is still in the file: the check below means something.
    expect(inFile(file)).toBe(true);
    const db = openDatabase(file);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    expect(inFile(file)).toBe(false);
  });

  it('zeroes a deleted row in the file, with no VACUUM', () => {
    const file = join(tempDir(), 'new.db');
    const db = openDatabase(file);
    db.exec(`INSERT INTO classes (id, name, class_code, teacher_token, book_id, created_at)
      VALUES ('c1', 'Class', 'ABCDEF', 'tt', 'b', 0)`);
    db.prepare(`INSERT INTO students (id, class_id, name, token_hash, created_at) VALUES ('s1', 'c1', ?, 'h', 0)`).run(
      MARKER,
    );
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(inFile(file)).toBe(true);
    db.exec(`DELETE FROM students WHERE id = 's1'`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(inFile(file)).toBe(false);
    db.close();
  });

  it('truncates the WAL once a reader holding an old snapshot lets go, retrying meanwhile', async () => {
    const file = join(tempDir(), 'cp.db');
    const db = openDatabase(file);
    const cp = new Checkpointer(db, { intervalMs: 60_000 });
    db.exec('CREATE TABLE t (x TEXT)');
    db.prepare('INSERT INTO t VALUES (?)').run(MARKER);
    // Another connection reads, and keeps its snapshot open (an IT backup tool, say).
    const reader = new Database(file);
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM t').get();
    db.exec(`DELETE FROM t`);
    let done = false;
    const truncated = cp.truncate().then(() => (done = true));
    await new Promise((r) => setTimeout(r, 600));
    expect(done).toBe(false);
    expect(cp.stats.truncateRetries).toBeGreaterThan(0);
    expect(inFile(`${file}-wal`)).toBe(true);
    reader.exec('COMMIT');
    reader.close();
    await truncated;
    expect(statSync(`${file}-wal`).size).toBe(0);
    expect(inFile(file)).toBe(false);
    await cp.stop();
    db.close();
  });
});
