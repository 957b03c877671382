// One class: its students (kept between lessons), where each is, its questions, its teacher's live
// feed, and what the teacher can do to it. A lesson is one sitting: while it is open the class code
// admits students and their tablets connect; ending it closes the tablets' sockets and keeps
// everything else. State lives in memory (one small Student per student); SQLite is written
// through the server's GroupCommit for progress and questions, and directly for rare events.
import { CloseCode, ErrorCode, type ServerPayload } from '../../shared/protocol/index.js';
import type {
  ClassroomView,
  FeedItem,
  OfflineReload,
  StudentView,
  TeacherPayload,
} from '../../shared/protocol/index.js';
import type { Library, LoadedBook } from '../books/library.js';
import { DomainError } from '../errors.js';
import type { Relay } from '../llm/types.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { ClassRow, LessonRow, Store } from '../store/store.js';
import type { AttemptLimiter } from './attempts.js';
import { hashToken, newId, newToken } from './ids.js';
import { checkName, nameKey } from './names.js';
import type { Outbox } from './outbox.js';
import { QuestionDesk } from './questions.js';
import { Student, type Question } from './student.js';
import { TeacherFeed } from './teacher-feed.js';

/** What every class on the server shares. */
export interface ClassroomDeps {
  store: Store;
  library: Library;
  outbox: Outbox;
  writer: GroupCommit<Student>;
  relay: () => Relay;
  /** Whether rude names are refused (a teacher setting, read at each join). */
  nameFilter: () => boolean;
  /** New students per address per minute, counted over every class. */
  joins: AttemptLimiter;
  /** The join URL for a class code (depends on the chosen network address and port). */
  joinUrl: (classCode: string, publicHost: string | null) => string;
  /** Addresses the QR code may use, and the one in use when the teacher picked none. */
  hosts: () => { address: string; iface: string }[];
  defaultHost: () => string;
  /** Opaque numbers for the relay's fairness, unique over the server. */
  nextStudentKey: () => number;
  now: () => number;
}

export interface JoinResult {
  room: Classroom;
  student: Student;
  token: string;
  resumed: boolean;
}

const PAUSED = 'Your teacher has paused your access. Please ask your teacher.';

export class Classroom {
  readonly students = new Map<string, Student>();
  readonly feed = new TeacherFeed();
  readonly desk: QuestionDesk;
  private readonly byToken = new Map<string, Student>();
  private readonly blockedNames = new Set<string>();
  /** The open lesson, else the last one (null before the first). */
  private lesson: LessonRow | null;

  constructor(
    private readonly row: ClassRow,
    private readonly d: ClassroomDeps,
  ) {
    const lessons = d.store.lessonsOf(row.id);
    this.lesson = lessons.at(-1) ?? null;
    this.desk = new QuestionDesk({
      store: d.store,
      writer: d.writer,
      library: d.library,
      outbox: d.outbox,
      feed: this.feed,
      relay: d.relay,
      classId: row.id,
      lessonId: () => this.lesson?.id ?? '',
      now: d.now,
    });
    this.feed.attach(this);
    this.loadRoster();
    if (this.lesson) this.desk.load(this.lesson.id, this.students);
  }

  get id(): string {
    return this.row.id;
  }
  get name(): string {
    return this.row.name;
  }
  get teacherName(): string {
    return this.row.teacherName;
  }
  get classCode(): string {
    return this.row.classCode;
  }
  get teacherToken(): string {
    return this.row.teacherToken;
  }
  get createdAt(): number {
    return this.row.createdAt;
  }
  get archived(): boolean {
    return this.row.archivedAt !== null;
  }
  get lessonOpen(): boolean {
    return this.lesson !== null && this.lesson.endedAt === null;
  }
  get connected(): number {
    let n = 0;
    for (const s of this.students.values()) if (s.socket !== null) n++;
    return n;
  }

