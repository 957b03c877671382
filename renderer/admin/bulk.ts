// Many classes from a CSV (class name, teacher name), and the teacher links of the classes made,
// as a CSV IT can hand out.
import { csvText, parseCsv } from '../../shared/csv.js';
import type { CreatedClass, NewClass } from '../../shared/protocol/index.js';

/** The rows to create; a first row naming the columns is skipped. */
export function classesFromCsv(text: string): NewClass[] {
  const rows = parseCsv(text).map((r) => r.map((c) => c.trim()));
  if (rows[0] && /^class/i.test(rows[0][0] ?? '') && /^teacher/i.test(rows[0][1] ?? '')) rows.shift();
  return rows.map(([name = '', teacherName = '']) => ({ name, teacherName }));
}

export function linksCsv(made: readonly (CreatedClass & { teacherName: string })[]): string {
  return csvText([
    ['Class', 'Teacher', 'Class code', 'Join link', 'Teacher link'],
    ...made.map((c) => [c.name, c.teacherName, c.classCode, c.joinUrl, c.teacherUrl]),
  ]);
}
