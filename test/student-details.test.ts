// The small things a child (or a teacher watching) trips over (issue 14, items 6 and 7): the join
// page says why it cannot go on, in words a child understands; the reading speed is a choice in
// order; the page has its icon; the highlight leaves nothing behind. Real Chromium, real server.
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
import { installFakeSpeech } from './support/fake-speech.js';
import { startServer, type RunningServer } from './support/server.js';
import { joinFromQr, waitForWord } from './support/student-page.js';
import { Limits } from '../shared/protocol/codes.js';

let browser: Browser;
let server: RunningServer;
let code: string;

beforeAll(async () => {
  server = await startServer();
  code = new URL(server.joinUrl).searchParams.get('code')!;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const start = (page: Page) => page.getByRole('button', { name: 'Start reading' });

describe('the join page', () => {
  it.each([TABLET_PORTRAIT, TABLET_LANDSCAPE, TABLET_TALL].map((v) => [`${v.width}x${v.height}`, v] as const))(
    '%s: a wrong code is not "the code you scanned", a long name is not cut, an empty name says why',
    async (size, viewport) => {
      const { context, page } = await newPage(browser, viewport);
      await page.goto(`${server.url}/join?code=NOPE42`);
      const help = page.locator('#code-help');
      const byHand = page.locator('.by-hand');

      // Nothing typed yet: the button is off, and the page says what to do.
      expect(await start(page).isDisabled()).toBe(true);
      expect(await page.locator('#why-not').textContent()).toBe('Type your name first.');
      expect(await start(page).getAttribute('aria-describedby')).toBe('why-not');

      // The link's code is checked at once (the page asks for the class's list of names), so a
      // wrong one is said before any typing and is no longer offered as "the code you scanned".
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/class code is not right/);
      expect(await help.textContent()).toBe('It is on the board, under the QR code.');
      await page.getByLabel('Name', { exact: true }).fill('Zoe');
      expect(await page.locator('#why-not').count()).toBe(0);
      await start(page).tap();
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/class code is not right/);
      expect(await help.textContent()).toBe('It is on the board, under the QR code.');
      expect(await byHand.textContent()).not.toContain('NOPE42');
      expect(await byHand.textContent()).toContain('the class code from the board');
      await saveScreenshot(page, `student-join-wrong-code-${size}`);

      // A 200-character name: kept whole in the field, with a message, and the button off.
      const long = 'Alexandrina'.repeat(19).slice(0, 200);
      const field = page.getByLabel('Name', { exact: true });
      await field.fill(long);
      expect((await field.inputValue()).length).toBe(200);
      expect(await page.locator('#name-long').textContent()).toBe(
        `That name is too long. Please type just your first name (${Limits.NAME_MAX} letters at most).`,
      );
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      expect(await start(page).isDisabled()).toBe(true);
      await saveScreenshot(page, `student-join-long-name-${size}`);

      // Emptied again: says why once more; a missing code says what to type.
      await field.fill('');
      expect(await page.locator('#why-not').textContent()).toBe('Type your name first.');
      await field.fill('Zoe');
      await page.getByLabel('Class code').fill('');
      expect(await page.locator('#why-not').textContent()).toBe('Type the class code from the board.');

      // The right code, typed: in.
      await page.getByLabel('Class code').fill(code);
      expect(await help.textContent()).toBe('It is on the board, under the QR code.');
      await start(page).tap();
      await page.locator('.w').first().waitFor();
      expect(errorsOf(page)).toEqual([]);
      await context.close();
    },
  );

  it('the code from a good link is named in the typing steps', async () => {
    const { context, page } = await newPage(browser, TABLET_PORTRAIT);
    await page.goto(server.joinUrl);
    expect(await page.locator('#code-help').textContent()).toBe('Filled in from the code you scanned.');
    expect(await page.locator('.by-hand').textContent()).toContain(code);
    await context.close();
  });
});

