// Bad input from a wrong or hostile client, over real sockets against the built server. Extends
// test/server-core.test.ts (which covers the basic bad frames, the 16 KB + 1 frame, invalid UTF-8
// and one flood burst) to the rest of issue 8 item 1: every message type with missing and wrong
// fields, unknown and server-side types, frames at and far over the limit (also fragmented),
// control characters, 10,000-character questions, markup in names and questions, path traversal
// on the static routes, and floods of frames and of sockets from one address.
import { readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode, Limits } from '../shared/protocol/codes.js';
import { SERVER_ENTRY, startServer, teacherApi, type RunningServer } from './support/server.js';
import { join, TestTablet } from './support/student-client.js';
import { classCodeOf, joinTablet, rawHttp, type JoinedTablet } from './support/reliability.js';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** Sends one raw frame and returns the ERROR it earned. */
async function errorFor(s: JoinedTablet, frame: string): Promise<{ code: string; message: string }> {
  const from = s.tablet.frames.length;
  s.tablet.sendRaw(frame);
  return s.tablet.next('ERROR', () => true, 5000, from);
}

/** The socket still works: a progress update is acknowledged. */
async function stillWorks(s: JoinedTablet, seq: number): Promise<void> {
  s.tablet.send('PROGRESS_UPDATE', { bookId: s.bookId, wordIdx: seq, audioTs: 0, seq });
  await s.tablet.next('PROGRESS_SAVED', (p) => p.seq === seq);
}

