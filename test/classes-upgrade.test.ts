// Upgrading a data folder written by the single-class release: its database is made here with that
// release's schema (migration 1, which never changes once shipped) and the rows its store wrote,
// then opened by the new store and by the real server. Its class becomes the first class with the
// same id, code, students, tokens, progress and questions; its sessions become lessons; and every
// tablet resumes at its saved word, through the socket URL it saved before the upgrade.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../server/store/db.js';
import { MIGRATIONS } from '../server/store/migrations.js';
import { Store } from '../server/store/store.js';
import type { ClassSummary, FeedItem, LessonView, StudentView } from '../shared/protocol/index.js';
import { startServer, teacherApi, tempDir } from './support/server.js';
import { join as joinClass, TestTablet } from './support/student-client.js';

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2, 8, 0);

const OLD = {
  ended: { id: 'sessEndedMonday1', code: 'KMNPQR', startedAt: T0, endedAt: T0 + 3_600_000 },
  open: { id: 'sessOpenTuesday1', code: 'ACDEFH', startedAt: T0 + DAY, book: 'seed-that-waited' },
  students: [
    { id: 'stuAna', name: 'Ana', token: 'token-of-ana-'.padEnd(32, 'a'), wordIdx: 57, seq: 3, audioTs: 14.5 },
    { id: 'stuBen', name: 'Ben', token: 'token-of-ben-'.padEnd(32, 'b'), wordIdx: 120, seq: 9, audioTs: 31 },
    { id: 'stuCy', name: 'Cy', token: 'token-of-cy-'.padEnd(32, 'c'), wordIdx: 0, seq: 0, audioTs: 0, blocked: true },
  ],
  pastStudent: { id: 'stuMonday', name: 'Mo', token: 'token-of-mo-'.padEnd(32, 'm') },
};

