// Answers that come while the child reads (issue 14, items 1 and 5): the child asked, tapped "Keep
// reading" as the app says, and the answer (the teacher's, or the AI's that finished after the
// dialog was closed) arrives. A calm notice and a badge on Ask say so without taking the focus or
// stopping the voice; one tap opens the answer, ready to be read aloud. And the Ask dialog fits the
// screen with several questions, and the visible area when that shrinks (an on-screen keyboard).
// Real Chromium at the classroom's tablet sizes against the real server (and the fake Gemini).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  errorsOf,
  launchBrowser,
  newPage,
  saveScreenshot,
  TABLET_LANDSCAPE,
  TABLET_PORTRAIT,
  TABLET_TALL,
} from './support/browser.js';
import { FakeGemini } from '../testkit/fake-gemini.js';
import { installFakeSpeech } from './support/fake-speech.js';
import { startServer, teacherApi, type RunningServer } from './support/server.js';
import { currentWord, joinFromQr, waitForWord } from './support/student-page.js';
import type { FeedItem } from '../shared/protocol/index.js';

const SIZES = [TABLET_PORTRAIT, TABLET_LANDSCAPE, TABLET_TALL];
const sizeName = (v: { width: number; height: number }) => `${v.width}x${v.height}`;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

type Box = { x: number; y: number; width: number; height: number };
const inside = (a: Box, b: Box) =>
  a.x >= b.x - 0.5 &&
  a.y >= b.y - 0.5 &&
  a.x + a.width <= b.x + b.width + 0.5 &&
  a.y + a.height <= b.y + b.height + 0.5;
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function box(page: Page, selector: string): Promise<Box> {
  const b = await page.locator(selector).last().boundingBox();
  expect(b, selector).not.toBeNull();
  return b!;
}

/** What has the focus, as something to compare: the element is tagged the first time it is seen. */
function focusTag(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return 'none';
    el.dataset.focusTag ??= String(Math.random());
    return `${el.tagName}:${el.dataset.focusTag}`;
  });
}

const notice = (page: Page) => page.locator('.answer-notice');
const badge = (page: Page) => page.getByTestId('ask-badge');
const dialogAsk = (page: Page) => page.getByRole('dialog').getByRole('button', { name: 'Ask', exact: true });

async function askAndKeepReading(page: Page, question: string, waitFor: RegExp): Promise<void> {
  await page.getByRole('button', { name: 'Ask', exact: true }).tap();
  await page.getByLabel('Your question').fill(question);
  await dialogAsk(page).tap();
  await expect.poll(() => page.locator('.qa-item').last().textContent(), { timeout: 10_000 }).toMatch(waitFor);
  await keepReading(page);
}

const spoken = (page: Page) =>
  page.evaluate(() => (window as unknown as { __speech: { spoken: string[] } }).__speech.spoken.length);

/** "Keep reading", and the voice really reads on (closing the dialog must not silence it). */
async function keepReading(page: Page): Promise<void> {
  const before = await spoken(page);
  await page.getByRole('button', { name: 'Keep reading' }).tap();
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  await expect.poll(() => spoken(page), { timeout: 10_000 }).toBeGreaterThan(before + 3);
  expect(await page.locator('.banner').textContent()).not.toMatch(/no reading voice/);
}

