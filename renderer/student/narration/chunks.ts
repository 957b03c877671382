// The text handed to the voice, one sentence (or a short run of words) at a time, and the map
// from a character in that text back to a word of the book.
//
// Why sentences: Chrome's voices stop by themselves on long utterances (about 15 s), a pause is
// implemented as cancel-and-restart from the current word (Chrome on Android cannot pause), and a
// speed change takes effect at once by restarting; short utterances keep all three cheap.
import { endsSentence } from './timing.js';

export interface Chunk {
  /** First word (book index). */
  start: number;
  /** One past the last word. */
  end: number;
  /** The words joined by single spaces. */
  text: string;
  /** offsets[k] is where word start+k begins in text. */
  offsets: number[];
}

export const MAX_CHUNK_WORDS = 32;

/**
 * The chunk that starts at `from`: up to the end of the sentence, the paragraph, or MAX_CHUNK_WORDS.
 * `paragraphStarts` must be sorted (as the server sends it).
 */
export function chunkAt(
  words: readonly string[],
  paragraphStarts: readonly number[],
  from: number,
  maxWords = MAX_CHUNK_WORDS,
): Chunk {
  const nextParagraph = paragraphStarts.find((p) => p > from) ?? words.length;
  const limit = Math.min(words.length, nextParagraph, from + maxWords);
  let end = from;
  const offsets: number[] = [];
  let text = '';
  while (end < limit) {
    const w = words[end]!;
    if (end > from) text += ' ';
    offsets.push(text.length);
    text += w;
    end++;
    if (endsSentence(w)) break;
  }
  return { start: from, end, text, offsets };
}

/**
 * The book index of the word a boundary event's charIndex points into. Engines differ on where
 * charIndex lands (the word's first letter, the space before it, an opening quote), so this takes
 * the last word that begins at or before the index, skipping white space forward first.
 */
export function wordAtChar(chunk: Chunk, charIndex: number): number {
  let c = Math.max(0, Math.min(charIndex, chunk.text.length));
  while (c < chunk.text.length && chunk.text[c] === ' ') c++;
  let lo = 0;
  let hi = chunk.offsets.length - 1;
  if (hi < 0) return chunk.start;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (chunk.offsets[mid]! <= c) lo = mid;
    else hi = mid - 1;
  }
  return chunk.start + lo;
}
