// Settings per class and reports across lessons, through the real server (dist/server/main.js),
// its SQLite file and real sockets, with AI answered by the Gemini stand-in over the real SDK:
// two classes' settings never mix; a teacher's link changes its own class's settings and gets 403
// for the server's; one class with AI off sends its questions to its teacher while the other gets
// AI answers pitched at its own grade; IT's lock still locks; a child's record spans two lessons.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AiStatus } from '../shared/protocol/ai.js';
import { parseCsv } from '../shared/csv.js';
import type { ChildHistory, ClassSummary, CreatedClass, FeedItem } from '../shared/protocol/index.js';
import { FakeGemini } from '../testkit/fake-gemini.js';
import { startServer, teacherApi, tempDir, type RunningServer } from './support/server.js';
import { join as joinClass, TestTablet } from './support/student-client.js';

interface SettingRow {
  key: string;
  value: unknown;
  source: string;
  scope: 'class' | 'server';
  editable: boolean;
  reason: string | null;
}

let fake: FakeGemini;
let server: RunningServer;
let dataDir: string;
let a: CreatedClass;
let b: CreatedClass;
const as = (c: CreatedClass) => ({ url: server.url, adminToken: c.teacherToken });
const setting = async (who: { url: string; adminToken: string }, key: string) =>
  (await teacherApi<SettingRow[]>(who, '/settings')).body.find((s) => s.key === key)!;
const put = (who: { url: string; adminToken: string }, body: Record<string, unknown>) =>
  teacherApi<SettingRow[] & { message?: string }>(who, '/settings', { method: 'PUT', body });

