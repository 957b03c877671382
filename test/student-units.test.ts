// The student app's pure parts, without a browser: reconnect delays, the map from a voice's
// charIndex to a word, the progress seq rules, and the question state built from server frames.
import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Backoff } from '../renderer/shared/backoff.js';
import { chunkAt, wordAtChar } from '../renderer/student/narration/chunks.js';
import { audioOffsets, wordAtAudio, wordMs } from '../renderer/student/narration/timing.js';
import { Progress } from '../renderer/student/session/progress.js';
import { addQuestion, applyFrame, newQuestion, unsent } from '../renderer/student/session/questions.js';
import type { ClientPayload, ServerMessage } from '../shared/protocol/index.js';

describe('reconnect backoff (full jitter)', () => {
  it('each delay is drawn from [0, min(cap, base * 2^n)) and the window resets after success', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 1, maxLength: 40 }),
        (draws) => {
          let k = 0;
          const b = new Backoff({ baseMs: 500, capMs: 15_000, random: () => draws[k++ % draws.length]! });
          draws.forEach((_, n) => {
            const window = Math.min(15_000, 500 * 2 ** n);
            const d = b.next();
            expect(d).toBeGreaterThanOrEqual(0);
            expect(d).toBeLessThan(window);
          });
          b.reset();
          expect(b.window()).toBe(500);
        },
      ),
    );
  });

  it('2,000 tablets after a restart spread out instead of arriving together', () => {
    const firsts = Array.from({ length: 2000 }, () => new Backoff({ baseMs: 500, capMs: 15_000 })).map((b) => {
      b.next();
      b.next();
      return b.next(); // third attempt: window of 2 s
    });
    const perTenth = new Array<number>(20).fill(0);
    for (const d of firsts) perTenth[Math.floor(d / 100)]!++;
    // Evenly spread: no 100 ms slice carries more than about twice its share (100).
    expect(Math.max(...perTenth)).toBeLessThan(200);
    expect(Math.min(...perTenth)).toBeGreaterThan(40);
  });
});

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

describe('progress on the tablet', () => {
  const store = new Map<string, string>();
  beforeEach(() => {
    store.clear();
    (globalThis as { localStorage?: unknown }).localStorage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    };
  });

  function tracker(owner = 's1:ada', online = true) {
    const sent: ClientPayload<'PROGRESS_UPDATE'>[] = [];
    const p = new Progress({ owner, intervalMs: 60_000, send: (u) => (online ? (sent.push(u), true) : false) });
    return { p, sent };
  }

  it('every move gets a higher seq and is kept at once; sending is throttled to the latest', () => {
    const { p, sent } = tracker();
    p.move('book', 1, 0.1, true);
    p.move('book', 2, 0.2, true);
    p.move('book', 3, 0.3, true);
    expect(sent).toEqual([]);
    expect(JSON.parse(store.get('readerai.progress')!)).toMatchObject({ wordIdx: 3, seq: 3 });
    p.flush();
    expect(sent).toEqual([{ bookId: 'book', wordIdx: 3, audioTs: 0.3, seq: 3, playing: true }]);
    p.flush();
    expect(sent).toHaveLength(1);
    p.dispose();
  });

  it('pausing at the same word is news for the teacher: sent with playing false', () => {
    const { p, sent } = tracker();
    p.move('book', 5, 1, true);
    p.flush();
    p.setPlaying(false);
    p.flush();
    expect(sent.map((u) => [u.wordIdx, u.seq, u.playing])).toEqual([
      [5, 1, true],
      [5, 2, false],
    ]);
    p.dispose();
  });

  it('offline moves are sent once on reconnect, and only the latest', () => {
    let online = false;
    const sent: number[] = [];
    const p = new Progress({
      owner: 'o',
      intervalMs: 60_000,
      send: (u) => (online ? (sent.push(u.wordIdx), true) : false),
    });
    for (let i = 1; i <= 50; i++) p.move('book', i, i, true);
    p.flush();
    expect(sent).toEqual([]);
    online = true;
    // SESSION_STATE after reconnecting: the server has seq 0, the tablet 50.
    expect(p.reconcile({ bookId: 'book', wordIdx: 0, audioTs: 0, seq: 0 })).toMatchObject({ wordIdx: 50, seq: 50 });
    expect(sent).toEqual([50]);
    p.saved(50);
    expect(p.unsaved).toBe(false);
    p.dispose();
  });

  it('the server wins when its seq is as high or higher; a reload keeps the tablet place', () => {
    const { p } = tracker();
    p.move('book', 7, 1, false);
    expect(p.reconcile({ bookId: 'other', wordIdx: 40, audioTs: 9, seq: 12 })).toMatchObject({
      bookId: 'other',
      wordIdx: 40,
    });
    p.move('other', 41, 9.2, false);
    p.dispose();
    // A reload: a new tracker reads what was kept.
    const again = tracker().p;
    expect(again.current).toMatchObject({ bookId: 'other', wordIdx: 41, seq: 13, savedSeq: 12 });
    again.dispose();
  });

  it('another child on the same tablet does not get the place', () => {
    tracker('s1:ada').p.move('book', 99, 1, false);
    expect(tracker('s1:ben').p.current).toBeNull();
  });
});

