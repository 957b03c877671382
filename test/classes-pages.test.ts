// "My classes" in the dashboard and IT's school view, in real Chromium against the real server:
// creating, renaming and switching classes, two classes running at once with their own join QR
// codes, a teacher's link that opens only its class, and the school view's list, capacity, teacher
// links, CSV import, archive and delete (with confirmation), and its clear-text warning.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ClassSummary } from '../shared/protocol/index.js';
import { errorsOf, launchBrowser, newPage, saveScreenshot, waitLive } from './support/browser.js';
import { scanQr } from './support/qr.js';
import { startServer, type RunningServer } from './support/server.js';
import { join, TestTablet } from './support/student-client.js';

const DESKTOP = { width: 1280, height: 800 };
let server: RunningServer;
let browser: Browser;
const tablets: TestTablet[] = [];

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const t of tablets) t.close();
  await browser?.close();
  await server?.stop();
});

async function classes(): Promise<ClassSummary[]> {
  const res = await fetch(`${server.url}/api/admin/classes`, {
    headers: { authorization: `Bearer ${server.adminToken}` },
  });
  return (await res.json()) as ClassSummary[];
}

async function tablet(classCode: string, name: string) {
  const res = await join(server.url, { classCode, name });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const t = await TestTablet.open(res.body.wsUrl);
  tablets.push(t);
  await t.next('SESSION_STATE');
  return { ...res.body, t };
}

async function open(url: string): Promise<Page> {
  const { page } = await newPage(browser, DESKTOP, { hasTouch: false });
  await page.goto(url);
  return page;
}

const classTab = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'My classes' }).getByRole('button', { name: new RegExp(`^${name}`) });
const code = async (page: Page) => (await page.getByTestId('class-code').textContent())?.replace(/\s/g, '');

describe('My classes in the dashboard', () => {
  it('creates, renames and switches classes; two run at once, each with its own join QR code', async () => {
    const page = await open(`${server.url}/teacher/#token=${server.adminToken}`);
    await waitLive(page);
    await classTab(page, 'My class').waitFor();
    const first = (await classes())[0]!;
    expect(await code(page)).toBe(first.classCode);

    // A second group.
    const nav = page.getByRole('navigation', { name: 'My classes' });
    await nav.getByRole('button', { name: '+ New class' }).click();
    await nav.getByLabel('New class name').fill('Group B');
    await nav.getByRole('button', { name: 'Create' }).click();
    await expect.poll(async () => (await classes()).map((c) => c.name)).toEqual(['My class', 'Group B']);
    const groupB = (await classes())[1]!;
    await expect.poll(() => code(page)).toBe(groupB.classCode);
    await waitLive(page);
    expect(await classTab(page, 'Group B').getAttribute('aria-current')).toBe('page');
    expect(await scanQr(page, '.join svg.qr')).toBe(groupB.joinUrl);

    // A student in each class appears only in their own class's grid.
    const bea = await tablet(groupB.classCode, 'Bea');
    await page.locator(`[data-student-id="${bea.studentId}"]`).waitFor();
    await classTab(page, 'My class').click();
    await expect.poll(() => code(page)).toBe(first.classCode);
    expect(await scanQr(page, '.join svg.qr')).toBe(first.joinUrl);
    const ari = await tablet(first.classCode, 'Ari');
    await page.locator(`[data-student-id="${ari.studentId}"]`).waitFor();
    expect(await page.locator(`[data-student-id="${bea.studentId}"]`).count()).toBe(0);

    // Group B keeps running while My class is on screen: its raised hand shows on its tab.
    bea.t.send('RAISE_HAND', {});
    await expect.poll(() => classTab(page, 'Group B').getByTestId('class-hands').textContent()).toBe(' 1');

    // Rename the class on screen.
    await nav.getByRole('button', { name: 'Rename' }).click();
    await nav.getByLabel('Class name').fill('Period 1');
    await nav.getByRole('button', { name: 'Rename' }).click();
    await classTab(page, 'Period 1').waitFor();
    expect((await classes()).map((c) => c.name)).toEqual(['Period 1', 'Group B']);

    // Ending one class's lesson leaves the other's tablets reading.
    await classTab(page, 'Group B').click();
    await page.locator(`[data-student-id="${bea.studentId}"]`).waitFor();
    await page.getByRole('button', { name: 'End lesson' }).click();
    await page.getByRole('dialog', { name: 'End this lesson?' }).getByRole('button', { name: 'End lesson' }).click();
    expect(await bea.t.closed()).toBe(4003);
    expect(ari.t.closeCode).toBeNull();
    await page.getByRole('button', { name: 'Start lesson' }).waitFor();
    await page.getByTestId('join-state').getByText('No lesson: the code admits no one').waitFor();
    await saveScreenshot(page, 'dashboard-my-classes-1280x800');
    expect(errorsOf(page)).toEqual([]);
    await page.context().close();
  });

  it("opens only its own class from a teacher's link", async () => {
    const groupB = (await classes()).find((c) => c.name === 'Group B')!;
    const page = await open(groupB.teacherUrl.replace(/^http:\/\/[^/]+/, server.url));
    await waitLive(page);
    expect(await code(page)).toBe(groupB.classCode);
    const nav = page.getByRole('navigation', { name: 'My classes' });
    expect(await nav.getByRole('button', { name: /^Group B/ }).count()).toBe(1);
    expect(await nav.getByRole('button', { name: /^Period 1/ }).count()).toBe(0);
    expect(await nav.getByRole('button', { name: '+ New class' }).count()).toBe(0);
    // The token left the address bar at once.
    expect(page.url()).not.toContain('token');
    expect(errorsOf(page)).toEqual([]);
    await page.context().close();
  });
});

