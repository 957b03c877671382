// The teacher's live feed (server/classroom/teacher-feed.ts): a SNAPSHOT on connect, then DELTA
// frames that carry only what changed, batched (at most four a second), status changes by time
// alone swept in, nothing kept while no dashboard watches. Timers are vitest's; the clock the kit's.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CloseCode, type TeacherPayload } from '../../../../shared/protocol/index.js';
import type { Classroom } from '../../../../server/classroom/classroom.js';
import type { Student } from '../../../../server/classroom/student.js';
import { classroomKit, type ClassroomKit, type FakeDashboard } from '../../../support/classroom-kit.js';

let kit: ClassroomKit;
let room: Classroom;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  kit = classroomKit();
  room = kit.registry.first();
});
afterEach(() => {
  kit.close();
  vi.useRealTimers();
});

function join(name: string): Student {
  const joined = room.admit(name, `192.168.1.${name.length + 10}`);
  if (!('student' in joined)) throw new Error('joined');
  return joined.student;
}
const deltas = (d: FakeDashboard): TeacherPayload<'DELTA'>[] => d.of('DELTA');

describe('teacher feed', () => {
  it('sends a SNAPSHOT of the class on connect', () => {
    join('Mia');
    const dash = kit.dashboard(room);
    const [snap] = dash.of('SNAPSHOT');
    expect(snap?.classroom).toMatchObject({ classId: room.id, lessonOpen: true, classCode: room.classCode });
    expect(snap?.students.map((s) => s.name)).toEqual(['Mia']);
  });

  it('batches changes into one DELTA per tick, each student once, with only what changed', () => {
    const dash = kit.dashboard(room);
    const mia = join('Mia');
    const leo = join('Leo');
    for (let seq = 1; seq <= 5; seq++) room.progress(mia, { bookId: room.bookId, wordIdx: seq * 3, audioTs: 0, seq });
    expect(deltas(dash)).toEqual([]);
    vi.advanceTimersByTime(250);
    const [delta] = deltas(dash);
    expect(Object.keys(delta!).sort()).toEqual(['students']);
    expect(delta!.students!.map((s) => [s.name, s.wordIdx])).toEqual([
      ['Mia', 15],
      ['Leo', 0],
    ]);
    // Nothing changed: nothing is sent.
    vi.advanceTimersByTime(1_000);
    expect(deltas(dash)).toHaveLength(1);
    room.remove(leo.id);
    room.setJoinLocked(true);
    vi.advanceTimersByTime(250);
    expect(deltas(dash)[1]).toMatchObject({ removedStudentIds: [leo.id], classroom: { joinLocked: true } });
  });

  it('sweeps in a status that changed by time alone (reading, then paused, then idle)', () => {
    const mia = join('Mia');
    kit.connect(mia);
    room.progress(mia, { bookId: room.bookId, wordIdx: 3, audioTs: 0, seq: 1, playing: true });
    const dash = kit.dashboard(room);
    expect(dash.of('SNAPSHOT')[0]?.students[0]?.status).toBe('reading');
    vi.advanceTimersByTime(250);
    kit.clock.now += 30_000;
    vi.advanceTimersByTime(5_000);
    expect(deltas(dash).at(-1)?.students?.[0]?.status).toBe('paused');
    kit.clock.now += 120_000;
    vi.advanceTimersByTime(5_000);
    expect(deltas(dash).at(-1)?.students?.[0]?.status).toBe('idle');
  });

  it('keeps alerts for a dashboard that opens later, stamped by the class clock', () => {
    room.feed.alert('error', 'Saving failed.');
    const dash = kit.dashboard(room);
    expect(dash.of('SNAPSHOT')[0]?.alerts).toMatchObject([
      { level: 'error', message: 'Saving failed.', at: kit.clock.now },
    ]);
    room.feed.alert('info', 'Saving works again.');
    vi.advanceTimersByTime(250);
    expect(deltas(dash)[0]?.alerts).toMatchObject([{ level: 'info', message: 'Saving works again.' }]);
  });

  it('keeps nothing while no dashboard watches, and stops its timers when the last one closes', () => {
    const dash = kit.dashboard(room);
    dash.close(1000, 'bye');
    expect(vi.getTimerCount()).toBe(0);
    join('Mia');
    const later = kit.dashboard(room);
    vi.advanceTimersByTime(250);
    // Mia is in the SNAPSHOT; no DELTA repeats her.
    expect(later.of('SNAPSHOT')[0]?.students).toHaveLength(1);
    expect(deltas(later)).toEqual([]);
  });

  it('sends every dashboard of the class the same frames, and lets them all go with a class deleted', () => {
    const a = kit.dashboard(room);
    const b = kit.dashboard(room);
    room.feed.broadcast('DELTA', { alerts: [] });
    expect(a.frames.at(-1)).toEqual(b.frames.at(-1));
    room.close();
    expect([a.closed, b.closed]).toEqual(Array(2).fill({ code: CloseCode.SESSION_ENDED, reason: 'Class deleted' }));
    expect(room.feed.connected).toBe(0);
  });
});
