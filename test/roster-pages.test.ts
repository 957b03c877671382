// Roster join and names told apart in real Chromium against the real server: at tablet size
// (portrait and landscape) a child opens the QR link, taps their name from the class list and is
// reading; two tablets that join as "Mia" are told apart on the dashboard, the teacher renames one,
// and that tablet shows the new name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RosterView } from '../shared/protocol/index.js';
import {
  errorsOf,
  launchBrowser,
  newPage,
  saveScreenshot,
  TABLET_LANDSCAPE,
  TABLET_PORTRAIT,
} from './support/browser.js';
import { startServer, teacherApi, type RunningServer } from './support/server.js';
import { classroom, joinFromQr, studentOnServer } from './support/student-page.js';

const DESKTOP = { width: 1280, height: 800 };
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function setRoster(entries: { firstName: string; lastName?: string }[]): Promise<void> {
  const r = await teacherApi<RosterView>(server, '/roster', { method: 'PUT', body: { entries } });
  expect(r.status).toBe(200);
}

describe('roster join at tablet size', () => {
  // The class list for these tests (the takeover test below finds Mia B. in use).
  beforeAll(async () => {
    await setRoster([
      { firstName: 'Mia', lastName: 'Brown' },
      { firstName: 'Mia', lastName: 'Khan' },
      { firstName: 'Leo' },
    ]);
  });

  it.each([
    ['portrait', TABLET_PORTRAIT, 'Mia B.'],
    ['landscape', TABLET_LANDSCAPE, 'Leo'],
  ])('%s: enter the code from the QR link, tap a name, reading starts', async (orientation, viewport, label) => {
    const { page, context } = await newPage(browser, viewport);
    try {
      await page.goto(server.joinUrl);
      const names = page.getByRole('group', { name: 'Tap your name' });
      await names.waitFor();
      // No name field to type into, and no last names on the tablet.
      expect(await page.getByLabel('Name', { exact: true }).count()).toBe(0);
      expect(await names.getByRole('button').allTextContents()).toEqual(['Mia B.', 'Mia K.', 'Leo']);
      expect(await page.content()).not.toMatch(/Brown|Khan/);
      // Big targets that fit the screen.
      for (const button of await names.getByRole('button').all()) {
        const box = (await button.boundingBox())!;
        expect(box.height).toBeGreaterThanOrEqual(60);
        expect(box.width).toBeGreaterThanOrEqual(140);
        expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await saveScreenshot(page, `roster-join-${orientation}`);

      await names.getByRole('button', { name: label }).tap();
      await page.locator('.w').first().waitFor();
      await page.getByLabel(`Reading as ${label}`).waitFor();
      const s = await studentOnServer(server, label);
      expect(s.status).not.toBe('offline');
      expect(errorsOf(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('a name in use on another tablet', () => {
  it('the tablet waits kindly; the teacher allows it on the dashboard, and reading starts', async () => {
    // Mia B. joined on a tablet in this lesson (the portrait test above): her name is in use.
    const { page, context } = await newPage(browser, TABLET_PORTRAIT);
    const { page: dash } = await newPage(browser, DESKTOP, { hasTouch: false });
    try {
      await page.goto(server.joinUrl);
      await page.getByRole('group', { name: 'Tap your name' }).getByRole('button', { name: 'Mia B.' }).tap();
      await page.getByRole('heading', { name: 'Just a moment, Mia B.' }).waitFor();
      await saveScreenshot(page, 'roster-waiting-for-teacher');

      await dash.goto(`${server.url}/teacher/#token=${server.adminToken}`);
      const ask = dash.getByRole('region', { name: 'A tablet is asking for a name' });
      await ask.getByText('Mia B.').first().waitFor();
      await ask.getByRole('button', { name: 'Allow: move Mia B. there' }).click();
      await ask.waitFor({ state: 'detached' });

      await page.locator('.w').first().waitFor();
      await page.getByLabel('Reading as Mia B.').waitFor();
      expect([...errorsOf(page), ...errorsOf(dash)]).toEqual([]);
    } finally {
      await context.close();
      await dash.context().close();
    }
  });
});

describe('two children called Mia', () => {
  it('are told apart on the tablet and the dashboard; the teacher renames one and the tablet shows it', async () => {
    await setRoster([]);
    const tablets: Page[] = [];
    for (let i = 0; i < 2; i++) {
      const { page } = await newPage(browser, TABLET_LANDSCAPE);
      await joinFromQr(page, server.joinUrl, 'Mia');
      tablets.push(page);
    }
    await tablets[0]!.getByLabel('Reading as Mia', { exact: true }).waitFor();
    await tablets[1]!.getByLabel('Reading as Mia (2)').waitFor();

    // (The class also has "Mia B." from the roster test above.)
    const names = (await classroom(server)).students.map((s) => s.name);
    expect(names.filter((n) => n === 'Mia' || n === 'Mia (2)').sort()).toEqual(['Mia', 'Mia (2)']);
    const second = (await classroom(server)).students.find((s) => s.name === 'Mia (2)')!;

    const { page: dash } = await newPage(browser, DESKTOP, { hasTouch: false });
    await dash.goto(`${server.url}/teacher/#token=${server.adminToken}`);
    const row = dash.locator(`[data-student-id="${second.id}"]`);
    await row.getByText('Mia (2)').waitFor();
    await row.getByRole('button', { name: 'Actions for Mia (2)' }).click();
    await dash.getByRole('dialog', { name: 'Mia (2)' }).waitFor();
    // Found by role alone from here: the rename retitles the dialog as soon as the server says so.
    const dialog = dash.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Mia R.');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await dash.getByText('Mia (2) is now Mia R.').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await row.getByText('Mia R.').waitFor();

    // The renamed child's tablet shows it at once; the other Mia is still Mia.
    await tablets[1]!.getByLabel('Reading as Mia R.').waitFor();
    await tablets[0]!.getByLabel('Reading as Mia', { exact: true }).waitFor();
    await saveScreenshot(tablets[1]!, 'roster-renamed-tablet');
    // After a reload the tablet keeps the new name (and its place).
    await tablets[1]!.reload();
    await tablets[1]!.getByLabel('Reading as Mia R.').waitFor();
    expect([...tablets.map(errorsOf), errorsOf(dash)].flat()).toEqual([]);
  });
});
