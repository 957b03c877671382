// Turning a WordNet gloss into a meaning a child can read: WordNet is written for adults ("emit
// long loud cries"; "a tower with a light that gives warning of shoals to passing ships"), and no
// children's dictionary with a licence that allows shipping it is packaged for npm or Debian. So the
// gloss is simplified by rules that can be measured (bench/definitions.ts):
// - "hard" words are those outside the New Dale-Chall list of about 3,000 words most fourth
//   graders know (the `dale-chall` package, MIT), allowing simple endings (cries -> cry);
// - a few dozen words of WordNet's house style are swapped for plain ones ("emit" -> "give out");
// - labels in brackets and example quotations are dropped (the book's sentence is the example);
// - of the gloss's parts (split at ";") and their heads (cut before "that", "which", ...), the one
//   with the fewest hard words is shown, the first on a tie, cut only when that drops a hard word.
import { daleChall } from 'dale-chall';

const FAMILIAR = new Set(daleChall.map((w) => w.toLowerCase()));

/** Little words that never count as hard and carry no meaning for matching a sentence. */
const STOP = new Set(
  (
    'a an the and or but of to in on at by for with from as into onto over under up down out off ' +
    'is are was were be been being it its this that these those which who whom whose what when ' +
    'where how than then so such very more most some any all each every no not one ones something ' +
    'someone somebody usually often especially mostly etc his her their them they he she you your we our ' +
    'has had have can will would did does used use make made get got'
  ).split(' '),
);

/** Endings tried to find a familiar base: cries -> cry, hunted -> hunt, bigger -> big. */
const ENDINGS: readonly [string, string][] = [
  ['ies', 'y'],
  ['ied', 'y'],
  ['ier', 'y'],
  ['iest', 'y'],
  ['ily', 'y'],
  ['es', ''],
  ['s', ''],
  ['ed', ''],
  ['ed', 'e'],
  ['ing', ''],
  ['ing', 'e'],
  ['er', ''],
  ['er', 'e'],
  ['est', ''],
  ['ly', ''],
  ['ness', ''],
];

export function isFamiliar(word: string): boolean {
  const w = word.toLowerCase();
  if (w.length <= 2 || STOP.has(w) || FAMILIAR.has(w)) return true;
  for (const [ending, replacement] of ENDINGS) {
    if (!w.endsWith(ending) || w.length <= ending.length + 2) continue;
    const stem = w.slice(0, -ending.length) + replacement;
    // hopped -> hopp -> hop
    if (FAMILIAR.has(stem) || (/([b-df-hj-np-tv-z])\1$/.test(stem) && FAMILIAR.has(stem.slice(0, -1)))) return true;
  }
  return false;
}

/** The words of a text, lower case, letters only. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[a-z]+(?:'[a-z]+)?/g) ?? [];
}

/** The words of a text that carry meaning (for matching a sentence to a sense). */
export function contentWords(text: string): string[] {
  return wordsOf(text).filter((w) => w.length > 2 && !STOP.has(w));
}

/** Words in `text` a young reader may not know, not counting the word being defined. */
export function hardWords(text: string, headword: string): string[] {
  const head = headword.toLowerCase();
  return wordsOf(text).filter((w) => !w.startsWith(head.slice(0, Math.max(3, head.length - 2))) && !isFamiliar(w));
}

