// Words a class code must never spell. A code is projected in front of a class and read aloud by
// children, in more than one grouping ("3YH CUM" on the dashboard, "YVCUMV" in the join link), so
// a word is refused wherever it sits in the code, across the space too. Two checks, because each
// misses what the other sees:
//   - WORDS below, matched anywhere in the code after folding what reads alike on a board
//     (4 for A, V for U, K for C...): short words obscenity only matches at a word's edge;
//   - obscenity's English dataset (the name filter's list) on every stretch of the code taken
//     as a word of its own, so its own patterns, leet-speak and look-alikes apply as they do to names.
// Codes only use ACDEFHJKMNPQRTUVWXY347, so words that need B, G, I, L, O, S or Z cannot appear.
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';

/** Kept in upper case, as codes are shown. Each is refused as a substring, after fold(). */
export const WORDS: readonly string[] = [
  // Swearing and sex, and the spellings a code can make of them.
  'CUM',
  'CUNT',
  'CNT',
  'FUCK',
  'FUK',
  'FCK',
  'FKN',
  'FUX',
  'WTF',
  'CUCK',
  'TWAT',
  'WANK',
  'TURD',
  'CRAP',
  'DAMN',
  'HUMP',
  'MUFF',
  'JERK',
  'NUDE',
  'NAKED',
  'XXX',
  'FAP',
  'PUTA',
  // Violence.
  'RAPE',
  'KKK',
  // Slurs.
  'DYKE',
  'TRANNY',
  'TRANY',
  'RETARD',
  'TARD',
  'JAP',
  'KRAUT',
  'KYKE',
  'NEGR',
  'NYGR',
  'WETBAK',
  // Unkind words about children's bodies, and toilet words that would set a class giggling.
  'FAT',
  'PEE',
  'WEE',
  'PUKE',
  'FART',
];

/** What reads alike on a board, folded to one letter: 4/A, 3/E, 7/T, V/U, C/K/Q, PH/F. */
function fold(text: string): string {
  return text
    .toUpperCase()
    .replace(/PH/g, 'F')
    .replace(/4/g, 'A')
    .replace(/3/g, 'E')
    .replace(/7/g, 'T')
    .replace(/V/g, 'U')
    .replace(/[CQ]/g, 'K');
}

const FOLDED = WORDS.map(fold);
const matcher = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

/** Whether `code` (as generated: no spaces) spells one of the words, in any grouping. */
export function spellsRudeWord(code: string): boolean {
  const plain = code.toUpperCase();
  const folded = fold(plain);
  if (WORDS.some((w, i) => plain.includes(w) || folded.includes(FOLDED[i]!))) return true;
  // Every stretch of three or more letters as a word of its own, and the code in the two halves
  // the dashboard shows ("3YH CUM"), all in one text: one pass of the matcher costs about the same
  // for 6 letters or 200. The separator is wider than obscenity's one-letter wildcard ("f?ck"),
  // so no match spans two stretches.
  const stretches: string[] = [];
  for (const text of [plain, folded]) {
    stretches.push(`${text.slice(0, 3)} ${text.slice(3)}`);
    for (let from = 0; from < text.length; from++) {
      for (let to = from + 3; to <= text.length; to++) stretches.push(text.slice(from, to));
    }
  }
  return matcher.hasMatch(stretches.join(' ; '));
}
