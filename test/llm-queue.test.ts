// The fair queue and the limits, through the relay (its worker thread) and the fake Gemini:
// thirty students at once under a cap of four, a chatty student who cannot starve the rest, a
// class's burst that cannot starve another class, queue positions, per-student limits on a
// controlled clock, cancelling, and the usage figures.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  askJob,
  listen,
  PROVIDERS,
  startHarness,
  useProvider,
  type Harness,
  type Heard,
} from './support/llm-harness.js';
import { waitUntil } from '../testkit/wait.js';
import type { RecordedRequest } from '../testkit/fake-gemini.js';
import { FairQueue, FRONT } from '../server/llm/fair-queue.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The question text inside the <question> tag of a recorded request. */
function questionOf(r: RecordedRequest): string {
  const prompt = r.body.contents?.[0]?.parts?.[0]?.text ?? '';
  return /<question>(.*)<\/question>/.exec(prompt)?.[1] ?? '';
}

/** Events that also note, in `order`, when the question starts being answered. */
function listenInOrder(order: string[], name: string) {
  const l = listen();
  const position = l.events.position;
  l.events.position = (n) => {
    if (n === 0) order.push(name);
    position(n);
  };
  return l;
}

/** Counts requests the fake is answering at once; each reply is held until released. */
function gatedUpstream(harness: Harness) {
  let open = 0;
  let maxOpen = 0;
  const gates: (() => void)[] = [];
  harness.fake.otherwise((req) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    return {
      chunks: [`Answer to ${questionOf(req)}.`],
      usage: { prompt: 100, output: 20 },
      before: () =>
        new Promise<void>((release) =>
          gates.push(() => {
            open--;
            release();
          }),
        ),
    };
  });
  return {
    get maxOpen() {
      return maxOpen;
    },
    waiting: () => gates.length,
    /** Lets every held reply finish. */
    releaseAll: () => gates.splice(0).forEach((g) => g()),
    /** Keeps letting held replies finish until `done()` (bounded by time). */
    async releaseUntil(done: () => boolean): Promise<void> {
      const stopAt = Date.now() + 10_000;
      while (!done()) {
        if (Date.now() > stopAt) throw new Error('answers did not all arrive');
        gates.splice(0).forEach((g) => g());
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

describe.each(PROVIDERS)('through the %s route', (provider) => {
  beforeEach(() => useProvider(provider));

  describe('fair queue', () => {
    it('answers thirty students asking at once, four at a time, in the order they asked', async () => {
      h = await startHarness({ llmMaxInFlight: 4 });
      const upstream = gatedUpstream(h);
      const started: string[] = [];
      const asks = Array.from({ length: 30 }, (_, i) => {
        const l = listenInOrder(started, `q${i}`);
        const result = h!.relay.ask(askJob(100 + i, `q${i}`), l.events);
        return { ...l, result };
      });
      // Four start at once; the rest are told their place.
      expect(asks.map((a) => a.result)).toEqual(
        asks.map((_, i) => expect.objectContaining({ accepted: true, queuePosition: Math.max(0, i - 3) })),
      );
      await waitUntil(() => upstream.waiting() === 4);
      expect(await h.stats()).toMatchObject({ inFlight: 4, queueDepth: 26 });
      // Release the held answers until everyone has one.
      await upstream.releaseUntil(() => asks.every((a) => a.heard.some((e) => e.type === 'done')));
      expect(upstream.maxOpen).toBe(4);
      // The first four started at once; the others in the order they asked.
      expect(started).toEqual(asks.slice(4).map((_, i) => `q${i + 4}`));
      expect(h.fake.requests.map(questionOf).sort()).toEqual(asks.map((_, i) => `q${i}`).sort());
      for (const [i, a] of asks.entries()) {
        expect(a.heard.at(-1)).toEqual({ type: 'done', text: `Answer to q${i}.`, source: 'gemini' });
        // Positions only go down, and end at 0 (being answered) for those that waited.
        const positions = a.heard
          .filter((e): e is Extract<Heard, { type: 'position' }> => e.type === 'position')
          .map((e) => e.n);
        expect(positions).toEqual([...positions].sort((x, y) => y - x));
        if (i >= 4) expect(positions.at(-1)).toBe(0);
      }
      expect(await h.stats()).toMatchObject({ questions: 30, answeredByAi: 30, inputTokens: 3000, outputTokens: 600 });
    });

    it('takes turns between students: a chatty student waits behind one question of everyone else', async () => {
      h = await startHarness({ llmMaxInFlight: 2, questionsPer5Min: 100 });
      const upstream = gatedUpstream(h);
      const ends: Promise<Heard>[] = [];
      const started: string[] = [];
      const ask = (key: number, text: string) => {
        const l = listenInOrder(started, text);
        h!.relay.ask(askJob(key, text), l.events);
        ends.push(l.end);
        return l;
      };
      for (let i = 1; i <= 6; i++) ask(1, `chatty${i}`);
      const later = ['a', 'b', 'c'].map((name, i) => ask(10 + i, name));
      // chatty1 and chatty2 run; the queue is chatty3, a, b, c, chatty4, chatty5, chatty6.
      expect(later.map((l) => l.heard)).toEqual([[], [], []]);
      await waitUntil(() => upstream.waiting() === 2);
      await upstream.releaseUntil(() => h!.fake.requests.length === 9 && upstream.waiting() === 0);
      await Promise.all(ends);
      expect(started).toEqual(['chatty3', 'a', 'b', 'c', 'chatty4', 'chatty5', 'chatty6']);
      expect(h.fake.requests).toHaveLength(9);
    });

    it('reports queue positions that move up as the queue drains', async () => {
      h = await startHarness({ llmMaxInFlight: 1 });
      const upstream = gatedUpstream(h);
      const first = listen();
      const second = listen();
      const third = listen();
      expect(h.relay.ask(askJob(1, 'one'), first.events)).toMatchObject({ queuePosition: 0 });
      expect(h.relay.ask(askJob(2, 'two'), second.events)).toMatchObject({ queuePosition: 1 });
      expect(h.relay.ask(askJob(3, 'three'), third.events)).toMatchObject({ queuePosition: 2 });
      await waitUntil(() => upstream.waiting() === 1);
      upstream.releaseAll();
      await first.end;
      await waitUntil(() => third.heard.length > 0);
      expect(second.heard).toEqual([{ type: 'position', n: 0 }]);
      expect(third.heard).toEqual([{ type: 'position', n: 1 }]);
      await upstream.releaseUntil(() => third.heard.at(-1)?.type === 'done');
      expect(third.heard.map((e) => e.type)).toEqual(['position', 'position', 'chunk', 'done']);
    });

    it('cancels a waiting question (never sent) and one being answered (no more events)', async () => {
      h = await startHarness({ llmMaxInFlight: 1 });
      const upstream = gatedUpstream(h);
      const running = listen();
      const waiting = listen();
      const behind = listen();
      const r1 = h.relay.ask(askJob(1, 'one'), running.events);
      const r2 = h.relay.ask(askJob(2, 'two'), waiting.events);
      h.relay.ask(askJob(3, 'three'), behind.events);
      await waitUntil(() => upstream.waiting() === 1);
      if (!r1.accepted || !r2.accepted) throw new Error('not accepted');
      r2.cancel();
      // The question behind moves up when the cancelled one leaves.
      await waitUntil(() => behind.heard.length > 0);
      expect(behind.heard).toEqual([{ type: 'position', n: 1 }]);
      r1.cancel();
      await upstream.releaseUntil(() => behind.heard.at(-1)?.type === 'done');
      expect(running.heard).toEqual([]);
      expect(waiting.heard).toEqual([]);
      expect(h.fake.requests.map(questionOf)).toEqual(['one', 'three']);
    });
  });

  describe('per-student limit', () => {
    it('refuses the question over the limit with the wait until the oldest leaves the window', async () => {
      h = await startHarness({ questionsPer5Min: 3 });
      h.fake.otherwise(() => ({ chunks: ['ok'] }));
      const ask = (key: number) => h!.relay.ask(askJob(key, 'again?'), listen().events);
      expect(ask(1).accepted).toBe(true);
      h.clock.now += 60_000;
      expect(ask(1).accepted).toBe(true);
      expect(ask(1).accepted).toBe(true);
      expect(ask(1)).toEqual({ accepted: false, retryAfterMs: 4 * 60_000 });
      // Another student is not affected.
      expect(ask(2).accepted).toBe(true);
      h.clock.now += 4 * 60_000;
      expect(ask(1).accepted).toBe(true);
      expect(await h.stats()).toMatchObject({ rateLimited: 1 });
    });
  });

  describe('usage figures', () => {
    it('reports latency, tokens, cost, request rate against the quota', async () => {
      h = await startHarness({
        geminiInputPricePerMTok: 0.3,
        geminiOutputPricePerMTok: 2.5,
        geminiRequestsPerMinute: 10,
      });
      h.fake.otherwise(() => ({
        chunks: ['Pip ', 'is ', 'brave.'],
        chunkDelayMs: 20,
        usage: { prompt: 1000, output: 200 },
      }));
      for (let i = 0; i < 4; i++) {
        const l = listen();
        h.relay.ask(askJob(i, 'why?'), l.events);
        await l.end;
      }
      const stats = await h.stats();
      expect(stats).toMatchObject({
        upstreamCalls: 4,
        inputTokens: 4000,
        outputTokens: 800,
        requestsLastMinute: 4,
        rpmQuota: 10,
        rpmUsedPct: 40,
      });
      // 4000 * 0.3 / 1e6 + 800 * 2.5 / 1e6 dollars, a quarter of it per question.
      expect(stats.costUsd).toBeCloseTo(0.0032, 8);
      expect(stats.costPerQuestionUsd).toBeCloseTo(0.0008, 8);
      // The last chunk comes two pauses after the first.
      expect(Number(stats.totalMsP50)).toBeGreaterThan(Number(stats.firstChunkMsP50));
      expect(Number(stats.totalMsP95)).toBeGreaterThanOrEqual(Number(stats.totalMsP50));
    });
  });
});

describe('fairness across classes', () => {
  // A property of the queue, not of the route: once, through the Gemini API route.
  beforeEach(() => useProvider('gemini'));

  it('serves a class that asks 5 questions among the first few while another has 200 waiting', async () => {
    h = await startHarness({ llmMaxInFlight: 1, questionsPer5Min: 100 });
    const upstream = gatedUpstream(h);
    const started: string[] = [];
    const ends: Promise<Heard>[] = [];
    const firstPlace = new Map<string, number>();
    const ask = (classId: string, key: number, text: string) => {
      const l = listenInOrder(started, text);
      const result = h!.relay.ask(askJob(key, text, undefined, classId), l.events);
      if (!result.accepted) throw new Error(`${text} was refused`);
      // The place the student sees: the acknowledgement's, or the worker's correction of it.
      void waitUntil(() => l.heard.length > 0, 20_000).then(() => {
        const first = l.heard[0];
        firstPlace.set(text, first?.type === 'position' ? first.n : result.queuePosition);
      });
      ends.push(l.end);
    };
    // Class A: thirty students, 200 questions in a burst. Then class B: five students, one each.
    for (let i = 0; i < 200; i++) ask('class-a', i % 30, `a${i}`);
    for (let i = 0; i < 5; i++) ask('class-b', i, `b${i}`);
    await waitUntil(() => upstream.waiting() === 1);
    await upstream.releaseUntil(() => started.length === 204);
    await upstream.releaseUntil(() => upstream.waiting() === 0 && h!.fake.requests.length === 205);
    await Promise.all(ends);
    // a0 started at once; then the classes take turns: a, b, a, b, ... until B has no more.
    const bStarts = started.flatMap((name, i) => (name.startsWith('b') ? [i] : []));
    expect(bStarts).toEqual([1, 3, 5, 7, 9]);
    expect(started.filter((name) => name.startsWith('a'))).toHaveLength(199);
    // B's students were told places 2, 4, 6, 8, 10 (behind one more of A's each), not 200 and up.
    expect(['b0', 'b1', 'b2', 'b3', 'b4'].map((b) => firstPlace.get(b))).toEqual([2, 4, 6, 8, 10]);
  }, 60_000);
});

describe('the fair queue across classes, unit', () => {
  /** Serves `arrivals` ([class, student]) one at a time: the order they start in, the place each was told. */
  async function serve(arrivals: readonly (readonly [number, number])[]) {
    const queue = new FairQueue(() => 1);
    const order: number[] = [];
    const gates: (() => void)[] = [];
    const told = arrivals.map(
      ([c, s], i) =>
        queue.submit(`class-${c}`, s, () => {
          order.push(i);
          return new Promise<void>((resolve) => gates.push(resolve));
        }).position,
    );
    for (let left = arrivals.length; left > 0 && gates.length > 0; left--) {
      gates.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    return { order, told };
  }

  it('takes turns between classes, then between students within a class (student keys are per class)', async () => {
    // Class 0: student 0 once, student 1 three times, student 2 once; class 1: student 1 twice.
    const { order, told } = await serve([
      [0, 0],
      [0, 1],
      [0, 1],
      [0, 1],
      [0, 2],
      [1, 1],
      [1, 1],
    ]);
    // 0 starts at once; then class 0 (student 1), class 1, class 0 (student 2), class 1, then class 0's rest.
    expect(order).toEqual([0, 1, 5, 4, 6, 2, 3]);
    // Each place as it was on arrival (later arrivals of another class or student may go ahead).
    expect(told).toEqual([0, 1, 2, 3, 2, 2, 4]);
  });

  it('tells each arrival the place it is served at when nothing comes after it', async () => {
    const arrivals = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 4 })), {
      minLength: 1,
      maxLength: 30,
    });
    await fc.assert(
      fc.asyncProperty(arrivals, async (all) => {
        for (let k = 1; k <= all.length; k++) {
          const { order, told } = await serve(all.slice(0, k));
          expect(order).toHaveLength(k);
          expect(order.indexOf(k - 1)).toBe(told[k - 1]);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('a backed-up queue', () => {
  it('tells the front at once and the rest in bounded sweeps, so draining does not flood sockets', async () => {
    vi.useFakeTimers();
    try {
      const queue = new FairQueue(() => 1);
      const told: number[] = [];
      // Each student's places as they were told them.
      const heardBy = new Map<number, number[]>();
      const gates: (() => void)[] = [];
      const run = () => new Promise<void>((resolve) => gates.push(resolve));
      const size = 2_000;
      const positions: number[] = [];
      for (let key = 0; key <= size; key++) {
        positions.push(
          queue.submit('class', key, run, (p) => {
            told.push(key);
            heardBy.set(key, [...(heardBy.get(key) ?? []), p]);
          }).position,
        );
      }
      // Submitting reports each place exactly, and costs no notifications.
      expect(positions.slice(0, 4)).toEqual([0, 1, 2, 3]);
      expect(positions.at(-1)).toBe(size);
      expect(told).toEqual([]);
      // The first start: the one starting hears 0 and the FRONT places behind it hear their new
      // place at once, in order; nobody further back hears anything yet.
      gates.shift()!();
      await vi.advanceTimersByTimeAsync(0);
      expect(told).toEqual(Array.from({ length: FRONT + 1 }, (_, i) => 1 + i));
      for (let place = 1; place <= FRONT; place++) expect(heardBy.get(1 + place), `place ${place}`).toEqual([place]);
      // 99 more starts one after another: only the front hears at once.
      for (let i = 1; i < 100; i++) {
        gates.shift()!();
        await vi.advanceTimersByTimeAsync(0);
      }
      expect(queue.inFlight).toBe(1);
      expect(told.length).toBeLessThanOrEqual(100 * (FRONT + 1));
      const beforeSweep = told.length;
      await vi.advanceTimersByTimeAsync(2_000);
      // One sweep tells each far-back task at most once, and only those that moved a tenth.
      expect(told.length - beforeSweep).toBeLessThanOrEqual(size);
      expect(told.length - beforeSweep).toBeGreaterThan(0);
      // 100 places forward is a tenth for the task at place 900 (first told 1000), not at 1901.
      expect(heardBy.get(1000)?.at(-1)).toBe(900);
      expect(heardBy.has(size)).toBe(false);
      queue.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
