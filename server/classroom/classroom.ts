// The class in session: who is in it, where each student is, and what the teacher can do to it.
// State lives in memory (one small Student per student); SQLite is written through GroupCommit
// for progress and directly for rare events (join, block, session changes).
import { CloseCode, ErrorCode, type ServerPayload } from '../../shared/protocol/index.js';
import type { ClassroomView, OfflineReload, StudentView } from '../../shared/protocol/index.js';
import type { Library, LoadedBook } from '../books/library.js';
import { GroupCommit } from '../store/group-commit.js';
import type { SessionRow, Store } from '../store/store.js';
import { AttemptLimiter } from './attempts.js';
import { HttpError } from './errors.js';
import type { FeedSink } from './feed-sink.js';
import { hashToken, newClassCode, newId, newToken, normaliseClassCode } from './ids.js';
import { checkName, nameKey } from './names.js';
import { Outbox } from './outbox.js';
import { Student } from './student.js';

export interface ClassroomOptions {
  store: Store;
  library: Library;
  outbox: Outbox;
  feed: FeedSink;
  /** Whether rude names are refused (a teacher setting, read at each join). */
  nameFilter: () => boolean;
  joinsPerMinutePerIp: number;
  /** The join URL for a class code (depends on the chosen network address and port). */
  joinUrl: (classCode: string, publicHost: string | null) => string;
  /** Addresses the QR code may use, and the one in use when the teacher picked none. */
  hosts: () => { address: string; iface: string }[];
  defaultHost: () => string;
  now?: () => number;
}

export interface JoinResult {
  student: Student;
  token: string;
  resumed: boolean;
}

export class Classroom {
  session: SessionRow;
  readonly students = new Map<string, Student>();
  private readonly byToken = new Map<string, Student>();
  private readonly blockedNames = new Set<string>();
  private readonly attempts = new AttemptLimiter();
  /** New students per address per minute (setting joinsPerMinutePerIp). */
  private readonly joins: AttemptLimiter;
  private nextKey = 1;
  readonly writer: GroupCommit<Student>;
  private readonly now: () => number;

  constructor(private readonly o: ClassroomOptions) {
    this.now = o.now ?? Date.now;
    this.joins = new AttemptLimiter(o.joinsPerMinutePerIp, 60_000);
    this.writer = new GroupCommit<Student>(o.store.db, {
      write: (s) => o.store.writeProgress(s),
      saved: (s) => {
        s.savedSeq = s.seq;
        o.outbox.progressSaved(s, s.seq);
      },
      failed: (err, attempt) => {
        // Students keep reading: their tablets hold their positions until a commit goes through.
        if (attempt === 1)
          o.feed.alert('error', `Saving progress failed (${err.message}). Retrying; students can keep reading.`);
      },
      recovered: () => o.feed.alert('info', 'Saving progress works again; nothing was lost.'),
    });
    this.session = o.store.activeSession() ?? this.startSession(o.library.defaultBookId);
    this.loadRoster();
  }

  // ---------------------------------------------------------------------------------------------
  // Joining and connecting

  /** POST /api/join. Throws HttpError with a clear message for every refusal. */
  join(body: { classCode: string; name: string; token?: string | undefined }, address: string): JoinResult {
    if (body.token) {
      const student = this.byToken.get(hashToken(body.token));
      if (student) {
        if (student.blocked)
          throw new HttpError(403, ErrorCode.BLOCKED, 'Your teacher has paused your access. Please ask your teacher.');
        return { student, token: body.token, resumed: true };
      }
      // An old token (ended session, removed student) is ignored: join afresh below.
    }
    const wait = this.attempts.retryAfter(address, this.now());
    if (wait > 0) {
      throw new HttpError(
        429,
        ErrorCode.TOO_MANY_ATTEMPTS,
        'Too many wrong class codes. Please wait a minute and try again.',
        Math.ceil(wait / 1000),
      );
    }
    if (normaliseClassCode(body.classCode) !== this.session.classCode) {
      this.attempts.record(address, this.now());
      throw new HttpError(
        403,
        ErrorCode.WRONG_CLASS_CODE,
        'That class code is not right. Check the code on the board.',
      );
    }
    if (this.session.joinLocked) {
      throw new HttpError(403, ErrorCode.JOIN_LOCKED, 'Joining is closed right now. Please ask your teacher.');
    }
    const checked = checkName(body.name, this.o.nameFilter());
    if (!checked.ok) throw new HttpError(400, ErrorCode.BAD_NAME, checked.message);
    if (this.blockedNames.has(nameKey(checked.name))) {
      throw new HttpError(403, ErrorCode.BLOCKED, 'Your teacher has paused your access. Please ask your teacher.');
    }
    const joinWait = this.joins.retryAfter(address, this.now());
    if (joinWait > 0) {
      throw new HttpError(
        429,
        ErrorCode.TOO_MANY_ATTEMPTS,
        'Too many new students from this network at once. Please wait a minute and try again.',
        Math.ceil(joinWait / 1000),
      );
    }
    const token = newToken();
    const now = this.now();
    const student = new Student(
      newId(),
      this.nextKey++,
      checked.name,
      hashToken(token),
      false,
      this.session.bookId,
      0,
      0,
      0,
      0,
      0,
      now,
      now,
    );
    try {
      this.o.store.insertStudent(student.id, this.session.id, student.name, student.tokenHash, now);
    } catch (err) {
      // Disk full or the database locked by another program: nothing was promised yet.
      this.o.feed.alert('error', `A student could not join: saving failed (${(err as Error).message}).`);
      throw new HttpError(
        503,
        ErrorCode.SERVER_BUSY,
        'The class computer is busy right now. Please try again in a moment.',
        5,
      );
    }
    this.joins.record(address, now);
    this.add(student);
    this.o.feed.studentChanged(student);
    return { student, token, resumed: false };
  }

