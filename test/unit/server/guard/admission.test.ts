// The connection guard's rules on their own (server/guard/admission.ts): the per-address cap on
// pending connections, the descriptors kept for the server and the dashboard, and fairness when the
// room for tablets is used up. The same rules against a real server at a low descriptor limit are
// in reliability-exhaustion.test.ts.
import { describe, expect, it } from 'vitest';
import { Admission, ANSWER_RESERVE, DASHBOARD_RESERVE } from '../../../../server/guard/admission.js';
import { errorCode, isTransient, resourceOf } from '../../../../server/guard/resource.js';
import { Pressure } from '../../../../server/guard/pressure.js';

class FakeSocket {
  destroyed = false;
  constructor(readonly name: string) {}
  destroy(): void {
    this.destroyed = true;
  }
}

/** An admission whose free descriptors are `limit` minus what it has let in. */
function admission(o: { limit: number | null; cap?: number; own?: number }) {
  const own = o.own ?? 10;
  const a: Admission<FakeSocket> = new Admission<FakeSocket>({
    maxPendingPerAddress: o.cap ?? 1000,
    freeFds: () => (o.limit === null ? null : o.limit - a.stats.open),
    ownReserve: () => own,
  });
  return a;
}

/** Room for tablets: the limit less the server's own, the answer and the dashboard reserves. */
const tabletRoom = (limit: number, own = 10) => limit - own - ANSWER_RESERVE - DASHBOARD_RESERVE;

describe('admission', () => {
  it('caps pending connections per address and counts an upgraded socket apart', () => {
    const a = admission({ limit: null, cap: 3 });
    const first = [1, 2, 3].map((i) => a.arrive(new FakeSocket(`a${i}`), '10.0.0.1', false)!);
    expect(first.every((e) => e.state === 'pending')).toBe(true);
    const fourth = a.arrive(new FakeSocket('a4'), '10.0.0.1', false)!;
    expect(fourth).toMatchObject({ state: 'refusing', refusal: 'address' });
    // Another address is counted apart.
    expect(a.arrive(new FakeSocket('b1'), '10.0.0.2', false)).toMatchObject({ state: 'pending' });
    // Once one becomes a student socket it no longer counts, and another may load.
    a.upgraded(first[0]!);
    expect(a.arrive(new FakeSocket('a5'), '10.0.0.1', false)).toMatchObject({ state: 'pending' });
    a.closed(fourth);
    expect(a.stats).toMatchObject({ open: 5, pending: 4, upgraded: 1, refusing: 0, refused: 1 });
  });

  it('when full, a newcomer takes the oldest pending place of the heaviest address, never a reader', () => {
    const limit = 200;
    const a = admission({ limit });
    const room = tabletRoom(limit);
    const readers = Array.from({ length: 20 }, (_, i) => a.arrive(new FakeSocket(`r${i}`), `10.1.0.${i}`, false)!);
    for (const r of readers) a.upgraded(r);
    // A flood from two addresses fills the rest.
    const flood: FakeSocket[] = [];
    for (let i = 0; a.stats.open < room; i++) {
      const s = new FakeSocket(`f${i}`);
      flood.push(s);
      a.arrive(s, i % 2 ? '10.9.0.1' : '10.9.0.2', false);
    }
    expect(a.stats.pending).toBe(room - 20);
    // The flood asks for more: each address already holds its share, so it is refused.
    expect(a.arrive(new FakeSocket('more'), '10.9.0.1', false)).toMatchObject({ refusal: 'full' });
    // A tablet from another address gets in, in place of the flood's oldest connection.
    const tablet = a.arrive(new FakeSocket('tablet'), '10.2.0.1', false)!;
    expect(tablet).toMatchObject({ state: 'pending', refusal: null });
    expect(flood[0]!.destroyed || flood[1]!.destroyed).toBe(true);
    expect(flood.filter((s) => s.destroyed)).toHaveLength(1);
    expect(a.stats.evicted).toBe(1);
    expect(readers.every((r) => r.state === 'upgraded' && !r.socket.destroyed)).toBe(true);
    // Many newcomers: the flood shrinks towards their share, readers stay.
    for (let i = 0; i < 40; i++) a.arrive(new FakeSocket(`t${i}`), `10.3.0.${i}`, false);
    expect(a.stats.evicted).toBe(41);
    expect(a.stats.upgraded).toBe(20);
  });

  it('keeps descriptors for the dashboard and for answering, and closes unanswered below the own reserve', () => {
    const limit = 200;
    const a = admission({ limit, own: 10 });
    // Only readers (nothing to take a place from): the room for tablets is used up.
    while (a.stats.open < tabletRoom(limit))
      a.upgraded(a.arrive(new FakeSocket('r'), `10.1.${a.stats.open}.1`, false)!);
    expect(a.arrive(new FakeSocket('late'), '10.2.0.1', false)).toMatchObject({ refusal: 'full' });
    // The teacher's dashboard (this machine) still gets in, up to its reserve.
    let dashboard = 0;
    while (a.arrive(new FakeSocket('d'), '127.0.0.1', true)?.refusal === null) dashboard++;
    expect(dashboard).toBe(DASHBOARD_RESERVE - 1);
    // Refusals are answered while the answer reserve lasts; then connections are closed unanswered.
    let refused = 0;
    while (a.arrive(new FakeSocket('x'), '10.2.0.1', false) !== null) refused++;
    expect(refused).toBeLessThanOrEqual(ANSWER_RESERVE);
    expect(a.stats.dropped).toBeGreaterThan(0);
    expect(limit - a.stats.open).toBeGreaterThanOrEqual(10);
  });

  it('never takes the place of a connection from this machine', () => {
    const limit = 200;
    const a = admission({ limit });
    const local = Array.from({ length: 120 }, () => a.arrive(new FakeSocket('l'), '127.0.0.1', true)!);
    while (a.stats.open < tabletRoom(limit)) a.arrive(new FakeSocket('f'), '10.9.0.1', false);
    expect(a.arrive(new FakeSocket('t'), '10.2.0.1', false)).toMatchObject({ state: 'pending' });
    expect(local.every((e) => !e.socket.destroyed)).toBe(true);
  });
});

