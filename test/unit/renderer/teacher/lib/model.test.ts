// The dashboard's pure parts, without a browser: how the class model follows SNAPSHOT and DELTA
// frames, which rows a windowed list renders, the chart's scale, and the capacity panel's words.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ClassroomView, FeedItem, StudentView, TeacherMessage } from '../../../../../shared/protocol/index.js';
import { ClassModel } from '../../../../../renderer/teacher/lib/model.js';
import { rowWindow } from '../../../../../renderer/teacher/lib/windowing.js';
import { niceCeiling } from '../../../../../renderer/teacher/lib/format.js';
import { roomSentence } from '../../../../../renderer/teacher/lib/capacity-words.js';

const classroom = (over: Partial<ClassroomView> = {}): ClassroomView => ({
  classId: 'c1',
  name: 'Class 4B',
  lessonId: 'l1',
  lessonOpen: true,
  classCode: 'ACDEFH',
  joinUrl: 'http://10.0.0.2:8080/join?code=ACDEFH',
  joinLocked: false,
  bookId: 'b1',
  bookTitle: 'Book',
  startedAt: 1,
  hosts: [],
  publicHost: '10.0.0.2',
  ...over,
});

const student = (id: string, over: Partial<StudentView> = {}): StudentView => ({
  id,
  name: id,
  status: 'reading',
  bookId: 'b1',
  wordIdx: 0,
  wordCount: 100,
  progress: 0,
  lastActivity: 1,
  handRaised: false,
  blocked: false,
  questions: 0,
  readMs: 0,
  wordsRead: 0,
  offlineReload: null,
  ...over,
});

const item = (id: string, over: Partial<FeedItem> = {}): FeedItem => ({
  id,
  studentId: 'a',
  studentName: 'a',
  questionId: id,
  questionText: '?',
  bookId: 'b1',
  wordIdx: 0,
  status: 'answered',
  answer: '',
  source: 'gemini',
  flag: null,
  hidden: false,
  askedAt: 1,
  answeredAt: 2,
  ...over,
});

const snapshot = (students: StudentView[], feed: FeedItem[] = []): TeacherMessage => ({
  type: 'SNAPSHOT',
  payload: { classroom: classroom(), students, feed, alerts: [], takeovers: [] },
});

describe('ClassModel', () => {
  it('a SNAPSHOT replaces everything; a DELTA changes only what it names', () => {
    const m = new ClassModel();
    m.apply(snapshot([student('a'), student('b')], [item('q1')]));
    m.apply(snapshot([student('c')]));
    expect([...m.students.keys()]).toEqual(['c']);
    expect(m.feed.size).toBe(0);

    m.apply({
      type: 'DELTA',
      payload: {
        students: [student('c', { status: 'asking' }), student('d')],
        feed: [item('q2', { status: 'waiting_teacher' })],
      },
    });
    expect(m.students.get('c')!.status).toBe('asking');
    expect([...m.students.keys()]).toEqual(['c', 'd']);
    m.apply({
      type: 'DELTA',
      payload: { removedStudentIds: ['c'], feed: [item('q2', { status: 'answered', answer: 'Yes.' })] },
    });
    expect([...m.students.keys()]).toEqual(['d']);
    expect(m.feed.get('q2')!.answer).toBe('Yes.');
  });

  it('bumps each list version only when that list changed, and tells subscribers every frame', () => {
    const m = new ClassModel();
    let heard = 0;
    m.subscribe(() => heard++);
    m.apply(snapshot([student('a')]));
    const [sv, fv] = [m.studentsVersion, m.feedVersion];
    m.apply({ type: 'DELTA', payload: { feed: [item('q1')] } });
    expect([m.studentsVersion, m.feedVersion]).toEqual([sv, fv + 1]);
    m.apply({ type: 'DELTA', payload: { students: [student('a', { progress: 0.5 })] } });
    expect([m.studentsVersion, m.feedVersion]).toEqual([sv + 1, fv + 1]);
    expect(heard).toBe(3);
  });

  it('a new lesson empties the feed', () => {
    const m = new ClassModel();
    m.apply(snapshot([], [item('q1')]));
    m.apply({ type: 'DELTA', payload: { classroom: classroom({ classCode: 'KMNPQR' }) } });
    expect(m.feed.size).toBe(1);
    m.setClassroom(classroom({ lessonOpen: false }));
    expect(m.feed.size).toBe(1);
    m.setClassroom(classroom({ lessonId: 'l2' }));
    expect(m.feed.size).toBe(0);
    expect(m.classroom!.lessonId).toBe('l2');
  });

  it('keeps a long class feed bounded, dropping old answered questions but never waiting ones', () => {
    const m = new ClassModel();
    m.apply(snapshot([], [item('waiting', { status: 'waiting_teacher' })]));
    for (let k = 0; k < 25; k++) {
      m.apply({ type: 'DELTA', payload: { feed: Array.from({ length: 100 }, (_, i) => item(`q${k}-${i}`)) } });
    }
    expect(m.feed.size).toBe(2000);
    expect(m.feed.has('waiting')).toBe(true);
    expect(m.feed.has('q24-99')).toBe(true);
    expect(m.feed.has('q0-0')).toBe(false);
  });

  it('keeps the capacity frame as it came', () => {
    const m = new ClassModel();
    const payload = { at: 5, students: 3 } as unknown as Extract<TeacherMessage, { type: 'CAPACITY' }>['payload'];
    m.apply({ type: 'CAPACITY', payload });
    expect(m.capacity).toBe(payload);
  });
});