describe('wrong and missing fields, unknown types', () => {
  it('answers each malformed frame of every type with the right ERROR and keeps the socket', async () => {
    const s = await joinTablet(server, 'Fields');
    const ctx = { bookId: s.bookId, wordIdx: 0 };
    const cases: [string, unknown, string][] = [
      ['empty frame', '', ErrorCode.BAD_JSON],
      ['JSON null', null, ErrorCode.BAD_MESSAGE],
      ['a string', 'PROGRESS_UPDATE', ErrorCode.BAD_MESSAGE],
      ['no type', { payload: {} }, ErrorCode.BAD_MESSAGE],
      ['numeric type', { type: 7, payload: {} }, ErrorCode.BAD_MESSAGE],
      ['no payload', { type: 'RAISE_HAND' }, ErrorCode.BAD_MESSAGE],
      ['a server frame type', { type: 'SESSION_STATE', payload: {} }, ErrorCode.UNKNOWN_TYPE],
      ['__proto__ as type', { type: '__proto__', payload: {} }, ErrorCode.UNKNOWN_TYPE],
      ['constructor as type', { type: 'constructor', payload: {} }, ErrorCode.UNKNOWN_TYPE],
      ['lower-case type', { type: 'progress_update', payload: {} }, ErrorCode.UNKNOWN_TYPE],
      [
        'seq 0',
        { type: 'PROGRESS_UPDATE', payload: { bookId: s.bookId, wordIdx: 1, audioTs: 0, seq: 0 } },
        ErrorCode.BAD_MESSAGE,
      ],
      [
        'fractional seq',
        { type: 'PROGRESS_UPDATE', payload: { bookId: s.bookId, wordIdx: 1, audioTs: 0, seq: 1.5 } },
        ErrorCode.BAD_MESSAGE,
      ],
      [
        'negative wordIdx',
        { type: 'PROGRESS_UPDATE', payload: { bookId: s.bookId, wordIdx: -1, audioTs: 0, seq: 1 } },
        ErrorCode.BAD_MESSAGE,
      ],
      [
        'seq past 2^53',
        { type: 'PROGRESS_UPDATE', payload: { bookId: s.bookId, wordIdx: 1, audioTs: 0, seq: 2 ** 60 } },
        ErrorCode.BAD_MESSAGE,
      ],
      [
        'empty bookId',
        { type: 'PROGRESS_UPDATE', payload: { bookId: '', wordIdx: 1, audioTs: 0, seq: 1 } },
        ErrorCode.BAD_MESSAGE,
      ],
      [
        'playing as string',
        { type: 'PROGRESS_UPDATE', payload: { bookId: s.bookId, wordIdx: 1, audioTs: 0, seq: 1, playing: 'yes' } },
        ErrorCode.BAD_MESSAGE,
      ],
      [
        'question without context',
        { type: 'STUDENT_INTERRUPTION', payload: { questionId: 'q', questionText: 'Why?' } },
        ErrorCode.BAD_MESSAGE,
      ],
      [
        'empty question',
        { type: 'STUDENT_INTERRUPTION', payload: { questionId: 'q', questionText: '', context: ctx } },
        ErrorCode.BAD_MESSAGE,
      ],
      [
        'question id too long',
        {
          type: 'STUDENT_INTERRUPTION',
          payload: { questionId: 'q'.repeat(Limits.ID_MAX + 1), questionText: 'Why?', context: ctx },
        },
        ErrorCode.BAD_MESSAGE,
      ],
      [
        'question about an unknown book',
        {
          type: 'STUDENT_INTERRUPTION',
          payload: { questionId: 'qb', questionText: 'Why?', context: { bookId: 'nope', wordIdx: 0 } },
        },
        ErrorCode.UNKNOWN_BOOK,
      ],
      [
        'define without requestId',
        { type: 'DEFINE_WORD', payload: { word: 'lamp', context: ctx } },
        ErrorCode.BAD_MESSAGE,
      ],
      [
        'define a 65-letter word',
        { type: 'DEFINE_WORD', payload: { requestId: 'r', word: 'a'.repeat(Limits.WORD_MAX + 1), context: ctx } },
        ErrorCode.BAD_MESSAGE,
      ],
      [
        'define past the end',
        {
          type: 'DEFINE_WORD',
          payload: { requestId: 'r', word: 'lamp', context: { bookId: s.bookId, wordIdx: 9_999_999 } },
        },
        ErrorCode.BAD_WORD_INDEX,
      ],
      ['raise hand with a string', { type: 'RAISE_HAND', payload: { raised: 'yes' } }, ErrorCode.BAD_MESSAGE],
      ['raise hand with an array payload', { type: 'RAISE_HAND', payload: [] }, ErrorCode.BAD_MESSAGE],
    ];
    for (const [why, frame, code] of cases) {
      const text = typeof frame === 'string' && why === 'empty frame' ? '' : JSON.stringify(frame);
      const err = await errorFor(s, text);
      expect(err.code, why).toBe(code);
      expect(err.message.length, why).toBeGreaterThan(0);
      // Stay under the flood limit (20 frames/s, bursts of 40).
      await new Promise((r) => setTimeout(r, 40));
    }
    expect(s.tablet.closeCode).toBeNull();
    await stillWorks(s, 1);
    s.tablet.close();
  });
});

describe('huge and fragmented frames', () => {
  it('accepts a frame of exactly 16 KB', async () => {
    const s = await joinTablet(server, 'Exact');
    const frame = JSON.stringify({
      type: 'PROGRESS_UPDATE',
      payload: { bookId: s.bookId, wordIdx: 3, audioTs: 0, seq: 1 },
    });
    s.tablet.sendRaw(frame + ' '.repeat(Limits.MAX_PAYLOAD - Buffer.byteLength(frame)));
    await s.tablet.next('PROGRESS_SAVED', (p) => p.seq === 1);
    s.tablet.close();
  });

  it('closes with 1009 on a 1 MB frame, and on 16 KB + 1 split into fragments; others are untouched', async () => {
    const bystander = await joinTablet(server, 'Bystander');
    const big = await joinTablet(server, 'Megabyte');
    big.tablet.sendRaw('{"type":"RAISE_HAND","payload":{"x":"' + 'x'.repeat(1024 * 1024) + '"}}');
    expect(await big.tablet.closed()).toBe(CloseCode.MESSAGE_TOO_BIG);

    const frag = await joinTablet(server, 'Fragments');
    // Fragments are reassembled before the size check: 17 fragments of 1 KB each.
    const piece = 'y'.repeat(1024);
    for (let i = 0; i < 17; i++) frag.tablet.ws.send(piece, { fin: i === 16 });
    expect(await frag.tablet.closed()).toBe(CloseCode.MESSAGE_TOO_BIG);

    await stillWorks(bystander, 1);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    bystander.tablet.close();
  });

  it('refuses a join body over 4 KB with 413 (and a 1 MB one) without falling over', async () => {
    for (const size of [5000, 1024 * 1024]) {
      const res = await rawHttp(server.url, {
        method: 'POST',
        path: '/api/join',
        body: JSON.stringify({ classCode: classCodeOf(server), name: 'n'.repeat(size) }),
      });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body)).toMatchObject({ statusCode: 413 });
    }
  });

  it('refuses a binary frame even when it holds a valid message', async () => {
    const s = await joinTablet(server, 'Binary');
    const err = await (async () => {
      const from = s.tablet.frames.length;
      s.tablet.sendRaw(Buffer.from(JSON.stringify({ type: 'RAISE_HAND', payload: {} })), true);
      return s.tablet.next('ERROR', () => true, 5000, from);
    })();
    expect(err.code).toBe(ErrorCode.BINARY_NOT_ALLOWED);
    expect(s.tablet.of('HAND_STATE')).toEqual([]);
    s.tablet.close();
  });
});

