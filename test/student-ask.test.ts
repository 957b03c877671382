// Asking, in the words a child sees: a spoken question (only where the teacher allowed it), the
// place in the queue while another question is being answered, and the rate limit with a
// countdown. Two real tablets (browser contexts) against the real server and the fake Gemini.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  errorsOf,
  launchBrowser,
  newPage,
  saveScreenshot,
  TABLET_LANDSCAPE,
  TABLET_PORTRAIT,
} from './support/browser.js';
import { FakeGemini } from '../testkit/fake-gemini.js';
import { installFakeRecognition } from './support/fake-speech.js';
import { startServer, type RunningServer } from './support/server.js';
import { joinFromQr } from './support/student-page.js';

let browser: Browser;
let server: RunningServer;
let gemini: FakeGemini;

beforeAll(async () => {
  gemini = await FakeGemini.start();
  server = await startServer({
    env: {
      GEMINI_API_KEY: 'test-key',
      READERAI_GEMINI_BASE_URL: gemini.baseUrl,
      // One answer at a time, so a second question waits in line; one question per student.
      READERAI_LLM_MAX_IN_FLIGHT: '1',
      READERAI_QUESTIONS_PER_5MIN: '1',
      READERAI_SPEECH_INPUT: 'true',
    },
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await gemini?.close();
});

async function ask(page: Page, text?: string): Promise<void> {
  if (text !== undefined) await page.getByLabel('Your question').fill(text);
  await page.getByRole('dialog').getByRole('button', { name: 'Ask', exact: true }).tap();
}

const lastState = (page: Page) => page.locator('.qa-item .state').last().textContent();
const lastAnswer = (page: Page) => page.locator('.qa-item .answer').last().textContent();

it('spoken question, waiting in line, and the rate limit, in plain words', async () => {
  const a = await newPage(browser, TABLET_LANDSCAPE);
  await a.page.addInitScript(installFakeRecognition, 'why is the sea so big');
  await joinFromQr(a.page, server.joinUrl, 'Ana');
  const b = await newPage(browser, TABLET_PORTRAIT);
  await joinFromQr(b.page, server.joinUrl, 'Bo');

  // Ana says her question (the teacher allowed spoken questions); it fills the box to check.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  gemini.reply({ chunks: ['The sea ', 'is big ', 'because...'], before: (i) => (i === 1 ? held : Promise.resolve()) });
  await a.page.getByRole('button', { name: 'Ask', exact: true }).tap();
  await a.page.getByRole('button', { name: 'Say it' }).tap();
  await expect.poll(() => a.page.getByLabel('Your question').inputValue()).toBe('why is the sea so big');
  await ask(a.page);
  await expect.poll(() => lastAnswer(a.page), { timeout: 10_000 }).toBe('The sea ');

  // Bo's question waits for Ana's: he is told where he is in the line.
  gemini.reply({ chunks: ['A lamp ', 'turns.'] });
  await b.page.getByRole('button', { name: 'Ask', exact: true }).tap();
  await ask(b.page, 'Why does the lamp turn?');
  await expect.poll(() => lastState(b.page), { timeout: 10_000 }).toMatch(/You are next in line|number \d+ in line/);
  await saveScreenshot(b.page, 'student-ask-queued-768x1024');
  release();
  await expect.poll(() => lastAnswer(a.page), { timeout: 10_000 }).toBe('The sea is big because...');
  await expect.poll(() => lastAnswer(b.page), { timeout: 10_000 }).toBe('A lamp turns.');

  // One question per five minutes here: Ana's next one is held back, with a countdown.
  await ask(a.page, 'And why is it blue?');
  await expect
    .poll(() => a.page.getByText(/You can ask again in about 5 minutes/).isVisible(), { timeout: 10_000 })
    .toBe(true);
  expect(await lastState(a.page)).toMatch(/wasn't sent yet/);
  expect(await a.page.getByRole('dialog').getByRole('button', { name: 'Ask', exact: true }).isDisabled()).toBe(true);
  await saveScreenshot(a.page, 'student-ask-limited-1024x768');

  expect(errorsOf(a.page)).toEqual([]);
  expect(errorsOf(b.page)).toEqual([]);
  await a.context.close();
  await b.context.close();
});
