// Every class on the server, each its own Classroom. Finds the class a join, a tablet's socket or a
// teacher's token belongs to; creates, archives and deletes classes; and keeps the wrong-code
// limits for the whole server, so guessing is as hard with hundreds of classes as with one.
import { ErrorCode, type TeacherPayload, type TeacherType } from '../../shared/protocol/index.js';
import { DomainError } from '../errors.js';
import type { ClassRow } from '../store/store.js';
import { AttemptLimiter, CodeGuard } from './attempts.js';
import { Classroom, type ClassroomDeps, type JoinOutcome } from './classroom.js';
import { hashToken, newClassCode, newId, newToken, normaliseClassCode } from './ids.js';
import type { Student } from './student.js';

/**
 * With several socket workers (server/cluster/), the classes this process owns. Every other
 * class is in the same database but served by another worker: this registry neither loads it
 * nor gives out its code. `seeds` is the one worker that makes the first class of an empty server.
 */
export interface Placement {
  owns(classId: string): boolean;
  seeds: boolean;
}

const EVERY_CLASS: Placement = { owns: () => true, seeds: true };

export type RegistryDeps = Omit<ClassroomDeps, 'joins' | 'nextStudentKey'> & {
  joinsPerMinutePerIp: number;
  placement?: Placement;
};

/** How many fresh codes to draw before giving up: a clash is one in millions per draw. */
const CODE_DRAWS = 20;
export const CLASS_NAME_MAX = 80;
const DAY_MS = 86_400_000;

export class ClassRegistry {
  private readonly rooms = new Map<string, Classroom>();
  /** sha256 of each class's teacher token. */
  private readonly byTeacherToken = new Map<string, Classroom>();
  private readonly guard = new CodeGuard();
  private readonly deps: ClassroomDeps;
  private readonly placement: Placement;
  private studentKeys = 1;

  constructor(d: RegistryDeps) {
    const { joinsPerMinutePerIp, placement = EVERY_CLASS, ...shared } = d;
    this.placement = placement;
    this.deps = {
      ...shared,
      joins: new AttemptLimiter(joinsPerMinutePerIp),
      nextStudentKey: () => this.studentKeys++,
    };
    for (const row of d.store.classes()) if (placement.owns(row.id)) this.add(new Classroom(row, this.deps));
    this.seedIfEmpty();
  }

  /** A new install (or one whose classes were all deleted) starts with one class, lesson open. */
  private seedIfEmpty(): void {
    if (this.placement.seeds && this.deps.store.classes().length === 0) this.create({ name: 'My class' });
  }

  all(): Classroom[] {
    return [...this.rooms.values()];
  }

  get(classId: string): Classroom | undefined {
    return this.rooms.get(classId);
  }

  mustGet(classId: string): Classroom {
    const room = this.rooms.get(classId);
    if (!room) throw new DomainError(ErrorCode.NOT_FOUND, 'No such class.');
    return room;
  }

  /** The class the admin token acts on among teacher routes: the oldest that is not archived. */
  first(): Classroom {
    const rooms = this.all();
    return rooms.find((r) => !r.archived) ?? rooms[0]!;
  }

  /** The class a teacher token belongs to. */
  byToken(teacherToken: string): Classroom | undefined {
    return this.byTeacherToken.get(hashToken(teacherToken));
  }

  get openLessons(): number {
    let n = 0;
    for (const room of this.rooms.values()) if (room.lessonOpen) n++;
    return n;
  }

  // ---------------------------------------------------------------------------------------------
  // Students

