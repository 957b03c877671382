// One class on its own (server/classroom/classroom.ts): joining, names told apart, progress,
// a hand up, the teacher's actions on a child, and what ending a lesson clears. The classroom is
// real over a real SQLite file; tablets are recording sockets and the clock is the test's.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BLOCKED_MESSAGE, CloseCode, ErrorCode } from '../../../../shared/protocol/index.js';
import type { Classroom, JoinResult } from '../../../../server/classroom/classroom.js';
import { classroomKit, refusal, type ClassroomKit } from '../../../support/classroom-kit.js';

let kit: ClassroomKit;
let room: Classroom;
let address = 0;

beforeEach(() => {
  kit = classroomKit();
  room = kit.registry.first();
});
afterEach(() => kit.close());

/** A child types a name on a tablet of its own address. */
function join(name: string): JoinResult {
  const outcome = room.admit(name, `192.168.1.${10 + (address++ % 200)}`);
  if (!('student' in outcome)) throw new Error('a typed name never waits for the teacher');
  return outcome;
}

describe('joining', () => {
  it('admits a typed name during a lesson, with a token that opens the tablet’s socket', () => {
    const { student, token, resumed } = join('  Mia  ');
    expect(student.name).toBe('Mia');
    expect(resumed).toBe(false);
    expect(room.authenticate(token)).toBe(student);
    expect(room.students.get(student.id)).toBe(student);
    // The record is on disk: a restarted server finds the child again.
    expect(kit.store.studentsOf(room.id).map((r) => r.name)).toEqual(['Mia']);
  });

  it('tells two children of one name apart at once, and the teacher may rename one', () => {
    const first = join('Mia').student;
    const second = join('mia').student;
    expect(second.name).toBe('mia (2)');
    expect(refusal(() => room.renameStudent(second.id, 'MIA'))).toMatchObject({ code: ErrorCode.CONFLICT });
    const socket = kit.connect(second);
    room.renameStudent(second.id, 'Mia B.');
    expect(second.name).toBe('Mia B.');
    expect(socket.of('NAME_CHANGED')).toEqual([{ name: 'Mia B.' }]);
    // The freed name may be taken again, without a mark.
    room.renameStudent(first.id, 'Mia A.');
    expect(join('Mia').student.name).toBe('Mia');
  });

  it('refuses names the filter rejects, a closed door and a closed lesson, each with its own code', () => {
    expect(refusal(() => room.admit('', '192.168.1.2')).code).toBe(ErrorCode.BAD_NAME);
    room.setJoinLocked(true);
    expect(refusal(() => join('Sam')).code).toBe(ErrorCode.JOIN_LOCKED);
    room.setJoinLocked(false);
    room.endLesson();
    expect(refusal(() => join('Sam')).code).toBe(ErrorCode.LESSON_CLOSED);
  });

  it('lets a tablet come back with its token, but not a blocked child', () => {
    const { student, token } = join('Leo');
    expect(room.resume(student, token)).toMatchObject({ student, resumed: true });
    room.block(student.id);
    expect(refusal(() => room.resume(student, token))).toEqual({ code: ErrorCode.BLOCKED, message: BLOCKED_MESSAGE });
    expect(room.authenticate(token)).toBeUndefined();
    room.unblock(student.id);
    expect(room.authenticate(token)).toBe(student);
  });

  it('limits new students per address per minute', () => {
    const max = kit.settings.joinsPerMinutePerIp;
    for (let i = 0; i < max; i++) room.admit(`Child ${i}`, '10.0.0.9');
    const refused = refusal(() => room.admit('One more', '10.0.0.9'));
    expect(refused.code).toBe(ErrorCode.TOO_MANY_ATTEMPTS);
    kit.clock.now += 61_000;
    expect(() => room.admit('One more', '10.0.0.9')).not.toThrow();
  });
});

