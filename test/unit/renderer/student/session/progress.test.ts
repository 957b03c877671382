// The progress seq rules on the tablet.
import { beforeEach, describe, expect, it } from 'vitest';
import { Progress } from '../../../../../renderer/student/session/progress.js';
import type { ClientPayload } from '../../../../../shared/protocol/index.js';

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
