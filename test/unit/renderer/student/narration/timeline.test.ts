// The narration timeline: clips end to end, positions to words (by syllables inside a phrase)
// and back.
import { describe, expect, it } from 'vitest';
import {
  clipAtTime,
  clipOfWord,
  offsetOfWord,
  syllables,
  timeline,
  wordInClip,
} from '../../../../../renderer/student/narration/timeline.js';

const words = ['The', 'cat.', 'Elephants', 'sat', 'down.'];
// A word-level clip each for words 0 and 1 (in a.mp3), then one phrase clip for 2..4 in b.mp3.
const clips = [
  { src: '/a.mp3', begin: 1, end: 1.5, wordStart: 0, wordEnd: 0 },
  { src: '/a.mp3', begin: 1.5, end: 2.5, wordStart: 1, wordEnd: 1 },
  { src: '/b.mp3', begin: 10, end: 12.5, wordStart: 2, wordEnd: 4 },
];

describe('timeline', () => {
  const t = timeline(clips);

  it('puts the clips end to end', () => {
    expect([...t.starts]).toEqual([0, 0.5, 1.5, 4]);
    expect(clipAtTime(t, 0)).toBe(0);
    expect(clipAtTime(t, 0.6)).toBe(1);
    expect(clipAtTime(t, 3.9)).toBe(2);
    expect(clipAtTime(t, 99)).toBe(2);
    expect(clipOfWord(t, 3)).toBe(2);
  });

  it('shares a phrase clip among its words by syllables', () => {
    expect(syllables('Elephants')).toBe(3);
    expect(syllables('sat')).toBe(1);
    expect(syllables('down.')).toBe(1);
    // 3 + 1 + 1 syllables over 2.5 s: "Elephants" takes the first 3/5 of the clip.
    expect(wordInClip(t, 2, 0.1, words)).toBe(2);
    expect(wordInClip(t, 2, 2.5 * (3 / 5) - 0.01, words)).toBe(2);
    expect(wordInClip(t, 2, 2.5 * (3 / 5) + 0.01, words)).toBe(3);
    expect(wordInClip(t, 2, 2.49, words)).toBe(4);
    expect(offsetOfWord(t, 2, 3, words)).toBeCloseTo(2.5 * (3 / 5));
    expect(offsetOfWord(t, 2, 2, words)).toBe(0);
  });
});
