// The one AI relay of a server with socket workers: its worker thread (server/llm/relay-worker.ts:
// Gemini, the fair queue across classes and students, rate limits, the outage pause, the
// definition cache) runs in the primary, and every socket worker's relay proxy reaches it over IPC
// (./relay-link.ts). The hub renumbers what the workers send (each numbers its questions and books
// from 1) and sends each answer, chunk by chunk, back to the worker that asked. A relay thread
// that ends is reported to every worker, whose proxies hand its questions to the teacher and open
// it again after their backoff; the first to do so starts a new thread.
import type { Worker } from 'node:worker_threads';
import { relayThread } from '../llm/relay-proxy.js';
import type { FromRelay, RelayWorkerData, Stats, ToRelay } from '../llm/relay-messages.js';
import type { PrimaryToWorker } from './messages.js';

/** How long close() waits for the relay to stop its calls before ending it. */
const CLOSE_WAIT_MS = 5_000;

/** Answers after which nothing more comes for that number. */
const LAST: ReadonlySet<FromRelay['type']> = new Set(['done', 'teacher', 'defined', 'checked', 'stats']);

interface Asked {
  worker: number;
  id: number;
}

export interface RelayHubOptions {
  send(worker: number, message: PrimaryToWorker): void;
  log(level: 'warn' | 'info', obj: object, msg: string): void;
  /** Starts the thread (tests may pass their own). */
  open?: (data: RelayWorkerData) => Worker;
}

const key = (worker: number, n: number) => `${worker}:${n}`;

export class RelayHub {
  private thread: Worker | null = null;
  private closing = false;
  private nextId = 1;
  private nextBook = 1;
  /** The relay's number of each open question, word, check or figures request → who asked. */
  private readonly asked = new Map<number, Asked>();
  private readonly byLocal = new Map<string, number>();
  private readonly books = new Map<string, number>();
  /** Workers whose proxies have the relay open: they hear figures and a crash. */
  private readonly attached = new Set<number>();
  private lastStats: Stats | undefined;

  constructor(private readonly o: RelayHubOptions) {}

  /** A worker's proxy opened the relay (at its start, or after a relay crash). */
  opened(worker: number, data: RelayWorkerData): void {
    this.attached.add(worker);
    if (this.thread || this.closing) return;
    const thread = (this.o.open ?? relayThread)({ ...data, carriedStats: this.lastStats ?? data.carriedStats });
    thread.unref();
    this.thread = thread;
    thread.on('message', (batch: FromRelay[]) => this.fromThread(thread, batch));
    thread.on('error', (err: unknown) => this.o.log('warn', { error: String(err) }, 'The AI relay crashed'));
    thread.on('exit', (code) => this.exited(thread, code));
  }

  /** A message from a worker's proxy, renumbered for the one relay. */
  fromWorker(worker: number, m: ToRelay): void {
    const thread = this.thread;
    switch (m.type) {
      case 'book': {
        const book = this.nextBook++;
        this.books.set(key(worker, m.book), book);
        thread?.postMessage({ ...m, book });
        return;
      }
      case 'forget': {
        const book = this.books.get(key(worker, m.book));
        this.books.delete(key(worker, m.book));
        if (book !== undefined) thread?.postMessage({ type: 'forget', book });
        return;
      }
      case 'ask':
      case 'define': {
        const book = this.books.get(key(worker, m.job.book));
        if (book === undefined) return;
        thread?.postMessage({ ...m, id: this.number(worker, m.id), job: { ...m.job, book } });
        return;
      }
      case 'stats':
      case 'check':
        thread?.postMessage({ ...m, id: this.number(worker, m.id) });
        return;
      case 'cancel': {
        const id = this.byLocal.get(key(worker, m.id));
        if (id === undefined) return;
        this.forgetNumber(id);
        thread?.postMessage({ type: 'cancel', id });
        return;
      }
      case 'settings':
        thread?.postMessage(m);
        return;
      case 'close':
        // That worker is stopping: its questions end, the relay carries on for the others.
        this.workerGone(worker);
        this.o.send(worker, { type: 'relay', batch: [{ type: 'closed' }] });
        return;
    }
  }

  /** A worker ended (or stopped): its open questions are cancelled, its books forgotten. */
  workerGone(worker: number): void {
    this.attached.delete(worker);
    for (const [id, who] of this.asked) {
      if (who.worker !== worker) continue;
      this.forgetNumber(id);
      this.thread?.postMessage({ type: 'cancel', id });
    }
    for (const [k, book] of this.books) {
      if (!k.startsWith(`${worker}:`)) continue;
      this.books.delete(k);
      this.thread?.postMessage({ type: 'forget', book });
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    const thread = this.thread;
    if (!thread) return;
    const exited = new Promise((resolve) => thread.once('exit', resolve));
    thread.postMessage({ type: 'close' } satisfies ToRelay);
    const timer = setTimeout(() => void thread.terminate(), CLOSE_WAIT_MS);
    await exited;
    clearTimeout(timer);
  }

  private number(worker: number, id: number): number {
    const n = this.nextId++;
    this.asked.set(n, { worker, id });
    this.byLocal.set(key(worker, id), n);
    return n;
  }

  private forgetNumber(id: number): void {
    const who = this.asked.get(id);
    if (!who) return;
    this.asked.delete(id);
    this.byLocal.delete(key(who.worker, who.id));
  }

  private fromThread(thread: Worker, batch: FromRelay[]): void {
    if (thread !== this.thread) return;
    const out = new Map<number, FromRelay[]>();
    const to = (worker: number, m: FromRelay) => {
      const list = out.get(worker);
      if (list) list.push(m);
      else out.set(worker, [m]);
    };
    for (const m of batch) {
      if (m.type === 'log') this.o.log(m.level, m.obj, m.msg);
      else if (m.type === 'closed') void thread.terminate();
      else if (m.type === 'stats' && m.id === undefined) {
        this.lastStats = m.stats;
        for (const worker of this.attached) to(worker, m);
      } else {
        const who = this.asked.get(m.id!);
        if (!who) continue;
        if (LAST.has(m.type)) this.forgetNumber(m.id!);
        to(who.worker, { ...m, id: who.id });
      }
    }
    for (const [worker, list] of out) this.o.send(worker, { type: 'relay', batch: list });
  }

  private exited(thread: Worker, code: number): void {
    if (thread !== this.thread) return;
    this.thread = null;
    this.asked.clear();
    this.byLocal.clear();
    this.books.clear();
    if (this.closing) return;
    this.o.log(
      'warn',
      { exitCode: code },
      'The AI relay stopped: its questions went to the teacher; starting it again',
    );
    for (const worker of this.attached) this.o.send(worker, { type: 'relay-exit', code });
    this.attached.clear();
  }
}