describe('invalid UTF-8 and control characters', () => {
  it('treats invalid UTF-8 in a join body as text, never as a 500', async () => {
    const body = Buffer.concat([
      Buffer.from(`{"classCode":"${classCodeOf(server)}","name":"Ana`),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('"}'),
    ]);
    const res = await rawHttp(server.url, { method: 'POST', path: '/api/join', body });
    expect(res.status).toBeLessThan(500);
    // eslint-disable-next-line no-control-regex -- control characters are what this test looks for
    if (res.status === 200) expect((JSON.parse(res.body) as { name: string }).name).not.toMatch(/[\u0000-\u001f]/);
  });

  it.each([
    ['NUL', 'Ana\u0000'],
    ['escape sequence', 'Ana\u001b[31m'],
    ['zero-width joiner', 'A\u200dna'],
    ['right-to-left override', 'Ana\u202e'],
  ])('refuses a name with a %s (400 BAD_NAME)', async (_why, name) => {
    const res = await join(server.url, { classCode: classCodeOf(server), name });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(ErrorCode.BAD_NAME);
  });

  it('folds line and paragraph separators in a name into one space', async () => {
    const res = await join(server.url, { classCode: classCodeOf(server), name: 'Ana\u2028\u2029 Bob' });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Ana Bob');
  });

  it('strips control and format characters (a bidi override, say) from questions but keeps new lines', async () => {
    const s = await joinTablet(server, 'Controls');
    const text = 'Why\u0000 is\u0007 the\u001b[2J sky\r\n blue\u202E?txt.exe';
    s.tablet.send('STUDENT_INTERRUPTION', {
      questionId: 'cc1',
      questionText: text,
      context: { bookId: s.bookId, wordIdx: 0 },
    });
    await s.tablet.next('INTERRUPTION_ACKNOWLEDGED', (p) => p.questionId === 'cc1');
    const feed = await teacherApi<{ studentId: string; questionId: string; questionText: string }[]>(server, '/feed');
    expect(feed.body.find((q) => q.studentId === s.studentId && q.questionId === 'cc1')?.questionText).toBe(
      'Why is the[2J sky\n blue?txt.exe',
    );
    // Nothing but control characters is no question at all.
    expect(
      await errorFor(
        s,
        JSON.stringify({
          type: 'STUDENT_INTERRUPTION',
          payload: { questionId: 'cc2', questionText: '\u0000\u202E', context: { bookId: s.bookId, wordIdx: 0 } },
        }),
      ),
    ).toMatchObject({ code: ErrorCode.BAD_MESSAGE, questionId: 'cc2' });
    s.tablet.close();
  });
});