  /** POST /api/join. Throws DomainError with a clear message for every refusal. */
  join(
    body: { classCode: string; name: string; token?: string | undefined; rosterId?: string | undefined },
    address: string,
  ): JoinOutcome {
    const code = normaliseClassCode(body.classCode);
    // A tapped roster name says who joins; the token only proves it is that child's own tablet.
    if (body.token && body.rosterId === undefined) {
      const held = this.holderOf(hashToken(body.token));
      // A tablet that scanned another class's code means to join that class, not to come back.
      if (held && (code === '' || code === held.room.classCode || !this.withCode(code)))
        return held.room.resume(held.student, body.token);
      if (!held) this.mustNotBeErased(body.token);
      // An old token (a removed student's) is ignored: join afresh below.
    }
    const room = this.withRightCode(code, address);
    if (body.rosterId !== undefined) return room.joinByRoster(body.rosterId, body.token, address);
    return room.admit(body.name, address, body.token);
  }

  /**
   * POST /api/join/roster: the names to tap, only for a right code of a class in a lesson; a
   * wrong code counts against the same limits as a wrong join.
   */
  rosterNames(classCode: string, address: string): { id: string; label: string }[] | null {
    const room = this.withRightCode(normaliseClassCode(classCode), address);
    return room.list.active ? room.list.names() : null;
  }

  /** POST /api/join/takeover: what the teacher said to a tablet waiting for a name in use. */
  takeoverAnswer(secret: string): JoinOutcome {
    for (const room of this.rooms.values()) {
      const answer = room.takeoverAnswer(secret);
      if (answer) return answer;
    }
    throw new DomainError(ErrorCode.NOT_FOUND, 'That request has ended. Please tap your name again.');
  }

  /** The class a typed code opens, counting wrong codes per address and over the server. */
  private withRightCode(code: string, address: string): Classroom {
    const now = this.deps.now();
    const wait = this.guard.retryAfter(address, this.openLessons, now);
    if (wait > 0) {
      throw new DomainError(
        ErrorCode.TOO_MANY_ATTEMPTS,
        'Too many wrong class codes. Please wait a minute and try again.',
        Math.ceil(wait / 1000),
      );
    }
    const room = this.withCode(code);
    // A class between lessons answers exactly as a wrong code does: the reply must not tell a
    // guesser that a code exists.
    if (!room || !room.lessonOpen) {
      this.guard.wrong(address, now);
      throw new DomainError(
        ErrorCode.WRONG_CLASS_CODE,
        'That class code is not right, or the class has not started. Check the code on the board.',
      );
    }
    return room;
  }

  /**
   * A deleted student's (or class's) token gets its own answer, so the tablet knows to forget
   * the name, questions and token it kept, instead of joining again as the same child.
   */
  mustNotBeErased(token: string): void {
    if (!this.deps.store.isErasedToken(hashToken(token))) return;
    throw new DomainError(
      ErrorCode.STUDENT_DELETED,
      "This tablet's place in the class was deleted. Join again with the class code.",
    );
  }

