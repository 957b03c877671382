// A narrated book on the tablet, in real Chromium (muted): the highlight follows the audio's real
// position, word-level clips within 150 ms of where the recording says each word is, at normal and
// fast speed, and the phrase-level clip moves through its words; after a reload the voice goes on
// from the saved audio_ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { errorsOf, launchBrowser, newPage, TABLET_LANDSCAPE } from './support/browser.js';
import { epubFiles, synthesise, WORD_LEVEL, zipEpub, type Narrated } from '../testkit/narrated-epub.js';
import { startServer, teacherApi, tempDir, type RunningServer } from './support/server.js';
import { currentWord, joinFromQr } from './support/student-page.js';

let browser: Browser;
let server: RunningServer;
let narrated: Narrated;

beforeAll(async () => {
  narrated = synthesise(tempDir('readerai-voice-'));
  server = await startServer();
  const res = await fetch(`${server.url}/api/teacher/books`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/epub+zip' },
    body: zipEpub(epubFiles(narrated)),
  });
  const { id } = (await res.json()) as { id: string };
  expect((await teacherApi(server, '/classroom/book', { body: { bookId: id } })).status).toBe(200);
  // --autoplay-policy: the test's tap is a real gesture, but a reload's first play needs none.
  browser = await launchBrowser({ args: ['--mute-audio', '--autoplay-policy=no-user-gesture-required'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Runs in the page: remembers the <audio> the narrator plays, and samples it every frame. */
function watchAudio(): void {
  const w = window as unknown as { __audio?: HTMLMediaElement; __samples: [number, number][] };
  w.__samples = [];
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
    w.__audio = this;
    return play.call(this);
  };
  const sample = () => {
    const a = w.__audio;
    const el = document.querySelector<HTMLElement>('.w.now');
    if (a && !a.paused && el) w.__samples.push([a.currentTime, Number(el.dataset.i)]);
    requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
}

async function samples(page: Page): Promise<[number, number][]> {
  return page.evaluate(() => (window as unknown as { __samples: [number, number][] }).__samples.splice(0));
}

/** For each sample on a word-level word: how far (s) the audio was outside that word's real span. */
function lags(s: [number, number][]): number[] {
  return s
    .filter(([, i]) => i < WORD_LEVEL.length)
    .map(([t, i]) => {
      const { start, end } = narrated.times[i]!;
      return t < start ? start - t : t > end ? t - end : 0;
    });
}

async function readAt(page: Page, speed: 'Normal' | 'Fast'): Promise<[number, number][]> {
  await page.getByRole('button', { name: /Reading speed/ }).tap();
  await page.getByRole('button', { name: speed, exact: true }).tap();
  await page.keyboard.press('Escape');
  await samples(page);
  await page.getByRole('button', { name: 'Read to me' }).tap();
  const last = narrated.words.length - 1;
  await expect.poll(async () => (await currentWord(page))?.idx, { timeout: 20_000, interval: 50 }).toBe(last);
  await expect.poll(() => page.getByRole('button', { name: 'Read to me' }).count(), { timeout: 10_000 }).toBe(1);
  return samples(page);
}

describe('a narrated book', () => {
  it('highlights each word where the audio says it, at normal and fast speed', async () => {
    const { context, page } = await newPage(browser, TABLET_LANDSCAPE);
    await page.addInitScript(watchAudio);
    await joinFromQr(page, server.joinUrl, 'Nia');
    for (const speed of ['Normal', 'Fast'] as const) {
      const s = await readAt(page, speed);
      const worst = Math.max(...lags(s));
      console.log(
        `[narrated] ${speed}: ${s.length} frames sampled, worst highlight lag ${(worst * 1000).toFixed(0)} ms`,
      );
      expect(worst).toBeLessThanOrEqual(0.15);
      // Every word-level word was lit while its audio played.
      expect(new Set(s.map(([, i]) => i))).toEqual(new Set(narrated.words.map((_, i) => i)));
      // Inside the phrase the highlight only moves forward.
      const phrase = s.filter(([, i]) => i >= WORD_LEVEL.length).map(([, i]) => i);
      expect(phrase).toEqual([...phrase].sort((a, b) => a - b));
      if (speed === 'Fast') {
        const rate = await page.evaluate(() => {
          const a = (window as unknown as { __audio: HTMLMediaElement }).__audio;
          return { rate: a.playbackRate, pitch: a.preservesPitch };
        });
        expect(rate).toEqual({ rate: 1.2, pitch: true });
      }
      // Back to the start for the next speed.
      await page.locator('.w').first().tap();
      await page.keyboard.press('Escape');
    }
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  }, 90_000);

  it('after a reload, the voice goes on from the saved audio_ts', async () => {
    const { context, page } = await newPage(browser, TABLET_LANDSCAPE);
    await page.addInitScript(watchAudio);
    await joinFromQr(page, server.joinUrl, 'Omar');
    await page.getByRole('button', { name: 'Read to me' }).tap();
    await expect
      .poll(async () => (await currentWord(page))?.idx, { timeout: 15_000, interval: 50 })
      .toBeGreaterThanOrEqual(5);
    await page.getByRole('button', { name: 'Pause' }).tap();
    const paused = (await currentWord(page))!.idx;
    const saved = await page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.endsWith('progress'))!;
      return (JSON.parse(localStorage.getItem(key)!) as { audioTs: number }).audioTs;
    });
    // The saved point is inside the paused word's audio (clips here start at 0 in one file).
    expect(saved).toBeGreaterThanOrEqual(narrated.times[paused]!.start - 0.15);
    expect(saved).toBeLessThanOrEqual(narrated.times[paused]!.end + 0.15);

    await page.reload();
    await page.locator('.w.now').waitFor();
    expect((await currentWord(page))!.idx).toBe(paused);
    await samples(page);
    await page.getByRole('button', { name: 'Read to me' }).tap();
    await expect.poll(async () => (await samples(page)).length, { timeout: 10_000 }).toBeGreaterThan(0);
    const first = await page.evaluate(() => (window as unknown as { __audio: HTMLMediaElement }).__audio.currentTime);
    expect(Math.abs(first - saved)).toBeLessThanOrEqual(0.5);
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  }, 60_000);
});
