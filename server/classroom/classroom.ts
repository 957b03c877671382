// One class: its students (kept between lessons), where each is, its questions, its teacher's live
// feed, and what the teacher can do to it. A lesson is one sitting: while it is open the class code
// admits students and their tablets connect; ending it closes the tablets' sockets and keeps
// everything else. State lives in memory (one small Student per student); SQLite is written
// through the server's GroupCommit for progress and questions, and directly for rare events.
import { BLOCKED_MESSAGE, CloseCode, ErrorCode, type ServerPayload } from '../../shared/protocol/index.js';
import type {
  ClassroomView,
  FeedItem,
  OfflineReload,
  RosterPut,
  RosterView,
  StudentView,
  TakeoverView,
  TeacherPayload,
} from '../../shared/protocol/index.js';
import type { Library, LoadedBook } from '../books/library.js';
import { DomainError } from '../errors.js';
import type { Settings } from '../config.js';
import { classPolicy, type ClassPolicy, type Relay } from '../llm/types.js';
import type { Eraser } from '../store/eraser.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { ClassRow, LessonRow, Store } from '../store/store.js';
import { classHistory } from './history.js';
import type { AttemptLimiter } from './attempts.js';
import { ClassRoster } from './class-roster.js';
import { hashToken, newId, newToken } from './ids.js';
import { checkName, nameApart, nameKey } from './names.js';
import type { Outbox } from './outbox.js';
import { QuestionDesk } from './questions.js';
import { Student, type Question } from './student.js';
import { Takeovers, type Takeover } from './takeovers.js';
import { TeacherFeed } from './teacher-feed.js';

/** What every class on the server shares. */
export interface ClassroomDeps {
  store: Store;
  library: Library;
  outbox: Outbox;
  writer: GroupCommit<Student>;
  eraser: Eraser;
  relay: () => Relay;
  /** A class's settings (the server's with the class's own over them), read when used. */
  settings: (classId: string) => Settings;
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

/** A join either succeeds or, for a name in use on another tablet, waits for the teacher. */
export type JoinOutcome = JoinResult | { room: Classroom; pending: Takeover };

export class Classroom {
  readonly students = new Map<string, Student>();
  /** Removed from the lesson by the teacher: not on the roster, their record kept (the report, Put back). */
  readonly removed = new Map<string, Student>();
  readonly feed: TeacherFeed;
  readonly desk: QuestionDesk;
  private readonly byToken = new Map<string, Student>();
  /** How many students have each name (nameKey), so a second "Mia" can be told apart at once. */
  private readonly nameKeys = new Map<string, number>();
  /** The names children tap instead of typing, when the teacher gave a list. */
  readonly list: ClassRoster;
  private readonly takeovers: Takeovers;
  /** The open lesson, else the last one (null before the first). */
  private lesson: LessonRow | null;

