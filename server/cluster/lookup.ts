// The primary's window on the database: which class a code, a teacher token or a tablet's token
// belongs to, for routing only (the owning worker still checks everything). It only reads, on the
// connection that ran the migrations; reads in WAL never wait for the workers' writes.
import { hashToken } from '../classroom/ids.js';
import type { Db } from '../store/db.js';

export class ClassLookup {
  private readonly s;

  constructor(private readonly db: Db) {
    const p = (sql: string) => db.prepare(sql).pluck();
    this.s = {
      byCode: p('SELECT id FROM classes WHERE class_code = ?'),
      byTeacherToken: p('SELECT id FROM classes WHERE teacher_token = ?'),
      byStudentToken: p('SELECT class_id FROM students WHERE token_hash = ?'),
      // As ClassRegistry.first(): the oldest class not archived, else the oldest.
      first: p('SELECT id FROM classes ORDER BY archived_at IS NOT NULL, created_at, rowid LIMIT 1'),
      all: p('SELECT id FROM classes ORDER BY created_at, rowid'),
    };
  }

  byCode(code: string): string | undefined {
    return this.s.byCode.get(code) as string | undefined;
  }

  byTeacherToken(token: string): string | undefined {
    return this.s.byTeacherToken.get(token) as string | undefined;
  }

  byStudentToken(token: string): string | undefined {
    return this.s.byStudentToken.get(hashToken(token)) as string | undefined;
  }

  /** What the start-up lines say about the first class. */
  describeFirst(): { name: string; classCode: string; publicHost: string | null } | undefined {
    const id = this.first();
    if (id === undefined) return undefined;
    const row = this.db.prepare('SELECT name, class_code, public_host FROM classes WHERE id = ?').get(id) as
      { name: string; class_code: string; public_host: string | null } | undefined;
    return row && { name: row.name, classCode: row.class_code, publicHost: row.public_host };
  }

  first(): string | undefined {
    return this.s.first.get() as string | undefined;
  }

  /** Every class id, oldest first (the order of the school view's list). */
  all(): string[] {
    return this.s.all.all() as string[];
  }

  close(): void {
    this.db.close();
  }
}
