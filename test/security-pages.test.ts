// Markup where people read it (issue 8 item 1), in real Chromium: a child with a hostile name asks
// a hostile question, and Gemini (the local stand-in) answers with markup, for the answer and for
// a word's meaning. On the tablet and on the teacher's dashboard every one of them must show as
// text: no dialog, no element made from it. (test/dashboard-live.test.ts already checks a hostile
// name and question on the dashboard; this adds what comes back from the AI, and the tablet page.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { errorsOf, launchBrowser, newPage, TABLET_LANDSCAPE } from './support/browser.js';
import { FakeGemini } from '../testkit/fake-gemini.js';
import { startServer, type RunningServer } from './support/server.js';
import { joinFromQr } from './support/student-page.js';

const NAME = '<img src=x onerror=alert(1)>';
const QUESTION = '<script>alert("q")</script> why?';
const ANSWER = '<img src=x onerror=alert("answer")><script>alert("a")</script>The lamp.';

let fake: FakeGemini;
let server: RunningServer;
let browser: Browser;
const dialogs: string[] = [];

beforeAll(async () => {
  fake = await FakeGemini.start();
  fake.otherwise(() => ({ chunks: [ANSWER] }));
  server = await startServer({
    env: { ...fake.serverEnv, READERAI_LLM_MAX_RETRIES: '0' },
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.close();
});

async function watch(page: Page): Promise<void> {
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
}

/** Elements that only injected markup would make. */
const injected = (page: Page) =>
  page.evaluate(
    () => document.querySelectorAll('img[src="x"], img[onerror], script:not([src]), [onerror], [onmouseover]').length,
  );

describe('hostile text is inert on every page', () => {
  it('on the tablet: own name, question, AI answer and word meaning show as text', async () => {
    const { page } = await newPage(browser, TABLET_LANDSCAPE);
    await watch(page);
    await joinFromQr(page, server.joinUrl, NAME);

    await page.getByRole('button', { name: 'Ask', exact: true }).tap();
    await page.getByLabel('Your question').fill(QUESTION);
    await page.getByRole('dialog').getByRole('button', { name: 'Ask', exact: true }).tap();
    await expect.poll(() => page.locator('.qa-item .answer').last().textContent(), { timeout: 20_000 }).toBe(ANSWER);
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).tap();

    // A word's meaning (unary call): the same markup comes back.
    await page.locator('.w').nth(5).tap();
    await expect
      .poll(() => page.locator('.meaning').first().textContent(), { timeout: 20_000 })
      .toContain('<img src=x');

    expect(await injected(page)).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errorsOf(page)).toEqual([]);
  });

  it('on the dashboard: the name, the question and the AI answer show as text', async () => {
    const { page } = await newPage(browser, { width: 1280, height: 800 }, { hasTouch: false });
    await watch(page);
    await page.goto(`${server.url}/teacher/#token=${server.adminToken}`);
    await page.getByText(ANSWER).first().waitFor({ timeout: 20_000 });
    await page.getByText(QUESTION).first().waitFor();
    await page.getByText(NAME).first().waitFor();
    expect(await injected(page)).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errorsOf(page)).toEqual([]);
  });
});