describe("IT's school view", () => {
  it('lists every class with its code, students, lesson and teacher link, and the whole server', async () => {
    const page = await open(`${server.url}/admin/#token=${server.adminToken}`);
    const list = await classes();
    for (const c of list) {
      const row = page.locator(`tr[data-class-id="${c.classId}"]`);
      await row.getByText(c.name, { exact: true }).waitFor();
      expect((await row.locator('td.mono').textContent())?.replace(/\s/g, '')).toBe(c.classCode);
      // No AI route on this server: every class says AI answers are off.
      expect(c.aiAnswers).toBe(false);
      expect(await row.getByTestId('ai').textContent()).toBe('Off');
    }
    const period1 = list.find((c) => c.name === 'Period 1')!;
    await expect
      .poll(() => page.locator(`tr[data-class-id="${period1.classId}"] [data-testid="connected"]`).textContent())
      .toMatch(/^1 of 1/);
    await page.locator(`tr[data-class-id="${period1.classId}"]`).getByText('Lesson open').waitFor();
    await page
      .locator(`tr[data-class-id="${list.find((c) => c.name === 'Group B')!.classId}"]`)
      .getByText('No lesson')
      .waitFor();
    await page.getByTestId('server-capacity').getByText('Students connected').waitFor();
    expect(await page.getByTestId('server-warning').count()).toBe(0);
    // What is kept about each child, where, and for how long (this server's folder and setting).
    const kept = page.getByTestId('kept-records');
    await kept.getByText("Until 365 days after the class's last lesson", { exact: false }).waitFor();
    expect(await kept.textContent()).toContain(server.dataDir);

    // The teacher link, with its QR code.
    await page.locator(`tr[data-class-id="${period1.classId}"]`).getByRole('button', { name: 'Show link' }).click();
    const dialog = page.getByRole('dialog', { name: 'Teacher link: Period 1' });
    expect(await dialog.getByTestId('teacher-url').textContent()).toBe(period1.teacherUrl);
    expect(await scanQr(page, '.modal svg.qr')).toBe(period1.teacherUrl);
    await dialog.getByRole('button', { name: 'Done' }).click();
    expect(errorsOf(page)).toEqual([]);
    await page.context().close();
  });

  it('creates one class, and many from a CSV, with a download of their teacher links', async () => {
    const page = await open(`${server.url}/admin/#token=${server.adminToken}`);
    const one = page.locator('form[aria-labelledby="create-one"]');
    await one.getByLabel('Class name').fill('Art club');
    await one.getByLabel('Teacher').fill('Ms Rivera');
    await one.getByRole('button', { name: 'Create class' }).click();
    await page
      .getByRole('status')
      .getByText(/Made Art club: code/)
      .waitFor();

    const many = page.locator('form[aria-labelledby="create-many"]');
    await many
      .getByLabel('Or paste the lines')
      .fill('Class name,Teacher name\n5A,Mr Okafor\n"5B, upstairs",Ms Lund\n,Nobody\n5C,Mx Tran\n');
    await many.getByRole('button', { name: 'Create classes' }).click();
    await many.getByTestId('bulk-result').getByText('Made 3 classes.').waitFor();
    await many.getByText('Row 3 (no name): A class needs a name.').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      many.getByRole('button', { name: 'Download their teacher links (CSV)' }).click(),
    ]);
    const csv = await readFile(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('\uFEFFClass,Teacher,Class code,Join link,Teacher link');
    expect(csv).toContain('"5B, upstairs",Ms Lund,');
    const list = await classes();
    expect(list.map((c) => [c.name, c.teacherName])).toEqual(
      expect.arrayContaining([
        ['Art club', 'Ms Rivera'],
        ['5A', 'Mr Okafor'],
        ['5B, upstairs', 'Ms Lund'],
        ['5C', 'Mx Tran'],
      ]),
    );
    for (const c of list.filter((x) => x.name.startsWith('5'))) expect(csv).toContain(c.teacherUrl);
    await page.locator(`tr[data-class-id="${list.find((c) => c.name === '5C')!.classId}"]`).waitFor();
    await saveScreenshot(page, 'school-view-1280x800');
    expect(errorsOf(page)).toEqual([]);
    await page.context().close();
  });

  it('archives a class and deletes one after a confirmation', async () => {
    const page = await open(`${server.url}/admin/#token=${server.adminToken}`);
    const art = (await classes()).find((c) => c.name === 'Art club')!;
    const row = page.locator(`tr[data-class-id="${art.classId}"]`);
    await row.getByRole('button', { name: 'Archive' }).click();
    await row.getByText('Archived').waitFor();
    expect((await classes()).find((c) => c.classId === art.classId)).toMatchObject({
      archived: true,
      lessonOpen: false,
    });

    const fiveC = (await classes()).find((c) => c.name === '5C')!;
    const doomed = page.locator(`tr[data-class-id="${fiveC.classId}"]`);
    await doomed.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete 5C?' });
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    expect((await classes()).some((c) => c.classId === fiveC.classId)).toBe(true);
    await doomed.getByRole('button', { name: 'Delete' }).click();
    await confirm.getByRole('button', { name: 'Delete for good' }).click();
    await doomed.waitFor({ state: 'detached' });
    expect((await classes()).some((c) => c.classId === fiveC.classId)).toBe(false);
    expect(errorsOf(page)).toEqual([]);
    await page.context().close();
  });

  it("refuses a teacher's link, and warns when teacher links travel in clear text", async () => {
    const groupB = (await classes()).find((c) => c.name === 'Group B')!;
    const teacherToken = new URL(groupB.teacherUrl).hash.replace('#token=', '');
    const page = await open(`${server.url}/admin/#token=${teacherToken}`);
    await page
      .getByRole('alert')
      .getByText(/teacher's link/)
      .waitFor();
    await page.context().close();

    const remote = await startServer({ env: { READERAI_TEACHER_REMOTE: 'true', READERAI_PUBLIC_HOST: '127.0.0.1' } });
    try {
      const warned = await open(`${remote.url}/admin/#token=${remote.adminToken}`);
      await warned
        .getByTestId('server-warning')
        .getByText(/travel in clear text/)
        .waitFor();
      await warned.context().close();
    } finally {
      await remote.stop();
    }
  });
});
