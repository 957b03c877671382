// Every SQL statement the server runs, behind named methods. Reads happen at start-up and on
// teacher requests; writes from the hot path go through GroupCommit (see ./group-commit.ts).
import type { Db } from './db.js';
import { RosterStore } from './rosters.js';

/** A class: its code admits students only while one of its lessons is open. */
export interface ClassRow {
  id: string;
  name: string;
  teacherName: string;
  classCode: string;
  /** Kept in full (not hashed): IT's school view shows each teacher's link. */
  teacherToken: string;
  bookId: string;
  joinLocked: boolean;
  publicHost: string | null;
  createdAt: number;
  archivedAt: number | null;
}

/** One sitting of a class; at most one per class is open (endedAt null). */
export interface LessonRow {
  id: string;
  classId: string;
  startedAt: number;
  endedAt: number | null;
}

export interface StudentRow {
  id: string;
  classId: string;
  name: string;
  tokenHash: string;
  createdAt: number;
  blocked: boolean;
  /** Removed from the lesson by the teacher: off the roster, record kept. */
  removed: boolean;
  bookId: string | null;
  wordIdx: number;
  audioTs: number;
  seq: number;
  readMs: number;
  wordsRead: number;
  updatedAt: number | null;
  /** The roster entry this student took (null: joined by typing, or the name left the roster). */
  rosterId: string | null;
}

export interface ProgressWrite {
  id: string;
  bookId: string;
  wordIdx: number;
  audioTs: number;
  seq: number;
  readMs: number;
  wordsRead: number;
  updatedAt: number;
}

/** What changes on a question after it is asked. */
export interface QuestionUpdate {
  id: string;
  status: string;
  answer: string;
  source: string | null;
  flag: string | null;
  hidden: boolean;
  answeredAt: number | null;
}

export interface QuestionRow extends QuestionUpdate {
  classId: string;
  lessonId: string;
  studentId: string;
  questionId: string;
  questionText: string;
  bookId: string;
  wordIdx: number;
  askedAt: number;
}

export interface BookRow {
  id: string;
  title: string;
  text: string;
  builtin: boolean;
  /** The narration's clips as JSON (server/books/library.ts reads it), or null for text only. */
  narration?: string | null;
}

const bool = (v: unknown) => v === 1 || v === true;

export class Store {
  private readonly s;
  readonly rosters: RosterStore;

