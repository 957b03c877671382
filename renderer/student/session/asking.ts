// The child's questions: the Ask panel, sending (and resending after a drop), the answers as they
// stream in, and the "new answer" notice. The list itself is ./questions.ts (pure).
import type { ClientMessage, ServerMessage } from '../../../shared/protocol/index.js';
import { Limits } from '../../../shared/protocol/codes.js';
import type { BookReader } from './book.js';
import {
  addQuestion,
  applyFrame,
  markRead,
  newQuestion,
  newestUnread,
  unsent,
  type AskedQuestion,
} from './questions.js';
import { newId, type StudentStore } from './state.js';
import { hasFields, save } from './storage.js';

export const isQuestions = (v: unknown): v is AskedQuestion[] =>
  Array.isArray(v) &&
  v.every((q) => hasFields(q, { questionId: 'string', text: 'string', status: 'string', answer: 'string' }));

export interface AskingOptions {
  store: StudentStore;
  reader: BookReader;
  send(m: ClientMessage): boolean;
  /** Sends the reading place now (the teacher sees where a question was asked). */
  flushProgress(): void;
}

export class Asking {
  private wasPlayingBeforeAsk = false;

  constructor(private readonly o: AskingOptions) {}

  open(): void {
    this.wasPlayingBeforeAsk = this.o.reader.playing;
    this.o.reader.pause();
    this.o.flushProgress();
    this.o.store.set({ askOpen: true, definition: null, answerNotice: false });
    this.setQuestions(this.o.store.get().questions);
  }

  /** "See the answer" on the notice: Ask opens at the newest answer not seen yet. */
  showNewAnswer(): void {
    const q = newestUnread(this.o.store.get().questions);
    this.o.store.set({ showAnswer: q?.questionId ?? null });
    this.open();
  }

  /** "Later" on the notice: it goes; the badge on Ask stays until the answer is seen. */
  hideNotice(): void {
    this.o.store.set({ answerNotice: false });
  }

  /** Closes the Ask panel and goes on reading from the same word. */
  keepReading(): void {
    this.o.store.set({ askOpen: false, showAnswer: null });
    this.o.reader.play();
  }

  close(): void {
    this.o.store.set({ askOpen: false, showAnswer: null });
    if (this.wasPlayingBeforeAsk) this.o.reader.play();
  }

  ask(text: string): void {
    const book = this.o.store.get().book;
    const questionText = text.trim().slice(0, Limits.QUESTION_MAX);
    if (!book || !questionText) return;
    this.o.flushProgress();
    const q = newQuestion(newId(), questionText, book.id, this.o.reader.position, Date.now());
    this.setQuestions(addQuestion(this.o.store.get().questions, q));
    this.send(q);
  }

  /** A question that was refused (rate limit, error) goes again as a new question. */
  askAgain(questionId: string): void {
    const old = this.o.store.get().questions.find((q) => q.questionId === questionId);
    if (!old) return;
    this.setQuestions(this.o.store.get().questions.filter((q) => q !== old));
    this.ask(old.text);
  }

  /** On (re)connect: the questions the server never acknowledged go again. */
  resend(): void {
    for (const q of unsent(this.o.store.get().questions)) this.send(q);
  }

  onFrame(m: ServerMessage): void {
    const questions = applyFrame(this.o.store.get().questions, m, Date.now());
    if (questions !== this.o.store.get().questions) this.setQuestions(questions);
  }

  private send(q: AskedQuestion): void {
    this.o.send({
      type: 'STUDENT_INTERRUPTION',
      payload: { questionId: q.questionId, questionText: q.text, context: { bookId: q.bookId, wordIdx: q.wordIdx } },
    });
  }

  /**
   * Answers that arrive while Ask is open are seen there; one that arrives while the child reads
   * brings up the notice (which never takes the focus or stops the reading).
   */
  private setQuestions(questions: AskedQuestion[]): void {
    const open = this.o.store.get().askOpen;
    const list = open ? markRead(questions) : questions;
    const before = new Set(
      this.o.store
        .get()
        .questions.filter((q) => q.unread)
        .map((q) => q.questionId),
    );
    const news = !open && list.some((q) => q.unread && !before.has(q.questionId));
    this.o.store.set({ questions: list, ...(news ? { answerNotice: true } : {}) });
    save('questions', list);
  }
}
