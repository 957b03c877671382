// Where the student is, kept on the tablet and sent to the server.
//
// Every move gets the next `seq` and is written to localStorage at once, so a reload, a crash or a
// flat battery never loses more than the last word. Moves go to the server throttled (one update
// every few seconds while reading) and at once when asked (pause, page hidden, Ask). Only the
// latest position matters, so while offline nothing queues up: on reconnect the latest unsaved
// position is sent. The server acknowledges with PROGRESS_SAVED { seq } (everything up to seq is
// on disk).
//
// On (re)connect the server's SESSION_STATE says what it has. If the tablet's seq is higher, the
// server lost its last moments (a crash, a restore): the tablet's position wins and is sent.
// Otherwise the server's wins (another tablet, or this one after its storage was cleared).
import type { ClientPayload } from '../../../shared/protocol/index.js';
import { hasFields, load, save } from './storage.js';

export interface SavedProgress {
  /** Whose position this is (a shared tablet must not give one child's place to another). */
  owner: string;
  bookId: string;
  wordIdx: number;
  audioTs: number;
  seq: number;
  /** Highest seq the server confirmed. */
  savedSeq: number;
}

export interface ServerPosition {
  bookId: string;
  wordIdx: number;
  audioTs: number;
  seq: number;
}

export interface ProgressOptions {
  owner: string;
  send(update: ClientPayload<'PROGRESS_UPDATE'>): boolean;
  /** Throttle while reading. */
  intervalMs?: number;
}

const KEY = 'progress';

const isSaved = (v: unknown): v is SavedProgress =>
  hasFields(v, {
    owner: 'string',
    bookId: 'string',
    wordIdx: 'number',
    audioTs: 'number',
    seq: 'number',
    savedSeq: 'number',
  });

export class Progress {
  private p: SavedProgress | null;
  private sentSeq = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private playing = false;

  constructor(private readonly o: ProgressOptions) {
    const saved = load(KEY, isSaved);
    this.p = saved && saved.owner === o.owner ? saved : null;
  }

  /** The tablet's own latest position, if it has one for this student. */
  get current(): Readonly<SavedProgress> | null {
    return this.p;
  }

  get unsaved(): boolean {
    return this.p !== null && this.p.seq > this.p.savedSeq;
  }

  /** The student is now at this word. */
  move(bookId: string, wordIdx: number, audioTs: number, playing: boolean): void {
    const prev = this.p;
    if (prev && prev.bookId === bookId && prev.wordIdx === wordIdx && this.playing === playing) return;
    this.playing = playing;
    this.p = {
      owner: this.o.owner,
      bookId,
      wordIdx,
      audioTs,
      seq: (prev?.seq ?? 0) + 1,
      savedSeq: prev?.savedSeq ?? 0,
    };
    save(KEY, this.p);
    if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.o.intervalMs ?? 3000);
  }

  /** Read-aloud started or stopped at the same word: the teacher's grid shows reading or paused. */
  setPlaying(playing: boolean): void {
    const p = this.p;
    if (p) this.move(p.bookId, p.wordIdx, p.audioTs, playing);
    else this.playing = playing;
  }

  /** Sends the latest position now if the server does not have it yet. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const p = this.p;
    if (!p || p.seq <= this.sentSeq || p.seq <= p.savedSeq) return;
    if (this.o.send({ bookId: p.bookId, wordIdx: p.wordIdx, audioTs: p.audioTs, seq: p.seq, playing: this.playing }))
      this.sentSeq = p.seq;
  }

  /**
   * The latest position as an update, to send again as a "are you there?": the server answers a
   * seq it already has at once with PROGRESS_SAVED, even while its disk is busy.
   */
  latest(): ClientPayload<'PROGRESS_UPDATE'> | null {
    const p = this.p;
    return p && p.seq > 0
      ? { bookId: p.bookId, wordIdx: p.wordIdx, audioTs: p.audioTs, seq: p.seq, playing: this.playing }
      : null;
  }

  /** The socket opened again: what was sent on the old one may never have arrived. */
  reconnected(): void {
    this.sentSeq = 0;
  }

  saved(seq: number): void {
    if (!this.p || seq <= this.p.savedSeq) return;
    this.p = { ...this.p, savedSeq: Math.min(seq, this.p.seq) };
    save(KEY, this.p);
  }

  /**
   * SESSION_STATE arrived: returns the position to show. The tablet's own wins when its seq is
   * higher, and is sent at once.
   */
  reconcile(server: ServerPosition): ServerPosition {
    const mine = this.p;
    this.sentSeq = 0;
    if (mine && mine.seq > server.seq) {
      this.p = { ...mine, savedSeq: Math.min(mine.savedSeq, server.seq) };
      save(KEY, this.p);
      this.flush();
      return mine;
    }
    this.p = { owner: this.o.owner, ...server, savedSeq: server.seq };
    save(KEY, this.p);
    return server;
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
