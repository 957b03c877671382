// One class's roster in memory (a few dozen names), loaded once and saved whole when the teacher
// changes it.
import type { RosterPut, RosterShows, RosterView } from '../../shared/protocol/index.js';
import type { RosterStore } from '../store/rosters.js';
import { newId } from './ids.js';
import { checkedRoster, DEFAULT_SHOWS, entryNamed, labelled, type RosterEntry } from './roster.js';

export class ClassRoster {
  private shows: RosterShows;
  private entries: RosterEntry[];

  constructor(
    private readonly classId: string,
    private readonly store: RosterStore,
  ) {
    this.shows = store.shows(classId) ?? DEFAULT_SHOWS;
    this.entries = labelled(store.entries(classId), this.shows);
  }

  /** Whether children tap their names (else they type them). */
  get active(): boolean {
    return this.entries.length > 0;
  }

  get(id: string): RosterEntry | undefined {
    return this.entries.find((e) => e.id === id);
  }

  /** The entry a typed name means, if any. */
  named(typed: string): RosterEntry | undefined {
    return entryNamed(this.entries, typed);
  }

  /** What a tablet that typed the right code may see: the labels only. */
  names(): { id: string; label: string }[] {
    return this.entries.map((e) => ({ id: e.id, label: e.label }));
  }

  view(studentOf: (entryId: string) => string | null): RosterView {
    return {
      shows: this.shows,
      entries: this.entries.map((e) => ({ ...e, studentId: studentOf(e.id) })),
    };
  }

  /** A deleted child's entry, already gone from the store with the child's record. */
  forget(id: string): void {
    this.entries = labelled(
      this.entries.filter((e) => e.id !== id),
      this.shows,
    );
  }

  replace(body: RosterPut): void {
    const { shows, rows } = checkedRoster(body, this.entries, newId);
    this.store.replace(this.classId, shows, rows);
    this.shows = shows;
    this.entries = labelled(rows, shows);
  }
}
