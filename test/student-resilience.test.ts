// The student's place survives what school Wi-Fi and laptops do: the network drops (the tablet
// goes offline, keeps reading, and catches the server up when it is back), the server restarts
// (same port and data folder: the tablet comes back by itself), an answer is cut off mid-stream
// (shown in full after reconnecting), and the teacher ends the class or removes a student (no
// reconnect; a kind message and a way back in).
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
import { FakeGemini } from '../testkit/fake-gemini.js';
import { installFakeRecognition, installFakeSpeech } from './support/fake-speech.js';
import { startServer, teacherApi, tempDir, type RunningServer } from './support/server.js';
import { classroom, currentWord, joinFromQr, studentOnServer, waitForWord } from './support/student-page.js';
import type { FeedItem } from '../shared/protocol/index.js';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const banner = (page: Page) => page.locator('.banner');

describe('network and server trouble', () => {
  let server: RunningServer;
  let gemini: FakeGemini;
  const dataDir = tempDir();

  beforeAll(async () => {
    gemini = await FakeGemini.start();
    server = await startServer({
      dataDir,
      env: gemini.serverEnv,
    });
  });
  afterAll(async () => {
    await server?.stop();
    await gemini?.close();
  });

  it('offline: keeps reading, keeps the place, sends it when back; a cut-off answer is shown in full', async () => {
    const { context, page } = await newPage(browser, TABLET_PORTRAIT);
    await page.addInitScript(installFakeSpeech, { boundaries: true, wordMs: 60 });
    await joinFromQr(page, server.joinUrl, 'Cleo');

    // Pull the network while reading.
    await page.getByRole('button', { name: 'Read to me' }).tap();
    await waitForWord(page, 10);
    await context.setOffline(true);
    await expect.poll(() => banner(page).textContent(), { timeout: 10_000 }).toMatch(/No connection right now/);
    await saveScreenshot(page, 'student-offline-768x1024');
    await waitForWord(page, 40);
    await page.getByRole('button', { name: 'Pause' }).tap();
    const offlinePlace = (await currentWord(page))!.idx;
    // The server has not heard about it.
    expect((await studentOnServer(server, 'Cleo')).wordIdx).toBeLessThan(offlinePlace);

    // Back online: the tablet reconnects by itself and the server gets the place.
    await context.setOffline(false);
    await expect
      .poll(async () => (await studentOnServer(server, 'Cleo')).wordIdx, { timeout: 20_000 })
      .toBe(offlinePlace);
    await expect.poll(() => banner(page).textContent()).not.toMatch(/No connection/);
    expect((await currentWord(page))!.idx).toBe(offlinePlace);

    // An answer that was streaming when the network went: shown in full after reconnecting.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    gemini.reply({
      chunks: ['Marlo ', 'is ', 'a ', 'brave ', 'grey ', 'cat.'],
      before: (i) => (i === 2 ? held : Promise.resolve()),
    });
    await page.getByRole('button', { name: 'Ask', exact: true }).tap();
    await page.getByLabel('Your question').fill('Who is Marlo?');
    await page.getByRole('dialog').getByRole('button', { name: 'Ask', exact: true }).tap();
    await expect
      .poll(() => page.locator('.qa-item .answer').last().textContent(), { timeout: 10_000 })
      .toBe('Marlo is ');
    await context.setOffline(true);
    await expect.poll(() => banner(page).textContent(), { timeout: 10_000 }).toMatch(/No connection/);
    release();
    // The server finishes the answer while the tablet is away.
    await expect
      .poll(
        async () =>
          (await teacherApi<FeedItem[]>(server, '/feed')).body.find((f) => f.questionText === 'Who is Marlo?')?.status,
        { timeout: 10_000 },
      )
      .toBe('answered');
    await context.setOffline(false);
    await expect
      .poll(() => page.locator('.qa-item .answer').last().textContent(), { timeout: 20_000 })
      .toBe('Marlo is a brave grey cat.');
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });

  it('server restart: the tablet reconnects by itself and its newer place wins', async () => {
    const { context, page } = await newPage(browser, TABLET_LANDSCAPE);
    await page.addInitScript(installFakeSpeech, { boundaries: true, wordMs: 60 });
    await joinFromQr(page, server.joinUrl, 'Dev');
    await page.getByRole('button', { name: 'Read to me' }).tap();
    await waitForWord(page, 8);

    const port = server.port;
    expect(await server.stop()).toBe(0);
    await expect.poll(() => banner(page).textContent(), { timeout: 10_000 }).toMatch(/No connection right now/);
    // Reading goes on with the server away.
    await waitForWord(page, 30);
    await page.getByRole('button', { name: 'Pause' }).tap();
    const place = (await currentWord(page))!.idx;

    server = await startServer({
      dataDir,
      port,
      env: gemini.serverEnv,
    });
    await expect.poll(async () => (await studentOnServer(server, 'Dev')).wordIdx, { timeout: 30_000 }).toBe(place);
    await expect.poll(() => banner(page).textContent()).not.toMatch(/No connection/);
    expect((await currentWord(page))!.idx).toBe(place);

    // A reload after the restart resumes at the same word without asking for the name.
    await page.reload();
    await page.locator('.w.now').waitFor();
    expect((await currentWord(page))!.idx).toBe(place);
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });
});