  constructor(readonly db: Db) {
    this.rosters = new RosterStore(db);
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      classes: p(`SELECT * FROM classes ORDER BY created_at, rowid`),
      codeInUse: p(`SELECT 1 FROM classes WHERE class_code = ?`),
      insertClass: p(
        `INSERT INTO classes (id, name, teacher_name, class_code, teacher_token, book_id, join_locked, public_host,
           created_at, archived_at)
         VALUES (@id, @name, @teacherName, @classCode, @teacherToken, @bookId, @joinLocked, @publicHost, @createdAt,
           @archivedAt)`,
      ),
      updateClass: p(
        `UPDATE classes SET name = @name, teacher_name = @teacherName, class_code = @classCode,
         teacher_token = @teacherToken, book_id = @bookId, join_locked = @joinLocked, public_host = @publicHost,
         archived_at = @archivedAt WHERE id = @id`,
      ),
      deleteClass: p(`DELETE FROM classes WHERE id = ?`),
      lessonsOf: p(`SELECT * FROM lessons WHERE class_id = ? ORDER BY started_at, rowid`),
      insertLesson: p(`INSERT INTO lessons (id, class_id, started_at) VALUES (?, ?, ?)`),
      endLesson: p(`UPDATE lessons SET ended_at = ? WHERE id = ?`),
      studentsOf: p(
        `SELECT s.*, p.book_id AS p_book_id, p.word_idx, p.audio_ts, p.seq, p.read_ms, p.words_read, p.updated_at
         FROM students s LEFT JOIN progress p ON p.student_id = s.id
         WHERE s.class_id = ? ORDER BY s.created_at`,
      ),
      insertStudent: p(
        `INSERT INTO students (id, class_id, name, token_hash, created_at, roster_id) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      setStudentName: p(`UPDATE students SET name = ? WHERE id = ?`),
      setStudentToken: p(`UPDATE students SET token_hash = ? WHERE id = ?`),
      setBlocked: p(`UPDATE students SET blocked = ? WHERE id = ?`),
      setRemoved: p(`UPDATE students SET removed = ? WHERE id = ?`),
      // Children go before their parents' rows; ON DELETE CASCADE takes progress and questions.
      tombstoneStudent:
        p(`INSERT OR IGNORE INTO erased_tokens (token_hash, erased_at) SELECT token_hash, ? FROM students
         WHERE id = ?`),
      tombstoneClass: p(`INSERT OR IGNORE INTO erased_tokens (token_hash, erased_at) SELECT token_hash, ? FROM students
         WHERE class_id = ?`),
      deleteStudent: p(`DELETE FROM students WHERE id = ?`),
      deleteRosterEntryOf: p(`DELETE FROM roster_entries WHERE id = (SELECT roster_id FROM students WHERE id = ?)`),
      isErased: p(`SELECT 1 FROM erased_tokens WHERE token_hash = ?`),
      upsertProgress: p(
        `INSERT INTO progress (student_id, book_id, word_idx, audio_ts, seq, read_ms, words_read, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (student_id) DO UPDATE SET book_id = excluded.book_id, word_idx = excluded.word_idx,
           audio_ts = excluded.audio_ts, seq = excluded.seq, read_ms = excluded.read_ms,
           words_read = excluded.words_read, updated_at = excluded.updated_at`,
      ),
      progressOf: p(`SELECT seq, word_idx AS wordIdx FROM progress WHERE student_id = ?`),
      insertQuestion: p(
        `INSERT INTO questions (id, class_id, lesson_id, student_id, question_id, question_text, book_id, word_idx,
           status, asked_at)
         VALUES (@id, @classId, @lessonId, @studentId, @questionId, @questionText, @bookId, @wordIdx, @status,
           @askedAt)`,
      ),
      updateQuestion: p(
        `UPDATE questions SET status = @status, answer = @answer, source = @source, flag = @flag,
         hidden = @hidden, answered_at = @answeredAt WHERE id = @id`,
      ),
      recentQuestions: p(`SELECT * FROM questions WHERE lesson_id = ? ORDER BY asked_at DESC LIMIT ?`),
      books: p(`SELECT id, title, text, builtin, narration FROM books ORDER BY builtin DESC, title`),
      upsertBook: p(
        `INSERT INTO books (id, title, text, builtin, created_at, narration) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, text = excluded.text, narration = excluded.narration`,
      ),
      deleteBook: p(`DELETE FROM books WHERE id = ? AND builtin = 0`),
      getDefinition: p(`SELECT text, source FROM definitions WHERE key = ?`),
      putDefinition: p(
        `INSERT INTO definitions (key, word, text, source, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET text = excluded.text, source = excluded.source`,
      ),
      settings: p(`SELECT key, value FROM settings`),
      putSetting: p(
        `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      ),
      deleteSetting: p(`DELETE FROM settings WHERE key = ?`),
      classSettings: p(`SELECT class_id, key, value FROM class_settings`),
      putClassSetting: p(
        `INSERT INTO class_settings (class_id, key, value) VALUES (?, ?, ?)
         ON CONFLICT (class_id, key) DO UPDATE SET value = excluded.value`,
      ),
      deleteClassSetting: p(`DELETE FROM class_settings WHERE class_id = ? AND key = ?`),
      putLessonTotals: p(
        `INSERT INTO lesson_totals (lesson_id, student_id, read_ms, words_read) VALUES (?, ?, ?, ?)
         ON CONFLICT (lesson_id, student_id)
           DO UPDATE SET read_ms = excluded.read_ms, words_read = excluded.words_read`,
      ),
      addLessonBook: p(`INSERT OR IGNORE INTO lesson_books (lesson_id, student_id, book_id) VALUES (?, ?, ?)`),
      insertLookup: p(`INSERT INTO lookups (lesson_id, student_id, book_id, word, at) VALUES (?, ?, ?, ?, ?)`),
      reportStudents: p(
        `SELECT s.id, s.name, s.removed, s.created_at, p.read_ms, p.words_read, p.book_id
         FROM students s LEFT JOIN progress p ON p.student_id = s.id
         WHERE s.class_id = ? ORDER BY s.created_at, s.rowid`,
      ),
      reportTotals: p(
        `SELECT t.lesson_id, t.student_id, t.read_ms, t.words_read FROM lesson_totals t
         JOIN lessons l ON l.id = t.lesson_id WHERE l.class_id = ?`,
      ),
      reportBooks: p(
        `SELECT b.lesson_id, b.student_id, b.book_id FROM lesson_books b
         JOIN lessons l ON l.id = b.lesson_id WHERE l.class_id = ?`,
      ),
      reportQuestions: p(
        `SELECT lesson_id, student_id, question_text, answer, source, status, book_id, asked_at, answered_at
         FROM questions WHERE class_id = ? ORDER BY asked_at, rowid`,
      ),
      reportLookups: p(
        `SELECT k.lesson_id, k.student_id, k.word, k.book_id, k.at FROM lookups k
         JOIN lessons l ON l.id = k.lesson_id WHERE l.class_id = ? ORDER BY k.at, k.id`,
      ),
    };
  }

  /** Every class, oldest first (the first is the one the admin token acts on). */
  classes(): ClassRow[] {
    return (this.s.classes.all() as Record<string, unknown>[]).map(toClass);
  }

  /** Whether any class (whichever worker serves it) has this code. */
  codeInUse(code: string): boolean {
    return this.s.codeInUse.get(code) !== undefined;
  }

  insertClass(row: ClassRow): void {
    this.s.insertClass.run({ ...row, joinLocked: row.joinLocked ? 1 : 0 });
  }

  updateClass(row: ClassRow): void {
    this.s.updateClass.run({ ...row, joinLocked: row.joinLocked ? 1 : 0 });
  }

  /**
   * The class and everything in it: lessons, students, progress, questions (ON DELETE CASCADE).
   * Its students' token hashes are kept, so their tablets can be told to forget (isErasedToken).
   */
  deleteClass(id: string, now: number): void {
    this.s.tombstoneClass.run(now, id);
    this.s.deleteClass.run(id);
  }

  /** One student, their progress and questions, and their class-list entry; their token hash is kept, as above. */
  deleteStudent(id: string, now: number): void {
    this.s.tombstoneStudent.run(now, id);
    this.s.deleteRosterEntryOf.run(id);
    this.s.deleteStudent.run(id);
  }

  /** Whether a tablet's token belonged to a child (or a class) that was deleted. */
  isErasedToken(tokenHash: string): boolean {
    return this.s.isErased.get(tokenHash) !== undefined;
  }

  /** A class's lessons, oldest first. */
  lessonsOf(classId: string): LessonRow[] {
    return (this.s.lessonsOf.all(classId) as Record<string, unknown>[]).map((r) => ({
      id: r.id as string,
      classId: r.class_id as string,
      startedAt: r.started_at as number,
      endedAt: (r.ended_at as number | null) ?? null,
    }));
  }

  insertLesson(lesson: LessonRow): void {
    this.s.insertLesson.run(lesson.id, lesson.classId, lesson.startedAt);
  }

  endLesson(id: string, endedAt: number): void {
    this.s.endLesson.run(endedAt, id);
  }

  studentsOf(classId: string): StudentRow[] {
    return (this.s.studentsOf.all(classId) as Record<string, unknown>[]).map((r) => ({
      id: r.id as string,
      classId: r.class_id as string,
      name: r.name as string,
      tokenHash: r.token_hash as string,
      createdAt: r.created_at as number,
      blocked: bool(r.blocked),
      removed: bool(r.removed),
      bookId: (r.p_book_id as string | null) ?? null,
      wordIdx: (r.word_idx as number | null) ?? 0,
      audioTs: (r.audio_ts as number | null) ?? 0,
      seq: (r.seq as number | null) ?? 0,
      readMs: (r.read_ms as number | null) ?? 0,
      wordsRead: (r.words_read as number | null) ?? 0,
      updatedAt: (r.updated_at as number | null) ?? null,
      rosterId: (r.roster_id as string | null) ?? null,
    }));
  }

  insertStudent(
    id: string,
    classId: string,
    name: string,
    tokenHash: string,
    createdAt: number,
    rosterId: string | null = null,
  ): void {
    this.s.insertStudent.run(id, classId, name, tokenHash, createdAt, rosterId);
  }

  setStudentName(id: string, name: string): void {
    this.s.setStudentName.run(name, id);
  }

  /** A new token for the student (a takeover on another tablet): the old one stops working. */
  setStudentToken(id: string, tokenHash: string): void {
    this.s.setStudentToken.run(tokenHash, id);
  }

  setBlocked(id: string, blocked: boolean): void {
    this.s.setBlocked.run(blocked ? 1 : 0, id);
  }

  setRemoved(id: string, removed: boolean): void {
    this.s.setRemoved.run(removed ? 1 : 0, id);
  }

  /** Hot path: positional parameters, so the caller's object is read in place (no copy). */
  writeProgress(p: ProgressWrite): void {
    this.s.upsertProgress.run(p.id, p.bookId, p.wordIdx, p.audioTs, p.seq, p.readMs, p.wordsRead, p.updatedAt);
  }

  /** The stored position of one student (used by tests and the benchmark's loss check). */
  progressOf(studentId: string): { seq: number; wordIdx: number } | undefined {
    return this.s.progressOf.get(studentId) as { seq: number; wordIdx: number } | undefined;
  }

  insertQuestion(q: QuestionRow): void {
    this.s.insertQuestion.run(q);
  }

  updateQuestion(q: QuestionUpdate): void {
    this.s.updateQuestion.run({ ...q, hidden: q.hidden ? 1 : 0 });
  }

  recentQuestions(lessonId: string, limit: number): QuestionRow[] {
    return (this.s.recentQuestions.all(lessonId, limit) as Record<string, unknown>[]).map((r) => ({
      id: r.id as string,
      classId: r.class_id as string,
      lessonId: r.lesson_id as string,
      studentId: r.student_id as string,
      questionId: r.question_id as string,
      questionText: r.question_text as string,
      bookId: r.book_id as string,
      wordIdx: r.word_idx as number,
      status: r.status as string,
      answer: r.answer as string,
      source: r.source as string | null,
      flag: r.flag as string | null,
      hidden: bool(r.hidden),
      askedAt: r.asked_at as number,
      answeredAt: r.answered_at as number | null,
    }));
  }

  books(): BookRow[] {
    return (this.s.books.all() as Record<string, unknown>[]).map((r) => ({
      id: r.id as string,
      title: r.title as string,
      text: r.text as string,
      builtin: bool(r.builtin),
      narration: r.narration as string | null,
    }));
  }

  upsertBook(book: BookRow, createdAt: number): void {
    this.s.upsertBook.run(book.id, book.title, book.text, book.builtin ? 1 : 0, createdAt, book.narration ?? null);
  }

  deleteBook(id: string): void {
    this.s.deleteBook.run(id);
  }

  getDefinition(key: string): { text: string; source: 'gemini' | 'offline' } | undefined {
    return this.s.getDefinition.get(key) as { text: string; source: 'gemini' | 'offline' } | undefined;
  }

  putDefinition(key: string, word: string, text: string, source: string, createdAt: number): void {
    this.s.putDefinition.run(key, word, text, source, createdAt);
  }

  /** The definitions table as the relay's cache (server/llm's DefinitionCacheStore), stamped now. */
  definitionCache() {
    return {
      get: (key: string) => this.getDefinition(key),
      put: (key: string, word: string, text: string, source: 'gemini' | 'offline') =>
        this.putDefinition(key, word, text, source, Date.now()),
    };
  }

  /** The teacher's saved settings, as JSON values. */
  settings(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const r of this.s.settings.all() as { key: string; value: string }[]) out[r.key] = JSON.parse(r.value);
    return out;
  }