describe('questions from server frames', () => {
  const frame = (type: string, payload: object) => ({ type, payload }) as ServerMessage;
  const start = () => addQuestion([], newQuestion('q1', 'Why?', 'book', 3, 1000));

  it('acknowledged, queued, streamed, done', () => {
    let l = start();
    expect(unsent(l)).toHaveLength(1);
    l = applyFrame(l, frame('INTERRUPTION_ACKNOWLEDGED', { questionId: 'q1', queuePosition: 2 }), 0);
    expect(l[0]).toMatchObject({ status: 'queued', queuePosition: 2 });
    expect(unsent(l)).toHaveLength(0);
    l = applyFrame(l, frame('QUEUE_POSITION', { questionId: 'q1', queuePosition: 0 }), 0);
    l = applyFrame(l, frame('ANSWER_CHUNK', { questionId: 'q1', text: 'Because ' }), 0);
    l = applyFrame(l, frame('ANSWER_CHUNK', { questionId: 'q1', text: 'cats.' }), 0);
    expect(l[0]).toMatchObject({ status: 'answering', answer: 'Because cats.' });
    l = applyFrame(l, frame('ANSWER_DONE', { questionId: 'q1', text: 'Because cats.', source: 'gemini' }), 0);
    expect(l[0]).toMatchObject({ status: 'answered', source: 'gemini' });
  });

  it('a replay after reconnect restarts the text instead of doubling it', () => {
    let l = start();
    l = applyFrame(l, frame('INTERRUPTION_ACKNOWLEDGED', { questionId: 'q1', queuePosition: 0 }), 0);
    l = applyFrame(l, frame('ANSWER_CHUNK', { questionId: 'q1', text: 'Bec' }), 0);
    // Reconnect: the server replays the acknowledgement and the text so far, in one chunk.
    l = applyFrame(l, frame('INTERRUPTION_ACKNOWLEDGED', { questionId: 'q1', queuePosition: 0 }), 0);
    l = applyFrame(l, frame('ANSWER_CHUNK', { questionId: 'q1', text: 'Because' }), 0);
    expect(l[0]!.answer).toBe('Because');
  });

  it('teacher, hidden, rate limit, and frames about other questions', () => {
    let l = start();
    expect(applyFrame(l, frame('TEACHER_WILL_ANSWER', { questionId: 'q1' }), 0)[0]!.status).toBe('teacher');
    expect(applyFrame(l, frame('RATE_LIMITED', { questionId: 'q1', retryAfterMs: 5000 }), 100)[0]).toMatchObject({
      status: 'limited',
      retryAt: 5100,
    });
    expect(applyFrame(l, frame('ANSWER_CHUNK', { questionId: 'nope', text: 'x' }), 0)).toBe(l);
    l = applyFrame(l, frame('ANSWER_DONE', { questionId: 'q1', text: 'Hi', source: 'teacher' }), 0);
    l = applyFrame(l, frame('ANSWER_HIDDEN', { questionId: 'q1' }), 0);
    expect(l[0]).toMatchObject({ status: 'hidden', answer: '' });
  });
});
