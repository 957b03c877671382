// The teacher dashboard in real Chromium against the real headless server (with a local stand-in
// for Gemini): what a teacher sees as tablets join, read and ask, and what reaches a tablet when
// the teacher acts. Each step waits for the DOM or the tablet's frames, never for a fixed time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { CloseCode, ErrorCode } from '../shared/protocol/codes.js';
import type { ClassroomView, FeedItem, StudentView } from '../shared/protocol/index.js';
import { errorsOf, launchBrowser, newPage, saveScreenshot, waitLive } from './support/browser.js';
import { FakeGemini } from '../testkit/fake-gemini.js';
import { startServer, teacherApi, type RunningServer } from './support/server.js';
import { join, TestTablet } from './support/student-client.js';
import { joinFromQr } from './support/student-page.js';
import { scanQr as scanQrOn } from './support/qr.js';

const DESKTOP = { width: 1280, height: 800 };

let fake: FakeGemini;
let server: RunningServer;
let browser: Browser;
let page: Page;
let classCode: string;
const dialogs: string[] = [];
const tablets: TestTablet[] = [];

const env = (fakeUrl: string) => ({
  GEMINI_API_KEY: 'test-key',
  READERAI_GEMINI_BASE_URL: fakeUrl,
  READERAI_LLM_MAX_RETRIES: '0',
});

beforeAll(async () => {
  fake = await FakeGemini.start();
  server = await startServer({ env: env(fake.baseUrl) });
  classCode = (await room()).classCode;
  browser = await launchBrowser();
  ({ page } = await newPage(browser, DESKTOP, { hasTouch: false }));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`${server.url}/teacher/#token=${server.adminToken}`);
  await live();
});

afterAll(async () => {
  for (const t of tablets) t.close();
  await browser?.close();
  await server?.stop();
  await fake?.close();
});

async function room(): Promise<ClassroomView & { students: StudentView[] }> {
  return (await teacherApi<ClassroomView & { students: StudentView[] }>(server, '/classroom')).body;
}

async function live(): Promise<void> {
  await waitLive(page);
}

/** A tablet that joined over HTTP and holds its socket open, as the student app does. */
async function tablet(name: string, code = classCode) {
  const res = await join(server.url, { classCode: code, name });
  expect(res.status).toBe(200);
  const t = await TestTablet.open(res.body.wsUrl);
  tablets.push(t);
  const state = await t.next('SESSION_STATE');
  return { ...res.body, t, state };
}

const row = (studentId: string) => page.locator(`[data-student-id="${studentId}"]`);
const card = (feedId: string) => page.locator(`[data-feed-id="${feedId}"]`);

async function feedItem(studentId: string, questionId: string): Promise<FeedItem> {
  let item: FeedItem | undefined;
  await expect
    .poll(
      async () =>
        (item = (await teacherApi<FeedItem[]>(server, '/feed')).body.find(
          (f) => f.studentId === studentId && f.questionId === questionId,
        )),
    )
    .toBeTruthy();
  return item!;
}

const scanQr = (selector: string) => scanQrOn(page, selector);

