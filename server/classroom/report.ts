// The end-of-class report the teacher exports: one CSV row per student.
import type { StudentView } from '../../shared/protocol/index.js';

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
  // A BOM so spreadsheet programs open the names with their accents intact.
  return '\uFEFF' + [HEADER, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Quotes a cell; names are untrusted, so formula-looking cells are defused. */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== value ? `"${safe.replaceAll('"', '""')}"` : safe;
}