async function createClass(name: string): Promise<CreatedClass> {
  const res = await fetch(`${server.url}/api/admin/classes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as CreatedClass;
}

async function tablet(c: CreatedClass, name: string) {
  const joined = await joinClass(server.url, { classCode: c.classCode, name });
  expect(joined.status, JSON.stringify(joined.body)).toBe(200);
  const t = await TestTablet.open(joined.body.wsUrl);
  return { ...joined.body, tablet: t, state: await t.next('SESSION_STATE') };
}

const ask = (t: TestTablet, bookId: string, questionId: string, questionText: string) =>
  t.send('STUDENT_INTERRUPTION', { questionId, questionText, context: { bookId, wordIdx: 10 } });
/** The tablet's frames are kept: wait for the one about this question. */
const about =
  (questionId: string) =>
  (p: { questionId?: string }): boolean =>
    p.questionId === questionId;

beforeAll(async () => {
  fake = await FakeGemini.start();
  dataDir = tempDir();
  server = await startServer({ dataDir, env: fake.serverEnv });
  a = await createClass('Class A');
  b = await createClass('Class B');
});
afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

describe('settings per class', () => {
  it("a teacher's link changes its own class's settings, and the other class keeps its own", async () => {
    const changed = await put(as(a), { aiAnswers: false, gradeLevel: 1, questionsPer5Min: 2 });
    expect(changed.status).toBe(200);
    expect(changed.body.find((s) => s.key === 'gradeLevel')).toMatchObject({
      value: 1,
      source: 'class',
      scope: 'class',
      editable: true,
    });
    expect(await setting(as(a), 'aiAnswers')).toMatchObject({ value: false, source: 'class' });
    expect(await setting(as(b), 'aiAnswers')).toMatchObject({ value: true, source: 'default' });
    expect(await setting(as(b), 'gradeLevel')).toMatchObject({ value: 3, source: 'default' });
    expect((await put(as(b), { gradeLevel: 5 })).status).toBe(200);
    expect((await setting(as(a), 'gradeLevel')).value).toBe(1);
    // The admin token acts on the first class, neither A nor B.
    expect((await put(server, { gradeLevel: 7 })).status).toBe(200);
    expect([(await setting(as(a), 'gradeLevel')).value, (await setting(as(b), 'gradeLevel')).value]).toEqual([1, 5]);
    expect((await setting(server, 'gradeLevel')).value).toBe(7);
  });

  it("refuses the server's settings to a teacher's link with 403 naming the admin, and saves nothing", async () => {
    const refused = await put(as(a), { gradeLevel: 2, llmMaxInFlight: 3 });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(
      /llmMaxInFlight applies to every class on this server; IT changes it with the admin token/,
    );
    expect((await setting(as(a), 'gradeLevel')).value).toBe(1);
    const model = await setting(as(a), 'geminiModel');
    expect(model).toMatchObject({ scope: 'server', editable: false });
    expect(model.reason).toMatch(/admin token/);
    expect((await put(as(a), { geminiModel: 'other' })).status).toBe(403);
    // The admin token may change them.
    expect((await put(server, { llmMaxInFlight: 3 })).status).toBe(200);
    expect(await setting(as(b), 'llmMaxInFlight')).toMatchObject({ value: 3, source: 'teacher', scope: 'server' });
  });

  it('says per class whether AI answers, to the dashboard, the tablets and the school view', async () => {
    expect((await teacherApi<AiStatus>(as(a), '/ai')).body).toMatchObject({ enabled: false, reason: 'ai_off' });
    expect((await teacherApi<AiStatus>(as(b), '/ai')).body).toMatchObject({ enabled: true, route: 'Gemini API' });
    const rows = await fetch(`${server.url}/api/admin/classes`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    }).then((r) => r.json() as Promise<ClassSummary[]>);
    expect(rows.find((r) => r.classId === a.classId)?.aiAnswers).toBe(false);
    expect(rows.find((r) => r.classId === b.classId)?.aiAnswers).toBe(true);
  });

  it("routes A's questions to A's teacher and answers B's through Gemini at B's grade", async () => {
    const ann = await tablet(a, 'Ann');
    const bo = await tablet(b, 'Bo');
    expect([ann.state.aiAnswers, bo.state.aiAnswers]).toEqual([false, true]);
    const before = fake.requests.length;
    ask(ann.tablet, ann.state.bookId, 'qa1', 'Why is the sky blue?');
    await ann.tablet.next('TEACHER_WILL_ANSWER', about('qa1'));
    fake.reply({ chunks: ['Because ', 'of the light.'] });
    ask(bo.tablet, bo.state.bookId, 'qb1', 'What is the lamp for?');
    expect(await bo.tablet.next('ANSWER_DONE', about('qb1'))).toMatchObject({
      text: 'Because of the light.',
      source: 'gemini',
    });
    const sent = fake.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.raw).toContain('grade 5');
    expect(sent[0]!.raw).not.toContain('Why is the sky blue');
    // A's limit is 2 questions per 5 minutes; B's is the default 10.
    ask(ann.tablet, ann.state.bookId, 'qa2', 'Second?');
    await ann.tablet.next('TEACHER_WILL_ANSWER', about('qa2'));
    ask(ann.tablet, ann.state.bookId, 'qa3', 'Third?');
    await ann.tablet.next('RATE_LIMITED', about('qa3'));
    fake.reply({ chunks: ['Yes.'] }, { chunks: ['Yes again.'] });
    ask(bo.tablet, bo.state.bookId, 'qb2', 'Second?');
    await bo.tablet.next('ANSWER_DONE', about('qb2'));
    ask(bo.tablet, bo.state.bookId, 'qb3', 'Third?');
    expect(await bo.tablet.next('ANSWER_DONE', about('qb3'))).toMatchObject({ text: 'Yes again.' });
    expect(bo.tablet.of('RATE_LIMITED')).toEqual([]);
    // Each teacher's feed has its own class's questions only.
    const feedA = (await teacherApi<FeedItem[]>(as(a), '/feed')).body.map((q) => q.questionText);
    expect(feedA).toEqual(['Why is the sky blue?', 'Second?']);
    ann.tablet.close();
    bo.tablet.close();
  });

  it('keeps each class its own settings across a restart (saved in the SQLite file)', async () => {
    await server.stop();
    server = await startServer({ dataDir, env: fake.serverEnv });
    expect(await setting(as(a), 'aiAnswers')).toMatchObject({ value: false, source: 'class' });
    expect((await setting(as(b), 'gradeLevel')).value).toBe(5);
    expect((await setting(server, 'gradeLevel')).value).toBe(7);
  });
});

describe("IT's machine-wide file", () => {
  it('a preset is a starting point a class may change; a lock still locks for every class', async () => {
    const dir = tempDir();
    const config = join(dir, 'machine.json');
    writeFileSync(config, JSON.stringify({ preset: { gradeLevel: 4 }, locked: { aiAnswers: false } }));
    const it = await startServer({ env: { ...fake.serverEnv, READERAI_MACHINE_CONFIG: config } });
    try {
      const res = await fetch(`${it.url}/api/admin/classes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${it.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Locked class' }),
      });
      const c = (await res.json()) as CreatedClass;
      const mine = { url: it.url, adminToken: c.teacherToken };
      expect(await setting(mine, 'gradeLevel')).toMatchObject({ value: 4, source: 'machine' });
      expect((await put(mine, { gradeLevel: 2 })).status).toBe(200);
      expect(await setting(mine, 'gradeLevel')).toMatchObject({ value: 2, source: 'class' });
      const locked = await put(mine, { aiAnswers: true });
      expect(locked.status).toBe(403);
      expect(locked.body.message).toMatch(/locked by your school's IT configuration/);
      expect((await put(it, { aiAnswers: true })).status).toBe(403);
      expect((await teacherApi<AiStatus>(mine, '/ai')).body).toMatchObject({ enabled: false, reason: 'ai_off' });
    } finally {
      await it.stop();
    }
  });
});

