// The question desk (server/classroom/questions.ts): a child's question through the relay and back
// (acknowledged first, then the answer streamed, or handed to the teacher), what is replayed after
// a reconnect, the teacher's own answer, hiding, a restart, and word look-ups. The relay is the
// kit's stand-in, answering through the events the desk gave it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, LOOKUP_FAILED_MESSAGE } from '../../../../shared/protocol/index.js';
import type { Classroom } from '../../../../server/classroom/classroom.js';
import { QuestionDesk } from '../../../../server/classroom/questions.js';
import type { Student } from '../../../../server/classroom/student.js';
import { classroomKit, type ClassroomKit, type FakeSocket } from '../../../support/classroom-kit.js';

let kit: ClassroomKit;
let room: Classroom;
let student: Student;
let tablet: FakeSocket;

beforeEach(() => {
  kit = classroomKit();
  room = kit.registry.first();
  const joined = room.admit('Mia', '192.168.1.20');
  if (!('student' in joined)) throw new Error('joined');
  student = joined.student;
  tablet = kit.connect(student);
});
afterEach(() => kit.close());

const ask = (questionId: string, questionText = 'Why is the sky dark?', wordIdx = 5) =>
  room.desk.ask(student, { questionId, questionText, context: { bookId: room.bookId, wordIdx } });
/** Lets the desk's deferred events (queued behind the acknowledgement) run. */
const settle = () => new Promise<void>((r) => queueMicrotask(r));

describe('asking', () => {
  it('acknowledges first, streams the answer, and records it on the feed and on disk', async () => {
    ask('q1');
    const { job, events } = kit.relay.asked[0]!;
    expect(job).toMatchObject({ questionText: 'Why is the sky dark?', wordIdx: 5, studentKey: student.key });
    // The relay never hears who asked.
    expect(JSON.stringify(job)).not.toContain('Mia');
    expect(tablet.of('INTERRUPTION_ACKNOWLEDGED')).toEqual([{ questionId: 'q1', queuePosition: 1 }]);
    expect(student.openQuestions).toBe(1);
    events.chunk('Because ');
    events.chunk('it is night.');
    events.done({ text: 'Because it is night.', source: 'gemini' });
    await settle();
    expect(tablet.types()).toEqual(['INTERRUPTION_ACKNOWLEDGED', 'ANSWER_CHUNK', 'ANSWER_CHUNK', 'ANSWER_DONE']);
    expect(tablet.of('ANSWER_DONE')).toEqual([{ questionId: 'q1', text: 'Because it is night.', source: 'gemini' }]);
    expect(student.openQuestions).toBe(0);
    const [item] = room.snapshot().feed;
    expect(item).toMatchObject({ status: 'answered', answer: 'Because it is night.', studentName: 'Mia' });
    kit.writer.flush();
    expect(kit.store.recentQuestions(room.classroom().lessonId!, 10)[0]).toMatchObject({
      questionId: 'q1',
      status: 'answered',
      source: 'gemini',
    });
  });

  it('holds events the relay sends at once until the acknowledgement is out', async () => {
    kit.relay.ask = (_job, events) => {
      events.teacher('no_api_key');
      return { accepted: true, queuePosition: 0, cancel: () => {} };
    };
    ask('q1');
    await settle();
    expect(tablet.types()).toEqual(['INTERRUPTION_ACKNOWLEDGED', 'TEACHER_WILL_ANSWER']);
    expect(room.snapshot().feed[0]?.status).toBe('waiting_teacher');
  });

  it('strips control characters, and refuses an empty question or a place past the book', () => {
    ask('q1', '\u202e  \u0007 ');
    ask('q2', 'Where?', 10 ** 7);
    expect(tablet.of('ERROR')).toEqual([
      { code: ErrorCode.BAD_MESSAGE, message: 'The question is empty.', questionId: 'q1' },
      { code: ErrorCode.BAD_WORD_INDEX, message: 'That place is past the end of the book.', questionId: 'q2' },
    ]);
    ask('q3', 'Who\u202e is\nthere?');
    expect(kit.relay.asked[0]?.job.questionText).toBe('Who is\nthere?');
  });

  it('tells the tablet when the relay refuses (the per-student limit) and records nothing', () => {
    kit.relay.refuseFor = 4_000;
    ask('q1');
    expect(tablet.of('RATE_LIMITED')).toEqual([{ retryAfterMs: 4_000, questionId: 'q1' }]);
    expect(room.snapshot().feed).toEqual([]);
    expect(student.questionCount).toBe(0);
  });

  it('answers a re-sent question from what it has, without asking the relay again', async () => {
    ask('q1');
    kit.relay.last().done({ text: 'Yes.', source: 'cache', flag: 'safety' });
    await settle();
    ask('q1');
    expect(kit.relay.asked).toHaveLength(1);
    expect(tablet.of('ANSWER_DONE')).toEqual([
      { questionId: 'q1', text: 'Yes.', source: 'cache', flagged: true },
      { questionId: 'q1', text: 'Yes.', source: 'cache', flagged: true },
    ]);
  });
});

