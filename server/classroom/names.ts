// Checks the name a student types at join. Names are untrusted: they are shown on the teacher's
// screen (always as text) and never sent to Gemini.
import { Limits } from '../../shared/protocol/codes.js';
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';

export type NameCheck = { ok: true; name: string } | { ok: false; message: string };

const rude = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

export function checkName(raw: string, refuseRude: boolean): NameCheck {
  // Control and format characters (including bidi overrides) would let a name disguise itself.
  if (/[\p{Cc}\p{Cf}]/u.test(raw.replace(/^[\s]+|[\s]+$/g, ''))) {
    return { ok: false, message: 'Names can only use letters, numbers, spaces and punctuation.' };
  }
  const name = raw.normalize('NFC').trim().replace(/\s+/gu, ' ');
  if (name.length === 0) return { ok: false, message: 'Please type your first name.' };
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- counts code points, as the schema's maxLength does
  if ([...name].length > Limits.NAME_MAX) {
    return { ok: false, message: `Please use a shorter name (at most ${Limits.NAME_MAX} letters).` };
  }
  if (refuseRude && rude.hasMatch(name)) return { ok: false, message: 'Please choose a different name.' };
  return { ok: true, name };
}

/** Two names are the same student name for blocking when they match ignoring case and accents. */
export function nameKey(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * The name with a kind mark that tells it apart from names already taken: the first Mia stays
 * "Mia", the second is "Mia (2)". Ends: `taken` holds finitely many names, so some number is free.
 */
export function nameApart(name: string, taken: { has(key: string): boolean }): string {
  if (!taken.has(nameKey(name))) return name;
  for (let n = 2; ; n++) {
    const marked = `${name} (${n})`;
    if (!taken.has(nameKey(marked))) return marked;
  }
}