  putSetting(key: string, value: unknown): void {
    if (value === undefined) this.s.deleteSetting.run(key);
    else this.s.putSetting.run(key, JSON.stringify(value));
  }

  /** Each class's own saved settings, as JSON values. */
  classSettings(): Map<string, Record<string, unknown>> {
    const out = new Map<string, Record<string, unknown>>();
    for (const r of this.s.classSettings.all() as { class_id: string; key: string; value: string }[]) {
      const own = out.get(r.class_id) ?? {};
      own[r.key] = JSON.parse(r.value);
      out.set(r.class_id, own);
    }
    return out;
  }

  putClassSetting(classId: string, key: string, value: unknown): void {
    if (value === undefined) this.s.deleteClassSetting.run(classId, key);
    else this.s.putClassSetting.run(classId, key, JSON.stringify(value));
  }

  /**
   * Each child's running totals and book when a lesson ended, in one transaction: the next
   * lesson's figures start from them.
   */
  keepLessonTotals(
    lessonId: string,
    children: readonly { id: string; readMs: number; wordsRead: number; bookId: string }[],
  ): void {
    this.db.transaction(() => {
      for (const c of children) {
        this.s.putLessonTotals.run(lessonId, c.id, c.readMs, c.wordsRead);
        this.s.addLessonBook.run(lessonId, c.id, c.bookId);
      }
    })();
  }

