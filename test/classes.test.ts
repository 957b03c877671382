// Many classes on one server, through real HTTP and sockets: IT creates three classes; students
// join each by its own code; each teacher's token sees only its own class, over the API and the
// live socket; a teacher's token is refused by IT's API; lessons open and end per class; deleting
// a class lets its tablets go and leaves the others alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode } from '../shared/protocol/codes.js';
import type { ClassSummary, CreatedClass, StudentView, TeacherMessage } from '../shared/protocol/index.js';
import { startServer, teacherApi, type RunningServer } from './support/server.js';
import { join, TestTablet } from './support/student-client.js';
import { nextTeacherFrame, sleep } from './support/reliability.js';

let server: RunningServer;
const classes: CreatedClass[] = [];

const adminApi = async <T = unknown>(path: string, init: { method?: string; body?: unknown; token?: string } = {}) => {
  const res = await fetch(`${server.url}/api/admin${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      authorization: `Bearer ${init.token ?? server.adminToken}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
};
/** The teacher API as one class's teacher. */
const as = (c: CreatedClass) => ({ url: server.url, adminToken: c.teacherToken });

async function student(c: CreatedClass, name: string) {
  const res = await join(server.url, { classCode: c.classCode, name });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const tablet = await TestTablet.open(res.body.wsUrl);
  const state = await tablet.next('SESSION_STATE');
  return { ...res.body, tablet, state };
}

async function teacherSocket(c: CreatedClass): Promise<TestTablet> {
  const { body } = await teacherApi<{ ticket: string }>(as(c), '/ticket', { method: 'POST' });
  return TestTablet.open(`${server.wsBase}/ws/teacher?ticket=${encodeURIComponent(body.ticket)}`);
}

beforeAll(async () => {
  server = await startServer();
  for (const name of ['Class 4A', 'Class 4B', 'Reading group']) {
    const res = await adminApi<CreatedClass>('/classes', { body: { name } });
    expect(res.status).toBe(201);
    classes.push(res.body);
  }
});
afterAll(async () => {
  await server?.stop();
});

describe('IT creates classes', () => {
  it('answers 201 with the class, its join link and its teacher link (token in the fragment)', () => {
    const codes = new Set(classes.map((c) => c.classCode));
    expect(codes.size).toBe(3);
    for (const c of classes) {
      expect(Object.keys(c).sort()).toEqual(['classCode', 'classId', 'joinUrl', 'name', 'teacherToken', 'teacherUrl']);
      expect(c.classCode).toMatch(/^[ACDEFHJKMNPQRTUVWXY347]{6}$/);
      expect(new URL(c.joinUrl).searchParams.get('code')).toBe(c.classCode);
      const link = new URL(c.teacherUrl);
      expect(link.pathname).toBe('/teacher/');
      expect(link.search).toBe('');
      expect(link.hash).toBe(`#token=${c.teacherToken}`);
    }
  });

  it('lists every class, the first one (from the install) included', async () => {
    const { status, body } = await adminApi<ClassSummary[]>('/classes');
    expect(status).toBe(200);
    expect(body).toHaveLength(4);
    for (const c of classes) {
      expect(body.find((x) => x.classId === c.classId)).toMatchObject({
        name: c.name,
        classCode: c.classCode,
        teacherUrl: c.teacherUrl,
        studentsConnected: 0,
        lessonOpen: true,
      });
    }
  });

  it('refuses bad names with 400 and unknown classes with 404', async () => {
    expect((await adminApi('/classes', { body: { name: '   ' } })).status).toBe(400);
    expect((await adminApi('/classes', { body: { name: 'x'.repeat(300) } })).status).toBe(400);
    expect((await adminApi('/classes', { body: {} })).status).toBe(400);
    expect((await adminApi('/classes/nope', { method: 'DELETE' })).status).toBe(404);
  });
});

describe('each teacher sees only their class', () => {
  it('students join each class by its own code; each token answers its own class', async () => {
    const [a, b, c] = classes as [CreatedClass, CreatedClass, CreatedClass];
    const ann = await student(a, 'Ann');
    const bo = await student(b, 'Bo');
    const cat = await student(c, 'Cat');
    expect(new Set([ann.sessionId, bo.sessionId, cat.sessionId])).toEqual(new Set([a.classId, b.classId, c.classId]));
    for (const [cls, name] of [
      [a, 'Ann'],
      [b, 'Bo'],
      [c, 'Cat'],
    ] as const) {
      const room = await teacherApi<{ classId: string; classCode: string; students: StudentView[] }>(
        as(cls),
        '/classroom',
      );
      expect(room.status).toBe(200);
      expect(room.body.classId).toBe(cls.classId);
      expect(room.body.classCode).toBe(cls.classCode);
      expect(room.body.students.map((s) => s.name)).toEqual([name]);
    }
    // The admin token acts on the first class, which has none of them.
    const first = await teacherApi<{ students: StudentView[]; classId: string }>(server, '/classroom');
    expect(classes.map((x) => x.classId)).not.toContain(first.body.classId);
    expect(first.body.students).toEqual([]);
    // Another class's student cannot be acted on with this class's token.
    expect((await teacherApi(as(a), `/students/${bo.studentId}/remove`, { body: {} })).status).toBe(404);
    // A student's socket path names its class: another class's path does not take its token.
    await expect(
      TestTablet.open(`${server.wsBase}/ws/${a.classId}?token=${encodeURIComponent(bo.token)}`),
    ).rejects.toMatchObject({ statusCode: 401 });
    for (const s of [ann, bo, cat]) s.tablet.close();
  });

  it("a question in class B never reaches class A's dashboard", async () => {
    const [a, b] = classes as [CreatedClass, CreatedClass];
    const dashA = await teacherSocket(a);
    const dashB = await teacherSocket(b);
    const snapA = await nextTeacherFrame(dashA, 'SNAPSHOT');
    expect(snapA.classroom.classId).toBe(a.classId);
    expect((await nextTeacherFrame(dashB, 'SNAPSHOT')).classroom.classId).toBe(b.classId);

    const bea = await student(b, 'Bea');
    const ali = await student(a, 'Ali');
    bea.tablet.send('STUDENT_INTERRUPTION', {
      questionId: 'qb',
      questionText: 'Secret question from B',
      context: { bookId: bea.state.bookId, wordIdx: 3 },
    });
    bea.tablet.send('RAISE_HAND', {});
    await nextTeacherFrame(dashB, 'DELTA', (d) =>
      (d.feed ?? []).some((q) => q.questionText === 'Secret question from B'),
    );
    await nextTeacherFrame(dashB, 'DELTA', (d) => (d.students ?? []).some((s) => s.name === 'Bea' && s.handRaised));
    // A's dashboard hears about its own student joining, so it is live; wait a few batches more.
    await nextTeacherFrame(dashA, 'DELTA', (d) => (d.students ?? []).some((s) => s.name === 'Ali'));
    await sleep(1200);
    const seenByA = JSON.stringify(dashA.frames.filter((f) => (f as unknown as TeacherMessage).type !== 'CAPACITY'));
    expect(seenByA).not.toContain('Secret question from B');
    expect(seenByA).not.toContain('Bea');
    expect(seenByA).not.toContain(bea.studentId);
    const feedA = await teacherApi<{ questionText: string }[]>(as(a), '/feed');
    expect(feedA.body).toEqual([]);
    const feedB = await teacherApi<{ questionText: string }[]>(as(b), '/feed');
    expect(feedB.body.map((q) => q.questionText)).toEqual(['Secret question from B']);
    // A ticket opens the feed of the class that asked for it, whatever class the dashboard wants.
    const snapshot = await nextTeacherFrame(await teacherSocket(b), 'SNAPSHOT');
    expect(snapshot.students.map((s) => s.name).sort()).toEqual(['Bea', 'Bo']);
    for (const s of [bea, ali]) s.tablet.close();
    dashA.close();
    dashB.close();
  });

  it("refuses a teacher's token on IT's API with 403, and a made-up one with 401", async () => {
    const [a] = classes as [CreatedClass];
    for (const [method, path, body] of [
      ['GET', '/classes'],
      ['POST', '/classes', { name: 'Mine now' }],
      ['DELETE', `/classes/${classes[1]!.classId}`],
      ['POST', `/classes/${a.classId}/archive`, { archived: true }],
      ['POST', `/classes/${a.classId}/teacher-token`],
      ['GET', '/server'],
    ] as [string, string, unknown?][]) {
      expect((await adminApi(path, { method, body, token: a.teacherToken })).status, `${method} ${path}`).toBe(403);
      expect((await adminApi(path, { method, body, token: 'made-up' })).status, `${method} ${path}`).toBe(401);
    }
    // ...and the server-wide settings are IT's too (a class's own ones: test/class-settings.test.ts).
    expect((await teacherApi(as(a), '/settings', { method: 'PUT', body: { llmMaxInFlight: 2 } })).status).toBe(403);
    expect((await adminApi<ClassSummary[]>('/classes')).body).toHaveLength(4);
  });
});

describe('lessons, links and deletion', () => {
  it("ends and opens one class's lesson without touching the others", async () => {
    const [a, b] = classes as [CreatedClass, CreatedClass];
    const inA = await student(a, 'Ari');
    const inB = await student(b, 'Ben');
    const ended = await teacherApi<{ lessonOpen: boolean; classCode: string }>(as(a), '/lesson', {
      body: { open: false },
    });
    expect(ended.body).toMatchObject({ lessonOpen: false, classCode: a.classCode });
    expect(await inA.tablet.closed()).toBe(CloseCode.SESSION_ENDED);
    expect(inB.tablet.closeCode).toBeNull();
    const refused = await join(server.url, { classCode: a.classCode, name: 'Late' });
    expect([refused.status, refused.body.code]).toEqual([403, ErrorCode.WRONG_CLASS_CODE]);
    const listed = (await adminApi<ClassSummary[]>('/classes')).body;
    expect(listed.find((c) => c.classId === a.classId)).toMatchObject({ lessonOpen: false, studentsConnected: 0 });
    expect(listed.find((c) => c.classId === b.classId)).toMatchObject({ lessonOpen: true, studentsConnected: 1 });
    // The class keeps its students for the next lesson.
    expect((await teacherApi<StudentView[]>(as(a), '/classroom')).body).toMatchObject({
      students: expect.arrayContaining([expect.objectContaining({ name: 'Ari' })]),
    });
    await teacherApi(as(a), '/lesson', { body: { open: true } });
    expect((await join(server.url, { classCode: a.classCode, name: 'Late' })).status).toBe(200);
    inB.tablet.close();
  });

  it('rotates a teacher link: the old token stops working at once', async () => {
    const c = classes[2]!;
    const rotated = await adminApi<ClassSummary>(`/classes/${c.classId}/teacher-token`, { body: {} });
    expect(rotated.status).toBe(200);
    const token = new URL(rotated.body.teacherUrl).hash.replace('#token=', '');
    expect(token).not.toBe(c.teacherToken);
    expect((await teacherApi(as(c), '/classroom')).status).toBe(401);
    expect((await teacherApi({ url: server.url, adminToken: token }, '/classroom')).status).toBe(200);
    classes[2] = { ...c, teacherToken: token, teacherUrl: rotated.body.teacherUrl };
  });

  it('archives a class (no lessons until restored) and deletes one, letting its tablets go', async () => {
    const [a, b, c] = classes as [CreatedClass, CreatedClass, CreatedClass];
    const archived = await adminApi<ClassSummary>(`/classes/${c.classId}/archive`, { body: { archived: true } });
    expect(archived.body).toMatchObject({ archived: true, lessonOpen: false });
    const reopen = await teacherApi<{ code: string }>(as(c), '/lesson', { body: { open: true } });
    expect([reopen.status, reopen.body.code]).toEqual([409, ErrorCode.CONFLICT]);
    await adminApi(`/classes/${c.classId}/archive`, { body: { archived: false } });
    expect((await teacherApi(as(c), '/lesson', { body: { open: true } })).status).toBe(200);

    const inB = await student(b, 'Bex');
    const dashB = await teacherSocket(b);
    await nextTeacherFrame(dashB, 'SNAPSHOT');
    expect((await adminApi(`/classes/${b.classId}`, { method: 'DELETE' })).status).toBe(204);
    // Its tablets are told to forget it (test/erase.test.ts checks what that erases).
    expect(await inB.tablet.closed()).toBe(CloseCode.DELETED);
    expect(await dashB.closed()).toBe(CloseCode.SESSION_ENDED);
    expect((await teacherApi(as(b), '/classroom')).status).toBe(401);
    expect((await join(server.url, { classCode: b.classCode, name: 'Gone' })).status).toBe(403);
    const back = await join(server.url, { classCode: b.classCode, name: 'Bex', token: inB.token });
    expect([back.status, back.body.code]).toEqual([410, ErrorCode.STUDENT_DELETED]);
    const left = (await adminApi<ClassSummary[]>('/classes')).body.map((x) => x.classId);
    expect(left).toHaveLength(3);
    expect(left).not.toContain(b.classId);
    expect((await teacherApi(as(a), '/classroom')).status).toBe(200);
  });
});