describe('after a reconnect', () => {
  it('replays each recent question as it stands: in line, waiting for the teacher, answered or hidden', async () => {
    ask('q1');
    ask('q2');
    ask('q3');
    const [one, two, three] = kit.relay.asked.map((a) => a.events);
    one!.chunk('Part');
    two!.teacher('gemini_unavailable');
    three!.done({ text: 'Done.', source: 'gemini' });
    await settle();
    const again = kit.connect(student);
    room.desk.replayFor(student);
    expect(again.frames).toEqual([
      { type: 'INTERRUPTION_ACKNOWLEDGED', payload: { questionId: 'q1', queuePosition: 0 } },
      { type: 'ANSWER_CHUNK', payload: { questionId: 'q1', text: 'Part' } },
      { type: 'TEACHER_WILL_ANSWER', payload: { questionId: 'q2' } },
      { type: 'ANSWER_DONE', payload: { questionId: 'q3', text: 'Done.', source: 'gemini' } },
    ]);
    const q3 = room.snapshot().feed.find((f) => f.questionId === 'q3')!;
    room.desk.hide(q3.id, true);
    const third = kit.connect(student);
    room.desk.replayFor(student);
    expect(third.of('ANSWER_HIDDEN')).toEqual([{ questionId: 'q3' }]);
  });
});

describe("the teacher's answer", () => {
  it('reaches the child like any other, even over a late AI answer', async () => {
    ask('q1');
    const events = kit.relay.last();
    events.teacher('gemini_unavailable');
    await settle();
    const id = room.snapshot().feed[0]!.id;
    expect(() => room.desk.answerByTeacher(id, '   ')).toThrow(/empty/);
    room.desk.answerByTeacher(id, ' It is night. ');
    events.done({ text: 'Too late.', source: 'gemini' });
    await settle();
    expect(tablet.of('ANSWER_DONE')).toEqual([{ questionId: 'q1', text: 'It is night.', source: 'teacher' }]);
    expect(student.openQuestions).toBe(0);
    expect(() => room.desk.answerByTeacher('no-such-question', 'Hi')).toThrow(/No such question/);
  });
});

describe('a restart', () => {
  it('hands questions that were open to the teacher, and keeps answered ones', async () => {
    ask('q1');
    ask('q2');
    kit.relay.asked[1]!.events.done({ text: 'Yes.', source: 'gemini' });
    await settle();
    kit.writer.flush();
    const lessonId = room.classroom().lessonId!;
    const desk = new QuestionDesk({
      store: kit.store,
      writer: kit.writer,
      library: kit.library,
      outbox: kit.outbox,
      feed: room.feed,
      relay: () => kit.relay,
      policy: () => room.policy(),
      classId: room.id,
      lessonId: () => lessonId,
      now: () => kit.clock.now,
    });
    student.openQuestions = 0;
    student.recent = null;
    desk.load(lessonId, room.students);
    expect([...desk.questions.values()].map((q) => [q.questionId, q.status])).toEqual([
      ['q1', 'waiting_teacher'],
      ['q2', 'answered'],
    ]);
    expect(student.openQuestions).toBe(1);
  });
});

describe('word look-ups', () => {
  const define = (requestId: string, word: string, wordIdx = 3) =>
    room.desk.define(student, { requestId, word, context: { bookId: room.bookId, wordIdx } });

  it('answers with the relay’s meaning and keeps the tap for the report', async () => {
    await define('r1', 'keeper');
    expect(tablet.of('DEFINITION')).toEqual([
      { requestId: 'r1', word: 'keeper', text: 'A meaning of keeper.', source: 'offline' },
    ]);
    kit.writer.flush();
    expect(kit.store.reportRows(room.id).lookups).toHaveLength(1);
  });

  it('passes on a rate limit, and says the one failed look-up sentence when the relay throws', async () => {
    kit.relay.define = () => Promise.resolve({ ok: false, retryAfterMs: 2_000 });
    await define('r1', 'keeper');
    kit.relay.define = () => Promise.reject(new Error('worker gone'));
    await define('r2', 'keeper');
    await define('r3', 'keeper', 10 ** 7);
    expect(tablet.of('RATE_LIMITED')).toEqual([{ retryAfterMs: 2_000, requestId: 'r1' }]);
    expect(tablet.of('ERROR')).toEqual([
      { code: ErrorCode.ANSWER_FAILED, message: LOOKUP_FAILED_MESSAGE, requestId: 'r2' },
      { code: ErrorCode.BAD_WORD_INDEX, message: 'That word is not in this book.', requestId: 'r3' },
    ]);
  });
});