describe('10,000-character questions', () => {
  it('refuses a 10,000-character question with BAD_MESSAGE; nothing reaches the feed; the socket stays', async () => {
    const s = await joinTablet(server, 'Longwinded');
    const err = await errorFor(
      s,
      JSON.stringify({
        type: 'STUDENT_INTERRUPTION',
        payload: { questionId: 'long', questionText: 'why '.repeat(2500), context: { bookId: s.bookId, wordIdx: 0 } },
      }),
    );
    expect(err).toMatchObject({ code: ErrorCode.BAD_MESSAGE });
    expect(err.message).toMatch(/questionText/);
    const feed = await teacherApi<{ studentId: string }[]>(server, '/feed');
    expect(feed.body.filter((q) => q.studentId === s.studentId)).toEqual([]);
    // A question at the limit goes through.
    s.tablet.send('STUDENT_INTERRUPTION', {
      questionId: 'max',
      questionText: 'w'.repeat(Limits.QUESTION_MAX),
      context: { bookId: s.bookId, wordIdx: 0 },
    });
    await s.tablet.next('INTERRUPTION_ACKNOWLEDGED', (p) => p.questionId === 'max');
    s.tablet.close();
  });
});

describe('markup in names and questions', () => {
  const NAME = '<img src=x onerror=alert(1)>';
  const QUESTION = '<script>alert("q")</script><b onmouseover=alert(2)>why?</b>';

  it('stores markup verbatim and serves it only as JSON (never as HTML)', async () => {
    const s = await joinTablet(server, NAME);
    s.tablet.send('STUDENT_INTERRUPTION', {
      questionId: 'xss',
      questionText: QUESTION,
      context: { bookId: s.bookId, wordIdx: 0 },
    });
    await s.tablet.next('INTERRUPTION_ACKNOWLEDGED');
    for (const path of ['/classroom', '/feed']) {
      const res = await fetch(`${server.url}/api/teacher${path}`, {
        headers: { authorization: `Bearer ${server.adminToken}` },
      });
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      const text = await res.text();
      expect(text).toContain(
        path === '/classroom' ? JSON.stringify(NAME).slice(1, -1) : JSON.stringify(QUESTION).slice(1, -1),
      );
    }
    s.tablet.close();
  });

  it('defuses spreadsheet formulas in names in the CSV report', async () => {
    const formula = '=HYPERLINK("http://x","y")';
    const s = await joinTablet(server, formula);
    const csv = await teacherApi<string>(server, '/report.csv');
    const line = csv.body.split('\r\n').find((l) => l.includes('HYPERLINK'));
    expect(line?.startsWith(`"'=HYPERLINK(""http://x"",""y"")"`)).toBe(true);
    s.tablet.close();
  });
});

