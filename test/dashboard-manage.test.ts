// The dashboard's other screens in real Chromium against the real server (no Gemini key): the
// settings (teacher-editable ones saved, environment-set ones read-only with the reason), the book
// library (importing .txt and .epub files, assigning a book to the class), a class far larger
// than the screen (the student list stays windowed), and a teacher's link to one class of several
// (its own AI switch, the server's settings read-only, a child's history across lessons).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strToU8, zipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import type { Book, BookSummary, CreatedClass } from '../shared/protocol/index.js';
import type { SettingView } from '../renderer/teacher/lib/api.js';
import { errorsOf, launchBrowser, newPage, saveScreenshot, waitLive } from './support/browser.js';
import { FakeGemini } from '../testkit/fake-gemini.js';
import { startServer, teacherApi, type RunningServer } from './support/server.js';
import { join, TestTablet } from './support/student-client.js';

let server: RunningServer;
let browser: Browser;
let page: Page;
let classCode: string;
let google: FakeGemini;

beforeAll(async () => {
  google = await FakeGemini.start();
  // No key: AI is off until a test enters one (answered by the stand-in, never by Google).
  server = await startServer({ env: { READERAI_GRADE_LEVEL: '4', READERAI_GEMINI_BASE_URL: google.baseUrl } });
  classCode = new URL(server.joinUrl).searchParams.get('code')!;
  browser = await launchBrowser();
  ({ page } = await newPage(browser, { width: 1280, height: 800 }, { hasTouch: false }));
  await page.goto(`${server.url}/teacher/#token=${server.adminToken}`);
  await waitLive(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await google?.close();
});

const setting = async (key: string) =>
  (await teacherApi<SettingView[]>(server, '/settings')).body.find((s) => s.key === key)!;
const book = async (id: string) => (await (await fetch(`${server.url}/api/books/${id}`)).json()) as Book;
const tab = (name: string) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });

describe('settings', () => {
  it('saves what the teacher may change, and shows the rest read-only with the reason', async () => {
    await tab('Settings').click();
    await page.getByText("Google's terms apply to AI answers").waitFor();
    await page
      .getByText('“directed towards or likely to be accessed by individuals under the age of 18”', { exact: false })
      .waitFor();

    // Set in the server's environment: not editable here, and the page says why.
    const grade = page.locator('[data-setting="gradeLevel"]');
    expect(await grade.locator('input').isDisabled()).toBe(true);
    await grade.getByText("gradeLevel is set by the server's environment.").waitFor();

    const questions = page.locator('[data-setting="questionsPer5Min"]');
    await questions.locator('input').fill('7');
    await page.getByTestId('save-settings').click();
    await questions.getByText('saved for this class').waitFor();
    expect(await setting('questionsPer5Min')).toMatchObject({ value: 7, source: 'class' });

    await questions.getByRole('button', { name: 'Reset to default' }).click();
    await page.getByTestId('save-settings').click();
    await questions.getByText('saved for this class').waitFor({ state: 'detached' });
    expect(await setting('questionsPer5Min')).toMatchObject({ value: 10, source: 'default' });
    await saveScreenshot(page, 'dashboard-settings-1280x800');
  });

  it('shows the server refusing a value, and saves nothing', async () => {
    await page.locator('[data-setting="questionsPer5Min"] input').fill('0');
    await page.getByTestId('save-settings').click();
    await page
      .getByRole('alert')
      .getByText(/questionsPer5Min must be between 1 and 1000/)
      .waitFor();
    expect((await setting('questionsPer5Min')).value).toBe(10);
    await page.getByRole('button', { name: 'Discard' }).click();
  });

  it('saves the Gemini key without ever showing it back, and removes it', async () => {
    const row = page.locator('[data-setting="geminiApiKey"]');
    await row.getByText('No key: AI answers are off').waitFor();
    await row.getByLabel('Gemini API key').fill('AIzaTestKey-1234');
    await row.getByRole('button', { name: 'Save key' }).click();
    await row.getByText('A key is set (••••1234)').waitFor();
    expect(await setting('geminiApiKey')).toMatchObject({ isSet: true, value: '••••1234' });
    expect(await page.content()).not.toContain('AIzaTestKey');
    await row.getByRole('button', { name: 'Remove key' }).click();
    await row.getByText('No key: AI answers are off').waitFor();
    expect((await setting('geminiApiKey')).isSet).toBe(false);
  });
});

