// Remove is not delete, and delete erases (issue 19.3-4): real server processes on real SQLite
// files in temporary data folders, real sockets, and real Chromium for the tablet that forgets.
// Every name and question is a marker found nowhere else, so a byte scan of the data folder
// means something; each scan is shown to find the markers before the deletion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { ClassroomView, CreatedClass, FeedItem, RosterView, StudentView } from '../shared/protocol/index.js';
import { CloseCode } from '../shared/protocol/codes.js';
import { launchBrowser, newPage } from './support/browser.js';
import { foundIn } from './support/data-scan.js';
import { startServer, teacherApi, type RunningServer } from './support/server.js';
import { join as joinClass, rosterNames, TestTablet } from './support/student-client.js';
import { joinFromQr } from './support/student-page.js';

const admin = (server: RunningServer, path: string, method = 'GET', body?: unknown) =>
  fetch(`${server.url}/api/admin${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** A child joins by code, opens the socket and asks one question (no AI key: it waits for the teacher). */
async function childAsks(server: RunningServer, classCode: string, name: string, question: string) {
  const joined = await joinClass(server.url, { classCode, name });
  expect(joined.status).toBe(200);
  const tablet = await TestTablet.open(joined.body.wsUrl.replace(/^ws:\/\/[^/]+/, server.wsBase));
  await tablet.next('SESSION_STATE');
  tablet.send('STUDENT_INTERRUPTION', {
    questionId: `q-${name.length}-${Date.now()}`,
    questionText: question,
    context: { bookId: (await firstBook(server)).id, wordIdx: 0 },
  });
  await tablet.next('TEACHER_WILL_ANSWER');
  return { token: joined.body.token, studentId: joined.body.studentId, sessionId: joined.body.sessionId, tablet };
}

async function firstBook(server: RunningServer): Promise<{ id: string }> {
  const list = (await (await fetch(`${server.url}/api/books`)).json()) as { id: string }[];
  return list[0]!;
}

const firstClass = async (server: RunningServer) =>
  (await teacherApi<ClassroomView & { students: StudentView[] }>(server, '/classroom')).body;

describe('remove is not delete', () => {
  let server: RunningServer;
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps a removed child in the report with their question after a restart, and puts them back', async () => {
    server = await startServer();
    const name = 'Zebulonia Remova';
    const question = 'Why does the lantern of Zebulonia glow green?';
    const child = await childAsks(server, (await firstClass(server)).classCode, name, question);

    expect((await teacherApi(server, `/students/${child.studentId}/remove`, { method: 'POST' })).status).toBe(200);
    expect(await child.tablet.closed()).toBe(CloseCode.REMOVED);
    expect((await firstClass(server)).students.map((s) => s.name)).not.toContain(name);

    const dataDir = server.dataDir;
    expect(await server.stop()).toBe(0);
    server = await startServer({ dataDir });

    const csv = (await teacherApi<string>(server, '/report.csv')).body;
    const row = csv.split(/\r?\n/).find((line) => line.startsWith(name));
    expect(row, csv).toBeDefined();
    // Name, minutes, words, questions asked: the question is still theirs.
    expect(row!.split(',')[3]).toBe('1');
    const feed = (await teacherApi<FeedItem[]>(server, '/feed')).body;
    expect(feed.find((q) => q.questionText === question)).toMatchObject({ studentName: name });
    const removed = (await teacherApi<StudentView[]>(server, '/students/removed')).body;
    expect(removed.map((s) => s.name)).toEqual([name]);

    // Put back (the dashboard's Undo): on the roster again, with the same record.
    expect((await teacherApi(server, `/students/${child.studentId}/put-back`, { method: 'POST' })).status).toBe(200);
    const back = (await firstClass(server)).students.find((s) => s.name === name);
    expect(back).toMatchObject({ id: child.studentId, questions: 1 });
    expect((await teacherApi<StudentView[]>(server, '/students/removed')).body).toEqual([]);
  });
});

describe('delete erases', () => {
  let server: RunningServer;
  afterAll(async () => {
    await server?.stop();
  });

  it('leaves no name or question of a deleted class or child in any file, and refuses their tokens', async () => {
    // Debug logging: the most the server ever writes about a request.
    server = await startServer({ env: { READERAI_LOG_LEVEL: 'debug' } });
    const made = await admin(server, '/classes', 'POST', { name: 'Doomed class', teacherName: 'T' });
    expect(made.status).toBe(201);
    const doomed = (await made.json()) as CreatedClass;
    const first = await firstClass(server);

    const inDoomed = await childAsks(server, doomed.classCode, 'Zebulonia Classgone', 'Do the Quorblewhisk owls sing?');
    const deleted = await childAsks(
      server,
      first.classCode,
      'Marvellina Childgone',
      'Where is the Thistlepunk bridge?',
    );
    const kept = await childAsks(server, first.classCode, 'Keepsake Staysafe', 'Is the Plonkerwood deep?');
    const erased = ['Zebulonia Classgone', 'Do the Quorblewhisk owls sing?', 'Marvellina Childgone'];
    erased.push('Where is the Thistlepunk bridge?');
    const staying = ['Keepsake Staysafe', 'Is the Plonkerwood deep?'];

    // The scan works: every marker is on disk (database or WAL) before anything is deleted.
    await expect
      .poll(() => foundIn(server.dataDir, [...erased, ...staying]).sort(), { timeout: 5000 })
      .toEqual([...erased, ...staying].sort());

    expect((await admin(server, `/classes/${doomed.classId}`, 'DELETE')).status).toBe(204);
    expect((await teacherApi(server, `/students/${deleted.studentId}`, { method: 'DELETE' })).status).toBe(204);
    // Their tablets are told to forget at once (4004), the kept child's stays open.
    expect(await inDoomed.tablet.closed()).toBe(CloseCode.DELETED);
    expect(await deleted.tablet.closed()).toBe(CloseCode.DELETED);
    expect(kept.tablet.closeCode).toBeNull();

    await expect.poll(() => foundIn(server.dataDir, erased), { timeout: 15_000, interval: 250 }).toEqual([]);
    // The same scan still finds what was not deleted.
    expect(foundIn(server.dataDir, staying).sort()).toEqual([...staying].sort());

    // Their tokens no longer connect, and say why: the tablet is to forget.
    for (const child of [inDoomed, deleted]) {
      const again = await joinClass(server.url, { classCode: first.classCode, name: 'Anyone', token: child.token });
      expect(again.status).toBe(410);
      expect(again.body.code).toBe('STUDENT_DELETED');
      const refused = await TestTablet.open(`${server.wsBase}/ws/${child.sessionId}?token=${child.token}`).then(
        () => 0,
        (err: unknown) => (err as { statusCode?: number }).statusCode ?? -1,
      );
      expect(refused).toBe(410);
    }
    // The deleted class's code admits no one.
    const byCode = await joinClass(server.url, { classCode: doomed.classCode, name: 'Newcomer' });
    expect(byCode.status).toBe(403);
    expect(byCode.body.code).toBe('WRONG_CLASS_CODE');
    // The kept child is untouched; and the dashboard no longer lists the deleted one.
    const roster = (await firstClass(server)).students.map((s) => s.name);
    expect(roster).toContain('Keepsake Staysafe');
    expect(roster).not.toContain('Marvellina Childgone');

    // The log never had them (it cannot be erased afterwards, so it must never be written).
    const log = server.output();
    for (const marker of [...erased, ...staying]) expect(log).not.toContain(marker);
    kept.tablet.close();
  }, 60_000);
});

describe("a deleted child's class-list entry", () => {
  let server: RunningServer;
  afterAll(async () => {
    await server?.stop();
  });

  it('goes with them, surname included; the rest of the class list stays', async () => {
    server = await startServer();
    const put = await teacherApi<RosterView>(server, '/roster', {
      method: 'PUT',
      body: {
        entries: [
          { firstName: 'Quillamina', lastName: 'Surnamegone' },
          { firstName: 'Stayforth', lastName: 'Keptname' },
        ],
      },
    });
    expect(put.status).toBe(200);
    const { classCode } = await firstClass(server);
    const entry = (await rosterNames(server.url, classCode))!.find((n) => n.label === 'Quillamina S.')!;
    const joined = await joinClass(server.url, { classCode, name: '', rosterId: entry.id });
    expect(joined.status).toBe(200);

    const erased = ['Quillamina', 'Surnamegone'];
    const staying = ['Stayforth', 'Keptname'];
    await expect
      .poll(() => foundIn(server.dataDir, [...erased, ...staying]).sort(), { timeout: 5000 })
      .toEqual([...erased, ...staying].sort());
    expect((await teacherApi(server, `/students/${joined.body.studentId}`, { method: 'DELETE' })).status).toBe(204);

    await expect.poll(() => foundIn(server.dataDir, erased), { timeout: 15_000, interval: 250 }).toEqual([]);
    expect(foundIn(server.dataDir, staying).sort()).toEqual([...staying].sort());
    const after = (await teacherApi<RosterView>(server, '/roster')).body;
    expect(after.entries.map((e) => [e.firstName, e.lastName])).toEqual([['Stayforth', 'Keptname']]);
  });
});

describe("a deleted child's tablet", () => {
  let server: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Everything the page's origin keeps: localStorage, IndexedDB databases, Cache Storage entries. */
  const kept = (page: import('playwright-core').Page) =>
    page.evaluate(async () => {
      const parts: string[] = [];
      for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i)!;
        parts.push(`${key}=${localStorage.getItem(key)}`);
      }
      for (const db of await indexedDB.databases()) parts.push(`idb:${db.name}`);
      if (typeof caches !== 'undefined') {
        for (const name of await caches.keys()) {
          const cache = await caches.open(name);
          for (const req of await cache.keys()) {
            const res = await cache.match(req);
            parts.push(`${name}:${req.url}:${res ? await res.text() : ''}`);
          }
        }
      }
      return parts.join('\n');
    });

  it('forgets its name, questions and token the next time it connects', async () => {
    const name = 'Zebulonia Tabletta';
    const question = 'Why is the Snorfblat river purple?';
    const { context, page } = await newPage(browser);
    await joinFromQr(page, server.joinUrl, name);
    await page.getByRole('button', { name: 'Ask', exact: true }).tap();
    await page.getByLabel('Your question').fill(question);
    await page.getByRole('dialog').getByRole('button', { name: 'Ask', exact: true }).tap();
    await expect.poll(async () => (await firstClass(server)).students.find((s) => s.name === name)?.questions).toBe(1);
    const token = await page.evaluate(
      () => (JSON.parse(localStorage.getItem('readerai.student') ?? '{}') as { token?: string }).token ?? '',
    );
    expect(token.length).toBeGreaterThan(20);
    const before = await kept(page);
    for (const marker of [name, question, token]) expect(before).toContain(marker);

    // The tablet is away (the page closed) when the teacher deletes the child.
    await page.close();
    const id = (await firstClass(server)).students.find((s) => s.name === name)!.id;
    expect((await teacherApi(server, `/students/${id}`, { method: 'DELETE' })).status).toBe(204);

    // Next time it connects, the server's answer makes it forget.
    const again = await context.newPage();
    await again.goto(`${server.url}/`);
    await again.getByText('This tablet forgot you').waitFor({ timeout: 20_000 });
    await expect.poll(() => kept(again), { timeout: 5000 }).not.toContain(token);
    const after = await kept(again);
    for (const marker of [name, question, token]) expect(after).not.toContain(marker);
    expect(after).not.toContain('readerai.student');
    await context.close();
  }, 60_000);
});
