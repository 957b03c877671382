// The relay in its own worker thread, as the server runs it: answers cross chunk by chunk and in
// order; a worker that crashes (ended from outside, or a throw inside it) is started again, the
// questions it held reach the teacher, the words it was looking up come from the offline
// dictionary, and the day's figures carry on; crashes in a row wait longer, within a bound.
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { RelayProxy } from '../server/llm/relay-proxy.js';
import { askJob, defineJob, listen, startHarness, type Harness, type Heard } from './support/llm-harness.js';
import { waitUntil } from '../testkit/wait.js';

let h: Harness | undefined;
const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
  await h?.close();
  h = undefined;
});

/** Holds every upstream reply until the returned function is called. */
function holdUpstream(harness: Harness): () => void {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  harness.fake.otherwise(() => ({ chunks: ['Pip is brave.'], before: () => held }));
  return release;
}

/** Waits for a worker other than `old` to be running, and returns it. */
async function restarted(relay: RelayProxy, old: Worker): Promise<Worker> {
  await waitUntil(() => relay.thread !== null && relay.thread !== old, 15_000);
  return relay.thread!;
}

describe('answers across the thread', () => {
  it('passes fifty chunks on one at a time and in order, for two questions streaming at once', async () => {
    h = await startHarness();
    const chunks = (tag: string) => Array.from({ length: 50 }, (_, i) => `${tag}${i} `);
    h.fake.otherwise((req) => {
      const tag = JSON.stringify(req.body).includes('First') ? 'a' : 'b';
      return { chunks: chunks(tag), chunkDelayMs: 2 };
    });
    const first = listen();
    const second = listen();
    h.relay.ask(askJob(1, 'First question?'), first.events);
    h.relay.ask(askJob(2, 'Second question?'), second.events);
    await Promise.all([first.end, second.end]);
    for (const [l, tag] of [
      [first, 'a'],
      [second, 'b'],
    ] as const) {
      expect(l.heard).toEqual([
        ...chunks(tag).map((text) => ({ type: 'chunk', text })),
        { type: 'done', text: chunks(tag).join(''), source: 'gemini' },
      ]);
    }
  });
});

describe('a relay worker that crashes', () => {
  it.each<[string, (worker: Worker) => void]>([
    ['is ended from outside', (worker) => void worker.terminate()],
    // The worker throws on a message it does not know: an uncaught error inside it.
    ['throws inside', (worker) => worker.postMessage({ type: 'no-such-message' })],
  ])('%s: its questions go to the teacher, its word to the dictionary, and it starts again', async (_, crash) => {
    h = await startHarness({ llmMaxInFlight: 2 });
    const release = holdUpstream(h);
    // Two questions being answered (held upstream), one waiting, and a word waiting behind them.
    const asked = [1, 2, 3].map((key) => {
      const l = listen();
      expect(h!.relay.ask(askJob(key, `Question ${key}?`), l.events).accepted).toBe(true);
      return l;
    });
    const word = h.relay.define(defineJob(9, 'raft.'));
    await waitUntil(() => h!.fake.requests.length === 2);
    expect(await h.stats()).toMatchObject({ questions: 3, inFlight: 2, queueDepth: 2, relayRestarts: 0 });
    const first = h.relay.thread!;

    crash(first);
    const ends = await Promise.all(asked.map((l) => l.end));
    expect(ends).toEqual(Array(3).fill({ type: 'teacher', reason: 'relay_restarted' }));
    expect(await word).toEqual({ ok: true, source: 'offline', text: expect.stringMatching(/^Raft \(a naming word\)/) });

    // A new worker answers the next question from Gemini; the figures went on counting.
    await restarted(h.relay, first);
    release();
    const after = listen();
    h.relay.ask(askJob(4, 'Question 4?'), after.events);
    expect(await after.end).toEqual({ type: 'done', text: 'Pip is brave.', source: 'gemini' });
    expect(await h.stats()).toMatchObject({
      questions: 4,
      answeredByAi: 1,
      toTeacher: 3,
      offlineDefinitions: 1,
      relayRestarts: 1,
      relayRunning: true,
      inFlight: 0,
    });
    // Nothing arrived for the questions after the teacher took them.
    for (const l of asked) expect(l.heard).toHaveLength(1);
  });

  it('hands what is asked while no worker runs to the teacher and the offline dictionary', async () => {
    h = await startHarness();
    const worker = h.relay.thread!;
    let question: Promise<Heard> | undefined;
    let word: ReturnType<RelayProxy['define']> | undefined;
    // The proxy's own exit listener came first, so this asks in the moment the worker is gone.
    worker.once('exit', () => {
      const l = listen();
      expect(h!.relay.ask(askJob(1, 'Anyone there?'), l.events)).toMatchObject({ accepted: true, queuePosition: 0 });
      question = l.end;
      word = h!.relay.define(defineJob(1, 'brave'));
    });
    await worker.terminate();
    await waitUntil(() => question !== undefined);
    expect(await question).toEqual({ type: 'teacher', reason: 'relay_restarting' });
    expect(await word).toMatchObject({ ok: true, source: 'offline', text: expect.stringMatching(/^Brave/) });
    await restarted(h.relay, worker);
    expect(h.fake.requests).toHaveLength(0);
  });

  it('waits longer after each crash in a row, from 100 ms doubling, and says so in the log', async () => {
    h = await startHarness();
    const warnings: Record<string, unknown>[] = [];
    const settings = h.settings;
    const relay = new RelayProxy({
      getSettings: () => settings,
      database: { file: h.cache.file },
      log: { warn: (obj) => warnings.push(obj as Record<string, unknown>), info: () => {} },
    });
    closing.push(() => relay.close());
    let worker = relay.thread!;
    for (let i = 0; i < 3; i++) {
      await worker.terminate();
      worker = await restarted(relay, worker);
    }
    expect(warnings.filter((w) => 'restartInMs' in w).map((w) => w.restartInMs)).toEqual([100, 200, 400]);
    expect(relay.stats()).toMatchObject({ relayRestarts: 3, relayRunning: true });
  });
});