describe('the AI route', () => {
  it('shows which route answers, tries it, and switches AI off and on in one click', async () => {
    await tab('Settings').click();
    const badge = page.locator('[data-ai]');
    await page.locator('[data-ai="off"]').getByText('AI answers off').waitFor();
    const provider = page.locator('[data-setting="aiProvider"] select');
    expect(await provider.inputValue()).toBe('gemini');
    expect(await provider.locator('option').allTextContents()).toEqual([
      'Gemini API (an API key)',
      "Vertex AI (the school's Google Cloud project)",
    ]);
    // Browser mode: the service account's key file is IT's to set.
    await page.locator('[data-setting="vertexCredentials"]').getByText('IT sets it').waitFor();

    const key = page.locator('[data-setting="geminiApiKey"]');
    await key.getByLabel('Gemini API key').fill('AIzaTestKey-5678');
    await key.getByRole('button', { name: 'Save key' }).click();
    await page.locator('[data-ai="on"]').getByText('AI: Gemini API').waitFor();

    google.reply({ chunks: ['ready'] });
    const check = page.getByTestId('check-ai');
    await check.getByRole('button', { name: 'Try it' }).click();
    await check.getByText(/Gemini API answered in \d+ ms \(model gemini-3\.5-flash-lite-001\)/).waitFor();
    expect(google.requests.at(-1)!.headers['x-goog-api-key']).toBe('AIzaTestKey-5678');

    await page.getByTestId('ai-off').click();
    await page.locator('[data-ai="off"]').getByText('AI answers off').waitFor();
    expect(await setting('aiAnswers')).toMatchObject({ value: false, source: 'class' });
    expect((await teacherApi<{ reason: string }>(server, '/ai')).body.reason).toBe('ai_off');
    await page.getByTestId('ai-on').click();
    await page.locator('[data-ai="on"]').waitFor();
    expect(await badge.count()).toBe(1);

    // Back as the other tests expect it: no key, aiAnswers at its default.
    await key.getByRole('button', { name: 'Remove key' }).click();
    await page.locator('[data-ai="off"]').waitFor();
    await teacherApi(server, '/settings', { method: 'PUT', body: { aiAnswers: null } });
    expect(errorsOf(page)).toEqual([]);
  });
});