/** A data folder as the single-class release left it: one ended session, one open, a roster. */
function oldDataFolder(): string {
  const dir = tempDir('readerai-upgrade-');
  const db = new Database(join(dir, 'readerai.db'));
  db.pragma('journal_mode = WAL');
  db.exec(MIGRATIONS[0]!);
  db.pragma('user_version = 1');
  // The statements of that release's store (server/store/store.ts before classes).
  const session = db.prepare(`INSERT INTO sessions (id, class_code, book_id, started_at) VALUES (?, ?, ?, ?)`);
  const student = db.prepare(
    `INSERT INTO students (id, session_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
  );
  const progress = db.prepare(
    `INSERT INTO progress (student_id, book_id, word_idx, audio_ts, seq, read_ms, words_read, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const question = db.prepare(
    `INSERT INTO questions (id, session_id, student_id, question_id, question_text, book_id, word_idx, status, asked_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const { ended, open } = OLD;
  session.run(ended.id, ended.code, 'lighthouse-cat', ended.startedAt);
  db.prepare(`UPDATE sessions SET ended_at = ? WHERE id = ?`).run(ended.endedAt, ended.id);
  student.run(OLD.pastStudent.id, ended.id, OLD.pastStudent.name, hash(OLD.pastStudent.token), ended.startedAt);
  question.run('qMonday', ended.id, OLD.pastStudent.id, 'q1', 'Where is the cat?', 'lighthouse-cat', 5, 'answered', T0);

  session.run(open.id, open.code, open.book, open.startedAt);
  db.prepare(`UPDATE sessions SET join_locked = 1 WHERE id = ?`).run(open.id);
  for (const s of OLD.students) {
    student.run(s.id, open.id, s.name, hash(s.token), open.startedAt);
    if (s.seq > 0) progress.run(s.id, open.book, s.wordIdx, s.audioTs, s.seq, 600_000, s.wordIdx, open.startedAt + 1);
    if (s.blocked) db.prepare(`UPDATE students SET blocked = 1 WHERE id = ?`).run(s.id);
  }
  question.run('qAnswered', open.id, 'stuAna', 'a1', 'Why did the seed wait?', open.book, 40, 'queued', T0 + DAY);
  db.prepare(`UPDATE questions SET status = 'answered', answer = 'For the rain.', source = 'teacher' WHERE id = ?`).run(
    'qAnswered',
  );
  question.run(
    'qWaiting',
    open.id,
    'stuBen',
    'b1',
    'What is a sprout?',
    open.book,
    90,
    'waiting_teacher',
    T0 + DAY + 1000,
  );
  db.prepare(`INSERT INTO settings (key, value) VALUES ('gradeLevel', '5')`).run();
  db.close();
  return dir;
}

describe('upgrading a single-class data folder', () => {
  it('moves everything into the first class, in the database', () => {
    const dir = oldDataFolder();
    const store = new Store(openDatabase(join(dir, 'readerai.db')));
    try {
      const [only, ...others] = store.classes();
      expect(others).toEqual([]);
      expect(only).toMatchObject({
        id: OLD.open.id,
        classCode: OLD.open.code,
        bookId: OLD.open.book,
        joinLocked: true,
        archivedAt: null,
        createdAt: OLD.ended.startedAt,
      });
      expect(only!.teacherToken).toMatch(/^[0-9a-f]{48}$/);
      expect(store.lessonsOf(only!.id)).toEqual([
        { id: OLD.ended.id, classId: only!.id, startedAt: OLD.ended.startedAt, endedAt: OLD.ended.endedAt },
        { id: OLD.open.id, classId: only!.id, startedAt: OLD.open.startedAt, endedAt: null },
      ]);
      // The roster is the open session's; the student of the ended session is kept, off the roster.
      const roster = store.studentsOf(only!.id).filter((s) => !s.removed);
      expect(roster.map((s) => [s.name, s.wordIdx, s.seq, s.blocked])).toEqual(
        OLD.students.map((s) => [s.name, s.wordIdx, s.seq, s.blocked === true]),
      );
      expect(store.progressOf('stuAna')).toEqual({ seq: 3, wordIdx: 57 });
      const monday = store.db.prepare(`SELECT class_id, removed FROM students WHERE id = ?`).get(OLD.pastStudent.id);
      expect(monday).toEqual({ class_id: only!.id, removed: 1 });
      expect(store.recentQuestions(OLD.ended.id, 10).map((q) => q.id)).toEqual(['qMonday']);
      // Newest first.
      expect(store.recentQuestions(OLD.open.id, 10).map((q) => [q.id, q.classId, q.status])).toEqual([
        ['qWaiting', only!.id, 'waiting_teacher'],
        ['qAnswered', only!.id, 'answered'],
      ]);
      expect(store.settings()).toEqual({ gradeLevel: 5 });
      expect(store.db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      store.db.close();
    }
  });

  it('opens in the real server with every student resuming at their saved word', async () => {
    const server = await startServer({ dataDir: oldDataFolder() });
    try {
      expect(new URL(server.joinUrl).searchParams.get('code')).toBe(OLD.open.code);
      const room = await teacherApi<{
        classId: string;
        lessonOpen: boolean;
        joinLocked: boolean;
        students: StudentView[];
      }>(server, '/classroom');
      expect(room.body).toMatchObject({ classId: OLD.open.id, lessonOpen: true, joinLocked: true });
      expect(room.body.students.map((s) => [s.name, s.wordIdx, s.blocked])).toEqual([
        ['Ana', 57, false],
        ['Ben', 120, false],
        ['Cy', 0, true],
      ]);
      const lessons = (await teacherApi<LessonView[]>(server, '/lessons')).body;
      expect(lessons.map((l) => [l.lessonId, l.endedAt !== null])).toEqual([
        [OLD.ended.id, true],
        [OLD.open.id, false],
      ]);
      const feed = (await teacherApi<FeedItem[]>(server, '/feed')).body;
      expect(feed.map((q) => [q.id, q.status, q.studentName])).toEqual([
        ['qAnswered', 'answered', 'Ana'],
        ['qWaiting', 'waiting_teacher', 'Ben'],
      ]);
      const classes = await fetch(`${server.url}/api/admin/classes`, {
        headers: { authorization: `Bearer ${server.adminToken}` },
      });
      expect(((await classes.json()) as ClassSummary[]).map((c) => [c.classId, c.classCode, c.lessonOpen])).toEqual([
        [OLD.open.id, OLD.open.code, true],
      ]);

      // Each tablet comes back through the socket URL it saved before the upgrade.
      for (const s of OLD.students.filter((x) => !x.blocked)) {
        const tablet = await TestTablet.open(`${server.wsBase}/ws/${OLD.open.id}?token=${encodeURIComponent(s.token)}`);
        expect(await tablet.next('SESSION_STATE')).toMatchObject({
          studentId: s.id,
          bookId: OLD.open.book,
          wordIdx: s.wordIdx,
          audioTs: s.audioTs,
          seq: s.seq,
        });
        tablet.close();
      }
      // Or by joining with its token (joining is locked, as it was: only new students are held back).
      const ana = await joinClass(server.url, { classCode: OLD.open.code, name: 'Ana', token: OLD.students[0]!.token });
      expect(ana.body).toMatchObject({ studentId: 'stuAna', sessionId: OLD.open.id, resumed: true });
      const blocked = await joinClass(server.url, {
        classCode: OLD.open.code,
        name: 'Cy',
        token: OLD.students[2]!.token,
      });
      expect(blocked.status).toBe(403);
      // The ended session's code no longer admits anyone, and its student is not back on the roster.
      expect((await joinClass(server.url, { classCode: OLD.ended.code, name: 'Mo' })).status).toBe(403);
    } finally {
      await server.stop();
    }
  });
});