  /** The student a socket's token opens in the class of the socket's path, during a lesson. */
  authenticate(classId: string, token: string): { room: Classroom; student: Student } | undefined {
    const room = this.rooms.get(classId);
    const student = room?.authenticate(token);
    return room && student ? { room, student } : undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // IT's actions

  create(o: { name: string; teacherName?: string | undefined }): Classroom {
    const row: ClassRow = {
      id: this.ownedId(),
      name: checkClassName(o.name),
      teacherName: (o.teacherName ?? '').trim().slice(0, CLASS_NAME_MAX),
      classCode: this.freshCode(),
      teacherToken: newToken(),
      bookId: this.deps.library.defaultBookId,
      joinLocked: false,
      publicHost: null,
      createdAt: this.deps.now(),
      archivedAt: null,
    };
    this.deps.store.insertClass(row);
    const room = new Classroom(row, this.deps);
    this.add(room);
    // A new class admits students at once: its join link works as soon as it is handed out.
    room.openLesson();
    return room;
  }

  rename(room: Classroom, name: string, teacherName?: string): void {
    room.rename(checkClassName(name), teacherName?.trim().slice(0, CLASS_NAME_MAX));
  }

  rotateCode(room: Classroom): void {
    room.setCode(this.freshCode());
  }

  rotateTeacherToken(room: Classroom): void {
    this.byTeacherToken.delete(hashToken(room.teacherToken));
    room.setTeacherToken(newToken());
    this.byTeacherToken.set(hashToken(room.teacherToken), room);
  }

  /**
   * Deletes the class and erases every record of it (store/eraser.ts); the server always keeps
   * one class. Resolves once no file of the data folder holds its students' names or questions.
   */
  delete(room: Classroom): Promise<void> {
    if (this.deps.store.classes().length === 1) {
      throw new DomainError(ErrorCode.CONFLICT, 'This is the only class on the server; create another first.');
    }
    return this.erase(room);
  }

  /**
   * Retention: erases every class last used (Classroom.lastUsedAt) more than `days` ago. If that
   * was every class, a new empty one is made, as on a new install. Returns how many went.
   */
  expire(days: number): Promise<number> {
    if (days <= 0) return Promise.resolve(0);
    const cutoff = this.deps.now() - days * DAY_MS;
    const old = this.all().filter((room) => room.lastUsedAt() < cutoff);
    const erased = old.map((room) => this.erase(room));
    this.seedIfEmpty();
    return Promise.all(erased).then(() => old.length);
  }

  private erase(room: Classroom): Promise<void> {
    room.close();
    this.rooms.delete(room.id);
    this.byTeacherToken.delete(hashToken(room.teacherToken));
    return this.deps.eraser.erase(() => this.deps.store.deleteClass(room.id, this.deps.now()));
  }

  // ---------------------------------------------------------------------------------------------
  // Every class at once

  /** Sends a frame to every class's dashboards (server-wide figures: the capacity panel). */
  broadcast<T extends TeacherType>(type: T, payload: TeacherPayload<T>): void {
    for (const room of this.rooms.values()) room.feed.broadcast(type, payload);
  }

  /** Something every teacher must know (saving progress failed for the whole server). */
  alert(level: 'info' | 'warning' | 'error', message: string): void {
    for (const room of this.rooms.values()) room.feed.alert(level, message);
  }

  get dashboards(): number {
    let n = 0;
    for (const room of this.rooms.values()) n += room.feed.connected;
    return n;
  }

  closeAll(code: number, reason: string): void {
    for (const room of this.rooms.values()) room.feed.closeAll(code, reason);
  }

  // ---------------------------------------------------------------------------------------------

  private add(room: Classroom): void {
    this.rooms.set(room.id, room);
    this.byTeacherToken.set(hashToken(room.teacherToken), room);
  }

  private holderOf(tokenHash: string): { room: Classroom; student: Student } | undefined {
    for (const room of this.rooms.values()) {
      const student = room.holderOf(tokenHash);
      if (student) return { room, student };
    }
    return undefined;
  }

  private withCode(code: string): Classroom | undefined {
    for (const room of this.rooms.values()) if (room.classCode === code) return room;
    return undefined;
  }

  /** A new class id that this worker owns (one draw when it owns every class, N on average of N). */
  private ownedId(): string {
    for (;;) {
      const id = newId();
      if (this.placement.owns(id)) return id;
    }
  }

  private freshCode(): string {
    for (let i = 0; i < CODE_DRAWS; i++) {
      const code = newClassCode();
      // Another worker's class may hold it: the database knows every class's code.
      if (!this.withCode(code) && !this.deps.store.codeInUse(code)) return code;
    }
    throw new DomainError(ErrorCode.SERVER_BUSY, 'Could not find a free class code; please try again.');
  }
}

function checkClassName(raw: string): string {
  const name = raw
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim()
    .replace(/\s+/gu, ' ');
  if (name.length === 0) throw new DomainError(ErrorCode.BAD_REQUEST, 'A class needs a name.');
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- counts code points, as names.ts does
  if ([...name].length > CLASS_NAME_MAX) {
    throw new DomainError(ErrorCode.BAD_REQUEST, `Class names are at most ${CLASS_NAME_MAX} characters.`);
  }
  return name;
}
