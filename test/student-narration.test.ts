// Read-aloud where the voice does not say where it is: a voice with no word-boundary events (the
// highlight is timed, and put back in step at the end of each sentence), no voice at all
// (headless Chromium has none: the words light up at reading pace), and no speechSynthesis API.
// Also the reading settings: size, the OpenDyslexic font (served by our own server), high
// contrast, line focus.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  errorsOf,
  launchBrowser,
  newPage,
  saveScreenshot,
  SMALL_PHONE,
  TABLET_LANDSCAPE,
  TABLET_PORTRAIT,
} from './support/browser.js';
import { installFakeSpeech, type FakeSpeechState } from './support/fake-speech.js';
import { startServer, teacherApi, type RunningServer } from './support/server.js';
import { currentWord, joinFromQr, studentOnServer, waitForWord } from './support/student-page.js';

let browser: Browser;
let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('highlighting without word boundaries', () => {
  it('a voice without boundary events: timed highlight, in step at each sentence end', async () => {
    const { context, page } = await newPage(browser, TABLET_LANDSCAPE);
    await page.addInitScript(installFakeSpeech, { boundaries: false, wordMs: 80 });
    await joinFromQr(page, server.joinUrl, 'Finn');
    await page.getByRole('button', { name: 'Read to me' }).tap();
    // The estimate moves the highlight while the voice speaks the first sentence...
    await waitForWord(page, 3);
    // ...and each time the voice moves on to the next sentence, the highlight is on its first word.
    await expect
      .poll(
        () => page.evaluate(() => (window as unknown as { __speech: FakeSpeechState }).__speech.utterances.length),
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(3);
    const s = await page.evaluate(() => (window as unknown as { __speech: FakeSpeechState }).__speech);
    expect(s.log).toEqual([]); // no boundary events were sent
    s.utterances.forEach((text, k) =>
      expect(
        text.startsWith(s.highlightedAtSpeak[k]!),
        `utterance ${k}: "${text}" vs "${s.highlightedAtSpeak[k]}"`,
      ).toBe(true),
    );
    await page.getByRole('button', { name: 'Pause' }).tap();
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });

  it('no voice (headless Chromium): the words light up at reading pace and the place is saved', async () => {
    const { context, page } = await newPage(browser, TABLET_PORTRAIT);
    await joinFromQr(page, server.joinUrl, 'Gus');
    await page.getByRole('button', { name: 'Read to me' }).tap();
    await expect.poll(() => page.locator('.banner').textContent(), { timeout: 10_000 }).toMatch(/no reading voice/);
    const at = await waitForWord(page, 6);
    await page.getByRole('button', { name: 'Pause' }).tap();
    const place = (await currentWord(page))!.idx;
    expect(place).toBeGreaterThanOrEqual(at);
    await expect.poll(async () => (await studentOnServer(server, 'Gus')).wordIdx, { timeout: 10_000 }).toBe(place);
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });

  it('no speechSynthesis API at all: same timed reading', async () => {
    const { context, page } = await newPage(browser, SMALL_PHONE);
    await page.addInitScript(() => {
      // Old tablets' browsers: no Web Speech API at all.
      delete (window as { speechSynthesis?: unknown }).speechSynthesis;
      delete (Window.prototype as { speechSynthesis?: unknown }).speechSynthesis;
    });
    await joinFromQr(page, server.joinUrl, 'Hal');
    expect(await page.evaluate(() => 'speechSynthesis' in window)).toBe(false);
    await page.getByRole('button', { name: 'Read to me' }).tap();
    await waitForWord(page, 4);
    await saveScreenshot(page, 'student-reader-360x640');
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });
});

describe('reading settings', () => {
  it('bigger text, OpenDyslexic from our server, high contrast and line focus; kept after reload', async () => {
    const { context, page } = await newPage(browser, TABLET_LANDSCAPE);
    const fontRequests: string[] = [];
    page.on('request', (r) => {
      if (/\.woff2?$/.test(r.url())) fontRequests.push(r.url());
    });
    await joinFromQr(page, server.joinUrl, 'Ivy');
    const size = () => page.locator('.book').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const before = await size();

    await page.getByRole('button', { name: 'Text' }).tap();
    const panel = page.getByRole('dialog', { name: 'Text settings' });
    await panel.getByRole('button', { name: 'Bigger text' }).tap();
    await panel.getByLabel('Easier letters (OpenDyslexic)').check();
    await panel.getByLabel('High contrast').check();
    await panel.getByLabel(/Line focus/).check();
    await saveScreenshot(page, 'student-settings-1024x768');
    await panel.getByRole('button', { name: 'Done' }).tap();

    expect(await size()).toBeGreaterThan(before);
    await expect.poll(() => page.evaluate(() => document.fonts.check('28px OpenDyslexic'))).toBe(true);
    await expect
      .poll(() =>
        page.evaluate(
          async () => (
            await document.fonts.ready,
            [...document.fonts].some((f) => f.family.includes('OpenDyslexic') && f.status === 'loaded')
          ),
        ),
      )
      .toBe(true);
    expect(fontRequests.length).toBeGreaterThan(0);
    for (const url of fontRequests) expect(new URL(url).origin).toBe(server.url);
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(0, 0, 0)');
    expect(await page.locator('.line-band').isVisible()).toBe(true);
    await page.locator('.w').nth(12).tap();
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).tap();
    await saveScreenshot(page, 'student-contrast-dyslexic-1024x768');

    await page.reload();
    await page.locator('.w.now').waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('contrast');
    expect(await page.evaluate(() => document.documentElement.dataset.font)).toBe('dyslexic');
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });
});

