// The hot state of one student: ids and numbers, not the book. One of these exists per student
// for the life of the class, so it stays small and its shape stays fixed (V8 hidden class).
import type { WebSocket } from 'ws';
import type { Dirty } from '../store/group-commit.js';
import type { ProgressWrite } from '../store/store.js';
import { StudentStatus, type AnswerSource, type OfflineReload } from '../../shared/protocol/codes.js';
import type { QuestionStatus } from '../../shared/protocol/index.js';

/** A question's live record, kept while it is open and for a while after (feed, replay on reconnect). */
export interface Question {
  id: string;
  questionId: string;
  student: Student;
  questionText: string;
  bookId: string;
  wordIdx: number;
  status: QuestionStatus;
  queuePosition: number;
  answer: string;
  source: AnswerSource | null;
  flag: string | null;
  hidden: boolean;
  askedAt: number;
  answeredAt: number | null;
  cancel: (() => void) | null;
}

/** What a Student starts from: a join gives who and which book; a row of SQLite carries the rest. */
export interface StudentInit
  extends
    Pick<ProgressWrite, 'id' | 'bookId' | 'updatedAt'>,
    Partial<Omit<ProgressWrite, 'id' | 'bookId' | 'updatedAt'>> {
  key: number;
  name: string;
  tokenHash: string;
  rosterId?: string | null;
  blocked?: boolean;
}

const READING_WINDOW_MS = 20_000;
const IDLE_AFTER_MS = 120_000;
/** Progress gaps longer than this are not counted as reading time (the tablet slept). */
const MAX_READING_GAP_MS = 30_000;
/** A jump forward by more than this many words is navigation, not reading. */
const MAX_WORDS_PER_UPDATE = 400;

export class Student implements Dirty, ProgressWrite {
  queued = false;
  socket: WebSocket | null = null;
  /** Cleared by each heartbeat sweep, set by any frame or pong. */
  alive = true;
  address = '';
  savedSeq: number;
  playing = false;
  handRaised = false;
  openQuestions = 0;
  questionCount = 0;
  /** The last few questions, for replay after a reconnect (most recent last); null until the first. */
  recent: Question[] | null = null;
  /** Flood control: frames left in the bucket and when it was last refilled. */
  tokens = 0;
  tokensAt = 0;
  warnedAt = 0;
  drops = 0;
  lastStatus: StudentStatus = StudentStatus.OFFLINE;
  /** What the tablet said about reloading offline; kept while it is away (that is when it matters). */
  offlineReload: OfflineReload | null = null;
  /** The roster entry this student took (null: joined by typing). */
  rosterId: string | null = null;
  /** The lesson in which a tablet last joined or connected as this student: its name is in use then. */
  seenIn: string | null = null;

  readonly id: string;
  /** Opaque number for the relay's fairness and rate limits (never the id). */
  readonly key: number;
  /** The teacher may rename a student (two children of one name told apart). */
  name: string;
  /** Changes when the teacher lets another tablet take the student over. */
  tokenHash: string;
  blocked: boolean;
  bookId: string;
  wordIdx: number;
  audioTs: number;
  seq: number;
  readMs: number;
  wordsRead: number;
  updatedAt: number;
  lastActivity: number;

  /** A new student starts at the beginning of `bookId`; one loaded from SQLite carries on where it was. */
  constructor(o: StudentInit) {
    this.id = o.id;
    this.key = o.key;
    this.name = o.name;
    this.tokenHash = o.tokenHash;
    this.blocked = o.blocked ?? false;
    this.bookId = o.bookId;
    this.wordIdx = o.wordIdx ?? 0;
    this.audioTs = o.audioTs ?? 0;
    this.seq = o.seq ?? 0;
    this.readMs = o.readMs ?? 0;
    this.wordsRead = o.wordsRead ?? 0;
    this.updatedAt = o.updatedAt;
    this.lastActivity = o.updatedAt;
    this.savedSeq = this.seq;
    this.rosterId = o.rosterId ?? null;
  }

  /** Applies a newer position; reading time and words read grow only with plausible reading. */
  move(bookId: string, wordIdx: number, audioTs: number, seq: number, playing: boolean, now: number): void {
    const gap = now - this.updatedAt;
    if (this.playing && gap > 0 && gap < MAX_READING_GAP_MS) this.readMs += gap;
    const forward = wordIdx - this.wordIdx;
    if (bookId === this.bookId && forward > 0 && forward <= MAX_WORDS_PER_UPDATE) this.wordsRead += forward;
    this.bookId = bookId;
    this.wordIdx = wordIdx;
    this.audioTs = audioTs;
    this.seq = seq;
    this.playing = playing;
    this.updatedAt = now;
    this.lastActivity = now;
  }

  remember(q: Question, keep: number): void {
    const recent = (this.recent ??= []);
    recent.push(q);
    if (recent.length > keep) recent.shift();
  }

  status(now: number): StudentStatus {
    if (this.socket === null) return StudentStatus.OFFLINE;
    if (this.openQuestions > 0) return StudentStatus.ASKING;
    const quiet = now - this.lastActivity;
    if (this.playing && quiet < READING_WINDOW_MS) return StudentStatus.READING;
    return quiet < IDLE_AFTER_MS ? StudentStatus.PAUSED : StudentStatus.IDLE;
  }
}