  // ---------------------------------------------------------------------------------------------
  // Joining and connecting (the registry has checked the code, or found the token, first)

  /** The student a token belongs to, if it is one of this class's. */
  holderOf(tokenHash: string): Student | undefined {
    return this.byToken.get(tokenHash);
  }

  /** A tablet comes back with its token. */
  resume(student: Student, token: string): JoinResult {
    if (student.blocked) throw new DomainError(ErrorCode.BLOCKED, PAUSED);
    this.mustBeInLesson();
    return { room: this, student, token, resumed: true };
  }

  /** A new student, after the class code was found right. */
  admit(rawName: string, address: string): JoinResult {
    this.mustBeInLesson();
    if (this.row.joinLocked) {
      throw new DomainError(ErrorCode.JOIN_LOCKED, 'Joining is closed right now. Please ask your teacher.');
    }
    const checked = checkName(rawName, this.d.nameFilter());
    if (!checked.ok) throw new DomainError(ErrorCode.BAD_NAME, checked.message);
    if (this.blockedNames.has(nameKey(checked.name))) throw new DomainError(ErrorCode.BLOCKED, PAUSED);
    const now = this.d.now();
    const joinWait = this.d.joins.retryAfter(address, now);
    if (joinWait > 0) {
      throw new DomainError(
        ErrorCode.TOO_MANY_ATTEMPTS,
        'Too many new students from this network at once. Please wait a minute and try again.',
        Math.ceil(joinWait / 1000),
      );
    }
    const token = newToken();
    const student = new Student(
      newId(),
      this.d.nextStudentKey(),
      checked.name,
      hashToken(token),
      false,
      this.book().id,
      0,
      0,
      0,
      0,
      0,
      now,
      now,
    );
    try {
      this.d.store.insertStudent(student.id, this.row.id, student.name, student.tokenHash, now);
    } catch (err) {
      // Disk full or the database locked by another program: nothing was promised yet.
      this.feed.alert('error', `A student could not join: saving failed (${(err as Error).message}).`);
      throw new DomainError(
        ErrorCode.SERVER_BUSY,
        'The class computer is busy right now. Please try again in a moment.',
        5,
      );
    }
    this.d.joins.record(address, now);
    this.add(student);
    this.feed.studentChanged(student);
    return { room: this, student, token, resumed: false };
  }

  /** The student a socket's token belongs to, for the upgrade check: only during a lesson. */
  authenticate(token: string): Student | undefined {
    if (!this.lessonOpen) return undefined;
    const student = this.byToken.get(hashToken(token));
    return student && !student.blocked ? student : undefined;
  }

  /** Whether the socket that just closed is still the student's current one. */
  detach(student: Student, socket: Student['socket']): void {
    if (student.socket !== socket) return;
    student.socket = null;
    student.playing = false;
    this.feed.studentChanged(student);
  }

  sessionState(student: Student, aiAnswers: boolean, speechInput: boolean): ServerPayload<'SESSION_STATE'> {
    const book = this.d.library.get(student.bookId) ?? this.book();
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
    const { outbox } = this.d;
    if (p.seq <= student.seq) {
      // Stale or repeated: nothing changes; tell the tablet what is stored.
      outbox.send(student, 'PROGRESS_SAVED', { seq: student.savedSeq });
      return;
    }
    const book = this.d.library.get(p.bookId);
    if (!book) {
      outbox.send(student, 'ERROR', {
        code: ErrorCode.UNKNOWN_BOOK,
        message: `No book "${p.bookId}" in this class's library.`,
      });
      return;
    }
    if (p.wordIdx > book.words.length) {
      outbox.send(student, 'ERROR', {
        code: ErrorCode.BAD_WORD_INDEX,
        message: `wordIdx ${p.wordIdx} is past the end of "${book.title}" (${book.words.length} words).`,
      });
      return;
    }
    // book.id, not p.bookId: the library's string is shared by every student; the parsed one is a copy.
    student.move(book.id, p.wordIdx, p.audioTs, p.seq, p.playing ?? true, this.d.now());
    this.d.writer.mark(student);
    this.feed.studentChanged(student);
  }

