// Who may do what (issue 8 item 2), through real HTTP and sockets: join codes cannot be guessed,
// a student's token opens only its own student in its own session, the teacher API wants the admin
// token and (unless READERAI_TEACHER_REMOTE is on) a caller on this machine — proven from a second
// address in a network namespace this test creates — the teacher socket checks Origin, and every
// response carries the security headers and the CSP.
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode } from '../shared/protocol/codes.js';
import { startServer, teacherApi, type RunningServer } from './support/server.js';
import { join, TestTablet } from './support/student-client.js';
import {
  classCodeOf,
  joinTablet,
  nextTeacherFrame,
  openTeacherSocket,
  rawHttp,
  type RawResponse,
} from './support/reliability.js';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const joinFrom = (address: string, classCode: string, name = 'Guesser', token?: string) =>
  rawHttp(server.url, {
    method: 'POST',
    path: '/api/join',
    localAddress: address,
    body: JSON.stringify({ classCode, name, token }),
  });

describe('join codes cannot be brute-forced', () => {
  it('allows 30 wrong codes a minute per address, then 429 with Retry-After (even to the right code)', async () => {
    const code = classCodeOf(server);
    expect(code).toMatch(/^[ACDEFHJKMNPQRTUVWXY347]{6}$/);
    const wrong = code.startsWith('AAA') ? 'CCCCCC' : 'AAAAAA';
    for (let i = 0; i < 30; i++) {
      const res = await joinFrom('127.0.0.3', wrong);
      expect(res.status, `attempt ${i + 1}`).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ code: ErrorCode.WRONG_CLASS_CODE });
    }
    for (const attempt of [wrong, code]) {
      const res = await joinFrom('127.0.0.3', attempt);
      expect(res.status).toBe(429);
      expect(JSON.parse(res.body)).toMatchObject({ statusCode: 429, code: ErrorCode.TOO_MANY_ATTEMPTS });
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    // The limit is per address: a classmate at another address joins as usual.
    const classmate = await joinFrom('127.0.0.4', code, 'Classmate');
    expect(classmate.status).toBe(200);
  });

  it('does not count a right code or a resume by token against the address', async () => {
    const code = classCodeOf(server);
    const joined: { studentId: string; token: string }[] = [];
    for (let i = 0; i < 35; i++) {
      const res = await joinFrom('127.0.0.5', code, `Kid ${i}`);
      expect(res.status).toBe(200);
      joined.push(JSON.parse(res.body) as { studentId: string; token: string });
    }
    // The same 35 tablets come back with their tokens (a Wi-Fi drop, say): each resumes as itself.
    for (const j of joined) {
      const res = await joinFrom('127.0.0.5', code, 'Kid', j.token);
      expect(JSON.parse(res.body)).toMatchObject({ studentId: j.studentId, resumed: true });
    }
    // None of those 70 was counted: the address still has all 30 wrong guesses before the 429.
    const wrong = code.startsWith('AAA') ? 'CCCCCC' : 'AAAAAA';
    for (let i = 0; i < 30; i++) expect((await joinFrom('127.0.0.5', wrong)).status, `wrong code ${i + 1}`).toBe(403);
    expect((await joinFrom('127.0.0.5', wrong)).status).toBe(429);
  });
});

