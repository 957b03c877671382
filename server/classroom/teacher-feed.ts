// The teacher's live view over WebSocket: a SNAPSHOT on connect, then DELTA frames carrying only
// what changed, at most four a second, so a class of thousands stays smooth on the dashboard.
import type { WebSocket } from 'ws';
import type {
  Alert,
  FeedItem,
  StudentView,
  TakeoverView,
  TeacherPayload,
  TeacherType,
} from '../../shared/protocol/index.js';
import type { FeedSink } from './feed-sink.js';
import { newId } from './ids.js';
import type { Question, Student } from './student.js';

const BATCH_MS = 250;
/** Status changes that happen by time alone (reading -> paused -> idle) are swept this often. */
const STATUS_SWEEP_MS = 5_000;
const ALERTS_KEPT = 50;

export interface FeedSource {
  snapshot(): TeacherPayload<'SNAPSHOT'>;
  classroom(): TeacherPayload<'SNAPSHOT'>['classroom'];
  studentView(student: Student, now: number): StudentView;
  feedItem(question: Question): FeedItem;
  roster(): Iterable<Student>;
  takeoverViews(): TakeoverView[];
}

export class TeacherFeed implements FeedSink {
  private readonly sockets = new Set<WebSocket>();
  private readonly dirtyStudents = new Set<Student>();
  private readonly dirtyQuestions = new Set<Question>();
  private removed: string[] = [];
  private erased: string[] = [];
  private newAlerts: Alert[] = [];
  readonly alerts: Alert[] = [];
  private classroomDirty = false;
  private takeoversDirty = false;
  private timer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private source: FeedSource | null = null;

  /** `now` is the class's clock: the students' times it compares with come from it. */
  constructor(private readonly now: () => number) {}

  /** The classroom and the feed need each other; the source is attached once both exist. */
  attach(source: FeedSource): void {
    this.source = source;
  }

  get connected(): number {
    return this.sockets.size;
  }

  add(socket: WebSocket): void {
    // Socket errors (resets, invalid frames) end in 'close'.
    socket.on('error', () => {});
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (this.sockets.size === 0) this.stop();
    });
    socket.send(this.frame('SNAPSHOT', this.source!.snapshot()));
    if (this.timer === null) {
      this.timer = setInterval(() => this.flush(), BATCH_MS);
      this.sweepTimer = setInterval(() => this.sweepStatuses(), STATUS_SWEEP_MS);
    }
  }

  /** Sends anything to every dashboard (the capacity panel uses it). */
  broadcast<T extends TeacherType>(type: T, payload: TeacherPayload<T>): void {
    if (this.sockets.size === 0) return;
    const text = this.frame(type, payload);
    for (const socket of this.sockets) socket.send(text);
  }

  closeAll(code: number, reason: string): void {
    for (const socket of this.sockets) socket.close(code, reason);
    this.stop();
  }

  // FeedSink: cheap, called on hot paths; nothing is built until the next batch.
  studentChanged(student: Student): void {
    if (this.sockets.size > 0) this.dirtyStudents.add(student);
  }
  studentRemoved(studentId: string): void {
    if (this.sockets.size > 0) this.removed.push(studentId);
  }
  /** Deleted: the dashboards drop the student and every question of theirs. */
  studentErased(studentId: string): void {
    if (this.sockets.size > 0) this.erased.push(studentId);
  }
  questionChanged(question: Question): void {
    if (this.sockets.size > 0) this.dirtyQuestions.add(question);
  }
  classroomChanged(): void {
    if (this.sockets.size > 0) this.classroomDirty = true;
  }
  takeoversChanged(): void {
    if (this.sockets.size > 0) this.takeoversDirty = true;
  }
  alert(level: Alert['level'], message: string): void {
    const alert: Alert = { id: newId(), level, message, at: this.now() };
    this.alerts.push(alert);
    if (this.alerts.length > ALERTS_KEPT) this.alerts.shift();
    if (this.sockets.size > 0) this.newAlerts.push(alert);
  }

  private flush(): void {
    const src = this.source!;
    const now = this.now();
    const delta: TeacherPayload<'DELTA'> = {};
    if (this.classroomDirty) delta.classroom = src.classroom();
    if (this.takeoversDirty) delta.takeovers = src.takeoverViews();
    if (this.dirtyStudents.size > 0) {
      delta.students = [];
      for (const s of this.dirtyStudents) {
        s.lastStatus = s.status(now);
        delta.students.push(src.studentView(s, now));
      }
    }
    if (this.removed.length > 0) delta.removedStudentIds = this.removed;
    if (this.erased.length > 0) delta.erasedStudentIds = this.erased;
    if (this.dirtyQuestions.size > 0) delta.feed = [...this.dirtyQuestions].map((q) => src.feedItem(q));
    if (this.newAlerts.length > 0) delta.alerts = this.newAlerts;
    this.classroomDirty = false;
    this.takeoversDirty = false;
    this.dirtyStudents.clear();
    this.dirtyQuestions.clear();
    this.removed = [];
    this.erased = [];
    this.newAlerts = [];
    if (Object.keys(delta).length > 0) this.broadcast('DELTA', delta);
  }

  private sweepStatuses(): void {
    const now = this.now();
    for (const s of this.source!.roster()) if (s.status(now) !== s.lastStatus) this.dirtyStudents.add(s);
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.timer = this.sweepTimer = null;
    this.classroomDirty = this.takeoversDirty = false;
    this.dirtyStudents.clear();
    this.dirtyQuestions.clear();
    this.removed = [];
    this.erased = [];
    this.newAlerts = [];
  }

  private frame<T extends TeacherType>(type: T, payload: TeacherPayload<T>): string {
    return JSON.stringify({ type, payload });
  }
}
