// The class list the teacher types, pastes or imports: lines, spreadsheet columns, ids kept.
import { describe, expect, it } from 'vitest';
import {
  parseRosterText,
  rosterCsvToText,
  rosterToText,
  withIds,
} from '../../../../../renderer/teacher/lib/roster-text.js';

describe('roster text', () => {
  it('reads one child a line: first name, then the rest as the last name', () => {
    expect(parseRosterText('  Mia   Brown \n\nLeo\r\nAna de la  Cruz\n')).toEqual([
      { firstName: 'Mia', lastName: 'Brown' },
      { firstName: 'Leo', lastName: '' },
      { firstName: 'Ana', lastName: 'de la Cruz' },
    ]);
  });

  it('turns a spreadsheet into the same lines, whatever its columns', () => {
    expect(rosterCsvToText('\uFEFFLast name,First name,Grade\r\nBrown,Mia,3\r\n"Khan",Mia,3\r\n')).toBe(
      'Mia Brown\nMia Khan',
    );
    expect(rosterCsvToText('Name\nMia Brown\nLeo\n')).toBe('Mia Brown\nLeo');
    expect(rosterCsvToText('Mia,Brown\nLeo,\n')).toBe('Mia Brown\nLeo');
  });

  it('keeps the ids of names already saved, once each', () => {
    const saved = [
      { id: 'a', firstName: 'Mia', lastName: 'Brown' },
      { id: 'b', firstName: 'Leo', lastName: '' },
    ];
    const lines = parseRosterText('leo\nMia Brown\nMia Brown\nZoe');
    expect(withIds(lines, saved).map((l) => l.id)).toEqual(['b', 'a', undefined, undefined]);
    expect(parseRosterText(rosterToText(saved))).toEqual(
      saved.map(({ firstName, lastName }) => ({ firstName, lastName })),
    );
  });
});
