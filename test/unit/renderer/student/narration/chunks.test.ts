// The map from a voice's charIndex (or an audio position) to a word.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chunkAt, wordAtChar } from '../../../../../renderer/student/narration/chunks.js';
import { audioOffsets, wordAtAudio, wordMs } from '../../../../../renderer/student/narration/timing.js';

describe('voice position to word', () => {
  const words = ['"Hello,"', 'said', 'the', 'cat.', 'It', 'was', 'late.', 'Very', 'late!'];

  it('a chunk ends at the sentence end, the paragraph start or the word limit', () => {
    expect(chunkAt(words, [0], 0)).toMatchObject({ start: 0, end: 4, text: '"Hello," said the cat.' });
    expect(chunkAt(words, [0, 6], 4)).toMatchObject({ start: 4, end: 6 });
    expect(chunkAt(words, [0], 4, 2)).toMatchObject({ start: 4, end: 6 });
    expect(chunkAt(words, [0], 7).end).toBe(9);
  });

  it('charIndex at a word start, inside it, or on the space before it gives that word', () => {
    const c = chunkAt(words, [0], 0);
    expect(c.offsets).toEqual([0, 9, 14, 18]);
    expect(wordAtChar(c, 0)).toBe(0);
    expect(wordAtChar(c, 1)).toBe(0); // after the opening quote
    expect(wordAtChar(c, 8)).toBe(1); // the space before "said"
    expect(wordAtChar(c, 9)).toBe(1);
    expect(wordAtChar(c, 16)).toBe(2);
    expect(wordAtChar(c, 18)).toBe(3);
    expect(wordAtChar(c, 999)).toBe(3);
  });

  it('every word start in any chunk maps back to that word', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[A-Za-z,.!?"']{1,10}$/), { minLength: 1, maxLength: 60 }), (ws) => {
        let from = 0;
        while (from < ws.length) {
          const c = chunkAt(ws, [0], from);
          c.offsets.forEach((off, k) => expect(wordAtChar(c, off)).toBe(from + k));
          expect(c.end).toBeGreaterThan(from);
          from = c.end;
        }
      }),
    );
  });

  it('timing: longer words and sentence ends take longer; audio offsets invert', () => {
    expect(wordMs('extraordinary')).toBeGreaterThan(wordMs('cat'));
    expect(wordMs('cat.')).toBeGreaterThan(wordMs('cat'));
    const prefix = audioOffsets(words);
    words.forEach((_, i) => expect(wordAtAudio(prefix, prefix[i]!)).toBe(i));
  });
});
