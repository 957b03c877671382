// Retention (issue 19.5): the server erases a class on its own once its last lesson is older than
// retentionDays, the same way a deletion does, checked on a timer. The app runs in-process on a
// real SQLite file in a temporary data folder, with an injected clock moved forward by the test.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClassSummary, CreatedClass } from '../shared/protocol/index.js';
import { buildApp } from '../server/app.js';
import { createRelay } from '../server/llm/index.js';
import { foundIn } from './support/data-scan.js';
import { tempDir } from './support/server.js';

const ADMIN = 'admin-token-for-retention';
const DAY = 86_400_000;
let app: FastifyInstance | null = null;

afterEach(async () => {
  await app?.close();
  app = null;
});

async function start(dataDir: string, clock: { now: number }, environment: Record<string, unknown> = {}) {
  app = await buildApp({
    dataDir,
    layers: { machine: {}, environment: { publicHost: '127.0.0.1', ...environment }, flag: {}, locked: {} },
    adminToken: ADMIN,
    tls: false,
    createRelay,
    now: () => clock.now,
    retentionCheckMs: 50,
  });
  return app;
}

const call = (a: FastifyInstance, method: 'GET' | 'POST', url: string, payload?: object, token = ADMIN) =>
  a.inject({ method, url, payload, remoteAddress: '127.0.0.1', headers: { authorization: `Bearer ${token}` } });

/** A class with one child in it, whose lesson ends now (by the clock). */
async function classWithChild(a: FastifyInstance, className: string, child: string) {
  const made = (await call(a, 'POST', '/api/admin/classes', { name: className })).json<CreatedClass>();
  const joined = await a.inject({
    method: 'POST',
    url: '/api/join',
    payload: { classCode: made.classCode, name: child },
    remoteAddress: '10.0.0.9',
  });
  expect(joined.statusCode).toBe(200);
  expect((await call(a, 'POST', '/api/teacher/lesson', { open: false }, made.teacherToken)).statusCode).toBe(200);
  return { ...made, token: joined.json<{ token: string }>().token };
}

const classNames = async (a: FastifyInstance) =>
  (await call(a, 'GET', '/api/admin/classes')).json<ClassSummary[]>().map((c) => c.name);

describe('retention', () => {
  it('erases a class whose last lesson is older than the setting, and keeps a recent one', async () => {
    const dataDir = tempDir();
    const clock = { now: Date.UTC(2026, 0, 5) };
    const a = await start(dataDir, clock);
    const old = await classWithChild(a, 'Old class', 'Zebulonia Oldfield');
    clock.now += 200 * DAY;
    await classWithChild(a, 'Recent class', 'Perpetua Newfield');
    // The scan finds both names before anything is due.
    expect(foundIn(dataDir, ['Zebulonia Oldfield', 'Perpetua Newfield']).sort()).toEqual([
      'Perpetua Newfield',
      'Zebulonia Oldfield',
    ]);

    // 364 days after the old lesson: nothing is due yet (the default is 365 days).
    clock.now += 164 * DAY;
    await new Promise((r) => setTimeout(r, 300));
    expect(await classNames(a)).toContain('Old class');

    // Past 365 days: the next check erases it, with its child, from every file.
    clock.now += 2 * DAY;
    await expect.poll(() => classNames(a), { timeout: 5000 }).not.toContain('Old class');
    expect(await classNames(a)).toContain('Recent class');
    await expect.poll(() => foundIn(dataDir, ['Zebulonia Oldfield']), { timeout: 15_000 }).toEqual([]);
    expect(foundIn(dataDir, ['Perpetua Newfield'])).toEqual(['Perpetua Newfield']);

    // Its child's tablet is told to forget; its code admits no one.
    const again = await a.inject({
      method: 'POST',
      url: '/api/join',
      payload: { classCode: old.classCode, name: 'Zebulonia Oldfield', token: old.token },
      remoteAddress: '10.0.0.9',
    });
    expect(again.statusCode).toBe(410);
    expect(again.json()).toMatchObject({ code: 'STUDENT_DELETED' });
    const byCode = await a.inject({
      method: 'POST',
      url: '/api/join',
      payload: { classCode: old.classCode, name: 'Someone' },
      remoteAddress: '10.0.0.10',
    });
    expect(byCode.json()).toMatchObject({ code: 'WRONG_CLASS_CODE' });
  });

  it('keeps everything with retentionDays 0; with the default, the start-up check erases what is due', async () => {
    const dataDir = tempDir();
    const clock = { now: Date.UTC(2026, 0, 5) };
    let a = await start(dataDir, clock, { retentionDays: 0 });
    await classWithChild(a, 'Kept class', 'Zebulonia Keepforever');
    clock.now += 3650 * DAY;
    await new Promise((r) => setTimeout(r, 300));
    expect(await classNames(a)).toContain('Kept class');
    await a.close();

    // The same folder with the default: the check at start finds the class ten years past its time.
    a = await start(dataDir, clock);
    await expect.poll(() => classNames(a), { timeout: 5000 }).not.toContain('Kept class');
    await expect.poll(() => foundIn(dataDir, ['Zebulonia Keepforever']), { timeout: 15_000 }).toEqual([]);
  });
});