describe('reports across lessons', () => {
  it("keeps a child's reading, books, questions with answers and words looked up lesson by lesson", async () => {
    const mia = await tablet(a, 'Mia');
    const bookId = mia.state.bookId;
    let seq = 0;
    const read = async (from: number, to: number) => {
      for (const wordIdx of [from, to]) {
        const n = ++seq;
        mia.tablet.send('PROGRESS_UPDATE', { bookId, wordIdx, audioTs: 0, seq: n, playing: true });
        await mia.tablet.next('PROGRESS_SAVED', (p) => p.seq === n);
        if (wordIdx === from) await new Promise((r) => setTimeout(r, 250));
      }
    };
    await read(0, 30);
    ask(mia.tablet, bookId, 'm1', 'Who is Pip?');
    await mia.tablet.next('TEACHER_WILL_ANSWER', about('m1'));
    const feed = (await teacherApi<FeedItem[]>(as(a), '/feed')).body;
    const q = feed.find((f) => f.questionText === 'Who is Pip?')!;
    expect((await teacherApi(as(a), `/questions/${q.id}/answer`, { body: { text: 'A brave fox.' } })).status).toBe(200);
    mia.tablet.send('DEFINE_WORD', { requestId: 'd1', word: 'river', context: { bookId, wordIdx: 12 } });
    await mia.tablet.next('DEFINITION');
    expect((await teacherApi(as(a), '/lesson', { body: { open: false } })).status).toBe(200);
    await mia.tablet.closed();

    expect((await teacherApi(as(a), '/lesson', { body: { open: true } })).status).toBe(200);
    const again = await TestTablet.open(mia.wsUrl);
    await again.next('SESSION_STATE');
    mia.tablet = again;
    await read(30, 50);
    ask(again, bookId, 'm2', 'Where is the bridge?');
    await again.next('TEACHER_WILL_ANSWER');

    const history = await teacherApi<ChildHistory>(as(a), `/students/${mia.studentId}/history`);
    expect(history.status).toBe(200);
    const h = history.body;
    expect(h).toMatchObject({ name: 'Mia', onRoster: true, wordsRead: 50, questions: 2, lookups: 1 });
    expect(h.lessons).toHaveLength(2);
    const [first, second] = h.lessons as [ChildHistory['lessons'][0], ChildHistory['lessons'][0]];
    expect([first.wordsRead, second.wordsRead]).toEqual([30, 20]);
    expect(first.readMs).toBeGreaterThan(0);
    expect(second.readMs).toBeGreaterThan(0);
    expect(first.readMs + second.readMs).toBe(h.readMs);
    expect(first.endedAt).not.toBeNull();
    expect(second.endedAt).toBeNull();
    expect(first.questions).toEqual([
      expect.objectContaining({ questionText: 'Who is Pip?', answer: 'A brave fox.', answeredBy: 'teacher' }),
    ]);
    expect(second.questions).toEqual([
      expect.objectContaining({ questionText: 'Where is the bridge?', answer: '', answeredBy: null }),
    ]);
    expect(first.lookups.map((l) => l.word)).toEqual(['river']);
    expect(first.books).toEqual([mia.state.bookTitle]);
    expect(h.books).toEqual([mia.state.bookTitle]);

    const classCsv = await fetch(`${server.url}/api/teacher/report.csv`, {
      headers: { authorization: `Bearer ${a.teacherToken}` },
    });
    const rows = parseCsv(await classCsv.text());
    const header = rows[0]!;
    const row = rows.find((r) => r[0] === 'Mia')!;
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('Words read')).toBe('50');
    expect(cell('Lessons')).toBe('2');
    expect(cell('Words looked up')).toBe('river');
    expect(cell('Questions and answers')).toBe(
      'Q: Who is Pip?\nA: A brave fox. (teacher)\nQ: Where is the bridge?\nA: not answered',
    );
    // Ann, from the first test, is in A's report too; nobody from class B is.
    expect(rows.map((r) => r[0])).toContain('Ann');
    expect(rows.map((r) => r[0])).not.toContain('Bo');

    const childCsv = await fetch(`${server.url}/api/teacher/students/${mia.studentId}/report.csv`, {
      headers: { authorization: `Bearer ${a.teacherToken}` },
    });
    expect(childCsv.headers.get('content-disposition')).toMatch(/attachment; filename="readerai-student-report-/);
    const childRows = parseCsv(await childCsv.text());
    expect(childRows.map((r) => r[1])).toEqual([
      'What',
      'reading',
      'question',
      'word looked up',
      'reading',
      'question',
    ]);
    // Another class's teacher cannot read her record.
    expect((await teacherApi(as(b), `/students/${mia.studentId}/history`)).status).toBe(404);
    // Removed from the class, she keeps her record, lesson by lesson.
    expect((await teacherApi(as(a), `/students/${mia.studentId}/remove`, { body: {} })).status).toBe(200);
    const kept = (await teacherApi<ChildHistory>(as(a), `/students/${mia.studentId}/history`)).body;
    expect(kept).toMatchObject({ onRoster: false, wordsRead: 50, questions: 2, lookups: 1 });
    expect(kept.lessons.map((l) => l.wordsRead)).toEqual([30, 20]);
    const afterRemoval = parseCsv(
      await fetch(`${server.url}/api/teacher/report.csv`, {
        headers: { authorization: `Bearer ${a.teacherToken}` },
      }).then((r) => r.text()),
    );
    expect(afterRemoval.find((r) => r[0] === 'Mia')?.[header.indexOf('Status')]).toBe('removed');
    again.close();
  });
});
