// The end-of-lesson report the teacher exports: one CSV row per student of the class.
import type { StudentView } from '../../shared/protocol/index.js';
import { csvText } from '../../shared/csv.js';

const HEADER = ['Name', 'Minutes read', 'Words read', 'Questions asked', 'Book', 'Progress %', 'Status'];

export function reportCsv(students: readonly StudentView[], titleOf: (bookId: string) => string): string {
  const rows = students.map((s) => [
    s.name,
    (s.readMs / 60_000).toFixed(1),
    String(s.wordsRead),
    String(s.questions),
    titleOf(s.bookId),
    String(Math.round(s.progress * 100)),
    s.status,
  ]);
  return csvText([HEADER, ...rows]);
}