describe('the teacher dashboard, live', () => {
  it('takes the admin token out of the address bar and keeps it in this browser', async () => {
    expect(page.url()).toBe(`${server.url}/teacher/`);
    expect(await page.evaluate(() => localStorage.getItem('readerai.adminToken'))).toBe(server.adminToken);
  });

  it('opens again from plain /teacher/ in the same browser, and never without the token', async () => {
    // The same browser, after the dashboard's window was closed: straight to the live dashboard.
    const again = await page.context().newPage();
    await again.goto(`${server.url}/teacher/`);
    await waitLive(again);
    expect(await again.getByLabel('Admin token').count()).toBe(0);
    await again.close();
    // Another browser (a fresh profile) on this same machine gets the sign-in screen: being on
    // loopback is not enough.
    const other = await newPage(browser, DESKTOP, { hasTouch: false });
    await other.page.goto(`${server.url}/teacher/`);
    await other.page.getByLabel('Admin token').waitFor();
    expect(await other.page.locator('[data-link]').count()).toBe(0);
    // A remembered token the server no longer accepts is forgotten, and the page says why.
    await other.page.evaluate(() => localStorage.setItem('readerai.adminToken', 'an-old-token'));
    await other.page.reload();
    await other.page.getByText("The server did not accept this dashboard's key").waitFor();
    expect(await other.page.evaluate(() => localStorage.getItem('readerai.adminToken'))).toBeNull();
    expect(errorsOf(other.page)).toEqual([]);
    await other.context.close();
  });

  it('shows a QR code that scans to the join URL, and the class code', async () => {
    const view = await room();
    expect(await scanQr('.join svg.qr')).toBe(view.joinUrl);
    expect((await page.getByTestId('class-code').textContent())?.replace(/\s/g, '')).toBe(view.classCode);
    await expect.poll(() => page.getByTestId('join-url').textContent()).toBe(view.joinUrl);
  });

  it('a student who scans the QR code with the student app appears in the grid', async () => {
    const joinUrl = await scanQr('.join svg.qr');
    const tabletPage = (await newPage(browser)).page;
    await joinFromQr(tabletPage, joinUrl!, 'Mina from the QR');
    const mina = (await room()).students.find((s) => s.name === 'Mina from the QR')!;
    await row(mina.id).getByText('Mina from the QR').waitFor();
    await tabletPage.context().close();
    // Closing the tablet's page drops its socket: the dashboard says so.
    await row(mina.id).getByText('Offline').waitFor();
  });

  it('a student joining over a socket appears, and their reading shows as status and progress', async () => {
    const s = await tablet('Rafael');
    await row(s.studentId).getByText('Rafael').waitFor();
    const book = (await (await fetch(`${server.url}/api/books/${s.state.bookId}`)).json()) as { words: string[] };
    const half = Math.floor(book.words.length / 2);
    s.t.send('PROGRESS_UPDATE', { bookId: s.state.bookId, wordIdx: half, audioTs: 12, seq: 1, playing: true });
    await row(s.studentId).getByText('Reading').waitFor();
    await row(s.studentId)
      .getByText(`${Math.round((half / book.words.length) * 100)}%`)
      .waitFor();
  });

  it('shows a hostile name as text: no element is made and nothing runs', async () => {
    const name = '<img src=x onerror=alert(1)>';
    const s = await tablet(name);
    await expect.poll(() => row(s.studentId).locator('.name-text').textContent()).toBe(name);
    expect(await page.locator('.students img, .feed img').count()).toBe(0);
    s.t.send('STUDENT_INTERRUPTION', {
      questionId: 'x1',
      questionText: '<script>alert(2)</script>',
      context: { bookId: s.state.bookId, wordIdx: 3 },
    });
    const item = await feedItem(s.studentId, 'x1');
    await expect.poll(() => card(item.id).locator('.feed-q').textContent()).toBe('<script>alert(2)</script>');
    expect(await card(item.id).locator('.feed-name').textContent()).toBe(name);
    expect(dialogs).toEqual([]);
    // Let its answer finish, so the next test's scripted Gemini reply goes to the next question.
    await s.t.next('ANSWER_DONE');
  });

  it('a question appears in the feed and its answer streams in', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    fake.reply({
      chunks: ['The keeper ', 'lit a lantern ', 'to guide the boat.'],
      before: (i) => (i === 1 ? held : Promise.resolve()),
    });
    const s = await tablet('Priya');
    s.t.send('STUDENT_INTERRUPTION', {
      questionId: 'q1',
      questionText: 'How did they save the boat?',
      context: { bookId: s.state.bookId, wordIdx: 40 },
    });
    const item = await feedItem(s.studentId, 'q1');
    await card(item.id).getByText('How did they save the boat?').waitFor();
    // The first chunk is on the tablet and the dashboard while Gemini is still writing the rest.
    await s.t.next('ANSWER_CHUNK');
    await card(item.id).getByText('Answering').waitFor();
    await card(item.id).getByText('The keeper').waitFor();
    await row(s.studentId).getByText('Asking').waitFor();
    release();
    await card(item.id).getByText('The keeper lit a lantern to guide the boat.').waitFor();
    await card(item.id).getByText('Answered by AI').waitFor();
  });

  it('marks a safety-withheld answer as flagged, and the teacher can hide it from the tablet', async () => {
    fake.reply({ fixture: 'streaming-failure-finish-reason-safety.txt' });
    const s = await tablet('Theo');
    s.t.send('STUDENT_INTERRUPTION', {
      questionId: 'q1',
      questionText: 'Tell me something scary',
      context: { bookId: s.state.bookId, wordIdx: 10 },
    });
    expect((await s.t.next('ANSWER_DONE')).flagged).toBe(true);
    const item = await feedItem(s.studentId, 'q1');
    await card(item.id).getByText('Flagged').waitFor();
    const feed = page.locator('.feed');
    await feed.getByRole('button', { name: /Flagged/ }).click();
    await card(item.id).waitFor();
    await card(item.id).getByRole('button', { name: 'Hide answer' }).click();
    expect(await s.t.next('ANSWER_HIDDEN')).toEqual({ questionId: 'q1' });
    await card(item.id).getByText('Hidden', { exact: true }).waitFor();
    await feed.getByRole('button', { name: /^All/ }).click();
  });

  it('the teacher answers a waiting question by hand and the tablet receives it from the teacher', async () => {
    // Gemini is unavailable (and retries are off in this server): the question goes to the teacher.
    fake.reply({ status: 503 });
    const s = await tablet('Noor');
    s.t.send('STUDENT_INTERRUPTION', {
      questionId: 'q1',
      questionText: 'What is a harbour?',
      context: { bookId: s.state.bookId, wordIdx: 5 },
    });
    await s.t.next('TEACHER_WILL_ANSWER');
    const item = await feedItem(s.studentId, 'q1');
    await card(item.id).getByText('Waiting for you', { exact: true }).waitFor();
    await expect.poll(() => page.getByTestId('waiting-count').textContent()).toBe('1');
    await card(item.id).getByRole('button', { name: 'Answer', exact: true }).click();
    await page.getByLabel('Your answer').fill('A harbour is a safe place by the sea where boats stay.');
    await saveScreenshot(page, 'dashboard-answer-dialog-1280x800');
    await page.getByRole('button', { name: 'Send answer' }).click();
    expect(await s.t.next('ANSWER_DONE')).toEqual({
      questionId: 'q1',
      text: 'A harbour is a safe place by the sea where boats stay.',
      source: 'teacher',
    });
    await card(item.id).getByText('Answered by you').waitFor();
    await expect.poll(() => page.getByTestId('waiting-count').textContent()).toBe('0');
  });

  it('shows raised hands and lowers one', async () => {
    const s = await tablet('Ines');
    s.t.send('RAISE_HAND', {});
    const hands = page.getByRole('region', { name: 'Raised hands' });
    await hands.getByText('Ines').waitFor();
    await hands.getByRole('button', { name: "Lower Ines's hand" }).click();
    expect(await s.t.next('HAND_STATE', (p) => !p.raised)).toEqual({ raised: false });
    await hands.waitFor({ state: 'detached' });
  });

  it('removes a student (who may join again) and blocks one child (until unblocked), not the name', async () => {
    const a = await tablet('Oskar');
    await row(a.studentId).getByRole('button', { name: 'Actions for Oskar' }).click();
    await page.getByRole('button', { name: 'Remove from lesson' }).click();
    expect(await a.t.closed()).toBe(CloseCode.REMOVED);
    await row(a.studentId).waitFor({ state: 'detached' });
    expect((await join(server.url, { classCode, name: 'Oskar' })).status).toBe(200);
    // Remove keeps the record: Put back (the Undo) brings the same student back to the list.
    const removed = page.getByTestId('removed-students');
    await removed.getByText('Removed from the lesson').click();
    await removed.getByText('Oskar').waitFor();
    await removed.getByRole('button', { name: 'Put back' }).click();
    await row(a.studentId).waitFor();
    await removed.waitFor({ state: 'detached' });

    const b = await tablet('Vera');
    await row(b.studentId).getByRole('button', { name: 'Actions for Vera' }).click();
    await page.getByRole('button', { name: 'Block' }).click();
    expect(await b.t.closed()).toBe(CloseCode.BLOCKED);
    await row(b.studentId).getByText('Blocked').waitFor();
    // The blocked child's tablet is refused; another child called Vera is someone else, told apart.
    expect((await join(server.url, { classCode, name: 'Vera', token: b.token })).body.code).toBe(ErrorCode.BLOCKED);
    const otherVera = await join(server.url, { classCode, name: 'Vera' });
    expect(otherVera.status).toBe(200);
    expect(otherVera.body.name).toBe('Vera (2)');
    await page.getByRole('button', { name: 'Unblock' }).click();
    await page.getByRole('button', { name: 'Close' }).click();
    await row(b.studentId).getByText('Blocked').waitFor({ state: 'detached' });
    const back = await join(server.url, { classCode, name: 'Vera', token: b.token });
    expect(back.status).toBe(200);
    expect(back.body.studentId).toBe(b.studentId);
  });

  it('deletes a student only after a confirmation: the record goes, the tablet is told to forget', async () => {
    const a = await tablet('Zebulonia Dashgone');
    await row(a.studentId).getByRole('button', { name: 'Actions for Zebulonia Dashgone' }).click();
    await page.getByRole('button', { name: 'Delete…' }).click();
    const confirm = page.getByRole('dialog', { name: "Delete Zebulonia Dashgone's record?" });
    // Keeping it changes nothing.
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await room()).students.map((s) => s.id)).toContain(a.studentId);
    expect(a.t.closeCode).toBeNull();

    await row(a.studentId).getByRole('button', { name: 'Actions for Zebulonia Dashgone' }).click();
    await page.getByRole('button', { name: 'Delete…' }).click();
    await confirm.getByRole('button', { name: 'Delete for good' }).click();
    expect(await a.t.closed()).toBe(CloseCode.DELETED);
    await row(a.studentId).waitFor({ state: 'detached' });
    expect((await room()).students.map((s) => s.id)).not.toContain(a.studentId);
    expect((await join(server.url, { classCode, name: 'Zebulonia Dashgone', token: a.token })).body.code).toBe(
      ErrorCode.STUDENT_DELETED,
    );
  });

  it('locks joining and makes a new class code', async () => {
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await page.getByTestId('join-state').getByText('Joining locked').waitFor();
    expect((await join(server.url, { classCode, name: 'Late Larry' })).body.code).toBe(ErrorCode.JOIN_LOCKED);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByTestId('join-state').getByText('Open').waitFor();

    await page.getByRole('button', { name: 'New code' }).click();
    await expect
      .poll(async () => (await page.getByTestId('class-code').textContent())?.replace(/\s/g, ''))
      .not.toBe(classCode);
    const fresh = (await room()).classCode;
    expect((await page.getByTestId('class-code').textContent())?.replace(/\s/g, '')).toBe(fresh);
    expect((await join(server.url, { classCode, name: 'Old Code' })).body.code).toBe(ErrorCode.WRONG_CLASS_CODE);
    expect(await scanQr('.join svg.qr')).toBe((await room()).joinUrl);
    classCode = fresh;
  });

  it('watches thirty tablets appear and read, and the capacity panel shows live numbers', async () => {
    const reading = await Promise.all(
      Array.from({ length: 30 }, (_, i) => tablet(`Reader ${String(i + 1).padStart(2, '0')}`)),
    );
    reading.forEach((s, i) =>
      s.t.send('PROGRESS_UPDATE', {
        bookId: s.state.bookId,
        wordIdx: 5 + i * 7,
        audioTs: i,
        seq: 1,
        playing: i % 4 !== 0,
      }),
    );
    await page.getByRole('button', { name: /^Reading/ }).click();
    await expect
      .poll(async () =>
        Number(
          await page
            .getByRole('button', { name: /^Reading/ })
            .locator('.chip-n')
            .textContent(),
        ),
      )
      .toBeGreaterThanOrEqual(22);
    await page.locator('.students').getByRole('button', { name: /^All/ }).click();
    // The panel's figure is the capacity monitor's count of connected students.
    const online = async () => (await room()).students.filter((s) => s.status !== 'offline').length;
    await expect
      .poll(async () => Number(await page.getByTestId('capacity-students').textContent()) === (await online()))
      .toBe(true);
    // The teacher reads one sentence; the figures are there for IT, one tap away.
    expect(await page.getByTestId('capacity-room').textContent()).toMatch(
      /^(Room for the whole school|Room for about \d+ more classes|Room for one more class|Nearly full: room for \d+ more students?|Full: .*|Still measuring .*)\.$/,
    );
    expect(await page.getByTestId('loop-p99').isVisible()).toBe(false);
    await page.getByText('Details for IT').click();
    await page.getByTestId('loop-p99').waitFor();
    await page.locator('.capacity .chart svg').waitFor();
    expect(await page.getByTestId('capacity-total').textContent()).toMatch(
      /^(about [\d,]+ students \([\d,]+ more\)|not measured yet)$/,
    );
    // Thirty tablets' frames, against the default 100 Mbit/s link.
    expect(await page.getByTestId('network').textContent()).toMatch(/^\d+ kbit\/s of 100 Mbit\/s/);
    await saveScreenshot(page, 'dashboard-class-1280x800');
    await page.getByRole('button', { name: 'Project' }).click();
    await page.locator('.projector').waitFor();
    expect(await scanQr('.projector svg.qr')).toBe((await room()).joinUrl);
    await saveScreenshot(page, 'dashboard-projector-1280x800');
    await page.keyboard.press('Escape');
    await page.locator('.projector').waitFor({ state: 'detached' });
  });

  it('exports the report as a CSV download', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export report' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^readerai-report-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      '\uFEFFName,Minutes read,Words read,Questions asked,Book,Progress %,Status,' +
        'Lessons,Books read,Words looked up,Questions and answers',
    );
    for (const name of ['Rafael', 'Priya', 'Reader 30', '<img src=x onerror=alert(1)>']) expect(csv).toContain(name);
  });

  it('when the server restarts, shows "reconnecting", then finds the class as it was', async () => {
    const before = await room();
    const feedBefore = (await teacherApi<FeedItem[]>(server, '/feed')).body.length;
    const { dataDir, port } = server;
    await server.stop();
    await page.locator('[data-link="reconnecting"]').waitFor();
    server = await startServer({ dataDir, port, env: env(fake.baseUrl) });
    await live();
    const after = await room();
    expect(after.classCode).toBe(before.classCode);
    expect(after.students.map((s) => s.id).sort()).toEqual(before.students.map((s) => s.id).sort());
    await expect.poll(() => page.getByTestId('student-count').textContent()).toBe(String(before.students.length));
    await expect.poll(() => page.locator('.feed-card').count()).toBeGreaterThan(0);
    expect((await teacherApi<FeedItem[]>(server, '/feed')).body.length).toBe(feedBefore);
    // The restart dropped every socket (these test tablets do not come back): still in the class, offline.
    const rafael = before.students.find((s) => s.name === 'Rafael')!;
    await row(rafael.id).getByText('Offline').waitFor();
  });

  it('ends the lesson: tablets are told, the class keeps students and code, the next lesson starts', async () => {
    const s = await tablet('Last One');
    const before = await room();
    await page.getByRole('button', { name: 'End lesson' }).click();
    await page.getByRole('dialog', { name: 'End this lesson?' }).getByRole('button', { name: 'End lesson' }).click();
    expect(await s.t.closed()).toBe(CloseCode.SESSION_ENDED);
    await page.getByRole('button', { name: 'Start lesson' }).waitFor();
    await page.getByText('no lesson now').waitFor();
    await row(s.studentId).getByText('Offline').waitFor();
    const between = await room();
    expect(between).toMatchObject({ lessonOpen: false, classCode: before.classCode });
    expect(between.students.map((x) => x.id).sort()).toEqual(before.students.map((x) => x.id).sort());

    await page.getByRole('button', { name: 'Start lesson' }).click();
    await page.getByRole('button', { name: 'End lesson' }).waitFor();
    const next = await room();
    expect(next).toMatchObject({ lessonOpen: true, classCode: before.classCode });
    expect(next.lessonId).not.toBe(before.lessonId);
    // A new lesson's feed starts empty; the tablet comes back as the same student.
    await expect.poll(() => page.locator('.feed-card').count()).toBe(0);
    const back = await TestTablet.open(s.wsUrl);
    tablets.push(back);
    expect((await back.next('SESSION_STATE')).studentId).toBe(s.studentId);
    expect((await page.getByTestId('class-code').textContent())?.replace(/\s/g, '')).toBe(before.classCode);
    expect(errorsOf(page)).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
