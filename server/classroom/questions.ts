// Questions and word definitions: from the student's frame, through the relay (Gemini, the
// offline dictionary, or the teacher), back to the student and onto the teacher's feed.
// Every question is recorded (SQLite, through the group commit) and visible to the teacher.
import {
  ErrorCode,
  LOOKUP_FAILED_MESSAGE,
  type ClientPayload,
  type FeedItem,
  type ServerPayload,
} from '../../shared/protocol/index.js';
import type { Library, LoadedBook } from '../books/library.js';
import { DomainError } from '../errors.js';
import type { ClassPolicy, Relay } from '../llm/types.js';
import type { Store } from '../store/store.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { FeedSink } from './feed-sink.js';
import { newId } from './ids.js';
import type { Outbox } from './outbox.js';
import type { Question, Student } from './student.js';

/** Questions kept per student for replay after a reconnect. */
const RECENT_PER_STUDENT = 3;
/** Questions kept in memory for the teacher's feed (older ones are in SQLite). */
const FEED_SIZE = 500;

export interface QuestionDeskOptions {
  store: Store;
  writer: GroupCommit<Student>;
  library: Library;
  outbox: Outbox;
  feed: FeedSink;
  relay: () => Relay;
  /** The class's settings the relay honours (AI on or off, grade, limits). */
  policy: () => ClassPolicy;
  classId: string;
  /** The lesson questions are asked in. */
  lessonId: () => string;
  now: () => number;
}

export class QuestionDesk {
  /** Recent questions by server id, oldest first (Map keeps insertion order). */
  readonly questions = new Map<string, Question>();
  private readonly now: () => number;

  constructor(private readonly o: QuestionDeskOptions) {
    this.now = o.now;
  }

  ask(student: Student, p: ClientPayload<'STUDENT_INTERRUPTION'>): void {
    const { outbox } = this.o;
    const existing = student.recent?.find((q) => q.questionId === p.questionId);
    if (existing) {
      // The tablet re-sent a question it asked before (it did not see the acknowledgement).
      this.replay(existing);
      return;
    }
    // Control and format characters (a right-to-left override, say) could disguise the question
    // on the teacher's screen; new lines are kept.
    const questionText = p.questionText.replace(/(?!\n)[\p{Cc}\p{Cf}]/gu, '').trim();
    if (questionText.length === 0) {
      outbox.send(student, 'ERROR', {
        code: ErrorCode.BAD_MESSAGE,
        message: 'The question is empty.',
        questionId: p.questionId,
      });
      return;
    }
    const book = this.o.library.get(p.context.bookId);
    if (!book || p.context.wordIdx > book.words.length) {
      outbox.send(student, 'ERROR', {
        code: book ? ErrorCode.BAD_WORD_INDEX : ErrorCode.UNKNOWN_BOOK,
        message: book ? 'That place is past the end of the book.' : 'That book is not in this class.',
        questionId: p.questionId,
      });
      return;
    }
    const q: Question = {
      id: newId(),
      questionId: p.questionId,
      student,
      questionText,
      bookId: book.id,
      wordIdx: p.context.wordIdx,
      status: 'queued',
      queuePosition: 0,
      answer: '',
      source: null,
      flag: null,
      hidden: false,
      askedAt: this.now(),
      answeredAt: null,
      cancel: null,
    };
    // The relay may answer synchronously (no key: straight to the teacher); those events must
    // reach the tablet after the acknowledgement, so they wait until `acked`.
    let acked = false;
    const later = (fn: () => void) => (acked ? fn() : queueMicrotask(fn));
    const result = this.o.relay().ask(
      { ...this.context(student, book, q.wordIdx), questionText },
      {
        position: (n) => later(() => this.position(q, n)),
        chunk: (text) => later(() => this.chunk(q, text)),
        done: (a) => later(() => this.finish(q, a.text, a.source, a.flag ?? null)),
        teacher: () => later(() => this.toTeacher(q)),
      },
    );
    if (!result.accepted) {
      outbox.send(student, 'RATE_LIMITED', { retryAfterMs: result.retryAfterMs, questionId: p.questionId });
      return;
    }
    q.cancel = result.cancel;
    q.queuePosition = result.queuePosition;
    student.questionCount++;
    student.openQuestions++;
    student.lastActivity = q.askedAt;
    student.remember(q, RECENT_PER_STUDENT);
    this.remember(q);
    this.o.writer.run(() =>
      this.o.store.insertQuestion({
        ...this.row(q),
        classId: this.o.classId,
        lessonId: this.o.lessonId(),
        studentId: student.id,
      }),
    );
    outbox.send(student, 'INTERRUPTION_ACKNOWLEDGED', { questionId: q.questionId, queuePosition: q.queuePosition });
    acked = true;
    this.o.feed.questionChanged(q);
    this.o.feed.studentChanged(student);
  }