describe('books', () => {
  it('imports a .txt file and assigns it: every tablet is told', async () => {
    const res = await join(server.url, { classCode, name: 'Ada' });
    const tablet = await TestTablet.open(res.body.wsUrl);
    await tablet.next('SESSION_STATE');
    await tab('Books').click();
    const text = 'The Otter and the Moon\n\nOnce upon a time an otter looked up.\r\n\r\n\r\nThe moon looked back.';
    await page
      .getByTestId('book-file')
      .setInputFiles({ name: 'the_otter_and_the_moon.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
    expect(await page.getByTestId('book-title').inputValue()).toBe('the otter and the moon');
    await page.getByTestId('book-title').fill('The Otter and the Moon');
    await page.getByRole('button', { name: 'Add and assign to class' }).click();
    const assigned = await tablet.next('BOOK_ASSIGNED');
    expect(assigned.bookTitle).toBe('The Otter and the Moon');
    const imported = await book(assigned.bookId);
    expect(imported.words.slice(0, 5)).toEqual(['The', 'Otter', 'and', 'the', 'Moon']);
    expect(imported.paragraphStarts).toEqual([0, 5, 13]);
    await page.locator(`[data-book-id="${assigned.bookId}"]`).getByText('Assigned to the class').waitFor();
    tablet.close();
  });

  it('imports an .epub in spine order, as paragraphs of text', async () => {
    const epub = zipSync({
      mimetype: strToU8('application/epub+zip'),
      'META-INF/container.xml': strToU8(
        '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">' +
          '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>' +
          '</rootfiles>' +
          '</container>',
      ),
      'OEBPS/content.opf': strToU8(
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">' +
          '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>The Lantern Keeper</dc:title></metadata>' +
          '<manifest><item id="c2" href="text/chapter%202.xhtml" media-type="application/xhtml+xml"/>' +
          '<item id="c1" href="text/one.xhtml" media-type="application/xhtml+xml"/>' +
          '<item id="notes" href="text/notes.xhtml" media-type="application/xhtml+xml"/>' +
          '<item id="css" href="style.css" media-type="text/css"/></manifest>' +
          '<spine><itemref idref="c1"/><itemref idref="notes" linear="no"/><itemref idref="c2"/></spine></package>',
      ),
      'OEBPS/text/one.xhtml': strToU8(
        '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>One</title><style>p{}</style>' +
          '</head><body><h1>Chapter One</h1><p>The keeper <em>lit</em> a lantern.</p><p>The boat<br/>came home.</p>' +
          '<script>alert(1)</script></body></html>',
      ),
      'OEBPS/text/notes.xhtml': strToU8(
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Answer key: not for reading.</p></body></html>',
      ),
      'OEBPS/text/chapter 2.xhtml': strToU8(
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><div><p>Morning came.</p></div></body></html>',
      ),
      'OEBPS/style.css': strToU8('p { margin: 0 }'),
    });
    await page
      .getByTestId('book-file')
      .setInputFiles({ name: 'lantern.epub', mimeType: 'application/epub+zip', buffer: Buffer.from(epub) });
    // The server reads the EPUB (title from its package), not the page.
    await page.getByTestId('epub-chosen').waitFor();
    await page.getByRole('button', { name: 'Add to library', exact: true }).click();
    const row = page.locator('[data-book-id]', { hasText: 'The Lantern Keeper' });
    await row.waitFor();
    const id = (await row.getAttribute('data-book-id'))!;
    const imported = await book(id);
    expect(imported.words.join(' ')).toBe('Chapter One The keeper lit a lantern. The boat came home. Morning came.');
    expect(imported.paragraphStarts).toEqual([0, 2, 7, 11]);
    const listed = (await (await fetch(`${server.url}/api/books`)).json()) as BookSummary[];
    expect(listed.some((b) => b.id === id)).toBe(true);
    await saveScreenshot(page, 'dashboard-books-1280x800');
  });

  it('says plainly when a file is not a book it can read', async () => {
    await page
      .getByTestId('book-file')
      .setInputFiles({ name: 'broken.epub', mimeType: 'application/epub+zip', buffer: Buffer.from('not a zip') });
    await page.getByRole('button', { name: 'Add to library', exact: true }).click();
    await page.getByRole('alert').getByText('This file is not an EPUB (it is not a valid zip file).').waitFor();
  });

  it('deletes a book it added, after asking; the stories that come with ReaderAI have no delete', async () => {
    const added = await teacherApi<BookSummary>(server, '/books', { body: { title: 'Old Notes', text: 'Gone soon.' } });
    await tab('Class').click();
    await tab('Books').click();
    const row = page.locator(`[data-book-id="${added.body.id}"]`);
    await row.getByRole('button', { name: 'Delete Old Notes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete "Old Notes"?' });
    await dialog.getByText('It goes from the library of every class on this computer.').waitFor();
    await dialog.getByRole('button', { name: 'Delete the book' }).click();
    await page.getByText('"Old Notes" is deleted from the library.').waitFor();
    await row.waitFor({ state: 'detached' });
    expect((await fetch(`${server.url}/api/books/${added.body.id}`)).status).toBe(404);

    const listed = (await (await fetch(`${server.url}/api/books`)).json()) as BookSummary[];
    const builtin = listed.find((b) => b.builtin)!;
    const builtinRow = page.locator(`[data-book-id="${builtin.id}"]`);
    await builtinRow.waitFor();
    expect(await builtinRow.getByRole('button', { name: /^Delete/ }).count()).toBe(0);
    expect(errorsOf(page)).toEqual([]);
  });
});

describe('a class larger than the screen', () => {
  it('lists 300 students with only the rows in view in the page, and scrolls to the last', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `Pupil ${String(i + 1).padStart(3, '0')}`);
    for (const name of names) expect((await join(server.url, { classCode, name })).status).toBe(200);
    await tab('Class').click();
    await expect.poll(() => page.getByTestId('student-count').textContent()).toBe(String(300 + 1));
    const rows = page.locator('.student-list .student-row');
    expect(await rows.count()).toBeLessThan(40);
    await page.locator('.student-list').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.locator('.student-list').getByText('Pupil 300').waitFor();
    expect(await rows.count()).toBeLessThan(40);
    await page.getByRole('searchbox', { name: 'Find a student by name' }).fill('pupil 15');
    // Pupil 150 to Pupil 159.
    await expect.poll(() => rows.count()).toBe(10);
    expect(errorsOf(page)).toEqual([]);
  });
});

