// A reload with the server out of reach (issue 14, item 8), in real Chromium at a LAN-like host
// name (classroom.test, mapped to 127.0.0.1, so the page is not a loopback secure context):
// - over HTTPS with a test certificate the service worker keeps the app and the book: the page
//   reloads with the server stopped and the child reads on; when the server is back the place read
//   offline is saved, and nothing it had acknowledged is lost;
// - over plain HTTP there is no service worker: the tablet says so, the teacher's grid shows it,
//   the child is told not to reload, and the browser asks before a reload would lose the book.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  errorsOf,
  launchBrowser,
  newPage,
  saveScreenshot,
  TABLET_LANDSCAPE,
  TABLET_PORTRAIT,
} from './support/browser.js';
import { installFakeSpeech } from './support/fake-speech.js';
import { startServer, tempDir, type RunningServer } from './support/server.js';
import { currentWord, joinFromQr, studentOnServer, waitForWord } from './support/student-page.js';
import { lanHostArgs, makeCertificate, type TestCertificate } from './support/tls.js';

const HOST = 'classroom.test';
const banner = (page: Page) => page.locator('.banner');
const codeOf = (server: RunningServer) => new URL(server.joinUrl).searchParams.get('code')!;

/** Reads on, then waits until the server has acknowledged the place; returns it. */
async function readAndSave(page: Page, server: RunningServer, name: string, words: number): Promise<number> {
  const place = await readOn(page, words);
  await expect.poll(async () => (await studentOnServer(server, name)).wordIdx, { timeout: 15_000 }).toBe(place);
  return place;
}

/** Reads aloud from where the page is until at least `words` further on, then pauses. */
async function readOn(page: Page, words: number): Promise<number> {
  const from = (await currentWord(page))!.idx;
  await page.getByRole('button', { name: 'Read to me' }).tap();
  await waitForWord(page, from + words);
  await page.getByRole('button', { name: 'Pause' }).tap();
  return (await currentWord(page))!.idx;
}

describe('over HTTPS', () => {
  const dir = tempDir('readerai-tls-');
  const dataDir = tempDir();
  let cert: TestCertificate;
  let browser: Browser;
  let server: RunningServer;

  beforeAll(async () => {
    cert = makeCertificate(dir, HOST);
    server = await startServer({ dataDir, tls: cert, env: { READERAI_PUBLIC_HOST: HOST } });
    browser = await launchBrowser({ args: lanHostArgs(HOST, cert) });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reloads with the server stopped and reads on; the offline place is saved when it is back', async () => {
    const { context, page } = await newPage(browser, TABLET_PORTRAIT);
    await page.addInitScript(installFakeSpeech, { boundaries: true, wordMs: 60 });
    const joinUrl = `https://${HOST}:${server.port}/join?code=${codeOf(server)}`;
    expect(server.joinUrl).toBe(joinUrl);
    await joinFromQr(page, joinUrl, 'Ada');

    // A secure context at a LAN name: the worker installs and the tablet tells the server.
    expect(await page.evaluate(() => isSecureContext)).toBe(true);
    await expect
      .poll(async () => (await studentOnServer(server, 'Ada')).offlineReload, { timeout: 20_000 })
      .toBe('ready');
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    // The shell cache is named after this build's worker; the book is kept too.
    await expect
      .poll(() => page.evaluate(() => caches.keys()))
      .toEqual([expect.stringMatching(/^readerai-shell-[0-9a-f]{16}$/), 'readerai-book-v1']);
    const shell = (await page.evaluate(() => caches.keys()))[0]!;
    expect(await fetchText(page, '/sw.js')).toContain(shell.slice('readerai-shell-'.length));

    const title = await page.locator('.title').textContent();
    const acknowledged = await readAndSave(page, server, 'Ada', 12);

    // The server goes away (the laptop sleeps); the child reloads the page.
    const port = server.port;
    expect(await server.stop()).toBe(0);
    await expect.poll(() => banner(page).textContent(), { timeout: 10_000 }).toMatch(/No connection right now/);
    await page.reload();
    await page.locator('.w.now').waitFor({ timeout: 20_000 });
    expect(await page.locator('.title').textContent()).toBe(title);
    expect((await currentWord(page))!.idx).toBe(acknowledged);
    await expect
      .poll(() => banner(page).textContent(), { timeout: 15_000 })
      .toMatch(/No connection right now\. Keep reading — your place is saved/);
    await saveScreenshot(page, 'student-offline-reload-768x1024');

    // Reading goes on offline, and survives a second reload.
    const offlinePlace = await readOn(page, 15);
    await page.reload();
    await page.locator('.w.now').waitFor({ timeout: 20_000 });
    expect((await currentWord(page))!.idx).toBe(offlinePlace);

    // The server comes back on the same address: the place read offline reaches it.
    server = await startServer({ dataDir, port, tls: cert, env: { READERAI_PUBLIC_HOST: HOST } });
    await expect
      .poll(async () => (await studentOnServer(server, 'Ada')).wordIdx, { timeout: 30_000 })
      .toBe(offlinePlace);
    await expect.poll(() => banner(page).textContent(), { timeout: 15_000 }).not.toMatch(/No connection/);
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });
});