  /** A book a child read in during a lesson (kept once). */
  addLessonBook(lessonId: string, studentId: string, bookId: string): void {
    this.s.addLessonBook.run(lessonId, studentId, bookId);
  }

  insertLookup(lessonId: string, studentId: string, bookId: string, word: string, at: number): void {
    this.s.insertLookup.run(lessonId, studentId, bookId, word, at);
  }

  /** A class's records across every lesson, for its reports (a teacher's request, not the hot path). */
  reportRows(classId: string): ReportRows {
    const all = (stmt: { all(...a: unknown[]): unknown[] }) => stmt.all(classId) as Record<string, unknown>[];
    return {
      students: all(this.s.reportStudents).map((r) => ({
        id: r.id as string,
        name: r.name as string,
        removed: bool(r.removed),
        readMs: (r.read_ms as number | null) ?? 0,
        wordsRead: (r.words_read as number | null) ?? 0,
        bookId: (r.book_id as string | null) ?? null,
      })),
      totals: all(this.s.reportTotals).map((r) => ({
        lessonId: r.lesson_id as string,
        studentId: r.student_id as string,
        readMs: r.read_ms as number,
        wordsRead: r.words_read as number,
      })),
      books: all(this.s.reportBooks).map((r) => ({
        lessonId: r.lesson_id as string,
        studentId: r.student_id as string,
        bookId: r.book_id as string,
      })),
      questions: all(this.s.reportQuestions).map((r) => ({
        lessonId: r.lesson_id as string,
        studentId: r.student_id as string,
        questionText: r.question_text as string,
        answer: r.answer as string,
        source: r.source as string | null,
        status: r.status as string,
        bookId: r.book_id as string,
        askedAt: r.asked_at as number,
        answeredAt: r.answered_at as number | null,
      })),
      lookups: all(this.s.reportLookups).map((r) => ({
        lessonId: r.lesson_id as string,
        studentId: r.student_id as string,
        word: r.word as string,
        bookId: r.book_id as string,
        at: r.at as number,
      })),
    };
  }
}

/** Everything a class's report across lessons is built from (server/classroom/history.ts). */
export interface ReportRows {
  students: { id: string; name: string; removed: boolean; readMs: number; wordsRead: number; bookId: string | null }[];
  totals: { lessonId: string; studentId: string; readMs: number; wordsRead: number }[];
  books: { lessonId: string; studentId: string; bookId: string }[];
  questions: {
    lessonId: string;
    studentId: string;
    questionText: string;
    answer: string;
    source: string | null;
    status: string;
    bookId: string;
    askedAt: number;
    answeredAt: number | null;
  }[];
  lookups: { lessonId: string; studentId: string; word: string; bookId: string; at: number }[];
}

function toClass(r: Record<string, unknown>): ClassRow {
  return {
    id: r.id as string,
    name: r.name as string,
    teacherName: r.teacher_name as string,
    classCode: r.class_code as string,
    teacherToken: r.teacher_token as string,
    bookId: r.book_id as string,
    joinLocked: bool(r.join_locked),
    publicHost: (r.public_host as string | null) ?? null,
    createdAt: r.created_at as number,
    archivedAt: (r.archived_at as number | null) ?? null,
  };
}