/**
 * A TCP relay in front of the server that can go silent: `freeze()` stops every connection it
 * carries without closing any (what a Wi-Fi hand-over or a sleeping access point does), while new
 * connections still get through.
 */
async function silentableRelay(port: number): Promise<{ url: string; freeze(): void; close(): Promise<void> }> {
  const live = new Set<{ freeze(): void; destroy(): void }>();
  const all = new Set<{ destroy(): void }>();
  const relay = createServer((down) => {
    const up = connect(port, '127.0.0.1');
    down.pipe(up);
    up.pipe(down);
    const pair = {
      freeze() {
        down.unpipe(up);
        up.unpipe(down);
        down.pause();
        up.pause();
        // The server may close its end meanwhile; the tablet must not hear about it.
        up.removeAllListeners('end');
        up.on('error', () => {});
        down.on('error', () => {});
      },
      destroy() {
        down.destroy();
        up.destroy();
      },
    };
    live.add(pair);
    all.add(pair);
    up.on('error', () => down.destroy());
    down.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`,
    freeze() {
      for (const p of live) p.freeze();
      live.clear();
    },
    async close() {
      for (const p of all) p.destroy();
      await new Promise((r) => relay.close(r));
    },
  };
}

describe('a connection that dies without closing', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('is noticed (no reply to a frame), replaced, and the place reaches the server', async () => {
    const relay = await silentableRelay(server.port);
    const { context, page } = await newPage(browser, TABLET_LANDSCAPE);
    await page.addInitScript(installFakeSpeech, { boundaries: true, wordMs: 60 });
    await joinFromQr(page, `${relay.url}/join?code=${new URL(server.joinUrl).searchParams.get('code')}`, 'Ola');
    await page.getByRole('button', { name: 'Read to me' }).tap();
    await waitForWord(page, 5);
    relay.freeze();
    await waitForWord(page, 30);
    await page.getByRole('button', { name: 'Pause' }).tap();
    const place = (await currentWord(page))!.idx;
    // The socket still looks open to the browser; the tablet finds out by the missing replies.
    await expect
      .poll(async () => (await studentOnServer(server, 'Ola')).wordIdx, { timeout: 30_000, interval: 500 })
      .toBe(place);
    expect(errorsOf(page)).toEqual([]);
    await context.close();
    await relay.close();
  });
});

describe('the teacher', () => {
  let server: RunningServer;

  beforeAll(async () => {
    // No Gemini key: questions go to the teacher.
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a wrong class code gets a sentence a child can act on', async () => {
    const { context, page } = await newPage(browser, TABLET_LANDSCAPE);
    await page.goto(`${server.url}/join?code=NOPE42`);
    await page.getByLabel('Name', { exact: true }).fill('Zoe');
    await page.getByRole('button', { name: 'Start reading' }).tap();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/class code is not right/);
    await page.getByLabel('Class code').fill(new URL(server.joinUrl).searchParams.get('code')!);
    await page.getByRole('button', { name: 'Start reading' }).tap();
    await page.locator('.w').first().waitFor();
    await context.close();
  });

  it('answers a question by hand, sees a raised hand, picks a book, removes a student, ends the class', async () => {
    const { context, page } = await newPage(browser, TABLET_LANDSCAPE);
    await page.addInitScript(installFakeRecognition, 'this must not be offered');
    await joinFromQr(page, server.joinUrl, 'Eve');

    await page.getByRole('button', { name: 'Ask', exact: true }).tap();
    await expect.poll(() => page.getByText('Your teacher will answer your questions.').isVisible()).toBe(true);
    // Spoken questions are off unless the teacher turns them on, even where the browser has them.
    expect(await page.getByRole('button', { name: 'Say it' }).count()).toBe(0);
    await page.getByLabel('Your question').fill('Why is the sea salty?');
    await page.getByRole('dialog').getByRole('button', { name: 'Ask', exact: true }).tap();
    await expect
      .poll(() => page.locator('.qa-item .state').last().textContent(), { timeout: 10_000 })
      .toMatch(/Your teacher will answer this one/);
    const feed = (await teacherApi<FeedItem[]>(server, '/feed')).body;
    const item = feed.find((f) => f.questionText === 'Why is the sea salty?')!;
    expect(item).toBeDefined();
    expect(
      (
        await teacherApi(server, `/questions/${item.id}/answer`, {
          body: { text: 'Rivers carry salt from rocks into the sea.' },
        })
      ).status,
    ).toBe(200);
    await expect
      .poll(() => page.locator('.qa-item .answer').last().textContent(), { timeout: 10_000 })
      .toBe('Rivers carry salt from rocks into the sea.');
    expect(await page.getByText('From your teacher').isVisible()).toBe(true);
    await saveScreenshot(page, 'student-teacher-answer-1024x768');
    await page.getByRole('button', { name: 'Keep reading' }).tap();
    await page.getByRole('button', { name: 'Pause' }).tap();

    // Raise hand: the teacher sees it; the teacher lowers it and the tablet shows that.
    await page.getByRole('button', { name: 'Raise hand' }).tap();
    await expect.poll(async () => (await studentOnServer(server, 'Eve')).handRaised).toBe(true);
    await expect.poll(() => banner(page).textContent()).toMatch(/Your hand is up/);
    const eve = await studentOnServer(server, 'Eve');
    await teacherApi(server, `/students/${eve.id}/lower-hand`, { body: {} });
    await expect.poll(() => page.getByRole('button', { name: 'Raise hand' }).isVisible()).toBe(true);

    // The teacher picks another book for the class: the tablet opens it at the start.
    expect((await teacherApi(server, '/classroom/book', { body: { bookId: 'seed-that-waited' } })).status).toBe(200);
    await expect.poll(() => page.locator('.title').textContent()).toBe('The Seed That Waited');
    await expect.poll(() => page.locator('.banner').textContent()).toMatch(/Your teacher picked a new book/);
    expect((await currentWord(page))!.idx).toBe(0);
    await expect
      .poll(async () => (await studentOnServer(server, 'Eve')).bookId, { timeout: 10_000 })
      .toBe('seed-that-waited');

    // Removed: no reconnect, a kind message, and a way back in with the name filled in.
    await teacherApi(server, `/students/${eve.id}/remove`, { body: {} });
    await expect
      .poll(() => page.getByRole('heading', { name: 'You left the class' }).isVisible(), { timeout: 10_000 })
      .toBe(true);
    await page.waitForTimeout(1500);
    expect((await classroom(server)).students.find((s) => s.name === 'Eve')).toBeUndefined();
    await page.getByRole('button', { name: 'Join a class' }).tap();
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Eve');
    await page.getByRole('button', { name: 'Start reading' }).tap();
    await page.locator('.w').first().waitFor();
    await expect.poll(async () => (await classroom(server)).students.filter((s) => s.name === 'Eve').length).toBe(1);

    // The lesson ends: a goodbye, no reconnect attempts.
    await teacherApi(server, '/lesson', { body: { open: false } });
    await expect
      .poll(() => page.getByRole('heading', { name: 'Class is finished' }).isVisible(), { timeout: 10_000 })
      .toBe(true);
    await saveScreenshot(page, 'student-class-ended-1024x768');
    // The next lesson: joining again with the same name brings back the same student.
    const before = (await classroom(server)).students.filter((s) => s.name === 'Eve');
    expect(before).toHaveLength(1);
    await teacherApi(server, '/lesson', { body: { open: true } });
    await page.getByRole('button', { name: 'Join a class' }).tap();
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Eve');
    await page.getByRole('button', { name: 'Start reading' }).tap();
    await page.locator('.w').first().waitFor();
    await expect
      .poll(async () => (await classroom(server)).students.filter((s) => s.name === 'Eve').map((s) => s.id))
      .toEqual([before[0]!.id]);
    await expect.poll(async () => (await studentOnServer(server, 'Eve')).status).not.toBe('offline');
    expect(errorsOf(page)).toEqual([]);
    await context.close();
  });
});
