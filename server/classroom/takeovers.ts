// Tablets asking for a name that is in use on another tablet. The teacher allows or denies each;
// the waiting tablet asks now and then with the request's secret and gets its answer once.
import type { TakeoverView } from '../../shared/protocol/index.js';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { DomainError } from '../errors.js';
import { classScoped, newId, newToken } from './ids.js';
import type { Student } from './student.js';

/** A request nobody decided is dropped after this (the tablet is told to tap its name again). */
const WAIT_MS = 3 * 60_000;
/** A decided request waits this long for its tablet to ask for the answer. */
const ANSWER_KEPT_MS = 60_000;
/** More waiting at once than a class has children means something is wrong. */
const MAX_WAITING = 100;

export interface Takeover {
  /** Shown to the teacher; the teacher's allow/deny names it. */
  id: string;
  /** Known only to the asking tablet: its way to ask for the answer. */
  secret: string;
  student: Student;
  at: number;
  decision: 'waiting' | 'allowed' | 'denied';
  decidedAt: number;
}

export class Takeovers {
  private readonly byId = new Map<string, Takeover>();

  constructor(
    private readonly now: () => number,
    private readonly classId: string,
  ) {}

  /** A new request for the student's name; an earlier one for the same student is dropped. */
  ask(student: Student): Takeover {
    this.sweep();
    for (const t of this.byId.values()) if (t.student === student && t.decision === 'waiting') this.byId.delete(t.id);
    if (this.byId.size >= MAX_WAITING) {
      throw new DomainError(
        ErrorCode.SERVER_BUSY,
        'Many tablets are waiting for your teacher already. Please ask your teacher.',
        30,
      );
    }
    const t: Takeover = {
      id: newId(),
      secret: classScoped(this.classId, newToken()),
      student,
      at: this.now(),
      decision: 'waiting',
      decidedAt: 0,
    };
    this.byId.set(t.id, t);
    return t;
  }

  decide(id: string, allow: boolean): Takeover {
    this.sweep();
    const t = this.byId.get(id);
    if (!t || t.decision !== 'waiting') {
      throw new DomainError(ErrorCode.NOT_FOUND, 'That tablet stopped waiting, or the request was answered already.');
    }
    t.decision = allow ? 'allowed' : 'denied';
    t.decidedAt = this.now();
    return t;
  }

  /** The request a tablet's secret names; a decided one is handed out once, then forgotten. */
  answer(secret: string): Takeover | undefined {
    this.sweep();
    for (const t of this.byId.values()) {
      if (t.secret !== secret) continue;
      if (t.decision !== 'waiting') this.byId.delete(t.id);
      return t;
    }
    return undefined;
  }

  /** Requests about a student that is leaving the class (removed, blocked). */
  drop(student: Student): void {
    for (const t of this.byId.values()) if (t.student === student) this.byId.delete(t.id);
  }

  waiting(): TakeoverView[] {
    this.sweep();
    const out: TakeoverView[] = [];
    for (const t of this.byId.values()) {
      if (t.decision === 'waiting') out.push({ id: t.id, studentId: t.student.id, name: t.student.name, at: t.at });
    }
    return out;
  }

  private sweep(): void {
    const now = this.now();
    for (const t of this.byId.values()) {
      const gone = t.decision === 'waiting' ? now - t.at > WAIT_MS : now - t.decidedAt > ANSWER_KEPT_MS;
      if (gone) this.byId.delete(t.id);
    }
  }
}
