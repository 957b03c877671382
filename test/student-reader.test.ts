// The student tablet app in real Chromium against the real server: join from the QR link, read
// along with the highlighted word, tap a word for its meaning, ask a question and watch the
// answer stream in (from a local stand-in for Gemini), keep reading at the same word, reload and
// resume. Screenshots of each screen at tablet and phone sizes go to test-results/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { errorsOf, launchBrowser, newPage, PHONE, saveScreenshot, TABLET_LANDSCAPE } from './support/browser.js';
import { FakeGemini } from '../testkit/fake-gemini.js';
import { installFakeSpeech, type FakeSpeechState } from './support/fake-speech.js';
import { startServer, type RunningServer } from './support/server.js';
import { currentWord, joinFromQr, studentOnServer, waitForWord } from './support/student-page.js';

let browser: Browser;
let server: RunningServer;
let gemini: FakeGemini;

const ANSWER = [
  'A lighthouse ',
  'is a tall tower ',
  'with a bright lamp ',
  'that helps ships ',
  'find their way at night.',
];

beforeAll(async () => {
  gemini = await FakeGemini.start();
  // Word meanings and any question without a scripted reply.
  gemini.otherwise(() => ({ chunks: ANSWER, chunkDelayMs: 50 }));
  server = await startServer({ env: gemini.serverEnv });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await gemini?.close();
});