  raiseHand(student: Student, raised: boolean): void {
    student.handRaised = raised;
    student.lastActivity = this.d.now();
    this.d.outbox.send(student, 'HAND_STATE', { raised });
    this.feed.studentChanged(student);
  }

  /** The tablet says whether it can reload the page offline (the teacher's grid shows those that cannot). */
  offlineStatus(student: Student, reload: OfflineReload): void {
    if (student.offlineReload === reload) return;
    student.offlineReload = reload;
    this.feed.studentChanged(student);
  }

  // ---------------------------------------------------------------------------------------------
  // Teacher actions

  lowerHand(studentId: string): void {
    this.raiseHand(this.mustFind(studentId), false);
  }

  /** The student leaves the class; they may join again (as a new student). */
  remove(studentId: string): void {
    const student = this.mustFind(studentId);
    this.d.store.setRemoved(student.id);
    this.drop(student, CloseCode.REMOVED, 'Removed by the teacher');
  }

  /** Refuses the tablet's token and the student's name until unblocked. */
  block(studentId: string): void {
    const student = this.mustFind(studentId);
    student.blocked = true;
    this.blockedNames.add(nameKey(student.name));
    this.d.store.setBlocked(student.id, true);
    student.socket?.close(CloseCode.BLOCKED, 'Blocked by the teacher');
    this.feed.studentChanged(student);
  }

  unblock(studentId: string): void {
    const student = this.mustFind(studentId);
    student.blocked = false;
    this.blockedNames.delete(nameKey(student.name));
    this.d.store.setBlocked(student.id, false);
    this.feed.studentChanged(student);
  }

  /** A new class code (the registry picks one no other class has). */
  setCode(classCode: string): void {
    this.row.classCode = classCode;
    this.save();
  }

  setTeacherToken(token: string): void {
    this.row.teacherToken = token;
    this.save();
  }

  rename(name: string, teacherName = this.row.teacherName): void {
    this.row.name = name;
    this.row.teacherName = teacherName;
    this.save();
  }

  setJoinLocked(locked: boolean): void {
    this.row.joinLocked = locked;
    this.save();
  }

  /** The address the QR code uses; null goes back to the detected LAN address. */
  setPublicHost(host: string | null): void {
    if (host !== null && !this.d.hosts().some((h) => h.address === host)) {
      throw new DomainError(ErrorCode.BAD_REQUEST, `${host} is not one of this machine's network addresses.`);
    }
    this.row.publicHost = host;
    this.save();
  }

  assignBook(bookId: string): void {
    const book = this.d.library.get(bookId);
    if (!book) throw new DomainError(ErrorCode.NOT_FOUND, `No book "${bookId}".`);
    this.row.bookId = book.id;
    this.save();
    for (const student of this.students.values()) {
      this.d.outbox.send(student, 'BOOK_ASSIGNED', { bookId: book.id, bookTitle: book.title });
    }
  }

  /** Opens a lesson (nothing changes if one is open): the code admits students again. */
  openLesson(): void {
    if (this.lessonOpen) return;
    if (this.archived) throw new DomainError(ErrorCode.CONFLICT, 'This class is archived; restore it first.');
    const lesson: LessonRow = { id: newId(), classId: this.row.id, startedAt: this.d.now(), endedAt: null };
    this.d.store.insertLesson(lesson);
    this.lesson = lesson;
    // The feed shows this lesson's questions; earlier ones stay in the database.
    this.desk.clear();
    this.feed.classroomChanged();
  }

