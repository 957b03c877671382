// The SQL of class rosters (migration 3): the names a class's children tap on the tablet, and what
// the tablets show of them.
import type { RosterShows } from '../../shared/protocol/index.js';
import type { Db } from './db.js';

export interface RosterEntryRow {
  id: string;
  firstName: string;
  lastName: string;
}

export class RosterStore {
  private readonly s;

  constructor(private readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      shows: p(`SELECT shows FROM rosters WHERE class_id = ?`),
      putShows: p(
        `INSERT INTO rosters (class_id, shows) VALUES (?, ?)
         ON CONFLICT (class_id) DO UPDATE SET shows = excluded.shows`,
      ),
      entries: p(
        `SELECT id, first_name AS firstName, last_name AS lastName FROM roster_entries
         WHERE class_id = ? ORDER BY position`,
      ),
      ids: p(`SELECT id FROM roster_entries WHERE class_id = ?`),
      drop: p(`DELETE FROM roster_entries WHERE id = ?`),
      upsert: p(
        `INSERT INTO roster_entries (id, class_id, first_name, last_name, position) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name,
           position = excluded.position`,
      ),
    };
  }

  /** What tablets show of the names; null if the class never had a roster. */
  shows(classId: string): RosterShows | null {
    return (this.s.shows.get(classId) as { shows: RosterShows } | undefined)?.shows ?? null;
  }

  entries(classId: string): RosterEntryRow[] {
    return this.s.entries.all(classId) as RosterEntryRow[];
  }

  /**
   * The whole roster at once, in order. Entries are updated in place, not deleted and re-added,
   * so a student keeps the entry it took; a name no longer listed is deleted (its student stays,
   * unlinked).
   */
  replace(classId: string, shows: RosterShows, entries: readonly RosterEntryRow[]): void {
    this.db.transaction(() => {
      this.s.putShows.run(classId, shows);
      const keep = new Set(entries.map((e) => e.id));
      for (const { id } of this.s.ids.all(classId) as { id: string }[]) if (!keep.has(id)) this.s.drop.run(id);
      entries.forEach((e, i) => this.s.upsert.run(e.id, classId, e.firstName, e.lastName, i));
    })();
  }
}