describe('student tablet, with a voice that reports word boundaries', () => {
  it('QR link to reading in one tap; highlight follows the voice; meaning, question, streamed answer', async () => {
    const { context, page } = await newPage(browser, TABLET_LANDSCAPE);
    await page.addInitScript(installFakeSpeech, { boundaries: true, wordMs: 90 });

    // Join page, as the QR code opens it: the class code is already filled in.
    await page.goto(server.joinUrl);
    const code = new URL(server.joinUrl).searchParams.get('code')!;
    await expect.poll(() => page.getByLabel('Class code').inputValue()).toBe(code);
    await expect.poll(() => page.getByText(`Open the web browser and type`).isVisible()).toBe(true);
    await saveScreenshot(page, 'student-join-1024x768');
    // "In one tap": the name field has the keyboard, so the tap on "Start reading" is the only one.
    expect(await joinFromQr(page, server.joinUrl, 'Ada')).toBe(1);
    await saveScreenshot(page, 'student-reader-1024x768');

    // Read to me: every word the voice announced was the word lit up at that moment.
    await page.getByRole('button', { name: 'Read to me' }).tap();
    await waitForWord(page, 25);
    const log = await page.evaluate(() => (window as unknown as { __speech: FakeSpeechState }).__speech.log);
    expect(log.length).toBeGreaterThan(20);
    const mismatches = log.filter((e) => e.highlighted !== e.spoken);
    expect(mismatches).toEqual([]);
    await saveScreenshot(page, 'student-reading-1024x768');

    // Ask pauses at once, at a word; the answer streams in; "Keep reading" goes on from that word.
    await page.getByRole('button', { name: 'Ask', exact: true }).tap();
    await expect.poll(() => page.getByRole('button', { name: 'Read to me' }).isVisible()).toBe(true);
    const pausedAt = (await currentWord(page))!;
    // The answer is held after its second part, so the page can be seen mid-stream.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    gemini.reply({ chunks: ANSWER, chunkDelayMs: 50, before: (i) => (i === 2 ? held : Promise.resolve()) });
    await page.getByLabel('Your question').fill('What is a lighthouse?');
    await page.getByRole('dialog').getByRole('button', { name: 'Ask', exact: true }).tap();
    await expect
      .poll(() => page.locator('.qa-item .answer').first().textContent(), { timeout: 10_000 })
      .toBe(ANSWER.slice(0, 2).join(''));
    expect(await page.getByText('Still writing…').isVisible()).toBe(true);
    await saveScreenshot(page, 'student-ask-streaming-1024x768');
    release();
    await expect
      .poll(() => page.locator('.qa-item .answer').first().textContent(), { timeout: 15_000 })
      .toBe(ANSWER.join(''));
    await expect.poll(() => page.getByRole('button', { name: 'Read the answer to me' }).isVisible()).toBe(true);
    await saveScreenshot(page, 'student-ask-answered-1024x768');
    const question = gemini.requests.find((r) => r.raw.includes('What is a lighthouse?'));
    expect(question, 'the question reached Gemini').toBeDefined();

    const spokenBefore = await page.evaluate(
      () => (window as unknown as { __speech: FakeSpeechState }).__speech.utterances.length,
    );
    await page.getByRole('button', { name: 'Keep reading' }).tap();
    await expect.poll(() => page.getByRole('button', { name: 'Pause' }).isVisible()).toBe(true);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __speech: FakeSpeechState }).__speech.utterances.length))
      .toBeGreaterThan(spokenBefore);
    const resumedWith = await page.evaluate(
      (n) => (window as unknown as { __speech: FakeSpeechState }).__speech.utterances[n],
      spokenBefore,
    );
    expect(resumedWith?.startsWith(pausedAt.text)).toBe(true);

    // Tap a word: narration pauses and its meaning appears, with "Read it to me".
    const target = page.locator('.w', { hasText: /^lighthouse\.?$/ }).first();
    const targetIdx = Number(await target.getAttribute('data-i'));
    await target.tap();
    const card = page.getByRole('dialog', { name: /What “lighthouse” means/ });
    await card.waitFor();
    await expect.poll(() => card.locator('.meaning').textContent(), { timeout: 15_000 }).not.toMatch(/Looking it up/);
    expect(await card.getByRole('button', { name: 'Read it to me' }).isVisible()).toBe(true);
    expect((await currentWord(page))!.idx).toBe(targetIdx);
    await saveScreenshot(page, 'student-word-1024x768');
    await card.getByRole('button', { name: 'Close' }).tap();

    // The pause sent the position at once; the server has it.
    await expect.poll(async () => (await studentOnServer(server, 'Ada')).wordIdx, { timeout: 10_000 }).toBe(targetIdx);

    // Reload: no join page, same word.
    await page.reload();
    await page.locator('.w.now').waitFor();
    expect((await currentWord(page))!.idx).toBe(targetIdx);
    expect(await page.getByLabel('Name', { exact: true }).count()).toBe(0);
    // The answer is still there after the reload.
    await page.getByRole('button', { name: 'Ask', exact: true }).tap();
    await expect.poll(() => page.locator('.qa-item .answer').first().textContent()).toBe(ANSWER.join(''));

    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });

  it('phone-sized screen: join and reader fit, touch targets are at least 44 px', async () => {
    const { context, page } = await newPage(browser, PHONE);
    await page.goto(server.joinUrl);
    await saveScreenshot(page, 'student-join-390x844');
    await joinFromQr(page, server.joinUrl, 'Ben');
    await saveScreenshot(page, 'student-reader-390x844');
    const small = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('button, input, textarea')]
        .filter((el) => el.offsetParent !== null)
        .map((el) => ({
          label: el.textContent?.trim() || el.getAttribute('aria-label') || el.id,
          ...(el.getBoundingClientRect().toJSON() as { width: number; height: number }),
        }))
        .filter((r) => r.width < 44 || r.height < 44),
    );
    expect(small).toEqual([]);
    // Nothing sticks out sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.locator('.w').nth(5).tap();
    await page.getByRole('dialog').locator('.meaning').waitFor();
    await saveScreenshot(page, 'student-word-390x844');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).tap();
    await page.getByRole('button', { name: 'Ask', exact: true }).tap();
    await page.getByLabel('Your question').fill('Why does the lamp turn?');
    await page.getByRole('dialog').getByRole('button', { name: 'Ask', exact: true }).tap();
    await expect
      .poll(() => page.locator('.qa-item .answer').first().textContent(), { timeout: 15_000 })
      .toBe(ANSWER.join(''));
    await saveScreenshot(page, 'student-ask-390x844');
    // Turned sideways: the controls still fit and the book still shows.
    await page.getByRole('button', { name: 'Keep reading' }).tap();
    await page.setViewportSize({ width: PHONE.height, height: PHONE.width });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.height);
    await saveScreenshot(page, 'student-reader-844x390');
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });
});