describe('over plain HTTP', () => {
  let browser: Browser;
  let server: RunningServer;
  const dataDir = tempDir();

  beforeAll(async () => {
    server = await startServer({ dataDir, env: { READERAI_PUBLIC_HOST: HOST } });
    browser = await launchBrowser({ args: lanHostArgs(HOST) });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('no service worker: the teacher sees it, the child is told not to reload, a reload is asked about', async () => {
    const { context, page } = await newPage(browser, TABLET_LANDSCAPE);
    await page.addInitScript(installFakeSpeech, { boundaries: true, wordMs: 60 });
    await joinFromQr(page, `http://${HOST}:${server.port}/join?code=${codeOf(server)}`, 'Ben');
    expect(await page.evaluate(() => isSecureContext)).toBe(false);
    await expect
      .poll(async () => (await studentOnServer(server, 'Ben')).offlineReload, { timeout: 10_000 })
      .toBe('no_https');

    // The teacher's grid names the tablet.
    const { context: teacherContext, page: dashboard } = await newPage(browser, { width: 1280, height: 800 });
    await dashboard.goto(`${server.url}/teacher/#token=${server.adminToken}`);
    const row = dashboard.locator('.student-row', { hasText: 'Ben' });
    const mark = row.getByRole('img', { name: 'No offline reload' });
    await expect.poll(() => mark.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await mark.getAttribute('title')).toMatch(/plain http/);
    expect(await dashboard.getByRole('note').textContent()).toMatch(
      /1 tablet can't reopen the book if the Wi-Fi drops \(the class runs on plain http.*\): Ben\./,
    );
    await saveScreenshot(dashboard, 'teacher-no-offline-reload-1280x800');
    await teacherContext.close();

    const acknowledged = await readAndSave(page, server, 'Ben', 10);

    const port = server.port;
    expect(await server.stop()).toBe(0);
    await expect
      .poll(() => banner(page).textContent(), { timeout: 10_000 })
      .toMatch(/don't reload this page until the Wi-Fi is back/);
    await saveScreenshot(page, 'student-offline-no-reload-1024x768');

    // A reload now would end on the browser's error page: the browser asks first, and staying
    // keeps the book (in memory) and the place.
    const asked: string[] = [];
    page.on('dialog', (d) => {
      asked.push(d.type());
      void d.dismiss();
    });
    const offlinePlace = await readOn(page, 10);
    expect(offlinePlace).toBeGreaterThan(acknowledged);
    await page.evaluate(() => location.reload());
    await expect.poll(() => asked).toEqual(['beforeunload']);
    expect((await currentWord(page))!.idx).toBe(offlinePlace);

    server = await startServer({ dataDir, port, env: { READERAI_PUBLIC_HOST: HOST } });
    await expect
      .poll(async () => (await studentOnServer(server, 'Ben')).wordIdx, { timeout: 30_000 })
      .toBe(offlinePlace);
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });
});

/** A same-origin GET from the page (through its service worker, if any). */
function fetchText(page: Page, path: string): Promise<string> {
  return page.evaluate(async (p) => (await fetch(p)).text(), path);
}
