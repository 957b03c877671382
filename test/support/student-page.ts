// Steps the student page tests share: join from the QR link, read the highlighted word, and ask
// the teacher API where the server thinks the student is.
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { ClassroomView, StudentView } from '../../shared/protocol/index.js';
import { teacherApi, type RunningServer } from './server.js';

export async function classroom(server: RunningServer): Promise<ClassroomView & { students: StudentView[] }> {
  const r = await teacherApi<ClassroomView & { students: StudentView[] }>(server, '/classroom');
  expect(r.status).toBe(200);
  return r.body;
}

/**
 * Opens the QR code's URL and joins as `name`, the way a child would: the name field has the
 * keyboard already, so typing and one tap on "Start reading" are all it takes. Returns the taps the
 * page received (pointer presses, counted in the page from the first load on).
 */
export async function joinFromQr(page: Page, joinUrl: string, name: string): Promise<number> {
  await page.addInitScript(countTaps);
  await page.goto(joinUrl);
  const before = await tapsSoFar(page);
  const field = page.getByLabel('Name', { exact: true });
  await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
  await page.keyboard.type(name);
  await page.getByRole('button', { name: 'Start reading' }).tap();
  await page.locator('.w').first().waitFor();
  return (await tapsSoFar(page)) - before;
}

/** Runs in the page before its scripts: counts pointer presses in sessionStorage (kept across loads). */
function countTaps(): void {
  const w = window as unknown as { tapCounter?: boolean };
  if (w.tapCounter) return; // once per document, however many times it was added
  w.tapCounter = true;
  addEventListener(
    'pointerdown',
    () => sessionStorage.setItem('test-taps', String(Number(sessionStorage.getItem('test-taps') ?? 0) + 1)),
    true,
  );
}

function tapsSoFar(page: Page): Promise<number> {
  return page.evaluate(() => Number(sessionStorage.getItem('test-taps') ?? 0));
}

/** The highlighted word: its index in the book and its text, or null. */
export async function currentWord(page: Page): Promise<{ idx: number; text: string } | null> {
  return page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('.w.now');
    return el ? { idx: Number(el.dataset.i), text: el.textContent ?? '' } : null;
  });
}

/** Waits until the highlight is at or past `idx`; returns where it is. */
export async function waitForWord(page: Page, idx: number, timeoutMs = 15_000): Promise<number> {
  let at = -1;
  await expect
    .poll(
      async () => {
        at = (await currentWord(page))?.idx ?? -1;
        return at;
      },
      { timeout: timeoutMs, interval: 100 },
    )
    .toBeGreaterThanOrEqual(idx);
  return at;
}

/** The server's view of the only student in the class (or the one named). */
export async function studentOnServer(server: RunningServer, name?: string): Promise<StudentView> {
  const c = await classroom(server);
  const s = name ? c.students.find((x) => x.name === name) : c.students[0];
  expect(s, `student ${name ?? ''} on the server`).toBeDefined();
  return s!;
}
