// Opens the classroom database: WAL, synchronous=NORMAL (a committed transaction survives a process
// crash; after a power cut the last moments may be lost and the tablets re-send their positions),
// then brings the schema up to date.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export function openDatabase(file: string): Db {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Deleted and overwritten content is zeroed, not left in free space or on free pages, so a
  // deleted child's name and questions leave the file (./eraser.ts truncates the WAL after). Our
  // rows are small and updated in place: this costs a write only when a long answer frees pages.
  db.pragma('secure_delete = ON');
  // Another process (an IT backup, a second server by mistake) may hold a lock. SQLite waits
  // synchronously, on the event loop every tablet shares, so wait only briefly: the group commit
  // keeps the batch and retries, and a join that cannot be saved is told to try again.
  db.pragma('busy_timeout = 50');
  migrate(db);
  return db;
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `The database was written by a newer ReaderAI (schema ${current}; this version knows ${MIGRATIONS.length}). ` +
        'Update the app.',
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  // A file written before secure_delete was on may hold deleted text in its free space: rewrite it
  // once, so what is deleted from now on is the only thing the promise is about.
  if (current > 0 && current < ERASING_SCHEMA) db.exec('VACUUM');
}

/** The first schema written with secure_delete on (migration 6). */
const ERASING_SCHEMA = 6;