  /** Finds the student a socket's token belongs to, for the upgrade check. */
  authenticate(sessionId: string, token: string): Student | undefined {
    if (sessionId !== this.session.id) return undefined;
    const student = this.byToken.get(hashToken(token));
    return student && !student.blocked ? student : undefined;
  }

  /** Whether the socket that just closed is still the student's current one. */
  detach(student: Student, socket: Student['socket']): void {
    if (student.socket !== socket) return;
    student.socket = null;
    student.playing = false;
    this.o.feed.studentChanged(student);
  }

  sessionState(student: Student, aiAnswers: boolean, speechInput: boolean): ServerPayload<'SESSION_STATE'> {
    const book = this.o.library.get(student.bookId) ?? this.book();
    return {
      studentId: student.id,
      name: student.name,
      bookId: book.id,
      bookTitle: book.title,
      wordIdx: student.wordIdx,
      audioTs: student.audioTs,
      seq: student.savedSeq,
      handRaised: student.handRaised,
      speechInput,
      aiAnswers,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Frames from a student

  progress(
    student: Student,
    p: { bookId: string; wordIdx: number; audioTs: number; seq: number; playing?: boolean | undefined },
  ): void {
    if (p.seq <= student.seq) {
      // Stale or repeated: nothing changes; tell the tablet what is stored.
      this.o.outbox.send(student, 'PROGRESS_SAVED', { seq: student.savedSeq });
      return;
    }
    const book = this.o.library.get(p.bookId);
    if (!book) {
      this.o.outbox.send(student, 'ERROR', {
        code: ErrorCode.UNKNOWN_BOOK,
        message: `No book "${p.bookId}" in this class's library.`,
      });
      return;
    }
    if (p.wordIdx > book.words.length) {
      this.o.outbox.send(student, 'ERROR', {
        code: ErrorCode.BAD_WORD_INDEX,
        message: `wordIdx ${p.wordIdx} is past the end of "${book.title}" (${book.words.length} words).`,
      });
      return;
    }
    // book.id, not p.bookId: the library's string is shared by every student; the parsed one is a copy.
    student.move(book.id, p.wordIdx, p.audioTs, p.seq, p.playing ?? true, this.now());
    this.writer.mark(student);
    this.o.feed.studentChanged(student);
  }

  raiseHand(student: Student, raised: boolean): void {
    student.handRaised = raised;
    student.lastActivity = this.now();
    this.o.outbox.send(student, 'HAND_STATE', { raised });
    this.o.feed.studentChanged(student);
  }

  /** The tablet says whether it can reload the page offline (the teacher's grid shows those that cannot). */
  offlineStatus(student: Student, reload: OfflineReload): void {
    if (student.offlineReload === reload) return;
    student.offlineReload = reload;
    this.o.feed.studentChanged(student);
  }

  // ---------------------------------------------------------------------------------------------
  // Teacher actions

  lowerHand(studentId: string): void {
    this.raiseHand(this.mustFind(studentId), false);
  }

  /** The student leaves the class; they may join again (as a new student). */
  remove(studentId: string): void {
    const student = this.mustFind(studentId);
    this.o.store.setRemoved(student.id);
    this.drop(student, CloseCode.REMOVED, 'Removed by the teacher');
  }

  /** Refuses the tablet's token and the student's name until unblocked. */
  block(studentId: string): void {
    const student = this.mustFind(studentId);
    student.blocked = true;
    this.blockedNames.add(nameKey(student.name));
    this.o.store.setBlocked(student.id, true);
    student.socket?.close(CloseCode.BLOCKED, 'Blocked by the teacher');
    this.o.feed.studentChanged(student);
  }

  unblock(studentId: string): void {
    const student = this.mustFind(studentId);
    student.blocked = false;
    this.blockedNames.delete(nameKey(student.name));
    this.o.store.setBlocked(student.id, false);
    this.o.feed.studentChanged(student);
  }

  rotateCode(): void {
    this.session.classCode = newClassCode();
    this.saveSession();
  }

  setJoinLocked(locked: boolean): void {
    this.session.joinLocked = locked;
    this.saveSession();
  }

  /** The address the QR code uses; null goes back to the detected LAN address. */
  setPublicHost(host: string | null): void {
    if (host !== null && !this.o.hosts().some((h) => h.address === host)) {
      throw new HttpError(400, ErrorCode.BAD_REQUEST, `${host} is not one of this machine's network addresses.`);
    }
    this.session.publicHost = host;
    this.saveSession();
  }

  assignBook(bookId: string): void {
    const book = this.o.library.get(bookId);
    if (!book) throw new HttpError(404, ErrorCode.NOT_FOUND, `No book "${bookId}".`);
    this.session.bookId = book.id;
    this.saveSession();
    for (const student of this.students.values()) {
      this.o.outbox.send(student, 'BOOK_ASSIGNED', { bookId: book.id, bookTitle: book.title });
    }
  }

  /** Ends the class: every tablet is told, and a new session with a new code begins. */
  endSession(): void {
    this.writer.flush();
    this.session.endedAt = this.now();
    this.saveSession();
    for (const student of [...this.students.values()]) this.drop(student, CloseCode.SESSION_ENDED, 'Class ended');
    this.blockedNames.clear();
    this.session = this.startSession(this.session.bookId);
    this.o.feed.classroomChanged();
  }

  // ---------------------------------------------------------------------------------------------
  // Views for the teacher

  book(): LoadedBook {
    return this.o.library.get(this.session.bookId) ?? this.o.library.get(this.o.library.defaultBookId)!;
  }

  view(): ClassroomView {
    const book = this.book();
    return {
      sessionId: this.session.id,
      classCode: this.session.classCode,
      joinUrl: this.o.joinUrl(this.session.classCode, this.session.publicHost),
      joinLocked: this.session.joinLocked,
      bookId: book.id,
      bookTitle: book.title,
      startedAt: this.session.startedAt,
      hosts: this.o.hosts(),
      publicHost: this.session.publicHost ?? this.o.defaultHost(),
    };
  }

  studentView(s: Student, now = this.now()): StudentView {
    const wordCount = this.o.library.get(s.bookId)?.words.length ?? 0;
    return {
      id: s.id,
      name: s.name,
      status: s.status(now),
      bookId: s.bookId,
      wordIdx: s.wordIdx,
      wordCount,
      progress: wordCount > 0 ? Math.min(1, s.wordIdx / wordCount) : 0,
      lastActivity: s.lastActivity,
      handRaised: s.handRaised,
      blocked: s.blocked,
      questions: s.questionCount,
      readMs: s.readMs,
      wordsRead: s.wordsRead,
      offlineReload: s.offlineReload,
    };
  }

  find(studentId: string): Student | undefined {
    return this.students.get(studentId);
  }

  // ---------------------------------------------------------------------------------------------

  private mustFind(studentId: string): Student {
    const student = this.students.get(studentId);
    if (!student) throw new HttpError(404, ErrorCode.NOT_FOUND, 'No such student in this class.');
    return student;
  }

  private add(student: Student): void {
    this.students.set(student.id, student);
    this.byToken.set(student.tokenHash, student);
  }

  private drop(student: Student, code: number, reason: string): void {
    this.students.delete(student.id);
    this.byToken.delete(student.tokenHash);
    student.socket?.close(code, reason);
    student.socket = null;
    this.o.feed.studentRemoved(student.id);
  }

  private startSession(bookId: string): SessionRow {
    const session: SessionRow = {
      id: newId(),
      classCode: newClassCode(),
      bookId,
      joinLocked: false,
      publicHost: null,
      startedAt: this.now(),
      endedAt: null,
    };
    this.o.store.insertSession(session);
    return session;
  }

  private saveSession(): void {
    this.o.store.updateSession(this.session);
    this.o.feed.classroomChanged();
  }

  private loadRoster(): void {
    for (const row of this.o.store.studentsOf(this.session.id)) {
      const s = new Student(
        row.id,
        this.nextKey++,
        row.name,
        row.tokenHash,
        row.blocked,
        row.bookId ?? this.session.bookId,
        row.wordIdx,
        row.audioTs,
        row.seq,
        row.readMs,
        row.wordsRead,
        row.updatedAt ?? row.createdAt,
        row.updatedAt ?? row.createdAt,
      );
      this.add(s);
      if (s.blocked) this.blockedNames.add(nameKey(s.name));
    }
  }
}
