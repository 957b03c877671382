// What the dashboard knows about the class, kept from the live feed: a SNAPSHOT replaces it all,
// each DELTA changes only what it names. Plain data and no DOM, so it is tested without a browser.
// Views read it after a change; `students` and `feed` carry their own version numbers so a list
// is re-sorted only when its own data changed, not on every capacity tick.
import type {
  Alert,
  CapacityView,
  ClassroomView,
  FeedItem,
  StudentView,
  TakeoverView,
  TeacherMessage,
  TeacherPayload,
} from '../../../shared/protocol/index.js';

/** Answered questions kept in the dashboard beyond this are dropped, oldest first. */
const FEED_KEPT = 2000;
const ALERTS_KEPT = 20;

export class ClassModel {
  classroom: ClassroomView | null = null;
  readonly students = new Map<string, StudentView>();
  readonly feed = new Map<string, FeedItem>();
  alerts: Alert[] = [];
  /** Tablets waiting for the teacher to let them take over a name in use on another tablet. */
  takeovers: TakeoverView[] = [];
  /** The capacity monitor's latest figures (server/capacity), with its own minute of history. */
  capacity: CapacityView | null = null;
  /** Bumped when any student changes / any feed item changes. */
  studentsVersion = 0;
  feedVersion = 0;
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  apply(frame: TeacherMessage): void {
    switch (frame.type) {
      case 'SNAPSHOT':
        this.snapshot(frame.payload);
        break;
      case 'DELTA':
        this.delta(frame.payload);
        break;
      case 'CAPACITY':
        this.capacity = frame.payload;
        break;
    }
    for (const listener of this.listeners) listener();
  }

  /** A REST answer (rotate code, lock, ...) may arrive before the DELTA saying the same. */
  setClassroom(view: ClassroomView): void {
    this.delta({ classroom: view });
    for (const listener of this.listeners) listener();
  }

  private snapshot(p: TeacherPayload<'SNAPSHOT'>): void {
    this.classroom = p.classroom;
    this.students.clear();
    for (const s of p.students) this.students.set(s.id, s);
    this.feed.clear();
    for (const item of p.feed) this.feed.set(item.id, item);
    this.alerts = p.alerts.slice(-ALERTS_KEPT);
    this.takeovers = p.takeovers;
    this.studentsVersion++;
    this.feedVersion++;
  }

  private delta(p: TeacherPayload<'DELTA'>): void {
    if (p.classroom) {
      // A new lesson: its feed starts empty on the server too.
      if (this.classroom && this.classroom.lessonId !== p.classroom.lessonId) {
        this.feed.clear();
        this.feedVersion++;
      }
      this.classroom = p.classroom;
    }
    if (p.students || p.removedStudentIds || p.erasedStudentIds) {
      for (const s of p.students ?? []) this.students.set(s.id, s);
      for (const id of p.removedStudentIds ?? []) this.students.delete(id);
      for (const id of p.erasedStudentIds ?? []) this.students.delete(id);
      this.studentsVersion++;
    }
    if (p.erasedStudentIds) {
      // A deleted student's questions go from the screen too.
      const erased = new Set(p.erasedStudentIds);
      for (const [id, item] of this.feed) if (erased.has(item.studentId)) this.feed.delete(id);
      this.feedVersion++;
    }
    if (p.feed) {
      for (const item of p.feed) this.feed.set(item.id, item);
      this.trimFeed();
      this.feedVersion++;
    }
    if (p.alerts) this.alerts = [...this.alerts, ...p.alerts].slice(-ALERTS_KEPT);
    if (p.takeovers) this.takeovers = p.takeovers;
  }

  private trimFeed(): void {
    if (this.feed.size <= FEED_KEPT) return;
    for (const [id, item] of this.feed) {
      if (this.feed.size <= FEED_KEPT) break;
      // A question still waiting for an answer stays, however old.
      if (item.status === 'answered') this.feed.delete(id);
    }
  }
}
