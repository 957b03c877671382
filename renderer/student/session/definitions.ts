// Word meanings: a tap on a word asks the server (DEFINE_WORD) and the popover shows the answer,
// or a sentence for the child when there is none yet.
import type { ClientMessage, ServerMessage } from '../../../shared/protocol/index.js';
import { Limits } from '../../../shared/protocol/codes.js';
import type { BookReader } from './book.js';
import { FIRST_TIME_TIP, newId, type Definition, type StudentStore } from './state.js';

const OFFLINE = "We'll look this word up as soon as we're connected again.";
const RATE_LIMITED = 'Lots of words looked up just now! Wait a few seconds, then tap the word again.';

export interface DefinitionsOptions {
  store: StudentStore;
  reader: BookReader;
  send(m: ClientMessage): boolean;
}

export class Definitions {
  constructor(private readonly o: DefinitionsOptions) {}

  define(wordIdx: number): void {
    const { store, reader } = this.o;
    const book = store.get().book;
    const raw = book?.words[wordIdx];
    if (!book || raw === undefined) return;
    reader.pause();
    reader.seek(wordIdx);
    const word = cleanWord(raw);
    if (!word) return;
    const d: Definition = { requestId: newId(), word, wordIdx, text: null, problem: '' };
    store.set({ definition: d, ...(store.get().notice === FIRST_TIME_TIP ? { notice: '' } : {}) });
    this.request(d);
  }

  close(): void {
    this.o.store.set({ definition: null });
  }

  retry(): void {
    const d = this.o.store.get().definition;
    if (!d) return;
    const again = { ...d, text: null, problem: '' };
    this.o.store.set({ definition: again });
    this.request(again);
  }

  /** On (re)connect: a meaning still waited for is asked again. */
  resend(): void {
    const d = this.o.store.get().definition;
    if (d && d.text === null) this.send(d);
  }

  /** Takes the frames about a meaning; false for any other frame. */
  onFrame(m: ServerMessage): boolean {
    switch (m.type) {
      case 'DEFINITION':
        this.answered(m.payload.requestId, m.payload.text, '');
        return true;
      case 'RATE_LIMITED':
        if (!m.payload.requestId) return false;
        this.answered(m.payload.requestId, null, RATE_LIMITED);
        return true;
      case 'ERROR':
        if (!m.payload.requestId) return false;
        this.answered(m.payload.requestId, null, m.payload.message);
        return true;
      default:
        return false;
    }
  }

  /** Shows `d` and asks for it; offline, the child is told it comes when connected. */
  private request(d: Definition): void {
    if (!this.send(d)) this.o.store.set({ definition: { ...d, problem: OFFLINE } });
  }

  private send(d: Definition): boolean {
    const book = this.o.store.get().book;
    if (!book) return false;
    return this.o.send({
      type: 'DEFINE_WORD',
      payload: { requestId: d.requestId, word: d.word, context: { bookId: book.id, wordIdx: d.wordIdx } },
    });
  }

  private answered(requestId: string, text: string | null, problem: string): void {
    const d = this.o.store.get().definition;
    if (!d || d.requestId !== requestId) return;
    // A retry after a rate limit or error gets a new request id, so the answer is not confused.
    this.o.store.set({ definition: { ...d, text, problem, requestId: text === null ? newId() : requestId } });
  }
}

/** A word as the dictionary wants it: no surrounding punctuation or quotes. */
export function cleanWord(raw: string): string {
  return raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').slice(0, Limits.WORD_MAX);
}