  async define(student: Student, p: ClientPayload<'DEFINE_WORD'>): Promise<void> {
    const book = this.o.library.get(p.context.bookId);
    if (!book || p.context.wordIdx > book.words.length) {
      this.o.outbox.send(student, 'ERROR', {
        code: book ? ErrorCode.BAD_WORD_INDEX : ErrorCode.UNKNOWN_BOOK,
        message: 'That word is not in this book.',
        requestId: p.requestId,
      });
      return;
    }
    student.lastActivity = this.now();
    const lessonId = this.o.lessonId();
    const at = this.now();
    // Every tap is kept for the child's report, whatever answers it.
    if (lessonId) this.o.writer.run(() => this.o.store.insertLookup(lessonId, student.id, book.id, p.word, at));
    try {
      const r = await this.o.relay().define({ ...this.context(student, book, p.context.wordIdx), word: p.word });
      if (r.ok)
        this.o.outbox.send(student, 'DEFINITION', {
          requestId: p.requestId,
          word: p.word,
          text: r.text,
          source: r.source,
        });
      else this.o.outbox.send(student, 'RATE_LIMITED', { retryAfterMs: r.retryAfterMs, requestId: p.requestId });
    } catch {
      this.o.outbox.send(student, 'ERROR', {
        code: ErrorCode.ANSWER_FAILED,
        message: LOOKUP_FAILED_MESSAGE,
        requestId: p.requestId,
      });
    }
  }

  /**
   * After a restart: the feed and each student's recent questions come back from SQLite. Questions
   * that were open when the server stopped are handed to the teacher (the relay's queue is gone).
   */
  load(lessonId: string, students: ReadonlyMap<string, Student>): void {
    const rows = this.o.store.recentQuestions(lessonId, FEED_SIZE).reverse();
    for (const row of rows) {
      const student = students.get(row.studentId);
      if (!student) continue;
      const q: Question = {
        ...row,
        student,
        status: row.status as Question['status'],
        source: row.source as Question['source'],
        queuePosition: 0,
        cancel: null,
      };
      student.questionCount++;
      if (q.status === 'queued' || q.status === 'answering') {
        q.status = 'waiting_teacher';
        this.persist(q);
      }
      if (q.status === 'waiting_teacher') student.openQuestions++;
      student.remember(q, RECENT_PER_STUDENT);
      this.questions.set(q.id, q);
    }
  }

  /** A new lesson: the feed starts empty (earlier questions stay in the database). */
  clear(): void {
    for (const q of this.questions.values()) {
      q.cancel?.();
      q.student.openQuestions = 0;
      q.student.recent = null;
    }
    this.questions.clear();
  }

  /** A deleted student: their questions leave memory, and an answer on its way is cancelled. */
  forget(student: Student): void {
    for (const q of this.questions.values()) {
      if (q.student !== student) continue;
      q.cancel?.();
      this.questions.delete(q.id);
    }
    student.recent = null;
  }

  /** After SESSION_STATE: re-send what the tablet may have missed while it was away. */
  replayFor(student: Student): void {
    for (const q of student.recent ?? []) this.replay(q);
  }

  /** The teacher answers a question by hand (it reaches the student like any other answer). */
  answerByTeacher(id: string, text: string): void {
    const q = this.mustFind(id);
    if (text.trim().length === 0) throw new DomainError(ErrorCode.BAD_REQUEST, 'The answer is empty.');
    q.cancel?.();
    this.finish(q, text.trim(), 'teacher', null, true);
  }

  hide(id: string, hidden: boolean): void {
    const q = this.mustFind(id);
    q.hidden = hidden;
    this.persist(q);
    if (hidden) this.o.outbox.send(q.student, 'ANSWER_HIDDEN', { questionId: q.questionId });
    this.o.feed.questionChanged(q);
  }

  feedItem(q: Question): FeedItem {
    return {
      ...this.row(q),
      studentId: q.student.id,
      studentName: q.student.name,
      source: q.source,
    };
  }

