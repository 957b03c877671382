// Rosters and names told apart, through the real server, HTTP, sockets and SQLite: the teacher's
// roster API (kept across a restart), the list of names refused to a tablet without a right code
// (and counted as a wrong guess), tapping a name, a name in use on another tablet waiting for the
// teacher, a second "Mia" marked apart, renaming one, and blocking one Mia leaving the other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode } from '../shared/protocol/codes.js';
import type { JoinResponse, RosterNames, RosterView, StudentView, TakeoverPending } from '../shared/protocol/index.js';
import { classCodeOf, nextTeacherFrame, openTeacherSocket, rawHttp } from './support/reliability.js';
import { startServer, teacherApi, type RunningServer } from './support/server.js';
import { join, TestTablet } from './support/student-client.js';

let server: RunningServer;
let code: string;
const sockets: TestTablet[] = [];

beforeAll(async () => {
  server = await startServer();
  code = classCodeOf(server);
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.stop();
});

async function post<T>(path: string, body: unknown, localAddress?: string): Promise<{ status: number; body: T }> {
  const r = await rawHttp(server.url, {
    method: 'POST',
    path,
    body: JSON.stringify(body),
    ...(localAddress ? { localAddress } : {}),
  });
  return { status: r.status, body: JSON.parse(r.body) as T };
}

const rosterNames = (classCode: string, localAddress?: string) =>
  post<RosterNames & { code?: string }>('/api/join/roster', { classCode }, localAddress);
const tap = (rosterId: string, token?: string) =>
  post<JoinResponse & TakeoverPending & { code?: string }>('/api/join', {
    classCode: code,
    name: '',
    rosterId,
    ...(token ? { token } : {}),
  });
const askAgain = (requestId: string) =>
  post<JoinResponse & TakeoverPending & { code?: string }>('/api/join/takeover', { requestId });

async function connect(wsUrl: string): Promise<TestTablet> {
  const t = await TestTablet.open(wsUrl);
  sockets.push(t);
  await t.next('SESSION_STATE');
  return t;
}

async function students(): Promise<StudentView[]> {
  return (await teacherApi<{ students: StudentView[] }>(server, '/classroom')).body.students;
}