describe('a student token works only for its own student and session', () => {
  it('opens only its own student; refuses other sessions, other servers, and the teacher API', async () => {
    const a = await joinTablet(server, 'Amira');
    const b = await joinTablet(server, 'Ben');
    expect((await a.tablet.next('SESSION_STATE')).studentId).toBe(a.studentId);
    expect(a.studentId).not.toBe(b.studentId);

    const other = await startServer();
    try {
      const theirs = await join(other.url, { classCode: classCodeOf(other), name: 'Cara' });
      // Our token on the other server, and its token on ours (with either session id).
      await expect(TestTablet.open(a.wsUrl.replace(server.wsBase, other.wsBase))).rejects.toMatchObject({
        statusCode: 401,
      });
      await expect(
        TestTablet.open(`${other.wsBase}/ws/${theirs.body.sessionId}?token=${encodeURIComponent(a.token)}`),
      ).rejects.toMatchObject({ statusCode: 401 });
      await expect(TestTablet.open(theirs.body.wsUrl.replace(other.wsBase, server.wsBase))).rejects.toMatchObject({
        statusCode: 401,
      });
    } finally {
      await other.stop();
    }
    // A student token is not an admin token.
    expect((await teacherApi({ url: server.url, adminToken: a.token }, '/classroom')).status).toBe(401);
    a.tablet.close();
    b.tablet.close();
  });

  it('works only during a lesson: ending it lets the tablet go, the next lesson takes it back as itself', async () => {
    const own = await startServer();
    try {
      const code = classCodeOf(own);
      const s = await joinTablet(own, 'Dara');
      const lesson = (await teacherApi<{ lessonId: string }>(own, '/classroom')).body.lessonId;
      expect((await teacherApi(own, '/lesson', { body: { open: false } })).status).toBe(200);
      expect(await s.tablet.closed()).toBe(CloseCode.SESSION_ENDED);
      // Between lessons the token opens nothing, and the code answers exactly as a wrong one.
      await expect(TestTablet.open(s.wsUrl)).rejects.toMatchObject({ statusCode: 401 });
      const back = await join(own.url, { classCode: code, name: 'Dara', token: s.token });
      expect([back.status, back.body.code]).toEqual([403, ErrorCode.LESSON_CLOSED]);
      const fresh = await join(own.url, { classCode: code, name: 'Eli' });
      const wrong = await join(own.url, { classCode: code === 'AAAAAA' ? 'CCCCCC' : 'AAAAAA', name: 'Eli' });
      expect([fresh.status, fresh.body.code, fresh.body.message]).toEqual([
        wrong.status,
        wrong.body.code,
        wrong.body.message,
      ]);
      // The next lesson: same code, same student, same token.
      const next = await teacherApi<{ lessonId: string; classCode: string; lessonOpen: boolean }>(own, '/lesson', {
        body: { open: true },
      });
      expect(next.body).toMatchObject({ classCode: code, lessonOpen: true });
      expect(next.body.lessonId).not.toBe(lesson);
      const again = await TestTablet.open(s.wsUrl);
      expect((await again.next('SESSION_STATE')).studentId).toBe(s.studentId);
      const rejoined = await join(own.url, { classCode: code, name: 'Dara', token: s.token });
      expect(rejoined.body).toMatchObject({ studentId: s.studentId, resumed: true });
      again.close();
    } finally {
      await own.stop();
    }
  });
});

// Every teacher route, each with a body it would accept, so only the token decides.
const TEACHER_ROUTES: [string, string, unknown?][] = [
  ['GET', '/classroom'],
  ['GET', '/feed'],
  ['GET', '/settings'],
  ['GET', '/stats'],
  ['GET', '/report.csv'],
  ['POST', '/ticket'],
  ['POST', '/classroom/rotate-code'],
  ['POST', '/classroom/lock', { locked: true }],
  ['POST', '/classroom/public-host', { host: null }],
  ['POST', '/classroom/book', { bookId: 'x' }],
  ['POST', '/classroom/name', { name: 'Renamed' }],
  ['POST', '/lesson', { open: false }],
  ['GET', '/lessons'],
  ['POST', '/students/x/remove'],
  ['POST', '/students/x/block'],
  ['POST', '/students/x/unblock'],
  ['POST', '/students/x/lower-hand'],
  ['POST', '/questions/x/answer', { text: 'hi' }],
  ['POST', '/questions/x/hide', { hidden: true }],
  ['PUT', '/settings', { gradeLevel: 5 }],
  ['POST', '/books', { title: 't', text: 'some words' }],
];

