// A class's records across its lessons, per child: reading time and words (from the totals kept
// when each lesson ended, and the live figures for the lesson under way), the books they read in,
// their questions with the answers, and the words they looked up. Built on a teacher's request.
import type { ChildHistory, LessonRecord } from '../../shared/protocol/index.js';
import type { LessonRow, ReportRows } from '../store/store.js';

/** A child's figures as they are now (the roster's in-memory values are ahead of the database). */
export interface LiveTotals {
  readMs: number;
  wordsRead: number;
  bookId: string;
}

export interface HistorySources {
  rows: ReportRows;
  lessons: readonly LessonRow[];
  live: (studentId: string) => LiveTotals | undefined;
  titleOf: (bookId: string) => string;
}

const add = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

/** Every child of the class who has a record, oldest first; removed children included. */
export function classHistory({ rows, lessons, live, titleOf }: HistorySources): ChildHistory[] {
  const key = (lessonId: string, studentId: string) => `${lessonId}\u0000${studentId}`;
  const totals = new Map(rows.totals.map((t) => [key(t.lessonId, t.studentId), t]));
  const books = new Map<string, string[]>();
  for (const b of rows.books) add(books, key(b.lessonId, b.studentId), b.bookId);
  const questions = new Map<string, ReportRows['questions']>();
  for (const q of rows.questions) add(questions, key(q.lessonId, q.studentId), q);
  const lookups = new Map<string, ReportRows['lookups']>();
  for (const l of rows.lookups) add(lookups, key(l.lessonId, l.studentId), l);

  return rows.students.map((s) => {
    const now = live(s.id) ?? { readMs: s.readMs, wordsRead: s.wordsRead, bookId: s.bookId };
    let base = { readMs: 0, wordsRead: 0 };
    const records: LessonRecord[] = [];
    const allBooks = new Set<string>();
    for (const lesson of lessons) {
      const k = key(lesson.id, s.id);
      // An ended lesson without totals: the child did not read in it; the open one reads live.
      const end = lesson.endedAt === null ? now : (totals.get(k) ?? base);
      const readMs = Math.max(0, end.readMs - base.readMs);
      const wordsRead = Math.max(0, end.wordsRead - base.wordsRead);
      base = { readMs: end.readMs, wordsRead: end.wordsRead };
      const asked = questions.get(k) ?? [];
      const looked = lookups.get(k) ?? [];
      const bookIds = new Set([...(books.get(k) ?? []), ...asked.map((q) => q.bookId), ...looked.map((l) => l.bookId)]);
      if (lesson.endedAt === null && now.bookId && (readMs > 0 || wordsRead > 0)) bookIds.add(now.bookId);
      if (readMs === 0 && wordsRead === 0 && asked.length === 0 && looked.length === 0 && bookIds.size === 0) continue;
      for (const id of bookIds) allBooks.add(id);
      records.push({
        lessonId: lesson.id,
        startedAt: lesson.startedAt,
        endedAt: lesson.endedAt,
        readMs,
        wordsRead,
        books: [...bookIds].map(titleOf),
        questions: asked.map((q) => ({
          askedAt: q.askedAt,
          questionText: q.questionText,
          answer: q.answer,
          answeredBy: q.answer ? q.source : null,
          book: titleOf(q.bookId),
        })),
        lookups: looked.map((l) => ({ at: l.at, word: l.word, book: titleOf(l.bookId) })),
      });
    }
    if (now.bookId) allBooks.add(now.bookId);
    return {
      studentId: s.id,
      name: s.name,
      onRoster: !s.removed,
      readMs: now.readMs,
      wordsRead: now.wordsRead,
      books: [...allBooks].map(titleOf),
      questions: records.reduce((n, r) => n + r.questions.length, 0),
      lookups: records.reduce((n, r) => n + r.lookups.length, 0),
      lessons: records,
    };
  });
}