describe('reading', () => {
  it('speed is a labelled choice, slowest to fastest, kept on the tablet', async () => {
    const { context, page } = await newPage(browser, TABLET_LANDSCAPE);
    await page.addInitScript(installFakeSpeech, { boundaries: true, wordMs: 60 });
    await joinFromQr(page, server.joinUrl, 'Pia');
    await page.getByRole('button', { name: 'Reading speed: Normal' }).tap();
    const card = page.getByRole('dialog', { name: 'Reading speed' });
    const choices = card.getByRole('group', { name: 'From slowest to fastest' }).getByRole('button');
    expect(await choices.allTextContents()).toEqual(['Very slow', 'Slow', 'Normal', 'Fast']);
    // In order on the screen too, left to right, with the current one marked.
    const xs = await Promise.all((await choices.all()).map(async (b) => (await b.boundingBox())!.x));
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    expect(await card.getByRole('button', { name: 'Normal' }).getAttribute('aria-pressed')).toBe('true');
    await saveScreenshot(page, 'student-speed-1024x768');
    await card.getByRole('button', { name: 'Slow', exact: true }).tap();
    await card.waitFor({ state: 'detached' });
    expect(await page.getByRole('button', { name: 'Reading speed: Slow' }).isVisible()).toBe(true);
    await page.reload();
    await page.getByRole('button', { name: 'Reading speed: Slow' }).waitFor();
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });

  it('the page has its icon, and loads without a single 404', async () => {
    const { context, page } = await newPage(browser, TABLET_PORTRAIT);
    const missing: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) missing.push(`${r.status()} ${r.url()}`);
    });
    await joinFromQr(page, server.joinUrl, 'Ola');
    const href = await page.locator('link[rel="icon"]').evaluate((l) => (l as HTMLLinkElement).href);
    const icon = await fetch(href);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(await icon.text()).toMatch(/^<svg /);
    expect(missing).toEqual([]);
    await context.close();
  });

  it('the highlight leaves no sliver beside the words read before', async () => {
    const { context, page } = await newPage(browser, TABLET_LANDSCAPE);
    await page.addInitScript(installFakeSpeech, { boundaries: true, wordMs: 40 });
    await joinFromQr(page, server.joinUrl, 'Kai');
    await page.getByRole('button', { name: 'Read to me' }).tap();
    await waitForWord(page, 25);
    await page.getByRole('button', { name: 'Pause' }).tap();
    const now = (await page.locator('.w.now').boundingBox())!;
    const b = (await page.locator('.book').boundingBox())!;
    // The part of the book on screen, between the top bar and the controls.
    const top = (await page.locator('.topbar').boundingBox())!;
    const controls = (await page.locator('.controls').boundingBox())!;
    const y0 = Math.max(b.y, top.y + top.height);
    const book = { x: b.x, y: y0, width: b.width, height: Math.min(b.y + b.height, controls.y) - y0 };
    expect(now.y).toBeGreaterThanOrEqual(book.y);
    expect(now.y + now.height).toBeLessThanOrEqual(book.y + book.height);
    // Every pixel of the highlight colour must lie on the current word: none left on the others.
    // The page decodes its own screenshot (a PNG) on a canvas and lists what is yellow elsewhere.
    const shot = await page.screenshot({ clip: book });
    await saveScreenshot(page, 'student-highlight-after-reading-1024x768');
    const png = shot.toString('base64');
    const stray = await page.evaluate(
      async ({ png, word }) => {
        const img = new Image();
        img.src = `data:image/png;base64,${png}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = img.width;
        canvas.height = img.height;
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        const { data } = ctx.getImageData(0, 0, img.width, img.height);
        const out: string[] = [];
        for (let y = 0; y < img.height; y++) {
          for (let x = 0; x < img.width; x++) {
            const i = (y * img.width + x) * 4;
            const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
            // The highlight (#ffd24d) or a faint edge of it over the paper (#fbf5ea).
            const yellow = r > 230 && g > 190 && b < 215 && r - b > 40;
            const onWord =
              x >= word.x - 3 && x <= word.x + word.width + 3 && y >= word.y - 3 && y <= word.y + word.height + 3;
            if (yellow && !onWord) out.push(`${x},${y}`);
          }
        }
        return out;
      },
      { png, word: { x: now.x - book.x, y: now.y - book.y, width: now.width, height: now.height } },
    );
    expect(stray.slice(0, 20), `${stray.length} highlight pixels away from the current word`).toEqual([]);
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });
});