describe('the teacher API wants the admin token', () => {
  it('refuses every route without it, with a wrong one, in the query or another scheme; nothing changes', async () => {
    const before = (await teacherApi<{ classCode: string; lessonId: string; name: string }>(server, '/classroom')).body;
    const variants: [string, Record<string, string>, string][] = [
      ['none', {}, ''],
      ['wrong', { authorization: 'Bearer not-the-token' }, ''],
      ['prefix of the token', { authorization: `Bearer ${server.adminToken.slice(0, -1)}` }, ''],
      ['token plus a byte', { authorization: `Bearer ${server.adminToken}x` }, ''],
      ['lower-case scheme', { authorization: `bearer ${server.adminToken}` }, ''],
      ['Basic', { authorization: `Basic ${Buffer.from(`teacher:${server.adminToken}`).toString('base64')}` }, ''],
      ['query string', {}, `?token=${server.adminToken}`],
    ];
    for (const [method, path, body] of TEACHER_ROUTES) {
      for (const [why, headers, query] of variants) {
        const res = await rawHttp(server.url, {
          method,
          path: `/api/teacher${path}${query}`,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        expect(res.status, `${method} ${path} (${why})`).toBe(401);
        expect(JSON.parse(res.body), `${method} ${path}`).toMatchObject({
          statusCode: 401,
          code: ErrorCode.UNAUTHORIZED,
        });
      }
    }
    const after = (await teacherApi<{ classCode: string; lessonId: string; joinLocked: boolean }>(server, '/classroom'))
      .body;
    expect(after).toMatchObject({
      classCode: before.classCode,
      lessonId: before.lessonId,
      name: before.name,
      lessonOpen: true,
      joinLocked: false,
    });
  });
});

describe('Origin checks on the teacher socket', () => {
  it('accepts the dashboard from this origin, or with no Origin (not a browser)', async () => {
    for (const headers of [{ origin: server.url }, {}] as Record<string, string>[]) {
      const s = await openTeacherSocket(server, headers);
      // Accepted means served, not just upgraded: the class arrives.
      expect((await nextTeacherFrame(s, 'SNAPSHOT')).classroom.classCode, JSON.stringify(headers)).toBe(
        classCodeOf(server),
      );
      s.close();
    }
  });

  it.each([
    ['another site', 'http://evil.example'],
    ['another port on this machine', 'http://127.0.0.1:1'],
    ['a look-alike host', `http://127.0.0.1.evil.example`],
    ['an opaque origin (sandboxed frame, file:)', 'null'],
  ])('refuses %s with 403, and the ticket is not used up by the refusal', async (_why, origin) => {
    const { body } = await teacherApi<{ ticket: string }>(server, '/ticket', { method: 'POST' });
    await expect(
      TestTablet.open(`${server.wsBase}/ws/teacher?ticket=${body.ticket}`, { origin }),
    ).rejects.toMatchObject({ statusCode: 403 });
    const ok = await TestTablet.open(`${server.wsBase}/ws/teacher?ticket=${body.ticket}`, { origin: server.url });
    ok.close();
  });
});

describe('security headers and CSP on every response', () => {
  const CSP_MUST = [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ];
  function checkHeaders(res: RawResponse, what: string): void {
    const csp = String(res.headers['content-security-policy'] ?? '');
    for (const directive of CSP_MUST) expect(csp, what).toContain(directive);
    expect(csp, what).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(res.headers['x-content-type-options'], what).toBe('nosniff');
    expect(res.headers['x-frame-options'], what).toBe('DENY');
    expect(res.headers['referrer-policy'], what).toBe('no-referrer');
    expect(res.headers['x-powered-by'], what).toBeUndefined();
  }

  it('on pages, JSON, redirects and every kind of error', async () => {
    const s = await join(server.url, { classCode: classCodeOf(server), name: 'Headers' });
    const cases: [string, Parameters<typeof rawHttp>[1], number][] = [
      ['student page', { path: '/' }, 200],
      ['join page', { path: '/join?code=ABC' }, 200],
      ['dashboard page', { path: '/teacher/' }, 200],
      ['dashboard redirect', { path: '/teacher' }, 302],
      ['health JSON', { path: '/healthz' }, 200],
      ['books JSON', { path: '/api/books' }, 200],
      [
        'teacher JSON',
        { path: '/api/teacher/classroom', headers: { authorization: `Bearer ${server.adminToken}` } },
        200,
      ],
      [
        'CSV report',
        { path: '/api/teacher/report.csv', headers: { authorization: `Bearer ${server.adminToken}` } },
        200,
      ],
      ['404 path', { path: '/no/such/thing' }, 404],
      ['404 book', { path: '/api/books/nope' }, 404],
      ['401 teacher', { path: '/api/teacher/classroom' }, 401],
      ['400 bad join', { method: 'POST', path: '/api/join', body: '{"classCode":1}' }, 400],
      ['400 malformed JSON', { method: 'POST', path: '/api/join', body: '{' }, 400],
      [
        '413 big join',
        { method: 'POST', path: '/api/join', body: JSON.stringify({ classCode: 'x', name: 'n'.repeat(9000) }) },
        413,
      ],
      [
        '415 wrong content type',
        { method: 'POST', path: '/api/join', body: '<x/>', headers: { 'content-type': 'application/xml' } },
        415,
      ],
      [
        '401 socket upgrade refused',
        {
          path: `/ws/${s.body.sessionId}?token=nope`,
          headers: {
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          },
        },
        401,
      ],
      ['404 method', { method: 'DELETE', path: '/api/join' }, 404],
    ];
    for (const [what, req, status] of cases) {
      const res = await rawHttp(server.url, req);
      expect(res.status, what).toBe(status);
      checkHeaders(res, what);
      if (status >= 400)
        expect(JSON.parse(res.body), what).toMatchObject({
          statusCode: status,
          code: expect.any(String),
          message: expect.any(String),
        });
    }
    // 429 from the code limiter.
    for (let i = 0; i < 31; i++) await joinFrom('127.0.0.6', 'AAAAAA');
    const limited = await joinFrom('127.0.0.6', 'AAAAAA');
    expect(limited.status).toBe(429);
    checkHeaders(limited, '429');
  });

  it('does not let a forged Host header write into the CSP', async () => {
    const res = await rawHttp(server.url, { path: '/', headers: { host: "x; script-src 'unsafe-inline' *" } });
    checkHeaders(res, 'forged host');
    expect(String(res.headers['content-security-policy'])).not.toContain('unsafe-inline');
  });
});

// ---------------------------------------------------------------------------------------------
// A second machine on the LAN, simulated: a network namespace joined to this one by a veth pair
// with private /30 addresses that exist only inside this test. Needs root and iproute2 (CI has
// both); skipped with the reason otherwise.

const id = process.pid % 250;
const NS = `rai-sec-${process.pid}`;
const HOST_IF = `vrh${process.pid}`.slice(0, 15);
const NS_IF = `vrn${process.pid}`.slice(0, 15);
const HOST_ADDR = `10.200.${id}.1`;
const NS_ADDR = `10.200.${id}.2`;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

/** Why the namespace cannot be made here, or null once it is up. */
function makeNamespace(): string | null {
  if (process.getuid?.() !== 0) return 'needs root to create a network namespace';
  if (spawnSync('ip', ['-V']).status !== 0) return 'iproute2 (`ip`) is not installed: apt-get install -y iproute2';
  try {
    ip('netns', 'add', NS);
    ip('link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', NS_IF);
    ip('link', 'set', NS_IF, 'netns', NS);
    ip('addr', 'add', `${HOST_ADDR}/30`, 'dev', HOST_IF);
    ip('link', 'set', HOST_IF, 'up');
    ip('netns', 'exec', NS, 'ip', 'addr', 'add', `${NS_ADDR}/30`, 'dev', NS_IF);
    ip('netns', 'exec', NS, 'ip', 'link', 'set', NS_IF, 'up');
    ip('netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up');
    return null;
  } catch (err) {
    removeNamespace();
    return `cannot create a network namespace here: ${(err as Error).message.split('\n')[0]}`;
  }
}

function removeNamespace(): void {
  spawnSync('ip', ['link', 'del', HOST_IF], { stdio: 'ignore' });
  spawnSync('ip', ['netns', 'del', NS], { stdio: 'ignore' });
}

type LanRequest = { url: string; init?: RequestInit } | { socket: string };

/**
 * Runs requests from inside the namespace (source address NS_ADDR), in one child process:
 * plain fetches, or WebSocket attempts that report the upgrade's status (101 when it opened).
 */
function fromLan(requests: LanRequest[]): { status: number; body: string }[] {
  const script = `
    import WebSocket from 'ws';
    const out = [];
    for (const r of ${JSON.stringify(requests)}) {
      if (r.socket) {
        out.push(await new Promise((resolve) => {
          const ws = new WebSocket(r.socket);
          ws.on('unexpected-response', (_q, res) => resolve({ status: res.statusCode, body: '' }));
          ws.on('open', () => { ws.terminate(); resolve({ status: 101, body: '' }); });
          ws.on('error', (e) => resolve({ status: 0, body: String(e) }));
        }));
      } else {
        const res = await fetch(r.url, r.init ?? {});
        out.push({ status: res.status, body: await res.text() });
      }
    }
    console.log(JSON.stringify(out));`;
  const r = spawnSync('ip', ['netns', 'exec', NS, process.execPath, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 30_000,
    cwd: process.cwd(),
  });
  if (r.status !== 0) throw new Error(`LAN client failed: ${r.stderr || r.error}`);
  return JSON.parse(r.stdout) as { status: number; body: string }[];
}

describe('teacher API from another machine (network namespace)', () => {
  let skipReason: string | null = 'not set up';
  let lanServer: RunningServer | undefined;
  let remoteServer: RunningServer | undefined;

  beforeAll(async () => {
    skipReason = makeNamespace();
    if (skipReason) return;
    // 0.0.0.0: the teacher uses loopback, the "tablet" in the namespace uses HOST_ADDR.
    lanServer = await startServer({ env: { READERAI_HOST: '0.0.0.0', READERAI_PUBLIC_HOST: HOST_ADDR } });
    remoteServer = await startServer({
      env: { READERAI_HOST: '0.0.0.0', READERAI_PUBLIC_HOST: HOST_ADDR, READERAI_TEACHER_REMOTE: 'true' },
    });
  });
  afterAll(async () => {
    await lanServer?.stop();
    await remoteServer?.stop();
    removeNamespace();
  });

  it('refuses the teacher API and socket from the LAN (403) even with the token, while students join', async (ctx) => {
    if (skipReason || !lanServer) return ctx.skip(skipReason ?? 'no server');
    const base = `http://${HOST_ADDR}:${lanServer.port}`;
    const json = { 'content-type': 'application/json' };
    const [student] = fromLan([
      {
        url: `${base}/api/join`,
        init: {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ classCode: classCodeOf(lanServer), name: 'Lan Kid' }),
        },
      },
    ]);
    expect(student?.status).toBe(200);
    // The server saw the namespace's address, not loopback.
    const seen = (await teacherApi<{ students: { name: string }[] }>(lanServer, '/classroom')).body.students.map(
      (s) => s.name,
    );
    expect(seen).toContain('Lan Kid');

    // A ticket obtained on this machine is useless from the LAN.
    const { body: ticket } = await teacherApi<{ ticket: string }>(lanServer, '/ticket', { method: 'POST' });
    const auth = { authorization: `Bearer ${lanServer.adminToken}`, ...json };
    const results = fromLan([
      ...TEACHER_ROUTES.map(([method, path, body]) => ({
        url: `${base}/api/teacher${path}`,
        init: { method, headers: auth, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
      })),
      { socket: `ws://${HOST_ADDR}:${lanServer.port}/ws/teacher?ticket=${ticket.ticket}` },
    ]);
    TEACHER_ROUTES.forEach(([method, path], i) => {
      expect(results[i]?.status, `${method} ${path}`).toBe(403);
      expect(JSON.parse(results[i]!.body)).toMatchObject({ code: ErrorCode.FORBIDDEN });
    });
    expect(results.at(-1)?.status, 'teacher socket').toBe(403);
    // Nothing the LAN asked for happened (rotate-code, end, lock...).
    expect((await teacherApi<{ classCode: string; joinLocked: boolean }>(lanServer, '/classroom')).body).toMatchObject({
      classCode: classCodeOf(lanServer),
      joinLocked: false,
    });
  });

  it('with READERAI_TEACHER_REMOTE on, allows a LAN teacher with the token, refuses one without', async (ctx) => {
    if (skipReason || !remoteServer) return ctx.skip(skipReason ?? 'no server');
    const url = `http://${HOST_ADDR}:${remoteServer.port}/api/teacher/classroom`;
    const results = fromLan([
      { url, init: { headers: { authorization: `Bearer ${remoteServer.adminToken}` } } },
      { url },
      { url, init: { headers: { authorization: 'Bearer guess' } } },
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 401, 401]);
  });

  it("with READERAI_TEACHER_REMOTE on, keeps IT's view to this machine and warns of clear text", async (ctx) => {
    if (skipReason || !remoteServer) return ctx.skip(skipReason ?? 'no server');
    const admin = { authorization: `Bearer ${remoteServer.adminToken}`, 'content-type': 'application/json' };
    const made = await fetch(`${remoteServer.url}/api/admin/classes`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'Room 12' }),
    });
    const room12 = (await made.json()) as { classId: string; teacherUrl: string; teacherToken: string };
    // The teacher link names the LAN address, so it works on the teacher's own laptop.
    expect(new URL(room12.teacherUrl).host).toBe(`${HOST_ADDR}:${remoteServer.port}`);
    const base = `http://${HOST_ADDR}:${remoteServer.port}`;
    const results = fromLan([
      { url: `${base}/api/admin/classes`, init: { headers: admin } },
      { url: `${base}/api/admin/classes`, init: { method: 'POST', headers: admin, body: '{"name":"Sneaky"}' } },
      { url: `${base}/api/admin/classes/${room12.classId}`, init: { method: 'DELETE', headers: admin } },
      { url: `${base}/api/admin/server`, init: { headers: admin } },
      { url: `${base}/admin/` },
      { url: `${base}/ADMIN/index.html` },
      { url: `${base}/%61dmin/` },
      { url: `${base}/api/teacher/classroom`, init: { headers: { authorization: `Bearer ${room12.teacherToken}` } } },
    ]);
    expect(results.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403, 403, 200]);
    expect(JSON.parse(results.at(-1)!.body)).toMatchObject({ classId: room12.classId, name: 'Room 12' });
    const names = (
      (await (await fetch(`${remoteServer.url}/api/admin/classes`, { headers: admin })).json()) as {
        name: string;
      }[]
    ).map((c) => c.name);
    expect(names).toContain('Room 12');
    expect(names).not.toContain('Sneaky');
    // Said at start, and in the school view.
    expect(remoteServer.output()).toMatch(/teacher links .* travel in clear text/i);
    const view = (await (await fetch(`${remoteServer.url}/api/admin/server`, { headers: admin })).json()) as {
      warnings: string[];
    };
    expect(view.warnings.join(' ')).toMatch(/clear text/);
  });
});