describe('resource errors', () => {
  it('names the resource that ran out and tells passing errors from bugs', () => {
    const sys = (code: string) => Object.assign(new Error(code), { code });
    expect(resourceOf(sys('EMFILE'))).toBe('descriptors');
    expect(resourceOf(sys('ENFILE'))).toBe('descriptors');
    expect(resourceOf(sys('ENOMEM'))).toBe('memory');
    expect(resourceOf(sys('ENOSPC'))).toBe('disk');
    expect(resourceOf(sys('SQLITE_FULL'))).toBe('disk');
    expect(resourceOf(Object.assign(new Error('x'), { code: 'ERR_SYSTEM_ERROR', info: { code: 'EMFILE' } }))).toBe(
      'descriptors',
    );
    expect(errorCode('EMFILE')).toBeUndefined();
    for (const code of ['EMFILE', 'ENOSPC', 'ECONNRESET', 'EPIPE', 'SQLITE_BUSY'])
      expect(isTransient(sys(code))).toBe(true);
    expect(isTransient(new TypeError('x is not a function'))).toBe(false);
    expect(isTransient(sys('ERR_ASSERTION'))).toBe(false);
  });

  it('holds a shortage for a few seconds after it was last met', () => {
    let now = 0;
    const p = new Pressure(() => now);
    p.report('descriptors');
    p.report(null);
    expect(p.current()).toEqual(['descriptors']);
    now += 4_000;
    p.report('disk');
    expect(p.current()).toEqual(['descriptors', 'disk']);
    now += 2_000;
    expect(p.current()).toEqual(['disk']);
    now += 5_000;
    expect(p.current()).toEqual([]);
  });
});