describe('the teacher answers while the child reads', () => {
  let server: RunningServer;
  beforeAll(async () => {
    // No Gemini key: every question goes to the teacher.
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each(SIZES.map((v) => [sizeName(v), v] as const))(
    '%s: a calm notice and a badge, the focus and the voice untouched; one tap opens the answer to hear',
    async (size, viewport) => {
      const { context, page } = await newPage(browser, viewport);
      await page.addInitScript(installFakeSpeech, { boundaries: true, wordMs: 120 });
      const name = `Ria ${size}`;
      await joinFromQr(page, server.joinUrl, name);
      const question = `What is a harbour? (${size})`;
      await askAndKeepReading(page, question, /Your teacher will answer this one/);
      const reading = await waitForWord(page, (await currentWord(page))!.idx + 2);
      expect(await notice(page).isVisible()).toBe(false);
      expect(await badge(page).count()).toBe(0);

      // Focus somewhere a child could be typing or tapping: the book (keyboard reading).
      await page.locator('.book').focus();
      const focusBefore = await focusTag(page);
      const feed = (await teacherApi<FeedItem[]>(server, '/feed')).body;
      const item = feed.find((f) => f.questionText === question)!;
      const answer = 'A harbour is a safe place by the sea where boats stay.';
      expect((await teacherApi(server, `/questions/${item.id}/answer`, { body: { text: answer } })).status).toBe(200);

      await notice(page).waitFor();
      expect(await notice(page).textContent()).toContain('Your teacher answered your question!');
      expect(await badge(page).textContent()).toBe('1 new answer');
      expect(await page.getByRole('button', { name: /^Ask.*1 new answer$/ }).count()).toBe(1);
      // Not a word of the book was lost: the voice reads on, the focus stayed where it was.
      await waitForWord(page, reading + 3);
      expect(await page.getByRole('button', { name: 'Pause' }).isVisible()).toBe(true);
      expect(await focusTag(page)).toBe(focusBefore);
      expect(await page.getByRole('dialog').count()).toBe(0);
      // It sits clear of the word being read and of the controls, inside the screen.
      const screen = { x: 0, y: 0, ...viewport };
      const n = await box(page, '.answer-notice');
      expect(inside(n, screen)).toBe(true);
      expect(overlaps(n, await box(page, '.controls'))).toBe(false);
      expect(overlaps(n, await box(page, '.w.now'))).toBe(false);
      await saveScreenshot(page, `student-answer-notice-${size}`);

      // One tap: the answer, with "Read the answer to me" focused; a second tap reads it aloud.
      await notice(page).getByRole('button', { name: 'See the answer' }).tap();
      const dialog = page.getByRole('dialog', { name: 'Ask a question' });
      await dialog.waitFor();
      const shown = dialog.locator('.qa-item.fresh .answer');
      expect(await shown.textContent()).toBe(answer);
      expect(inside(await box(page, '.qa-item.fresh .answer'), await box(page, '.sheet.ask'))).toBe(true);
      const read = dialog.getByRole('button', { name: 'Read the answer to me' });
      expect(await read.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await notice(page).isVisible()).toBe(false);
      expect(await badge(page).count()).toBe(0);
      await saveScreenshot(page, `student-answer-opened-${size}`);
      await read.tap();
      await expect
        .poll(() =>
          page.evaluate(() => (window as unknown as { __speech: { utterances: string[] } }).__speech.utterances),
        )
        .toContain(answer);

      // Seen: back to the book, and no badge comes back.
      await keepReading(page);
      expect(await badge(page).count()).toBe(0);
      expect(errorsOf(page)).toEqual([]);
      await context.close();
    },
  );
});

describe('with AI answers', () => {
  let server: RunningServer;
  let gemini: FakeGemini;
  beforeAll(async () => {
    gemini = await FakeGemini.start();
    server = await startServer({ env: gemini.serverEnv });
  });
  afterAll(async () => {
    await server?.stop();
    await gemini?.close();
  });

  it('an answer finished after Ask was closed is noticed; "Later" keeps the badge, even after a reload', async () => {
    const { context, page } = await newPage(browser, TABLET_LANDSCAPE);
    await page.addInitScript(installFakeSpeech, { boundaries: true, wordMs: 120 });
    await joinFromQr(page, server.joinUrl, 'Sam');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    gemini.reply({
      chunks: ['Boats ', 'stay in a harbour ', 'when the sea is rough.'],
      before: (i) => (i === 1 ? held : Promise.resolve()),
    });
    await askAndKeepReading(page, 'Why do boats stay in the harbour?', /Boats/);
    const at = (await currentWord(page))!.idx;
    release();
    await notice(page).waitFor({ timeout: 10_000 });
    expect(await notice(page).textContent()).toContain('Your question has an answer!');
    await waitForWord(page, at + 3);

    // "Later": the notice goes, the badge stays, and both survive a reload.
    await notice(page).getByRole('button', { name: 'Later' }).tap();
    expect(await notice(page).isVisible()).toBe(false);
    expect(await badge(page).textContent()).toBe('1 new answer');
    await page.reload();
    await page.locator('.w.now').waitFor();
    await notice(page).waitFor();
    expect(await badge(page).textContent()).toBe('1 new answer');

    // Opening Ask the usual way shows it too, and counts it as seen.
    await page.getByRole('button', { name: /^Ask/ }).tap();
    await expect
      .poll(() => page.locator('.qa-item .answer').last().textContent())
      .toBe('Boats stay in a harbour when the sea is rough.');
    await keepReading(page);
    expect(await badge(page).count()).toBe(0);
    expect(await notice(page).isVisible()).toBe(false);
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });

  it.each(SIZES.map((v) => [sizeName(v), v] as const))(
    '%s: with two long answers, "Ask" and "Keep reading" stay inside the dialog and the screen',
    async (size, viewport) => {
      const { context, page } = await newPage(browser, viewport);
      await joinFromQr(page, server.joinUrl, `Lou ${size}`);
      const long =
        'A lighthouse is a tall tower by the sea. At night its big lamp turns round and round, so ships can see ' +
        'where the rocks are and stay safe. The keeper looks after the lamp and keeps the glass clean. ';
      gemini.reply({ chunks: [long, long] }, { chunks: [long, long, long] });
      await page.getByRole('button', { name: 'Ask', exact: true }).tap();
      for (const q of ['What is a lighthouse?', 'Who looks after the lamp?']) {
        await page.getByLabel('Your question').fill(q);
        await dialogAsk(page).tap();
        await expect
          .poll(() => page.locator('.qa-item[data-status="answered"]').count(), { timeout: 10_000 })
          .toBeGreaterThan(q.startsWith('What') ? 0 : 1);
      }
      const screen = { x: 0, y: 0, ...viewport };
      const sheet = await box(page, '.sheet.ask');
      expect(inside(sheet, screen), `${JSON.stringify(sheet)} in ${size}`).toBe(true);
      for (const sel of ['.ask-form button[type="submit"]', '.sheet.ask .keep', '.ask-form textarea']) {
        expect(inside(await box(page, sel), sheet), sel).toBe(true);
      }
      // The questions scroll inside the dialog, which shows the end of the newest answer.
      const list = await box(page, '.sheet.ask > .qa');
      const end = await box(page, '.qa-item .answer');
      expect(end.y + end.height).toBeGreaterThan(list.y);
      expect(end.y + end.height).toBeLessThanOrEqual(list.y + list.height + 0.5);
      await saveScreenshot(page, `student-ask-two-questions-${size}`);

      // The visible area shrinks (an on-screen keyboard, or zoom): the dialog follows it.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 1.6 });
      await expect.poll(() => page.evaluate(() => Math.round(visualViewport!.height))).toBeLessThan(viewport.height);
      const vv = await page.evaluate(() => ({
        x: visualViewport!.offsetLeft,
        y: visualViewport!.offsetTop,
        width: visualViewport!.width,
        height: visualViewport!.height,
      }));
      await expect.poll(async () => inside(await box(page, '.sheet.ask'), vv)).toBe(true);
      for (const sel of ['.ask-form button[type="submit"]', '.sheet.ask .keep']) {
        expect(inside(await box(page, sel), vv), sel).toBe(true);
      }
      await saveScreenshot(page, `student-ask-small-visual-viewport-${size}`);
      await cdp.send('Emulation.setPageScaleFactor', { pageScaleFactor: 1 });
      expect(errorsOf(page)).toEqual([]);
      await context.close();
    },
  );
});