describe('progress', () => {
  it('moves the child, counts plausible reading, and tells a stale update what is stored', async () => {
    const { student } = join('Ava');
    const socket = kit.connect(student);
    const bookId = room.bookId;
    room.progress(student, { bookId, wordIdx: 10, audioTs: 1, seq: 1 });
    kit.clock.now += 5_000;
    room.progress(student, { bookId, wordIdx: 40, audioTs: 6, seq: 2 });
    expect(student).toMatchObject({ wordIdx: 40, seq: 2, readMs: 5_000, wordsRead: 40 });
    // Saved by the group commit on the next turn of the loop; the tablet hears the seq it may forget.
    await new Promise((r) => setImmediate(r));
    expect(socket.of('PROGRESS_SAVED').at(-1)).toEqual({ seq: 2 });
    expect(kit.store.studentsOf(room.id)[0]).toMatchObject({ wordIdx: 40, seq: 2 });
    room.progress(student, { bookId, wordIdx: 5, audioTs: 0, seq: 1 });
    expect(student.wordIdx).toBe(40);
    expect(socket.of('PROGRESS_SAVED').at(-1)).toEqual({ seq: 2 });
  });

  it('refuses an unknown book and a place past the end, and keeps the position', () => {
    const { student } = join('Ava');
    const socket = kit.connect(student);
    room.progress(student, { bookId: 'no-such-book', wordIdx: 1, audioTs: 0, seq: 1 });
    room.progress(student, { bookId: room.bookId, wordIdx: 10 ** 7, audioTs: 0, seq: 2 });
    expect(socket.of('ERROR').map((e) => e.code)).toEqual([ErrorCode.UNKNOWN_BOOK, ErrorCode.BAD_WORD_INDEX]);
    expect(student.wordIdx).toBe(0);
  });
});

describe("the teacher's actions", () => {
  it('removes a child (the tablet is let go, the record kept) and puts them back', () => {
    const { student, token } = join('Noor');
    const socket = kit.connect(student);
    room.remove(student.id);
    expect(socket.closed?.code).toBe(CloseCode.REMOVED);
    expect(room.students.has(student.id)).toBe(false);
    expect(room.records()).toContain(student);
    expect(room.authenticate(token)).toBeUndefined();
    room.putBack(student.id);
    expect(room.authenticate(token)).toBe(student);
  });

  it('says a clear NOT_FOUND for a child not in the class', () => {
    expect(refusal(() => room.block('nobody')).code).toBe(ErrorCode.NOT_FOUND);
    expect(refusal(() => room.putBack('nobody')).code).toBe(ErrorCode.NOT_FOUND);
  });

  it('assigns a book to every tablet, and refuses one the library lacks', () => {
    const { student } = join('Kai');
    const socket = kit.connect(student);
    const other = kit.library.list().find((b) => b.id !== room.bookId)!;
    room.assignBook(other.id);
    expect(socket.of('BOOK_ASSIGNED')).toEqual([{ bookId: other.id, bookTitle: other.title }]);
    expect(refusal(() => room.assignBook('no-such-book')).code).toBe(ErrorCode.NOT_FOUND);
  });
});

describe('ending a lesson', () => {
  it('lets every tablet go and clears what only a live tablet has; students and figures stay', () => {
    const { student, token } = join('Zoe');
    const socket = kit.connect(student);
    room.progress(student, { bookId: room.bookId, wordIdx: 12, audioTs: 2, seq: 1, playing: true });
    room.raiseHand(student, true);
    expect(student.handRaised).toBe(true);
    room.endLesson();
    expect(room.lessonOpen).toBe(false);
    expect(socket.closed?.code).toBe(CloseCode.SESSION_ENDED);
    expect(student).toMatchObject({ socket: null, playing: false, handRaised: false, wordIdx: 12 });
    expect(room.authenticate(token)).toBeUndefined();
    // The lesson's figures were written as it ended.
    expect(kit.store.lessonsOf(room.id).at(-1)?.endedAt).toBe(kit.clock.now);
    // The next lesson admits the same child back, where they stopped.
    room.openLesson();
    expect(room.resume(student, token).student.wordIdx).toBe(12);
  });

  it('starts the next lesson with an empty feed of questions', () => {
    const { student } = join('Zoe');
    kit.connect(student);
    room.desk.ask(student, {
      questionId: 'q1',
      questionText: 'Why?',
      context: { bookId: room.bookId, wordIdx: 3 },
    });
    expect(room.snapshot().feed).toHaveLength(1);
    room.endLesson();
    room.openLesson();
    expect(room.snapshot().feed).toEqual([]);
    expect(student.openQuestions).toBe(0);
    expect(kit.relay.cancelled).toBe(1);
  });

  it('is refused for an archived class until it is restored', () => {
    room.setArchived(true);
    expect(room.lessonOpen).toBe(false);
    expect(refusal(() => room.openLesson()).code).toBe(ErrorCode.CONFLICT);
    room.setArchived(false);
    room.openLesson();
    expect(room.lessonOpen).toBe(true);
  });
});
