// How readable the offline dictionary's meanings are for a child, over a list of a few hundred
// common words from children's books, each in a sentence (testkit/fixtures/children-words.tsv): the
// median Flesch-Kincaid grade of the meaning (the `flesch-kincaid` and `syllable` packages), the
// median length of the text shown, and how many meanings still hold a word outside the New
// Dale-Chall list or a quotation. Content only: nothing here is timed. The relay's tests check the
// figures (test/llm-definitions.test.ts); bench/meanings.ts prints them, also for an older commit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fleschKincaid } from 'flesch-kincaid';
import { syllable } from 'syllable';
import { hardWords, wordsOf } from '../server/llm/plain-words.js';
import { normaliseWord } from '../server/llm/prompt.js';

export const WORD_LIST = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/children-words.tsv');

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

export type Define = (word: string, previous: string, sentence: string) => Promise<string | undefined>;

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