describe("a teacher's link (one class of several)", () => {
  let teacher: Page;
  let mine: CreatedClass;
  beforeAll(async () => {
    const res = await fetch(`${server.url}/api/admin/classes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Group B' }),
    });
    mine = (await res.json()) as CreatedClass;
    ({ page: teacher } = await newPage(browser, { width: 1280, height: 800 }, { hasTouch: false }));
    await teacher.goto(`${server.url}/teacher/#token=${mine.teacherToken}`);
    await waitLive(teacher);
  });
  const as = () => ({ url: server.url, adminToken: mine.teacherToken });

  it("turns AI answers off for its own class in one click, and the server's settings stay IT's", async () => {
    // IT's key turns AI on for every class; this teacher switches it off for theirs only.
    await teacherApi(server, '/settings', { method: 'PUT', body: { geminiApiKey: 'AIzaTestKey-9999' } });
    await teacher.reload();
    await teacher.locator('[data-ai="on"]').waitFor();
    await teacher.getByTestId('ai-off').click();
    await teacher.locator('[data-ai="off"]').getByText('AI answers off').waitFor();
    expect((await teacherApi<{ reason: string }>(as(), '/ai')).body.reason).toBe('ai_off');
    expect((await teacherApi<{ enabled: boolean }>(server, '/ai')).body.enabled).toBe(true);

    await teacher.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
    const ai = teacher.locator('[data-setting="aiAnswers"]');
    await ai.getByText('saved for this class').waitFor();
    expect(await ai.locator('[data-scope]').textContent()).toBe('this class');
    const model = teacher.locator('[data-setting="geminiModel"]');
    expect(await model.locator('input').isDisabled()).toBe(true);
    await model.getByText(/applies to every class on this server; IT changes it with the admin token/).waitFor();
    expect(await model.locator('[data-scope]').textContent()).toBe('every class');
    await saveScreenshot(teacher, 'dashboard-settings-teacher-link-1280x800');
    await teacherApi(server, '/settings', { method: 'PUT', body: { geminiApiKey: null } });
    expect(errorsOf(teacher)).toEqual([]);
  });

  it("shows a child's history across lessons when the teacher opens the child", async () => {
    const res = await join(server.url, { classCode: mine.classCode, name: 'Zoe' });
    let tablet = await TestTablet.open(res.body.wsUrl);
    const state = await tablet.next('SESSION_STATE');
    const ask = (questionId: string, questionText: string) =>
      tablet.send('STUDENT_INTERRUPTION', { questionId, questionText, context: { bookId: state.bookId, wordIdx: 3 } });
    tablet.send('PROGRESS_UPDATE', { bookId: state.bookId, wordIdx: 12, audioTs: 0, seq: 1, playing: true });
    ask('z1', 'What is a lantern?');
    await tablet.next('TEACHER_WILL_ANSWER');
    await teacherApi(as(), '/lesson', { body: { open: false } });
    await tablet.closed();
    await teacherApi(as(), '/lesson', { body: { open: true } });
    tablet = await TestTablet.open(res.body.wsUrl);
    await tablet.next('SESSION_STATE');
    ask('z2', 'Why did the boat come home?');
    await tablet.next('TEACHER_WILL_ANSWER');

    await teacher.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Class' }).click();
    await teacher.getByRole('button', { name: 'Actions for Zoe' }).click();
    const history = teacher.getByTestId('child-history');
    await history.getByText('Across 2 lessons').waitFor();
    await history.getByText('2 questions', { exact: false }).waitFor();
    expect(await history.locator('[data-lesson]').count()).toBe(2);
    // Newest first: this lesson's question, then the last lesson's.
    expect(await history.locator('[data-lesson]').first().textContent()).toContain('Why did the boat come home?');
    expect(await history.locator('[data-lesson]').last().textContent()).toContain('What is a lantern?');
    const [download] = await Promise.all([
      teacher.waitForEvent('download'),
      history.getByRole('button', { name: 'Their report (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^readerai-student-report-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv).toContain('What is a lantern?');
    expect(csv).toContain('Why did the boat come home?');
    await saveScreenshot(teacher, 'dashboard-child-history-1280x800');
    tablet.close();
    expect(errorsOf(teacher)).toEqual([]);
  });
});
