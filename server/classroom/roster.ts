// A class's roster: the names its children tap on the tablet instead of typing, and what the
// tablets show of each (first name and an initial unless the teacher chose otherwise). Full names
// stay on the class computer; tablets only ever see the labels.
import { ErrorCode, type RosterPut, type RosterShows } from '../../shared/protocol/index.js';
import { DomainError } from '../errors.js';
import type { RosterEntryRow } from '../store/rosters.js';
import { checkName, nameApart, nameKey } from './names.js';

export const DEFAULT_SHOWS: RosterShows = 'first_initial';

export interface RosterEntry extends RosterEntryRow {
  /** What tablets show: unique in the class (a second "Mia B." is "Mia B. (2)"). */
  label: string;
}

/** The entries with their labels, in order. */
export function labelled(rows: readonly RosterEntryRow[], shows: RosterShows): RosterEntry[] {
  const taken = new Set<string>();
  return rows.map((row) => {
    const label = nameApart(labelOf(row, shows), taken);
    taken.add(nameKey(label));
    return { ...row, label };
  });
}

function labelOf(row: RosterEntryRow, shows: RosterShows): string {
  if (shows === 'first' || row.lastName === '') return row.firstName;
  if (shows === 'full') return `${row.firstName} ${row.lastName}`;
  return `${row.firstName} ${Array.from(row.lastName)[0]!.toUpperCase()}.`;
}

/**
 * The teacher's list checked: every name cleaned as a typed name is. An entry keeps its id (and so
 * the child who took it) when it names one of this class's entries (never another class's), or,
 * sent without an id, when it has the same name as a saved entry (a list pasted again); new names
 * get new ids.
 */
export function checkedRoster(
  body: RosterPut,
  saved: readonly RosterEntryRow[],
  newId: () => string,
): { shows: RosterShows; rows: RosterEntryRow[] } {
  const ownIds = new Set(saved.map((e) => e.id));
  const fullName = (first: string, last: string) => nameKey(`${first} ${last}`.trim());
  const seen = new Set<string>();
  const rows = body.entries.map((e, i) => {
    const first = checkName(e.firstName, false);
    if (!first.ok) throw new DomainError(ErrorCode.BAD_REQUEST, `Name ${i + 1}: ${first.message}`);
    const lastRaw = (e.lastName ?? '').trim();
    const last = lastRaw === '' ? { ok: true as const, name: '' } : checkName(lastRaw, false);
    if (!last.ok) throw new DomainError(ErrorCode.BAD_REQUEST, `Name ${i + 1} (last name): ${last.message}`);
    const key = fullName(first.name, last.name);
    const sameName = saved.find((s) => !seen.has(s.id) && fullName(s.firstName, s.lastName) === key)?.id;
    const id = e.id !== undefined && ownIds.has(e.id) && !seen.has(e.id) ? e.id : (sameName ?? newId());
    seen.add(id);
    return { id, firstName: first.name, lastName: last.name };
  });
  return { shows: body.shows ?? DEFAULT_SHOWS, rows };
}

/**
 * The entry a typed name means, in a class with a roster: its label, its full name, or its first
 * name when only one child has it.
 */
export function entryNamed(entries: readonly RosterEntry[], typed: string): RosterEntry | undefined {
  const key = nameKey(typed);
  const exact = entries.find((e) => nameKey(e.label) === key || nameKey(`${e.firstName} ${e.lastName}`.trim()) === key);
  if (exact) return exact;
  const byFirst = entries.filter((e) => nameKey(e.firstName) === key);
  return byFirst.length === 1 ? byFirst[0] : undefined;
}