describe('the roster API', () => {
  it('starts empty, keeps the names, shows tablets first name and initial, and survives a restart', async () => {
    expect((await teacherApi<RosterView>(server, '/roster')).body).toEqual({ shows: 'first_initial', entries: [] });

    const put = await teacherApi<RosterView>(server, '/roster', {
      method: 'PUT',
      body: {
        entries: [
          { firstName: ' Mia ', lastName: 'Brown' },
          { firstName: 'Mia', lastName: 'Khan' },
          { firstName: 'Leo' },
          { firstName: 'Zoë', lastName: 'ávila' },
        ],
      },
    });
    expect(put.status).toBe(200);
    expect(put.body.entries.map((e) => [e.firstName, e.lastName, e.label, e.studentId])).toEqual([
      ['Mia', 'Brown', 'Mia B.', null],
      ['Mia', 'Khan', 'Mia K.', null],
      ['Leo', '', 'Leo', null],
      ['Zoë', 'ávila', 'Zoë Á.', null],
    ]);

    // A bad list is refused whole, with the line that is wrong, and loses nothing.
    const bad = await teacherApi<{ code: string; message: string }>(server, '/roster', {
      method: 'PUT',
      body: { entries: [{ firstName: 'Ana' }, { firstName: '   ' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^Name 2: /);

    await server.stop();
    server = await startServer({ dataDir: server.dataDir });
    code = classCodeOf(server);
    const after = (await teacherApi<RosterView>(server, '/roster')).body;
    expect(after).toEqual(put.body);
  });

  it('tells apart names that would look the same on the tablet', async () => {
    const { entries } = (await teacherApi<RosterView>(server, '/roster')).body;
    const first = await teacherApi<RosterView>(server, '/roster', {
      method: 'PUT',
      body: { shows: 'first', entries },
    });
    expect(first.body.entries.map((e) => e.label)).toEqual(['Mia', 'Mia (2)', 'Leo', 'Zoë']);
    // The same entries (same ids) with initials again.
    const back = await teacherApi<RosterView>(server, '/roster', {
      method: 'PUT',
      body: { shows: 'first_initial', entries },
    });
    expect(back.body.entries.map((e) => e.id)).toEqual(entries.map((e) => e.id));
    // Pasted again without ids, the same names keep their entries; a new name gets a new one.
    const pasted = await teacherApi<RosterView>(server, '/roster', {
      method: 'PUT',
      body: { entries: [...entries.map(({ firstName, lastName }) => ({ firstName, lastName })), { firstName: 'Ana' }] },
    });
    expect(pasted.body.entries.slice(0, 4).map((e) => e.id)).toEqual(entries.map((e) => e.id));
    expect(entries.map((e) => e.id)).not.toContain(pasted.body.entries[4]!.id);
    await teacherApi(server, '/roster', { method: 'PUT', body: { entries } });
  });
});

describe('the names on the tablet', () => {
  it('are given only for a right code of a lesson in progress, as labels without last names', async () => {
    const wrong = await rosterNames('ZZZZZZ');
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe(ErrorCode.WRONG_CLASS_CODE);
    expect(JSON.stringify(wrong.body)).not.toContain('Mia');

    const right = await rosterNames(code.toLowerCase());
    expect(right.status).toBe(200);
    expect(right.body.names!.map((n) => n.label)).toEqual(['Mia B.', 'Mia K.', 'Leo', 'Zoë Á.']);
    expect(JSON.stringify(right.body)).not.toMatch(/Brown|Khan|ávila/);

    // Between lessons the code answers exactly as a wrong one does.
    await teacherApi(server, '/lesson', { body: { open: false } });
    const closed = await rosterNames(code);
    expect(closed.status).toBe(403);
    expect(closed.body.code).toBe(ErrorCode.WRONG_CLASS_CODE);
    await teacherApi(server, '/lesson', { body: { open: true } });
  });

  it('count wrong codes against the same limit as joining', async () => {
    const address = '127.0.0.77';
    for (let i = 0; i < 30; i++) expect((await rosterNames('WRONG1', address)).status).toBe(403);
    const limited = await rosterNames(code, address);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe(ErrorCode.TOO_MANY_ATTEMPTS);
    // The same address cannot join by typing either, with the right code.
    const typed = await post<{ code: string }>('/api/join', { classCode: code, name: 'Leo' }, address);
    expect(typed.body.code).toBe(ErrorCode.TOO_MANY_ATTEMPTS);
  });
});

describe('tapping a name', () => {
  it('joins as that child; typing a name not on the roster is refused kindly', async () => {
    const names = (await rosterNames(code)).body.names!;
    const leo = names.find((n) => n.label === 'Leo')!;
    const r = await tap(leo.id);
    expect(r.status).toBe(200);
    expect(r.body.name).toBe('Leo');
    const t = await connect(r.body.wsUrl);
    expect((await t.next('SESSION_STATE')).name).toBe('Leo');
    const roster = (await teacherApi<RosterView>(server, '/roster')).body;
    expect(roster.entries.find((e) => e.id === leo.id)!.studentId).toBe(r.body.studentId);

    const stranger = await join(server.url, { classCode: code, name: 'Nobody' });
    expect(stranger.status).toBe(400);
    expect(stranger.body.code).toBe(ErrorCode.BAD_NAME);
    expect(stranger.body.message).toMatch(/tap your name/i);
  });

  it('asks the teacher before a name in use on another tablet is taken over', async () => {
    const mia = (await rosterNames(code)).body.names!.find((n) => n.label === 'Mia B.')!;
    const first = await tap(mia.id);
    expect(first.status).toBe(200);
    const firstTablet = await connect(first.body.wsUrl);
    const teacher = await openTeacherSocket(server);
    sockets.push(teacher);
    await nextTeacherFrame(teacher, 'SNAPSHOT');

    // Another tablet taps the same name: it waits, and the teacher sees who asks.
    const asked = await tap(mia.id);
    expect(asked.status).toBe(202);
    expect(asked.body.name).toBe('Mia B.');
    expect(asked.body.message).toMatch(/teacher/);
    const waiting = await nextTeacherFrame(teacher, 'DELTA', (d) => (d.takeovers?.length ?? 0) > 0);
    expect(waiting.takeovers!.map((t) => [t.studentId, t.name])).toEqual([[first.body.studentId, 'Mia B.']]);
    expect((await askAgain(asked.body.requestId)).status).toBe(202);

    // The teacher says no: the first tablet keeps the name.
    const deny = await teacherApi(server, `/takeovers/${waiting.takeovers![0]!.id}`, { body: { allow: false } });
    expect(deny.status).toBe(200);
    const denied = await askAgain(asked.body.requestId);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe(ErrorCode.TAKEOVER_DENIED);
    expect(firstTablet.closeCode).toBeNull();
    // Asked once, answered once: the request is gone.
    expect((await askAgain(asked.body.requestId)).status).toBe(404);

    // Asked again, and allowed: the new tablet is Mia B., the old one is let go.
    const again = await tap(mia.id);
    expect(again.status).toBe(202);
    const from = teacher.frames.length;
    const second = await nextTeacherFrame(teacher, 'DELTA', (d) => (d.takeovers?.length ?? 0) > 0, 10_000, from);
    await teacherApi(server, `/takeovers/${second.takeovers![0]!.id}`, { body: { allow: true } });
    const allowed = await askAgain(again.body.requestId);
    expect(allowed.status).toBe(200);
    expect(allowed.body.studentId).toBe(first.body.studentId);
    expect(await firstTablet.closed()).toBe(CloseCode.REPLACED);
    const newTablet = await connect(allowed.body.wsUrl);
    newTablet.send('PROGRESS_UPDATE', {
      bookId: (await newTablet.next('SESSION_STATE')).bookId,
      wordIdx: 3,
      audioTs: 0,
      seq: 1,
    });
    expect((await newTablet.next('PROGRESS_SAVED')).seq).toBe(1);
    // The old tablet's token opens nothing any more.
    await expect(TestTablet.open(first.body.wsUrl)).rejects.toMatchObject({ statusCode: 401 });
    // The waiting list is empty again on the dashboard.
    expect(
      (
        await nextTeacherFrame(
          teacher,
          'DELTA',
          (d) => d.takeovers !== undefined && d.takeovers.length === 0,
          10_000,
          from,
        )
      ).takeovers,
    ).toEqual([]);
  });

  it('lets a tablet back in with its own token, without asking anyone', async () => {
    const zoe = (await rosterNames(code)).body.names!.find((n) => n.label === 'Zoë Á.')!;
    const first = await tap(zoe.id);
    await connect(first.body.wsUrl);
    const back = await tap(zoe.id, first.body.token);
    expect(back.status).toBe(200);
    expect(back.body.resumed).toBe(true);
    expect(back.body.studentId).toBe(first.body.studentId);
  });
});

describe('two children of one name', () => {
  let miaOne: JoinResponse;
  let miaTwo: JoinResponse;
  let tabletOne: TestTablet;
  let tabletTwo: TestTablet;

  it('without a roster, the second Mia is marked apart on the tablet and the dashboard', async () => {
    expect((await teacherApi(server, '/roster', { method: 'PUT', body: { entries: [] } })).status).toBe(200);
    miaOne = (await join(server.url, { classCode: code, name: 'Mia' })).body;
    miaTwo = (await join(server.url, { classCode: code, name: 'mia' })).body;
    expect([miaOne.name, miaTwo.name]).toEqual(['Mia', 'mia (2)']);
    tabletOne = await connect(miaOne.wsUrl);
    tabletTwo = await connect(miaTwo.wsUrl);
    expect((await tabletTwo.next('SESSION_STATE')).name).toBe('mia (2)');
    const names = (await students()).map((s) => s.name);
    expect(names).toContain('Mia');
    expect(names).toContain('mia (2)');
  });

  it('the teacher renames one; the tablet shows the new name; a name another child has is refused', async () => {
    const r = await teacherApi<StudentView>(server, `/students/${miaTwo.studentId}/name`, { body: { name: 'Mia R.' } });
    expect(r.status).toBe(200);
    expect(r.body.name).toBe('Mia R.');
    expect(await tabletTwo.next('NAME_CHANGED')).toEqual({ name: 'Mia R.' });
    const clash = await teacherApi<{ code: string }>(server, `/students/${miaTwo.studentId}/name`, {
      body: { name: 'MÍA' },
    });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe(ErrorCode.CONFLICT);
    expect((await students()).find((s) => s.id === miaTwo.studentId)!.name).toBe('Mia R.');
  });

  it('blocking one Mia leaves the other reading, and survives a restart', async () => {
    expect((await teacherApi(server, `/students/${miaOne.studentId}/block`, { method: 'POST' })).status).toBe(200);
    expect(await tabletOne.closed()).toBe(CloseCode.BLOCKED);
    const state = await tabletTwo.next('SESSION_STATE');
    tabletTwo.send('PROGRESS_UPDATE', { bookId: state.bookId, wordIdx: 5, audioTs: 0, seq: 1 });
    expect((await tabletTwo.next('PROGRESS_SAVED')).seq).toBe(1);
    expect(tabletTwo.closeCode).toBeNull();

    // The blocked child's tablet is refused; another child typing "Mia" is a new, unblocked child.
    expect((await join(server.url, { classCode: code, name: 'Mia', token: miaOne.token })).body.code).toBe(
      ErrorCode.BLOCKED,
    );
    const another = await join(server.url, { classCode: code, name: 'Mia' });
    expect(another.status).toBe(200);
    expect(another.body.name).toBe('Mia (2)');

    await server.stop();
    server = await startServer({ dataDir: server.dataDir });
    code = classCodeOf(server);
    expect((await join(server.url, { classCode: code, name: 'Mia', token: miaOne.token })).body.code).toBe(
      ErrorCode.BLOCKED,
    );
    const two = await join(server.url, { classCode: code, name: 'Mia R.', token: miaTwo.token });
    expect(two.status).toBe(200);
    expect(two.body.studentId).toBe(miaTwo.studentId);
    expect(two.body.name).toBe('Mia R.');
    const blocked = (await students()).filter((s) => s.blocked).map((s) => s.id);
    expect(blocked).toEqual([miaOne.studentId]);
  });
});
