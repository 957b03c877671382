// How readable the offline dictionary's meanings are for a child, over a list of a few hundred
// common words from children's books, each in a sentence (test/fixtures/children-words.tsv): the
// median Flesch-Kincaid grade of the meaning (the `flesch-kincaid` and `syllable` packages), the
// median length of the text shown, and how many meanings still hold a word outside the New
// Dale-Chall list or a quotation. Content only: nothing here is timed.
//
//   npx tsx bench/meanings.ts              the dictionary in this tree
//   npx tsx bench/meanings.ts --ref main   also the one at a git commit (e.g. before a change)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fleschKincaid } from 'flesch-kincaid';
import { syllable } from 'syllable';
import { hardWords, wordsOf } from '../server/llm/plain-words.js';
import { normaliseWord } from '../server/llm/prompt.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WORD_LIST = join(ROOT, 'test/fixtures/children-words.tsv');

export interface ListedWord {
  word: string;
  /** The word before it in the sentence, as the relay passes it ("the", "to", ...). */
  previous: string;
  sentence: string;
}

export function loadWordList(path = WORD_LIST): ListedWord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => {
      const [word = '', sentence = ''] = line.split('\t');
      const tokens = sentence.split(/\s+/).map(normaliseWord);
      const at = tokens.findIndex((t) => t === word || t.startsWith(word));
      return { word, previous: at > 0 ? (tokens[at - 1] ?? '') : '', sentence };
    });
}

type Define = (word: string, previous: string, sentence: string) => Promise<string | undefined>;

export interface Measured {
  word: string;
  sentence: string;
  text: string | undefined;
  /** The meaning itself: the text after "Word (a naming word): ". */
  meaning: string;
  grade: number;
  hard: string[];
}

export interface Summary {
  words: number;
  defined: number;
  medianGrade: number;
  medianLength: number;
  maxLength: number;
  withHardWords: number;
  withQuotes: number;
}

/** Flesch-Kincaid grade of a short text (one sentence unless it has more ends). */
export function grade(text: string): number {
  const words = wordsOf(text);
  if (words.length === 0) return 0;
  const sentence = Math.max(1, (text.match(/[.!?]+(\s|$)/g) ?? []).length);
  return fleschKincaid({ sentence, word: words.length, syllable: words.reduce((n, w) => n + syllable(w), 0) });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export async function measure(define: Define, list = loadWordList()): Promise<{ rows: Measured[]; summary: Summary }> {
  const rows: Measured[] = [];
  for (const { word, previous, sentence } of list) {
    const text = await define(word, previous, sentence);
    const meaning = text ? text.slice(text.indexOf('): ') + 3) : '';
    rows.push({ word, sentence, text, meaning, grade: grade(meaning), hard: hardWords(meaning, word) });
  }
  const defined = rows.filter((r) => r.text !== undefined);
  const lengths = defined.map((r) => r.text!.length);
  return {
    rows,
    summary: {
      words: rows.length,
      defined: defined.length,
      medianGrade: Number(median(defined.map((r) => r.grade)).toFixed(1)),
      medianLength: median(lengths),
      maxLength: Math.max(0, ...lengths),
      withHardWords: defined.filter((r) => r.hard.length > 0).length,
      withQuotes: defined.filter((r) => /["“”]/.test(r.text!)).length,
    },
  };
}

type DictionaryModule = { OfflineDictionary: new () => { define: Define; close(): Promise<void> } };

async function measureModule(mod: DictionaryModule): Promise<{ rows: Measured[]; summary: Summary }> {
  const dictionary = new mod.OfflineDictionary();
  try {
    return await measure((w, p, s) => dictionary.define(w, p, s));
  } finally {
    await dictionary.close();
  }
}

/** The server/llm folder at a commit, copied beside this tree (gitignored) so its imports resolve. */
async function atCommit(ref: string): Promise<DictionaryModule> {
  const dir = join(ROOT, `.readerai-ref-${ref.replace(/[^\w.-]/g, '_')}`);
  rmSync(dir, { recursive: true, force: true });
  const git = (...args: string[]) => execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' });
  for (const path of git('ls-tree', '-r', '--name-only', ref, 'server/llm', 'shared').split('\n').filter(Boolean)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), git('show', `${ref}:${path}`));
  }
  return (await import(pathToFileURL(join(dir, 'server/llm/wordnet.ts')).href)) as DictionaryModule;
}

function report(label: string, s: Summary): void {
  console.log(
    `${label}: ${s.defined}/${s.words} defined; median grade ${s.medianGrade}; median length ${s.medianLength} ` +
      `characters (longest ${s.maxLength}); ${s.withHardWords} with a word outside Dale-Chall; ` +
      `${s.withQuotes} with quotation marks`,
  );
}

async function main(): Promise<void> {
  const refAt = process.argv.indexOf('--ref');
  const ref = refAt > 0 ? process.argv[refAt + 1] : undefined;
  const now = await measureModule(await import('../server/llm/wordnet.js'));
  if (ref) {
    const before = await measureModule(await atCommit(ref));
    report(`at ${ref}`, before.summary);
    if (process.argv.includes('--rows'))
      for (const [i, r] of now.rows.entries())
        console.log(`${r.word}\n  was: ${before.rows[i]?.text}\n  now: ${r.text}`);
  } else if (process.argv.includes('--rows')) {
    for (const r of now.rows) console.log(`${r.word} (${r.grade.toFixed(1)}): ${r.text}`);
  }
  report('this tree', now.summary);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