  constructor(
    private readonly row: ClassRow,
    private readonly d: ClassroomDeps,
  ) {
    this.feed = new TeacherFeed(d.now);
    const lessons = d.store.lessonsOf(row.id);
    this.lesson = lessons.at(-1) ?? null;
    this.desk = new QuestionDesk({
      store: d.store,
      writer: d.writer,
      library: d.library,
      outbox: d.outbox,
      feed: this.feed,
      relay: d.relay,
      policy: () => this.policy(),
      classId: row.id,
      lessonId: () => this.lesson?.id ?? '',
      now: d.now,
    });
    this.feed.attach(this);
    this.list = new ClassRoster(row.id, d.store.rosters);
    this.takeovers = new Takeovers(d.now, row.id);
    this.loadRoster();
    if (this.lesson) this.desk.load(this.lesson.id, new Map([...this.students, ...this.removed]));
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
  /** The classes' clock (tests pass their own): what every time the class keeps is read on. */
  now(): number {
    return this.d.now();
  }

  /** This class's settings now. */
  settings(): Settings {
    return this.d.settings(this.row.id);
  }

  /** What the relay needs of this class's settings, sent with each question and word. */
  policy(): ClassPolicy {
    return classPolicy(this.settings());
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
    if (student.blocked) throw new DomainError(ErrorCode.BLOCKED, BLOCKED_MESSAGE);
    this.mustBeInLesson();
    student.seenIn = this.lesson!.id;
    return { room: this, student, token, resumed: true };
  }

  /**
   * A typed name, after the class code was found right: a new student, marked apart from a child
   * of the same name ("Mia (2)"). With a roster, the typed name must be one of its names.
   */
  admit(rawName: string, address: string, token?: string): JoinOutcome {
    this.mustBeInLesson();
    if (this.list.active) {
      const entry = this.list.named(rawName.normalize('NFC').trim().replace(/\s+/gu, ' '));
      if (!entry) {
        throw new DomainError(
          ErrorCode.BAD_NAME,
          'Please tap your name in the list. If it is not there, ask your teacher.',
        );
      }
      return this.takeEntry(entry.id, entry.label, token, address);
    }
    const checked = checkName(rawName, this.settings().nameFilter);
    if (!checked.ok) throw new DomainError(ErrorCode.BAD_NAME, checked.message);
    return this.newStudent(checked.name, null, address);
  }

  /** The child tapped a roster name. */
  joinByRoster(rosterId: string, token: string | undefined, address: string): JoinOutcome {
    this.mustBeInLesson();
    const entry = this.list.get(rosterId);
    if (!entry) {
      throw new DomainError(
        ErrorCode.BAD_NAME,
        'That name is not on your class list any more. Please ask your teacher.',
      );
    }
    return this.takeEntry(entry.id, entry.label, token, address);
  }

  /** The answer to a tablet waiting to take over a name; undefined if the secret is not this class's. */
  takeoverAnswer(secret: string): JoinOutcome | undefined {
    const t = this.takeovers.answer(secret);
    if (!t) return undefined;
    if (t.decision === 'waiting') return { room: this, pending: t };
    if (t.decision === 'denied') {
      throw new DomainError(
        ErrorCode.TAKEOVER_DENIED,
        'Your teacher kept this name on the other tablet. Please ask your teacher which name to tap.',
      );
    }
    this.mustBeInLesson();
    if (t.student.blocked) throw new DomainError(ErrorCode.BLOCKED, BLOCKED_MESSAGE);
    if (!this.students.has(t.student.id)) throw new DomainError(ErrorCode.NOT_FOUND, 'No such student in this class.');
    return this.handOver(t.student);
  }

  /** A roster name: the student who took it (asking the teacher if another tablet has it now), or a new one. */
  private takeEntry(entryId: string, label: string, token: string | undefined, address: string): JoinOutcome {
    const student = this.studentOfEntry(entryId);
    if (!student) return this.newStudent(label, entryId, address);
    if (student.blocked) throw new DomainError(ErrorCode.BLOCKED, BLOCKED_MESSAGE);
    if (token !== undefined && hashToken(token) === student.tokenHash) return this.resume(student, token);
    if (student.socket !== null || student.seenIn === this.lesson!.id) {
      const pending = this.takeovers.ask(student);
      this.feed.takeoversChanged();
      return { room: this, pending };
    }
    return this.handOver(student);
  }

  /** The student moves to the asking tablet with a new token; the old tablet's stops working. */
  private handOver(student: Student): JoinResult {
    const token = newToken();
    const tokenHash = hashToken(token);
    this.saving('A tablet could not take over a name', () => this.d.store.setStudentToken(student.id, tokenHash));
    this.byToken.delete(student.tokenHash);
    student.tokenHash = tokenHash;
    this.byToken.set(tokenHash, student);
    student.socket?.close(CloseCode.REPLACED, 'Taken over on another tablet');
    student.seenIn = this.lesson!.id;
    return { room: this, student, token, resumed: true };
  }

  private newStudent(name: string, rosterId: string | null, address: string): JoinResult {
    if (this.row.joinLocked) {
      throw new DomainError(ErrorCode.JOIN_LOCKED, 'Joining is closed right now. Please ask your teacher.');
    }
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
    const student = new Student({
      id: newId(),
      key: this.d.nextStudentKey(),
      name: nameApart(name, this.nameKeys),
      tokenHash: hashToken(token),
      bookId: this.book().id,
      updatedAt: now,
      rosterId,
    });
    student.seenIn = this.lesson!.id;
    this.saving('A student could not join', () =>
      this.d.store.insertStudent(student.id, this.row.id, student.name, student.tokenHash, now, rosterId),
    );
    this.d.joins.record(address, now);
    this.add(student);
    this.feed.studentChanged(student);
    return { room: this, student, token, resumed: false };
  }

  /** Disk full or the database locked by another program: nothing was promised yet. */
  private saving(what: string, write: () => void): void {
    try {
      write();
    } catch (err) {
      this.feed.alert('error', `${what}: saving failed (${(err as Error).message}).`);
      throw new DomainError(
        ErrorCode.SERVER_BUSY,
        'The class computer is busy right now. Please try again in a moment.',
        5,
      );
    }
  }

  private studentOfEntry(entryId: string): Student | undefined {
    for (const s of this.students.values()) if (s.rosterId === entryId) return s;
    return undefined;
  }

  /** The student a socket's token belongs to, for the upgrade check: only during a lesson. */
  authenticate(token: string): Student | undefined {
    if (!this.lessonOpen) return undefined;
    const student = this.byToken.get(hashToken(token));
    if (!student || student.blocked) return undefined;
    student.seenIn = this.lesson!.id;
    return student;
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
    if (book.id !== student.bookId && this.lessonOpen) this.bookChanged(student, book.id);
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

  /**
   * The student leaves the lesson: their tablet is let go and may join again (as a new student);
   * their record (figures, questions) stays in the class and its report until deleted.
   */
  remove(studentId: string): void {
    const student = this.mustFind(studentId);
    // What they read in this lesson stays theirs in the reports, though they leave the roster.
    if (this.lessonOpen) this.keepTotals(this.lesson!, [student]);
    this.d.store.setRemoved(student.id, true);
    this.dropTakeovers(student);
    this.drop(student, CloseCode.REMOVED, 'Removed by the teacher');
    this.removed.set(student.id, student);
  }

  /** Undoes remove: the record is back on the roster (the tablet joins again by the class code). */
  putBack(studentId: string): void {
    const student = this.removed.get(studentId);
    if (!student) throw new DomainError(ErrorCode.NOT_FOUND, 'No such removed student in this class.');
    this.d.store.setRemoved(student.id, false);
    this.removed.delete(student.id);
    this.add(student);
    this.feed.studentChanged(student);
  }

  /**
   * Deletes the student's record, erasing it (see store/eraser.ts): their tablet is told to
   * forget what it kept. Resolves once no file of the data folder holds their name or questions.
   */
  erase(studentId: string): Promise<void> {
    const student = this.students.get(studentId) ?? this.removed.get(studentId);
    if (!student) throw new DomainError(ErrorCode.NOT_FOUND, 'No such student in this class.');
    if (this.students.has(student.id)) this.drop(student, CloseCode.DELETED, 'Deleted by the teacher');
    this.removed.delete(student.id);
    // Their name in the class list goes with them (the store deletes its row with theirs).
    if (student.rosterId !== null) this.list.forget(student.rosterId);
    this.dropTakeovers(student);
    this.desk.forget(student);
    this.feed.studentErased(student.id);
    return this.d.eraser.erase(() => this.d.store.deleteStudent(student.id, this.d.now()));
  }

  /**
   * Refuses this child (their token, and their roster name) until unblocked. Acts on the student,
   * not the name: another child called the same is not touched.
   */
  block(studentId: string): void {
    const student = this.mustFind(studentId);
    student.blocked = true;
    this.d.store.setBlocked(student.id, true);
    this.dropTakeovers(student);
    student.socket?.close(CloseCode.BLOCKED, 'Blocked by the teacher');
    this.feed.studentChanged(student);
  }

  unblock(studentId: string): void {
    const student = this.mustFind(studentId);
    student.blocked = false;
    this.d.store.setBlocked(student.id, false);
    this.feed.studentChanged(student);
  }

  /** The teacher tells two children apart ("Mia" becomes "Mia B."); the tablet shows it at once. */
  renameStudent(studentId: string, raw: string): void {
    const student = this.mustFind(studentId);
    const checked = checkName(raw, this.settings().nameFilter);
    if (!checked.ok) throw new DomainError(ErrorCode.BAD_NAME, checked.message);
    const key = nameKey(checked.name);
    if (key !== nameKey(student.name) && this.nameKeys.has(key)) {
      throw new DomainError(
        ErrorCode.CONFLICT,
        `Another child in this class is called ${checked.name}. ` +
          `Choose a name that tells them apart, such as "${checked.name} B."`,
      );
    }
    this.d.store.setStudentName(student.id, checked.name);
    this.unkeyName(student.name);
    student.name = checked.name;
    this.keyName(student.name);
    this.d.outbox.send(student, 'NAME_CHANGED', { name: student.name });
    this.feed.studentChanged(student);
    for (const q of this.desk.questions.values()) if (q.student === student) this.feed.questionChanged(q);
  }

  /** Lets a waiting tablet take over the name (it collects the student on its next ask) or turns it away. */
  decideTakeover(id: string, allow: boolean): void {
    this.takeovers.decide(id, allow);
    this.feed.takeoversChanged();
  }

  rosterView(): RosterView {
    return this.list.view((entryId) => this.studentOfEntry(entryId)?.id ?? null);
  }

  /** The teacher's list, saved whole; students keep the entries they took (or are unlinked from dropped ones). */
  setRoster(body: RosterPut): RosterView {
    this.list.replace(body);
    for (const s of this.students.values()) if (s.rosterId !== null && !this.list.get(s.rosterId)) s.rosterId = null;
    return this.rosterView();
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

  /** The book the teacher assigned to this class. */
  get bookId(): string {
    return this.row.bookId;
  }

  /** Whether this class reads the book: it is the class's book, or one of its students is still in it. */
  hasBook(bookId: string): boolean {
    if (this.row.bookId === bookId) return true;
    for (const s of this.students.values()) if (s.bookId === bookId) return true;
    return false;
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
    this.keepTotals(lesson);
    this.closeSockets(CloseCode.SESSION_ENDED, 'Lesson ended');
    this.feed.classroomChanged();
  }

  /** The book a child leaves and the one they open both count as read in this lesson. */
  private bookChanged(student: Student, bookId: string): void {
    const lessonId = this.lesson!.id;
    const left = student.updatedAt >= this.lesson!.startedAt ? student.bookId : null;
    this.d.writer.run(() => {
      if (left) this.d.store.addLessonBook(lessonId, student.id, left);
      this.d.store.addLessonBook(lessonId, student.id, bookId);
    });
  }

  /**
   * Each child who read in the lesson: their running totals and book as it ended. The next
   * lesson's figures are counted from these (reports across lessons, server/classroom/history.ts).
   */
  private keepTotals(lesson: LessonRow, students: Iterable<Student> = this.students.values()): void {
    try {
      const read = [...students].filter((s) => s.updatedAt >= lesson.startedAt);
      this.d.store.keepLessonTotals(lesson.id, read);
    } catch (err) {
      // The lesson still ends; its figures fold into the next lesson's.
      this.feed.alert('error', `This lesson's reading figures could not be saved (${(err as Error).message}).`);
    }
  }

  /** Every child's record across the class's lessons (removed children too). */
  history() {
    return classHistory({
      rows: this.d.store.reportRows(this.row.id),
      lessons: this.lessons(),
      live: (id) => this.students.get(id),
      titleOf: (id) => this.d.library.get(id)?.title ?? id,
    });
  }

  /** Archived: no lessons until restored; everything is kept. */
  setArchived(archived: boolean): void {
    if (archived) this.endLesson();
    this.row.archivedAt = archived ? (this.row.archivedAt ?? this.d.now()) : null;
    this.save();
  }

  /** The class is being deleted: tablets are told to forget it, dashboards are let go. */
  close(): void {
    this.desk.clear();
    this.closeSockets(CloseCode.DELETED, 'Class deleted');
    this.feed.closeAll(CloseCode.SESSION_ENDED, 'Class deleted');
  }

  /**
   * When the class was last used, for retention: the end of its last lesson; while a lesson is
   * open, the last time a child did anything in it (a lesson left open does not keep a class forever).
   */
  lastUsedAt(): number {
    const lesson = this.lesson;
    if (lesson === null) return this.row.createdAt;
    if (lesson.endedAt !== null) return lesson.endedAt;
    let last = lesson.startedAt;
    for (const s of this.students.values()) if (s.lastActivity > last) last = s.lastActivity;
    return last;
  }

  /** What a lesson's end clears: the tablets' sockets, and what only a live tablet has (reading, a hand up). */
  closeSockets(code: number, reason: string): void {
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
      takeovers: this.takeovers.waiting(),
    };
  }

  takeoverViews(): TakeoverView[] {
    return this.takeovers.waiting();
  }

  feedItem(q: Question): FeedItem {
    return this.desk.feedItem(q);
  }

  roster(): Iterable<Student> {
    return this.students.values();
  }

  /** Every record of the class, removed students' too: what the report covers. */
  records(): Student[] {
    return [...this.students.values(), ...this.removed.values()];
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
    this.keyName(student.name);
  }

  private keyName(name: string): void {
    const key = nameKey(name);
    this.nameKeys.set(key, (this.nameKeys.get(key) ?? 0) + 1);
  }

  private unkeyName(name: string): void {
    const key = nameKey(name);
    const n = this.nameKeys.get(key) ?? 0;
    if (n <= 1) this.nameKeys.delete(key);
    else this.nameKeys.set(key, n - 1);
  }

  private dropTakeovers(student: Student): void {
    this.takeovers.drop(student);
    this.feed.takeoversChanged();
  }

  private drop(student: Student, code: number, reason: string): void {
    this.students.delete(student.id);
    this.byToken.delete(student.tokenHash);
    this.unkeyName(student.name);
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
      const s = new Student({
        ...row,
        key: this.d.nextStudentKey(),
        bookId: row.bookId ?? this.row.bookId,
        updatedAt: row.updatedAt ?? row.createdAt,
      });
      if (row.removed) {
        this.removed.set(s.id, s);
        continue;
      }
      this.add(s);
    }
  }
}
