// A narrated book through the service worker (issue 16, item 3), in real Chromium (muted) at a
// LAN-like host name over HTTPS, where the worker runs: the clips fetched ahead are kept, the
// <audio> element's Range requests are cut from the kept file, and with the server stopped the
// voice goes on after a reload.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { errorsOf, launchBrowser, newPage, TABLET_LANDSCAPE } from './support/browser.js';
import { epubFiles, synthesise, zipEpub, type Narrated } from '../testkit/narrated-epub.js';
import { startServer, teacherApi, tempDir, type RunningServer } from './support/server.js';
import { currentWord, joinFromQr, studentOnServer } from './support/student-page.js';
import { lanHostArgs, makeCertificate, type TestCertificate } from './support/tls.js';

const HOST = 'classroom.test';
const AUDIO_CACHE = 'readerai-audio-v1';

let browser: Browser;
let server: RunningServer;
let narrated: Narrated;
let bookId: string;
let cert: TestCertificate;
const certDir = tempDir('readerai-tls-');

beforeAll(async () => {
  narrated = synthesise(tempDir('readerai-voice-'));
  cert = makeCertificate(certDir, HOST);
  // The book goes in over plain HTTP (the test's fetch cannot trust the test certificate); the
  // same data folder then serves over HTTPS.
  const dataDir = tempDir();
  const plain = await startServer({ dataDir });
  const res = await fetch(`${plain.url}/api/teacher/books`, {
    method: 'POST',
    headers: { authorization: `Bearer ${plain.adminToken}`, 'content-type': 'application/epub+zip' },
    body: zipEpub(epubFiles(narrated)),
  });
  ({ id: bookId } = (await res.json()) as { id: string });
  expect((await teacherApi(plain, '/classroom/book', { body: { bookId } })).status).toBe(200);
  expect(await plain.stop()).toBe(0);
  server = await startServer({ dataDir, tls: cert, env: { READERAI_PUBLIC_HOST: HOST } });
  browser = await launchBrowser({
    args: [...lanHostArgs(HOST, cert), '--mute-audio', '--autoplay-policy=no-user-gesture-required'],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(certDir, { recursive: true, force: true });
});

/** The paths of the audio files the worker keeps. */
const keptAudio = (page: Page) =>
  page.evaluate(async (name) => {
    const cache = await caches.open(name);
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  }, AUDIO_CACHE);

describe('a narrated book with the service worker', () => {
  it('keeps the audio it fetched ahead, answers ranges from it, and reads on offline after a reload', async () => {
    const { context, page } = await newPage(browser, TABLET_LANDSCAPE);
    const code = new URL(server.joinUrl).searchParams.get('code')!;
    await joinFromQr(page, `https://${HOST}:${server.port}/join?code=${code}`, 'Ivy');
    await expect
      .poll(async () => (await studentOnServer(server, 'Ivy')).offlineReload, { timeout: 20_000 })
      .toBe('ready');

    // Playing fetches the next clips' file whole: the worker keeps it, under this book only.
    await page.getByRole('button', { name: 'Read to me' }).tap();
    await expect.poll(() => keptAudio(page), { timeout: 15_000 }).toHaveLength(1);
    const [path] = await keptAudio(page);
    expect(path).toMatch(new RegExp(`^/api/audio/${bookId}/[0-9a-f]+\\.mp3$`));
    await page.getByRole('button', { name: 'Pause' }).tap();

    // The server goes away; a range is cut from the kept file, as <audio> asks for pieces.
    expect(await server.stop()).toBe(0);
    const piece = await page.evaluate(async (src) => {
      const whole = await (await caches.open('readerai-audio-v1')).match(location.origin + src);
      const res = await fetch(src, { headers: { range: 'bytes=100-199' } });
      return {
        status: res.status,
        range: res.headers.get('content-range'),
        bytes: (await res.arrayBuffer()).byteLength,
        size: (await whole!.blob()).size,
      };
    }, path!);
    expect(piece).toMatchObject({ status: 206, bytes: 100, range: `bytes 100-199/${piece.size}` });

    // A reload with the server stopped and the browser's own HTTP cache emptied (it would answer
    // for the worker otherwise): the book and its voice are still there, from the worker.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.clearBrowserCache');
    await page.reload();
    await page.locator('.w.now').waitFor({ timeout: 20_000 });
    await page.locator('.w').first().tap();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Read to me' }).tap();
    await expect
      .poll(async () => (await currentWord(page))?.idx, { timeout: 15_000, interval: 50 })
      .toBeGreaterThanOrEqual(4);
    expect(narrated.words.length).toBeGreaterThan(4);
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  }, 90_000);
});
