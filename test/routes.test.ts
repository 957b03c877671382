// HTTP routes through Fastify's inject (no port opened): the app as a plugin, as in fastify/demo.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.js';
import { createRelay } from '../server/llm/index.js';
import { tempDir } from './support/server.js';

const ADMIN = 'admin-token-for-tests';
let app: FastifyInstance;

async function build(locked: Record<string, unknown> = {}) {
  return buildApp({
    dataDir: tempDir(),
    layers: { machine: {}, environment: { publicHost: '127.0.0.1' }, flag: {}, locked },
    adminToken: ADMIN,
    tls: false,
    createRelay,
  });
}

beforeAll(async () => {
  app = await build({ llmMaxInFlight: 3 });
});
afterAll(async () => {
  await app?.close();
});

const teacher = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, remoteAddress = '127.0.0.1') =>
  app.inject({
    method,
    url: `/api/teacher${url}`,
    payload,
    remoteAddress,
    headers: { authorization: `Bearer ${ADMIN}` },
  });

describe('routes', () => {
  it('serves the bundled library, and each book as words with paragraph starts', async () => {
    const list = (await app.inject('/api/books')).json<{ id: string; title: string; wordCount: number }[]>();
    expect(list.length).toBeGreaterThanOrEqual(3);
    const book = (await app.inject(`/api/books/${list[0]!.id}`)).json<{ words: string[]; paragraphStarts: number[] }>();
    expect(book.words).toHaveLength(list[0]!.wordCount);
    expect(book.paragraphStarts[0]).toBe(0);
    expect(book.words.every((w) => w.length > 0 && !/\s/.test(w))).toBe(true);
  });

  it('answers unknown books with a 404 JSON error and security headers', async () => {
    const res = await app.inject('/api/books/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('validates join bodies with 400s', async () => {
    for (const payload of [{}, { classCode: 1, name: 'x' }, { classCode: 'ABC', name: 'x'.repeat(2000) }]) {
      const res = await app.inject({ method: 'POST', url: '/api/join', payload });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'BAD_REQUEST' });
    }
  });

  it('limits wrong class codes per address with 429 and Retry-After', async () => {
    let last: { statusCode: number; headers: Record<string, unknown> } | undefined;
    for (let i = 0; i < 31; i++)
      last = await app.inject({
        method: 'POST',
        url: '/api/join',
        payload: { classCode: 'WRONG1', name: 'Guess' },
        remoteAddress: '10.9.9.9',
      });
    expect(last?.statusCode).toBe(429);
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    const other = await app.inject({
      method: 'POST',
      url: '/api/join',
      payload: { classCode: 'WRONG1', name: 'Guess' },
      remoteAddress: '10.9.9.10',
    });
    expect(other.statusCode).toBe(403);
  });

  it('limits wrong codes server-wide too, tighter as more lessons are open, and counts every class', async () => {
    const own = await build();
    try {
      // 200 lessons open: the server as a whole allows 30,000 / 200 = 150 wrong codes a minute.
      const codes = [own.classes.first().classCode];
      for (let i = 1; i < 200; i++) {
        const res = await own.inject({
          method: 'POST',
          url: '/api/admin/classes',
          payload: { name: `Class ${i}` },
          headers: { authorization: `Bearer ${ADMIN}` },
        });
        expect(res.statusCode).toBe(201);
        codes.push(res.json<{ classCode: string }>().classCode);
      }
      const guess = (classCode: string, address: string) =>
        own.inject({ method: 'POST', url: '/api/join', payload: { classCode, name: 'Guess' }, remoteAddress: address });
      const wrong = codes.includes('WRONG1') ? 'WRONG2' : 'WRONG1';
      const kid = (await guess(codes[5]!, '10.7.1.1')).json<{ token: string; studentId: string }>();
      // Five addresses, 30 each: every one within its own limit.
      for (let a = 0; a < 5; a++)
        for (let i = 0; i < 30; i++) expect((await guess(wrong, `10.7.0.${a}`)).statusCode).toBe(403);
      // A sixth address has never guessed, but the server has heard enough: even a right code waits.
      for (const code of [wrong, codes[123]!]) {
        const res = await guess(code, '10.7.0.99');
        expect(res.statusCode).toBe(429);
        expect(res.json()).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
      }
      // Tablets coming back with their tokens are not held up.
      const back = await own.inject({
        method: 'POST',
        url: '/api/join',
        payload: { classCode: codes[5], name: 'Guess', token: kid.token },
        remoteAddress: '10.7.1.1',
      });
      expect(back.json()).toMatchObject({ studentId: kid.studentId, resumed: true });
    } finally {
      await own.close();
    }
  });

  it('limits new students per address (generously: a school may share one address)', async () => {
    const own = await build({ joinsPerMinutePerIp: 300 });
    try {
      const code = own.classes.first().classCode;
      const statuses: number[] = [];
      for (let i = 0; i < 301; i++) {
        statuses.push(
          (
            await own.inject({
              method: 'POST',
              url: '/api/join',
              payload: { classCode: code, name: `Kid ${i}` },
              remoteAddress: '10.1.1.1',
            })
          ).statusCode,
        );
      }
      expect(statuses.slice(0, 300).every((s) => s === 200)).toBe(true);
      expect(statuses[300]).toBe(429);
      expect(
        (
          await own.inject({
            method: 'POST',
            url: '/api/join',
            payload: { classCode: code, name: 'Next door' },
            remoteAddress: '10.1.1.2',
          })
        ).statusCode,
      ).toBe(200);
    } finally {
      await own.close();
    }
  });

  it('keeps the teacher API to this machine unless remote access is on', async () => {
    expect((await teacher('GET', '/classroom', undefined, '192.168.1.50')).statusCode).toBe(403);
    expect((await teacher('GET', '/classroom')).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/teacher/classroom', remoteAddress: '127.0.0.1' })).statusCode).toBe(401);
  });

  it('lets the teacher change classroom settings, refuses locked ones, and never shows the key', async () => {
    const put = await teacher('PUT', '/settings', { gradeLevel: 5, geminiApiKey: 'AIza-secret-1234' });
    expect(put.statusCode).toBe(200);
    const view = put.json<{ key: string; value: unknown; editable: boolean; source: string }[]>();
    // The admin token acts on the first class: its grade is that class's own; the key is the server's.
    expect(view.find((s) => s.key === 'gradeLevel')).toMatchObject({ value: 5, source: 'class', scope: 'class' });
    expect(view.find((s) => s.key === 'geminiApiKey')).toMatchObject({ source: 'teacher', scope: 'server' });
    const key = view.find((s) => s.key === 'geminiApiKey')!;
    expect(JSON.stringify(put.json())).not.toContain('AIza-secret');
    expect(key.value).toBe('••••1234');
    expect(app.relay.aiEnabled).toBe(true);

    const locked = await teacher('PUT', '/settings', { llmMaxInFlight: 10 });
    expect(locked.statusCode).toBe(403);
    expect(locked.json<{ message: string }>().message).toMatch(/locked/);
    expect((await teacher('PUT', '/settings', { gradeLevel: 99 })).statusCode).toBe(400);
    expect((await teacher('PUT', '/settings', { nonsense: 1 })).statusCode).toBe(400);
    // Nothing was half-applied by the refused request.
    expect(app.settings.forClass(app.classes.first().id).gradeLevel).toBe(5);
    await teacher('PUT', '/settings', { geminiApiKey: null });
    expect(app.relay.aiEnabled).toBe(false);
  });

  it('keeps teacher settings across a restart of the app', async () => {
    const dataDir = tempDir();
    const layers = { machine: {}, environment: {}, flag: {}, locked: {} };
    const first = await buildApp({ dataDir, layers, adminToken: ADMIN, tls: false, createRelay });
    first.settings.update(
      { gradeLevel: 6, speechInput: true, geminiModel: 'kept-model' },
      {
        classId: first.classes.first().id,
        admin: true,
      },
    );
    await first.close();
    const second = await buildApp({ dataDir, layers, adminToken: ADMIN, tls: false, createRelay });
    expect(second.settings.forClass(second.classes.first().id)).toMatchObject({
      gradeLevel: 6,
      speechInput: true,
      geminiModel: 'kept-model',
    });
    expect(second.settings.current).toMatchObject({ gradeLevel: 3, geminiModel: 'kept-model' });
    await second.close();
  });

  it('exports the report as CSV and imports a plain-text book', async () => {
    const join = await app.inject({
      method: 'POST',
      url: '/api/join',
      payload: { classCode: app.classes.first().classCode, name: 'Report Kid' },
    });
    expect(join.statusCode).toBe(200);
    const csv = await teacher('GET', '/report.csv');
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain('Report Kid,0.0,0,0,');

    const book = await teacher('POST', '/books', { title: 'My Class Story', text: 'One two three.\n\nFour five.' });
    expect(book.json()).toMatchObject({ title: 'My Class Story', wordCount: 5 });
    const assigned = await teacher('POST', '/classroom/book', { bookId: book.json<{ id: string }>().id });
    expect(assigned.json()).toMatchObject({ bookTitle: 'My Class Story' });
  });

  it('does not serve files outside the web root', async () => {
    for (const url of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/teacher/..%2f..%2fpackage.json',
      '/assets/..%2f..%2f..%2fpackage.json',
    ]) {
      const res = await app.inject(url);
      expect(res.body).not.toContain('"name": "readerai-classroom"');
      expect([301, 302, 400, 403, 404]).toContain(res.statusCode);
    }
  });
});
