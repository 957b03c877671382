// The reports the teacher exports: the class (one row per child, across every lesson) and one
// child (one row per lesson, question and looked-up word).
import type { ChildHistory, StudentView } from '../../shared/protocol/index.js';
import { csvText } from '../../shared/csv.js';

const CLASS_HEADER = [
  'Name',
  'Minutes read',
  'Words read',
  'Questions asked',
  'Book',
  'Progress %',
  'Status',
  'Lessons',
  'Books read',
  'Words looked up',
  'Questions and answers',
];

const minutes = (ms: number) => (ms / 60_000).toFixed(1);
const answerOf = (q: ChildHistory['lessons'][number]['questions'][number]) =>
  q.answer ? `${q.answer} (${q.answeredBy ?? 'unknown'})` : 'not answered';

/** `roster` has the children in the class now (their book, progress and status right now). */
export function reportCsv(
  children: readonly ChildHistory[],
  roster: ReadonlyMap<string, StudentView>,
  titleOf: (bookId: string) => string,
): string {
  const rows = children.map((c) => {
    const now = roster.get(c.studentId);
    const questions = c.lessons.flatMap((l) => l.questions);
    return [
      c.name,
      minutes(c.readMs),
      String(c.wordsRead),
      String(c.questions),
      now ? titleOf(now.bookId) : '',
      now ? String(Math.round(now.progress * 100)) : '',
      now ? now.status : 'removed',
      String(c.lessons.length),
      c.books.join('; '),
      c.lessons.flatMap((l) => l.lookups.map((k) => k.word)).join(', '),
      questions.map((q) => `Q: ${q.questionText}\nA: ${answerOf(q)}`).join('\n'),
    ];
  });
  return csvText([CLASS_HEADER, ...rows]);
}

const CHILD_HEADER = ['Lesson started', 'What', 'Time', 'Book', 'Minutes read', 'Words read', 'Text', 'Answer'];
const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

export function childCsv(c: ChildHistory): string {
  const rows: string[][] = [];
  for (const l of c.lessons) {
    const started = iso(l.startedAt);
    rows.push([started, 'reading', iso(l.endedAt), l.books.join('; '), minutes(l.readMs), String(l.wordsRead), '', '']);
    for (const q of l.questions)
      rows.push([started, 'question', iso(q.askedAt), q.book, '', '', q.questionText, answerOf(q)]);
    for (const k of l.lookups) rows.push([started, 'word looked up', iso(k.at), k.book, '', '', k.word, '']);
  }
  return csvText([CHILD_HEADER, ...rows]);
}
