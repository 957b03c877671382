// A narrated book's timeline: its clips end to end, in order. audioTs (what the tablet saves) is
// a position on it, so one number resumes the voice. Inside a clip that voices several words (a
// phrase), each word gets a share of the clip by its syllables, so the highlight moves through
// the phrase at about the pace the narrator says it.
import type { NarrationClip } from '../../../shared/protocol/index.js';

export interface Timeline {
  clips: readonly NarrationClip[];
  /** starts[i]: the timeline position where clip i begins; starts[n] is the whole length. */
  starts: Float64Array;
}

export function timeline(clips: readonly NarrationClip[]): Timeline {
  const starts = new Float64Array(clips.length + 1);
  clips.forEach((c, i) => (starts[i + 1] = starts[i]! + (c.end - c.begin)));
  return { clips, starts };
}

/** The clip playing at a timeline position (the last one past the end). */
export function clipAtTime(t: Timeline, ts: number): number {
  let lo = 0;
  let hi = t.clips.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (t.starts[mid]! <= ts) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}

/** The clip that voices a word: the first whose words reach it (words between clips go to the next). */
export function clipOfWord(t: Timeline, wordIdx: number): number {
  const i = t.clips.findIndex((c) => c.wordEnd >= wordIdx);
  return i < 0 ? t.clips.length - 1 : i;
}

/** The word being said `offset` seconds into clip `i`. */
export function wordInClip(t: Timeline, i: number, offset: number, words: readonly string[]): number {
  const c = t.clips[i]!;
  if (c.wordEnd <= c.wordStart) return c.wordStart;
  const shares = weights(words, c.wordStart, c.wordEnd);
  const total = shares.reduce((a, b) => a + b, 0);
  let at = (offset / (c.end - c.begin)) * total;
  for (let w = 0; w < shares.length; w++) {
    at -= shares[w]!;
    if (at < 0) return c.wordStart + w;
  }
  return c.wordEnd;
}

/** Seconds into clip `i` where a word of it starts. */
export function offsetOfWord(t: Timeline, i: number, wordIdx: number, words: readonly string[]): number {
  const c = t.clips[i]!;
  if (wordIdx <= c.wordStart || c.wordEnd <= c.wordStart) return 0;
  const shares = weights(words, c.wordStart, c.wordEnd);
  const total = shares.reduce((a, b) => a + b, 0);
  const before = shares.slice(0, Math.min(wordIdx, c.wordEnd) - c.wordStart).reduce((a, b) => a + b, 0);
  return (before / total) * (c.end - c.begin);
}

function weights(words: readonly string[], from: number, to: number): number[] {
  const out: number[] = [];
  for (let w = from; w <= to; w++) out.push(syllables(words[w] ?? ''));
  return out;
}

/** Syllables, estimated from vowel groups (a silent final e not counted): at least one. */
export function syllables(word: string): number {
  const w = word.toLowerCase().replace(/[^a-z\u00e0-\u00ff]/g, '');
  if (w.length <= 3) return 1;
  const groups = w.replace(/(?:[^laeiouy]es|[^laeiouy]e)$/, '').match(/[aeiouy\u00e0-\u00ff]+/g);
  return Math.max(1, groups?.length ?? 1);
}