/** WordNet's house style, said plainly. Whole words only; the longer phrases first. */
const PLAIN: readonly [RegExp, string][] = (
  [
    ['of or relating to', 'about'],
    ['relating to', 'about'],
    ['pertaining to', 'about'],
    ['characterized by', 'with'],
    ['marked by', 'with'],
    ['consisting of', 'made of'],
    ['any of various', 'one of many'],
    ['any of numerous', 'one of many'],
    ['any of several', 'one of many'],
    ['any of a number of', 'one of many'],
    ['an individual', 'a person'],
    ['emit', 'give out'],
    ['emits', 'gives out'],
    ['emitting', 'giving out'],
    ['possessing', 'having'],
    ['possesses', 'has'],
    ['possess', 'have'],
    ['displaying', 'showing'],
    ['exhibiting', 'showing'],
    ['resembling', 'like'],
    ['utilize', 'use'],
    ['purchase', 'buy'],
    ['obtain', 'get'],
    ['assist', 'help'],
    ['sufficient', 'enough'],
    ['require', 'need'],
    ['reside', 'live'],
    ['construct', 'build'],
    ['commence', 'start'],
    ['terminate', 'end'],
    ['attempt', 'try'],
    ['numerous', 'many'],
    ['approximately', 'about'],
    ['typically', 'usually'],
    ['commonly', 'often'],
    ['rapidly', 'quickly'],
    ['rapid', 'quick'],
    ['juvenile', 'young'],
    ['domesticated', 'tame'],
    ['aquatic', 'water'],
    ['situated', 'found'],
    ['located', 'found'],
    ['intended', 'meant'],
    ['substantial', 'large'],
    ['mammal', 'animal'],
    ['mammals', 'animals'],
    ['individuals', 'people'],
    ['persons', 'people'],
    ['a source of illumination', 'light'],
    ['illumination', 'light'],
    ['celestial body', 'object in the sky'],
    ['nocturnal', 'night'],
    ['attentively', 'carefully'],
    ['receptacle', 'container'],
    ['habitation', 'home'],
    ['dwelling', 'home'],
    ['excavation', 'hole'],
    ['implement', 'tool'],
    ['posterior', 'back'],
    ['vertebrate', 'animal with a backbone'],
    ['ungulate', 'hoofed'],
    ['rigid', 'stiff'],
    ['transparent', 'clear'],
    ['principal', 'main'],
    ['constituting', 'making up'],
    ['densely', 'thickly'],
    ['serving as', 'used as'],
    ['artificial', 'man-made'],
    ['affection', 'love'],
    ['occupation', 'job'],
    ['practitioner', 'worker'],
    ['in order to', 'to'],
    ['frequently', 'often'],
    ['individual', 'single'],
    ['beverage', 'drink'],
    ['infant', 'baby'],
    ['portion', 'part'],
  ] as const
).map(([from, to]) => [new RegExp(`\\b${from}\\b`, 'gi'), to]);

/** A gloss part made plain: no brackets, no quotations, plain words, one space between words. */
export function plain(text: string): string {
  let t = text.replace(/\([^()]*\)/g, ' ').replace(/"[^"]*"/g, ' ');
  for (const [from, to] of PLAIN) t = t.replace(from, to);
  return (
    t
      .replace(/\s+/g, ' ')
      .replace(/\s+([,.;:])/g, '$1')
      .replace(/^[\s,;:-]+|[\s,;:-]+$/g, '')
      // "(usually informal) especially a young rabbit": the bracket went, the hedge goes too.
      .replace(/^(?:especially|usually|typically|often|mostly|chiefly)\s+/i, '')
  );
}

/** Where a part may be cut: before a clause that only adds detail. */
const CUT_BEFORE = /,|\s(?:that|which|who|whose|where|especially|usually|typically|often|as of|used for|used in)\s/g;
/** A gloss part that reads as a definition of its own: "a ...", "the ...", "to ...", "able to ...". */
const STANDS_ALONE = /^(?:a|an|the|to|able)\b/i;
/** A head must keep at least this many words that carry meaning ("a tower with a light": 2). */
const MIN_HEAD_WORDS = 2;

/** The shown meaning from a gloss's definition text (everything before its first example). */
export function plainMeaning(definition: string, headword: string): string {
  const candidates: { text: string; hard: number; cut: boolean; part: number }[] = [];
  for (const [part, text] of definition.split(';').entries()) {
    const whole = plain(text);
    // Later parts often only add to the first ("usually covered with bark"): they stand alone only
    // when they start like a definition.
    if (!whole || (part > 0 && !STANDS_ALONE.test(whole))) continue;
    const hard = hardWords(whole, headword).length;
    candidates.push({ text: whole, hard, cut: false, part });
    for (const m of whole.matchAll(CUT_BEFORE)) {
      const head = whole.slice(0, m.index).replace(/[\s,]+$/, '');
      const meaningful = wordsOf(head).filter((w) => !STOP.has(w));
      if (meaningful.length < MIN_HEAD_WORDS || /\b(?:a|an|the|of|to|with|and|or)$/.test(head)) continue;
      const headHard = hardWords(head, headword).length;
      // A cut that drops no hard word only loses meaning.
      if (headHard < hard) candidates.push({ text: head, hard: headHard, cut: true, part });
    }
  }
  candidates.sort((a, b) => a.hard - b.hard || Number(a.cut) - Number(b.cut) || a.part - b.part);
  return candidates[0]?.text ?? '';
}
