// The primary's one relay for every socket worker (server/cluster/relay-hub.ts), with a stand-in
// for its thread: each worker's numbers are its own, answers go back to the worker that asked
// under its own number, and a crash is told to every worker that had the relay open.
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { FromRelay, RelayWorkerData, ToRelay } from '../../../../server/llm/relay-messages.js';
import type { PrimaryToWorker } from '../../../../server/cluster/messages.js';
import { RelayHub } from '../../../../server/cluster/relay-hub.js';

class FakeThread extends EventEmitter {
  readonly got: ToRelay[] = [];
  postMessage(m: ToRelay): void {
    this.got.push(m);
  }
  terminate(): Promise<number> {
    this.emit('exit', 1);
    return Promise.resolve(1);
  }
  unref(): void {}
  answer(batch: FromRelay[]): void {
    this.emit('message', batch);
  }
}

const DATA = { settings: {}, database: { file: 'x.db' } } as unknown as RelayWorkerData;
const POLICY = { aiAnswers: true, gradeLevel: 3, questionsPer5Min: 10, definitionsPer5Min: 60 };
const ask = (id: number, book: number, classId: string): ToRelay =>
  ({
    type: 'ask',
    id,
    job: { book, from: 0, to: 1, classId, studentKey: 1, policy: POLICY, questionText: 'Why?' },
  }) as unknown as ToRelay;

function hub() {
  const threads: FakeThread[] = [];
  const sent: { worker: number; m: PrimaryToWorker }[] = [];
  const h = new RelayHub({
    send: (worker, m) => sent.push({ worker, m }),
    log: () => undefined,
    open: () => {
      const t = new FakeThread();
      threads.push(t);
      return t as unknown as Worker;
    },
  });
  return { h, threads, sent };
}

describe('RelayHub', () => {
  it('starts one thread for every worker and renumbers their books and questions', () => {
    const { h, threads } = hub();
    h.opened(0, DATA);
    h.opened(1, DATA);
    expect(threads).toHaveLength(1);
    // Both workers call their first book 1 and their first question 1.
    for (const w of [0, 1]) {
      h.fromWorker(w, { type: 'book', book: 1, words: [`w${w}`] });
      h.fromWorker(w, ask(1, 1, `class-${w}`));
    }
    const got = threads[0]!.got;
    expect(got.filter((m) => m.type === 'book').map((m) => (m as { book: number }).book)).toEqual([1, 2]);
    const asks = got.filter((m) => m.type === 'ask') as { id: number; job: { book: number; classId: string } }[];
    expect(asks.map((a) => [a.id, a.job.book, a.job.classId])).toEqual([
      [1, 1, 'class-0'],
      [2, 2, 'class-1'],
    ]);
  });

  it("sends each chunk back to the worker that asked, under that worker's number; figures to all", () => {
    const { h, threads, sent } = hub();
    h.opened(0, DATA);
    h.opened(1, DATA);
    for (const w of [0, 1]) {
      h.fromWorker(w, { type: 'book', book: 1, words: ['a'] });
      h.fromWorker(w, ask(7, 1, `class-${w}`));
    }
    threads[0]!.answer([
      { type: 'chunk', id: 2, text: 'for one' },
      { type: 'chunk', id: 1, text: 'for zero' },
      { type: 'stats', stats: { questions: 2 } },
    ]);
    const batch = (text: string) => ({
      type: 'relay',
      batch: [
        { type: 'chunk', id: 7, text },
        { type: 'stats', stats: { questions: 2 } },
      ],
    });
    expect(sent).toEqual([
      { worker: 1, m: batch('for one') },
      { worker: 0, m: batch('for zero') },
    ]);
  });

  it('cancels the questions of a worker that ended; tells every worker of a crash; restarts on the next open', () => {
    const { h, threads, sent } = hub();
    h.opened(0, DATA);
    h.opened(1, DATA);
    h.fromWorker(0, { type: 'book', book: 1, words: ['a'] });
    h.fromWorker(0, ask(3, 1, 'class-0'));
    h.workerGone(0);
    expect(threads[0]!.got.slice(-2)).toEqual([
      { type: 'cancel', id: 1 },
      { type: 'forget', book: 1 },
    ]);
    // An answer for the gone worker's question reaches nobody.
    threads[0]!.answer([{ type: 'chunk', id: 1, text: 'late' }]);
    expect(sent).toEqual([]);

    void threads[0]!.terminate();
    expect(sent).toEqual([{ worker: 1, m: { type: 'relay-exit', code: 1 } }]);
    h.opened(1, DATA);
    expect(threads).toHaveLength(2);
  });
});
