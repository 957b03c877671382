// Children's names: what is accepted, and the key that tells two names apart.
import { describe, expect, it } from 'vitest';
import { checkName, nameKey } from '../../../../server/classroom/names.js';

describe('names', () => {
  it('tidies white space and accepts accents and scripts', () => {
    expect(checkName('  Zoë   Ann ', false)).toEqual({ ok: true, name: 'Zoë Ann' });
    expect(checkName('明', false)).toEqual({ ok: true, name: '明' });
  });
  it('refuses rude names only when the filter is on', () => {
    expect(checkName('fuck', true).ok).toBe(false);
    expect(checkName('fuck', false).ok).toBe(true);
    expect(checkName('Scunthorpe', true).ok).toBe(true);
  });
  it('matches blocked names ignoring case and accents', () => {
    expect(nameKey('ZOË')).toBe(nameKey('zoe'));
  });
});