  // ---------------------------------------------------------------------------------------------

  private position(q: Question, n: number): void {
    if (q.status !== 'queued' && q.status !== 'answering') return;
    q.queuePosition = n;
    this.o.outbox.send(q.student, 'QUEUE_POSITION', { questionId: q.questionId, queuePosition: n });
  }

  private chunk(q: Question, text: string): void {
    if (q.status !== 'queued' && q.status !== 'answering') return;
    q.status = 'answering';
    q.queuePosition = 0;
    q.answer += text;
    this.o.outbox.send(q.student, 'ANSWER_CHUNK', { questionId: q.questionId, text });
    // The teacher watches answers stream too; the feed batches these to a few frames a second.
    this.o.feed.questionChanged(q);
  }

  private finish(
    q: Question,
    text: string,
    source: Question['source'] & string,
    flag: string | null,
    overrideTeacherWait = false,
  ): void {
    const open = q.status === 'queued' || q.status === 'answering' || q.status === 'waiting_teacher';
    if (!open && !overrideTeacherWait) return;
    if (open) q.student.openQuestions--;
    q.status = 'answered';
    q.answer = text;
    q.source = source;
    q.flag = flag;
    q.answeredAt = this.now();
    q.cancel = null;
    this.persist(q);
    this.o.outbox.send(q.student, 'ANSWER_DONE', this.answerDone(q));
    this.o.feed.questionChanged(q);
    this.o.feed.studentChanged(q.student);
  }

  private toTeacher(q: Question): void {
    if (q.status !== 'queued' && q.status !== 'answering') return;
    q.status = 'waiting_teacher';
    q.cancel = null;
    this.persist(q);
    this.o.outbox.send(q.student, 'TEACHER_WILL_ANSWER', { questionId: q.questionId });
    this.o.feed.questionChanged(q);
  }

  private replay(q: Question): void {
    const { outbox } = this.o;
    switch (q.status) {
      case 'queued':
      case 'answering':
        outbox.send(q.student, 'INTERRUPTION_ACKNOWLEDGED', {
          questionId: q.questionId,
          queuePosition: q.queuePosition,
        });
        if (q.answer) outbox.send(q.student, 'ANSWER_CHUNK', { questionId: q.questionId, text: q.answer });
        break;
      case 'waiting_teacher':
        outbox.send(q.student, 'TEACHER_WILL_ANSWER', { questionId: q.questionId });
        break;
      case 'answered':
        if (q.hidden) outbox.send(q.student, 'ANSWER_HIDDEN', { questionId: q.questionId });
        else outbox.send(q.student, 'ANSWER_DONE', this.answerDone(q));
        break;
    }
  }

  /** The answer as the tablet gets it, when it is given and when it is replayed. */
  private answerDone(q: Question): ServerPayload<'ANSWER_DONE'> {
    return {
      questionId: q.questionId,
      text: q.answer,
      source: q.source ?? 'teacher',
      ...(q.flag ? { flagged: true } : {}),
    };
  }

  /** What the relay is told about where a child is, for a question or a word. */
  private context(student: Student, book: LoadedBook, wordIdx: number) {
    return {
      classId: this.o.classId,
      studentKey: student.key,
      policy: this.o.policy(),
      title: book.title,
      words: book.words,
      wordIdx,
    };
  }

  private remember(q: Question): void {
    this.questions.set(q.id, q);
    if (this.questions.size <= FEED_SIZE) return;
    for (const [id, old] of this.questions) {
      if (this.questions.size <= FEED_SIZE) break;
      // Open questions stay until answered, however old.
      if (old.status === 'answered') this.questions.delete(id);
    }
  }

  private persist(q: Question): void {
    const row = this.row(q);
    this.o.writer.run(() => this.o.store.updateQuestion(row));
  }

  private row(q: Question) {
    return {
      id: q.id,
      questionId: q.questionId,
      questionText: q.questionText,
      bookId: q.bookId,
      wordIdx: q.wordIdx,
      status: q.status,
      answer: q.answer,
      source: q.source,
      flag: q.flag,
      hidden: q.hidden,
      askedAt: q.askedAt,
      answeredAt: q.answeredAt,
    };
  }

  private mustFind(id: string): Question {
    const q = this.questions.get(id);
    if (!q) throw new DomainError(ErrorCode.NOT_FOUND, 'No such question (it may be from an earlier lesson).');
    return q;
  }
}
