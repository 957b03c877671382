// The class list as the teacher types or pastes it (one child a line: first name, then last name)
// and as a spreadsheet exports it (CSV with "First name"/"Last name" columns, one "Name" column,
// or no header at all). Plain functions, tested without a browser.
import { parseCsv } from '../../../shared/csv.js';

export interface RosterLine {
  firstName: string;
  lastName: string;
}

/** One child a line: the first word is the first name, the rest the last name; blank lines are skipped. */
export function parseRosterText(text: string): RosterLine[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .filter((line) => line !== '')
    .map(splitName);
}

/** A spreadsheet's rows as the same lines a teacher would type. */
export function rosterCsvToText(csv: string): string {
  const rows = parseCsv(csv).map((r) => r.map((c) => c.trim()));
  const head = (rows[0] ?? []).map((c) => c.toLowerCase());
  const col = (re: RegExp) => head.findIndex((c) => re.test(c));
  const first = col(/first|given|forename/);
  const last = col(/last|surname|family/);
  const name = col(/^(full )?name$|^student$|^pupil$/);
  const body = first >= 0 || name >= 0 ? rows.slice(1) : rows;
  const lines = body.map((r) => {
    if (first >= 0) return `${r[first] ?? ''} ${last >= 0 ? (r[last] ?? '') : ''}`;
    if (name >= 0) return r[name] ?? '';
    return r.slice(0, 2).join(' ');
  });
  return lines
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter((l) => l !== '')
    .join('\n');
}

export function rosterToText(entries: readonly RosterLine[]): string {
  return entries.map((e) => `${e.firstName} ${e.lastName}`.trim()).join('\n');
}

function splitName(line: string): RosterLine {
  const space = line.indexOf(' ');
  return space < 0
    ? { firstName: line, lastName: '' }
    : { firstName: line.slice(0, space), lastName: line.slice(space + 1) };
}
