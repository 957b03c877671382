// Class codes are projected in front of children: none may spell a rude word, in any grouping the
// code is shown in (the dashboard's "3YH CUM", the link's "YVCUMV"). Checked over many thousands of
// generated codes against the list kept in the repo (server/classroom/code-words.ts) and against
// obscenity's English dataset applied to the code exactly as it is displayed.
import { describe, expect, it } from 'vitest';
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import { CLASS_CODE_ALPHABET, CLASS_CODE_LENGTH, newClassCode } from '../../../../server/classroom/ids.js';
import { spellsRudeWord, WORDS } from '../../../../server/classroom/code-words.js';
import { spacedCode } from '../../../../renderer/teacher/lib/format.js';

const obscenity = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
const GENERATED = 10_000;

/** A pick() that draws the given codes' letters in order, then real random ones. */
function scripted(...codes: string[]): (n: number) => number {
  const letters = Array.from(codes.join(''), (c) => CLASS_CODE_ALPHABET.indexOf(c));
  expect(letters).not.toContain(-1);
  return (n) => letters.shift() ?? Math.floor(Math.random() * n);
}

/** A random code with `word` written in at `at`. */
function withWordAt(word: string, at: number): string {
  const code = Array.from({ length: CLASS_CODE_LENGTH }, () =>
    CLASS_CODE_ALPHABET.charAt(Math.floor(Math.random() * 22)),
  );
  code.splice(at, word.length, ...Array.from(word));
  return code.join('');
}

describe('class codes never spell a rude word', () => {
  it('refuses the two codes real runs printed, and each listed word wherever it sits', () => {
    expect(spellsRudeWord('3YHCUM')).toBe(true);
    expect(spellsRudeWord('YVCUMV')).toBe(true);
    // Spellings a board makes of them: V for U, 4 for A, 7 for T, K for C.
    for (const code of ['YVKVMV', 'F4RTXY', '7WA7QP', 'XFVCKY', 'RAP3YY', 'KKK4WT'])
      expect(spellsRudeWord(code)).toBe(true);
    let checked = 0;
    for (const word of WORDS) {
      if (word.length > CLASS_CODE_LENGTH || Array.from(word).some((c) => !CLASS_CODE_ALPHABET.includes(c))) continue;
      for (let at = 0; at + word.length <= CLASS_CODE_LENGTH; at++) {
        const code = withWordAt(word, at);
        expect(spellsRudeWord(code), `${word} in ${code}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('draws again when a code spells one: the scripted rude codes are skipped', () => {
    expect(newClassCode(scripted('3YHCUM', 'YVCUMV', 'KPMWX4'))).toBe('KPMWX4');
  });

  it(`${GENERATED.toLocaleString('en')} generated codes: no listed word in any grouping, none obscenity finds`, () => {
    const seen = new Set<string>();
    const bad: string[] = [];
    const shape = new RegExp(`^[${CLASS_CODE_ALPHABET}]{${CLASS_CODE_LENGTH}}$`);
    for (let i = 0; i < GENERATED; i++) {
      const code = newClassCode();
      seen.add(code);
      if (!shape.test(code)) bad.push(`${code}: not a code`);
      // The ways a code is shown: in the link and the server's output, and in two halves on the
      // dashboard and projector. A word is found across the space as well as inside a half.
      const shown = [code, spacedCode(code)];
      for (const text of shown) {
        const plain = text.replace(/\s/g, '');
        for (const w of WORDS) if (plain.includes(w)) bad.push(`${text}: ${w}`);
        // Exactly as shown (obscenity sees the halves as words).
        if (obscenity.hasMatch(text)) bad.push(`${text}: obscenity`);
      }
    }
    expect(bad).toEqual([]);
    // Codes stay random: almost all distinct, every character used.
    expect(seen.size).toBeGreaterThan(GENERATED * 0.999);
    expect(new Set([...seen].join('')).size).toBe(CLASS_CODE_ALPHABET.length);
  });

  it('refuses few codes, so the code space stays large', () => {
    let refused = 0;
    const draws = 5_000;
    for (let i = 0; i < draws; i++) {
      const code = [...Array(CLASS_CODE_LENGTH)]
        .map(() => CLASS_CODE_ALPHABET[Math.floor(Math.random() * 22)])
        .join('');
      if (spellsRudeWord(code)) refused++;
    }
    expect(refused / draws).toBeLessThan(0.1);
  });
});