describe('rowWindow', () => {
  it('renders the rows in view plus the overscan, clamped to the list', () => {
    expect(rowWindow(0, 500, 50, 2000, 5)).toEqual({ start: 0, end: 16 });
    expect(rowWindow(50 * 1000, 500, 50, 2000, 5)).toEqual({ start: 995, end: 1016 });
    expect(rowWindow(50 * 1990, 500, 50, 2000, 5)).toEqual({ start: 1985, end: 2000 });
    expect(rowWindow(0, 500, 50, 0)).toEqual({ start: 0, end: 0 });
  });

  it('always covers every row that is visible, and never renders more than a screen and the overscan', () => {
    fc.assert(
      fc.property(
        fc.nat(5000),
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 400_000 }),
        (count, rowHeight, viewport, scroll) => {
          const scrollTop = Math.min(scroll, Math.max(0, count * rowHeight - viewport));
          const { start, end } = rowWindow(scrollTop, viewport, rowHeight, count, 6);
          expect(start).toBeGreaterThanOrEqual(0);
          expect(end).toBeLessThanOrEqual(count);
          expect(end - start).toBeLessThanOrEqual(Math.ceil(viewport / rowHeight) + 1 + 12);
          const firstVisible = Math.floor(scrollTop / rowHeight);
          const lastVisible = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight)) - 1;
          for (const i of [firstVisible, lastVisible])
            if (i >= 0 && i < count) expect(i >= start && i < end).toBe(true);
        },
      ),
    );
  });
});

describe('niceCeiling', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect([1, 3, 10, 11, 45, 200, 201, 999, 2001].map(niceCeiling)).toEqual([1, 5, 10, 20, 50, 200, 500, 1000, 5000]);
  });
});

describe('roomSentence', () => {
  it('says how much room there is in classes and schools, never in bare counts of students', () => {
    expect(roomSentence(14_961)).toBe('Room for the whole school.');
    expect(roomSentence(1000)).toBe('Room for the whole school.');
    expect(roomSentence(999)).toBe('Room for about 33 more classes.');
    expect(roomSentence(60)).toBe('Room for about 2 more classes.');
    expect(roomSentence(45)).toBe('Room for one more class.');
    expect(roomSentence(12)).toBe('Nearly full: room for 12 more students.');
    expect(roomSentence(1)).toBe('Nearly full: room for 1 more student.');
    expect(roomSentence(0)).toBe('Full: students who join now may find reading slow.');
    expect(roomSentence(null)).toBe('Still measuring how many more students fit.');
  });
});