describe('keyboard', () => {
  it('arrow keys move the reading place word by word; Enter looks the word up', async () => {
    const { context, page } = await newPage(browser, TABLET_LANDSCAPE);
    await joinFromQr(page, server.joinUrl, 'Jo');
    const start = (await currentWord(page))!.idx;
    await page.locator('.book').focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
    expect((await currentWord(page))!.idx).toBe(start + 2);
    const word = (await currentWord(page))!.text.replace(/[^A-Za-z]/g, '');
    await page.keyboard.press('Enter');
    const card = page.getByRole('dialog', { name: `What “${word}” means` });
    await card.waitFor();
    // Focus is in the card, on Close; Escape closes it and goes back to the book.
    await page.keyboard.press('Escape');
    await expect.poll(() => card.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.classList.contains('book'))).toBe(true);
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });
});

describe('long books', () => {
  it('a 15,000-word book is shown a stretch at a time; moving on and reloading keep the place', async () => {
    const paragraph = (p: number) =>
      Array.from({ length: 50 }, (_, i) => `word${p}x${i}${i === 49 ? '.' : ''}`).join(' ');
    const text = Array.from({ length: 300 }, (_, p) => paragraph(p)).join('\n\n');
    const added = await teacherApi<{ id: string; wordCount: number }>(server, '/books', {
      body: { title: 'A Very Long Book', text },
    });
    expect(added.body.wordCount).toBe(15_000);
    const { context, page } = await newPage(browser, TABLET_LANDSCAPE);
    await joinFromQr(page, server.joinUrl, 'Kit');
    await teacherApi(server, '/classroom/book', { body: { bookId: added.body.id } });
    await expect.poll(() => page.locator('.title').textContent()).toBe('A Very Long Book');
    const spans = await page.locator('.w').count();
    expect(spans).toBeLessThan(6000);

    await page.getByRole('button', { name: 'Show what comes next' }).tap();
    const at = (await currentWord(page))!.idx;
    expect(at).toBeGreaterThanOrEqual(spans);
    expect(await page.locator('.w').first().getAttribute('data-i')).not.toBe('0');
    await expect.poll(async () => (await studentOnServer(server, 'Kit')).wordIdx, { timeout: 10_000 }).toBe(at);

    await page.reload();
    await page.locator('.w.now').waitFor();
    expect((await currentWord(page))!.idx).toBe(at);
    expect(await page.getByRole('button', { name: 'Show the part before' }).isVisible()).toBe(true);
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });
});
