// How long a word takes to say, estimated, for when the voice does not say where it is (no
// word-boundary events) or there is no voice at all. Children's narration runs near 150 words a
// minute; longer words take longer and punctuation adds a breath.

const BASE_MS = 130;
const PER_LETTER_MS = 52;
const MAX_LETTERS = 14;
const COMMA_PAUSE_MS = 220;
const SENTENCE_PAUSE_MS = 420;

/** Milliseconds to say `word` at speed 1 (the voice's own pace is faster or slower by `rate`). */
export function wordMs(word: string): number {
  const letters = Math.min(MAX_LETTERS, word.replace(/[^\p{L}\p{N}]/gu, '').length);
  let ms = BASE_MS + PER_LETTER_MS * letters;
  if (endsSentence(word)) ms += SENTENCE_PAUSE_MS;
  else if (/[,;:\u2014\u2013]["'\u201d\u2019)]*$/u.test(word)) ms += COMMA_PAUSE_MS;
  return ms;
}

/** Whether a word (punctuation kept with it) closes a sentence: "end." "it!" "me?\u201d" */
export function endsSentence(word: string): boolean {
  return /[.!?\u2026]["'\u201d\u2019)\]]*$/u.test(word);
}

/**
 * Seconds of narration at speed 1 before each word: the book's "audio position" for a word index,
 * which is what PROGRESS_UPDATE.audioTs carries. prefix[i] is the time before word i.
 */
export function audioOffsets(words: readonly string[]): Float64Array {
  const prefix = new Float64Array(words.length + 1);
  for (let i = 0; i < words.length; i++) prefix[i + 1] = prefix[i]! + wordMs(words[i]!) / 1000;
  return prefix;
}

/** The word at an audio position (the inverse of audioOffsets), for restoring from audioTs alone. */
export function wordAtAudio(prefix: Float64Array, seconds: number): number {
  let lo = 0;
  let hi = prefix.length - 2;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (prefix[mid]! <= seconds) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