describe('path traversal on static routes', () => {
  const root = joinPath(SERVER_ENTRY, '..', '..', '..');
  // Text that appears only in files outside dist/renderer: if a response carries one, a file leaked.
  const canaries = () => [
    readFileSync(joinPath(root, 'package.json'), 'utf8').slice(0, 60),
    'ReaderAI could not start',
    'root:x:0:0',
    server.adminToken,
    '"name": "fastify"',
  ];
  const PATHS = [
    '/../package.json',
    '/../../package.json',
    '/../../../../../../etc/passwd',
    '/%2e%2e/package.json',
    '/%2e%2e/%2e%2e/package.json',
    '/%2e%2e%2f%2e%2e%2fpackage.json',
    '/teacher/..%2f..%2fpackage.json',
    '/teacher/..%2f..%2f..%2fpackage.json',
    '/teacher/%2e%2e%2f%2e%2e%2fpackage.json',
    '/teacher/%2e%2e/%2e%2e/package.json',
    '/teacher/..%2f..%2fserver%2fmain.js',
    '/assets/..%2f..%2fserver%2fmain.js',
    '/..%2fserver/main.js',
    '/..%5c..%5cpackage.json',
    '/teacher/..%5c..%5cpackage.json',
    '/%252e%252e/%252e%252e/package.json',
    '/teacher/..%252f..%252fpackage.json',
    '/....//....//package.json',
    '/%c0%ae%c0%ae/%c0%ae%c0%ae/package.json',
    '/..;/package.json',
    '//etc/passwd',
    '/%2fetc%2fpasswd',
    '/teacher/%00../../package.json',
    '/join/../../package.json',
    '/ws/..%2f..%2fpackage.json',
    '/node_modules/fastify/package.json',
    '/teacher/../../node_modules/fastify/package.json',
    'http://127.0.0.1/../package.json',
  ];

  it('serves the apps (control: these paths exist)', async () => {
    for (const path of ['/', '/teacher/', '/join']) {
      const res = await rawHttp(server.url, { path });
      expect(res.status, path).toBe(200);
      expect(res.body, path).toMatch(/<html/i);
    }
  });

  it('never leaks a file outside dist/renderer, whatever the encoding', async () => {
    const leaks: string[] = [];
    // The data folder is a temp dir; reach for its admin-token file too.
    for (const path of [...PATHS, `/..%2f..%2f..%2f..%2f..%2f${encodeURIComponent(server.dataDir)}%2fadmin-token`]) {
      const res = await rawHttp(server.url, { path });
      expect(res.status, path).not.toBe(500);
      for (const canary of canaries())
        if (res.body.includes(canary)) leaks.push(`${path} -> ${res.status} leaked ${canary.slice(0, 20)}`);
      // Whatever is served is either a page of ours or an error body.
      if (res.status === 200) expect(res.body, path).toMatch(/<html|^\{/i);
    }
    expect(leaks).toEqual([]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('floods from one socket and one address', () => {
  it('closes a socket that keeps flooding with 1008, keeps others saving, and lets the flooder come back', async () => {
    const calm = await joinTablet(server, 'Calm');
    const flood = await joinTablet(server, 'Torrent');
    for (let i = 0; i < 2000 && flood.tablet.closeCode === null; i++) {
      flood.tablet.send('PROGRESS_UPDATE', { bookId: flood.bookId, wordIdx: i % 50, audioTs: 0, seq: i + 1 });
    }
    await stillWorks(calm, 1);
    expect(await flood.tablet.closed()).toBe(CloseCode.POLICY_VIOLATION);
    expect(flood.tablet.of('ERROR').some((e) => e.code === ErrorCode.TOO_MANY_MESSAGES)).toBe(true);
    expect(calm.tablet.of('ERROR')).toEqual([]);
    // Not a ban: the same tablet reconnects and finds what was saved before the flood was cut.
    const back = await TestTablet.open(flood.wsUrl);
    const state = await back.next('SESSION_STATE');
    expect(state.seq).toBeGreaterThanOrEqual(Math.max(0, ...flood.tablet.of('PROGRESS_SAVED').map((p) => p.seq)));
    back.close();
    calm.tablet.close();
  });

  it('limits sockets per address (429 TOO_MANY_CONNECTIONS) and frees the slot when one closes', async () => {
    const limited = await startServer({ env: { READERAI_MAX_CONNECTIONS_PER_IP: '3' } });
    try {
      const code = classCodeOf(limited);
      const students = await Promise.all(
        ['A', 'B', 'C', 'D'].map((n) => join(limited.url, { classCode: code, name: `Kid ${n}` })),
      );
      const urls = students.map((s) => s.body.wsUrl);
      // Open and close many times first: the per-address count must not leak.
      for (let i = 0; i < 30; i++) {
        const t = await TestTablet.open(urls[0]!);
        t.close();
        await t.closed();
      }
      const open = await Promise.all(urls.slice(0, 3).map((u) => TestTablet.open(u)));
      await expect(TestTablet.open(urls[3]!)).rejects.toMatchObject({ statusCode: 429 });
      // Another address is counted on its own.
      const other = await TestTablet.open(urls[3]!, { localAddress: '127.0.0.2' });
      await other.next('SESSION_STATE');
      other.close();
      open[0]!.close();
      await open[0]!.closed();
      const fourth = await TestTablet.open(urls[3]!);
      await fourth.next('SESSION_STATE');
      fourth.close();
      for (const t of open) t.close();
    } finally {
      await limited.stop();
    }
  });
});
