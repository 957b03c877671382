// The class list the teacher types, pastes or imports: lines, spreadsheet columns, ids kept.
import { describe, expect, it } from 'vitest';
import { parseRosterText, rosterCsvToText, rosterToText } from '../../../../../renderer/teacher/lib/roster-text.js';

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

  it('writes saved names back as the lines it reads', () => {
    const saved = [
      { firstName: 'Mia', lastName: 'Brown' },
      { firstName: 'Leo', lastName: '' },
    ];
    expect(parseRosterText(rosterToText(saved))).toEqual(saved);
  });
});