  /** Ends the lesson: every tablet is told and let go; students and their records stay. */
  endLesson(): void {
    const lesson = this.lesson;
    if (lesson === null || lesson.endedAt !== null) return;
    this.d.writer.flush();
    lesson.endedAt = this.d.now();
    this.d.store.endLesson(lesson.id, lesson.endedAt);
    this.closeSockets(CloseCode.SESSION_ENDED, 'Lesson ended');
    this.feed.classroomChanged();
  }

  /** Archived: no lessons until restored; everything is kept. */
  setArchived(archived: boolean): void {
    if (archived) this.endLesson();
    this.row.archivedAt = archived ? (this.row.archivedAt ?? this.d.now()) : null;
    this.save();
  }

  /** The class is being deleted: tablets and dashboards are let go. */
  close(): void {
    this.desk.clear();
    this.closeSockets(CloseCode.SESSION_ENDED, 'Class deleted');
    this.feed.closeAll(CloseCode.SESSION_ENDED, 'Class deleted');
  }

  /** What a lesson's end clears: the tablets' sockets, and what only a live tablet has (reading, a hand up). */
  private closeSockets(code: number, reason: string): void {
    for (const student of this.students.values()) {
      student.socket?.close(code, reason);
      student.socket = null;
      student.playing = false;
      // A hand still up belongs to a lesson that is over.
      student.handRaised = false;
      this.feed.studentChanged(student);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Views for the teacher (FeedSource for the live feed)

  book(): LoadedBook {
    return this.d.library.get(this.row.bookId) ?? this.d.library.get(this.d.library.defaultBookId)!;
  }

  lessons(): LessonRow[] {
    return this.d.store.lessonsOf(this.row.id);
  }

  classroom(): ClassroomView {
    const book = this.book();
    return {
      classId: this.row.id,
      name: this.row.name,
      lessonId: this.lesson?.id ?? null,
      lessonOpen: this.lessonOpen,
      classCode: this.row.classCode,
      joinUrl: this.d.joinUrl(this.row.classCode, this.row.publicHost),
      joinLocked: this.row.joinLocked,
      bookId: book.id,
      bookTitle: book.title,
      startedAt: this.lesson?.startedAt ?? this.row.createdAt,
      hosts: this.d.hosts(),
      publicHost: this.publicHost(),
    };
  }

  /** The address tablets use to reach this class (LAN detection or the teacher's choice). */
  publicHost(): string {
    return this.row.publicHost ?? this.d.defaultHost();
  }

  snapshot(): TeacherPayload<'SNAPSHOT'> {
    const now = this.d.now();
    return {
      classroom: this.classroom(),
      students: [...this.students.values()].map((s) => this.studentView(s, now)),
      feed: [...this.desk.questions.values()].map((q) => this.desk.feedItem(q)),
      alerts: this.feed.alerts,
    };
  }

  feedItem(q: Question): FeedItem {
    return this.desk.feedItem(q);
  }

  roster(): Iterable<Student> {
    return this.students.values();
  }

  studentView(s: Student, now = this.d.now()): StudentView {
    const wordCount = this.d.library.get(s.bookId)?.words.length ?? 0;
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

  // ---------------------------------------------------------------------------------------------

  private mustBeInLesson(): void {
    if (!this.lessonOpen) {
      throw new DomainError(
        ErrorCode.LESSON_CLOSED,
        'Your class is not having a lesson right now. Please ask your teacher.',
      );
    }
  }

  private mustFind(studentId: string): Student {
    const student = this.students.get(studentId);
    if (!student) throw new DomainError(ErrorCode.NOT_FOUND, 'No such student in this class.');
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
    this.feed.studentRemoved(student.id);
  }

  private save(): void {
    this.d.store.updateClass(this.row);
    this.feed.classroomChanged();
  }

  private loadRoster(): void {
    for (const row of this.d.store.studentsOf(this.row.id)) {
      const s = new Student(
        row.id,
        this.d.nextStudentKey(),
        row.name,
        row.tokenHash,
        row.blocked,
        row.bookId ?? this.row.bookId,
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
