// Running out (issue 17): a full descriptor table must not kill the server, and slow, idle or
// flooding clients must not take the room tablets need. Real processes with a low descriptor
// limit (prlimit), real sockets from several loopback addresses, the built server.
import { spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Fleet, loopbackAddress } from '../testkit/fleet.js';
import { floodStorm } from '../testkit/flood-storm.js';
import type { CapacityView, JoinResponse } from '../shared/protocol/index.js';
import { startServer, teacherApi, type RunningServer } from './support/server.js';
import { TestTablet } from './support/student-client.js';
import { classCodeOf, rawHttp, sleep } from './support/reliability.js';

const CHILD = fileURLToPath(new URL('./fixtures/exhaustion-child.mjs', import.meta.url));
const servers: RunningServer[] = [];
const fleets: Fleet[] = [];
const tablets: TestTablet[] = [];

afterAll(async () => {
  for (const f of fleets) f.stopAll();
  for (const t of tablets) t.close();
  for (const s of servers) await s.kill();
});

interface Figures {
  exhausted: string[];
  rssBytes: number;
  heapUsedBytes: number;
  openFds: number;
}
/** What test/fixtures/exhaustion-child.mjs reports (which fields depends on the mode). */
interface ChildReport {
  code: string | null;
  memoryUsage: string;
  before: Figures;
  during: Figures;
  after: Figures;
  ticks: number;
  exhausted: string[];
}

/** Runs the fixture under a 128-descriptor limit; returns its exit code, report and stderr. */
function child(mode: string): { status: number | null; report: ChildReport | null; stderr: string } {
  const r = spawnSync('prlimit', ['--nofile=128:128', process.execPath, CHILD, mode], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return { status: r.status, report: line ? (JSON.parse(line) as ChildReport) : null, stderr: r.stderr };
}

describe('a full descriptor table', () => {
  it('the sampler keeps sampling, names the exhausted resource, and recovers when descriptors are free', () => {
    const { status, report, stderr } = child('sampler');
    expect(status, stderr).toBe(0);
    if (!report) throw new Error('no report');
    // The table really was full: memoryUsage() itself failed as in the issue.
    expect(report.code).toBe('EMFILE');
    expect(report.memoryUsage).toBe('EMFILE');
    expect(report.before.exhausted).toEqual([]);
    expect(report.during.exhausted).toEqual(['descriptors']);
    // Heap figures still come (from V8); RSS keeps its last reading.
    expect(report.during.heapUsedBytes).toBeGreaterThan(0);
    expect(report.during.rssBytes).toBe(report.before.rssBytes);
    expect(report.during.openFds).toBeGreaterThanOrEqual(127);
    expect(report.after.exhausted).toEqual([]);
    expect(report.after.openFds).toBeLessThan(64);
    expect(report.after.rssBytes).toBeGreaterThan(0);
  });

  it('an EMFILE thrown from a timer is logged and the process keeps running; its timers keep ticking', () => {
    const { status, report, stderr } = child('timer');
    expect(status, stderr).toBe(0);
    if (!report) throw new Error('no report');
    expect(report.code).toBe('EMFILE');
    expect(report.exhausted).toEqual(['descriptors']);
    expect(report.ticks).toBeGreaterThan(5);
    expect(stderr).toMatch(/keeps running after an uncaught exception: .*EMFILE/);
  });

  it('any other uncaught error stops the process with code 1 and its stack, for the supervisor to restart', () => {
    const { status, report, stderr } = child('bug');
    expect(status).toBe(1);
    expect(report).toBeNull();
    expect(stderr).toMatch(/stopping after an uncaught exception[^]*TypeError/);
  });
});

async function capacity(server: RunningServer): Promise<CapacityView> {
  const { status, body } = await teacherApi<CapacityView>(server, '/capacity');
  expect(status).toBe(200);
  return body;
}

describe('a flood of half-open requests past the descriptor limit', () => {
  it('keeps the server up and readers acked, and lets a tablet from elsewhere join during and after', async () => {
    const FD_LIMIT = 1024;
    const server = await startServer({ fdLimit: FD_LIMIT });
    servers.push(server);
    const fleet = new Fleet(() => ({ url: server.url, classCode: classCodeOf(server) }));
    fleets.push(fleet);
    // Readers on 127.4.x.y, apart from the other suites' addresses.
    await fleet.addMany(
      20,
      (i) => `Reader ${i}`,
      (i) => loopbackAddress(4 * 254 * 256 + i),
      10,
    );
    expect((await capacity(server)).process.fdLimit).toBe(FD_LIMIT);

    // 1,500 connections at once from three addresses (each reopened 50 ms after the server closes
    // it) for 10 s; each round all readers send an update and a tablet from a new address joins.
    const r = await floodStorm(
      fleet,
      { ...server, classCode: classCodeOf(server) },
      {
        connections: 1500,
        addresses: ['127.0.0.2', '127.0.0.3', '127.0.0.4'],
        seconds: 10,
        dribbleMs: null,
        newcomer: (i) => `127.0.0.${10 + i}`,
      },
    );
    const figures = JSON.stringify({ ...r, flood: { ...r.flood, lifetimesMs: undefined } });
    console.log(`flood against ${FD_LIMIT} descriptors: ${figures}`);
    // Past the limit, and the server turned the flood away and said so on the panel.
    expect(r.flood.attempts).toBeGreaterThan(FD_LIMIT);
    expect(r.flood.maxOpen).toBeGreaterThan(FD_LIMIT);
    expect(r.exhaustedSeen).toContain('descriptors');
    expect(r.refused + r.evicted + r.dropped).toBeGreaterThan(0);
    expect(r.maxOpenFds).toBeLessThan(FD_LIMIT);
    // Readers kept their sockets and every update was acknowledged, every round.
    expect(r.readersDropped).toBe(0);
    expect(fleet.counters).toMatchObject({ reconnects: 0, lostUpdates: 0, errorFrames: 0 });
    // Tablets from other addresses joined while it went on, and after.
    expect(r.joinsDuring).toBeGreaterThanOrEqual(2);
    expect(r.joinFailuresDuring).toBe(0);
    expect(r.joinAfterMs).toBeGreaterThan(0);
    // The abandoned flood connections were closed at the header timeout (10 s by default; one
    // accepted late, from the kernel's queue, starts its 10 s then).
    expect(r.recoveredMs).toBeLessThan(10_000 + 10_000);
    let after = await capacity(server);
    for (let i = 0; i < 20 && after.exhausted.length > 0; i++) {
      await sleep(500);
      after = await capacity(server);
    }
    expect(after.exhausted).toEqual([]);
    expect((await rawHttp(server.url, { path: '/healthz' })).status).toBe(200);
    expect(server.proc.exitCode).toBeNull();
    expect(server.output()).not.toMatch(/stopping after/);
  }, 120_000);
});

/** A raw connection from `address`; resolves when it is established. */
function open(
  server: RunningServer,
  address: string,
): Promise<Socket & { closedAt: Promise<number>; first: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: server.port, localAddress: address });
    const closedAt = new Promise<number>((r) => s.once('close', () => r(Date.now())));
    const first = new Promise<string>((r) => {
      let text = '';
      s.on('data', (d) => (text += d.toString('latin1')));
      s.once('close', () => r(text));
    });
    s.once('error', reject);
    s.once('connect', () => resolve(Object.assign(s, { closedAt, first })));
  });
}

describe('slow and idle clients', () => {
  const HEADERS_S = 3;
  const KEEP_ALIVE_S = 1;
  let server: RunningServer;

  it('closes idle, half-sent and dribbling requests at the header timeout, idle keep-alive at its own', async () => {
    server = await startServer({
      env: {
        READERAI_HEADERS_TIMEOUT_SECONDS: String(HEADERS_S),
        READERAI_KEEP_ALIVE_TIMEOUT_SECONDS: String(KEEP_ALIVE_S),
        READERAI_MAX_PENDING_CONNECTIONS_PER_IP: '5',
      },
    });
    servers.push(server);
    const started = Date.now();
    const [idle, half, dribbler, keptAlive] = await Promise.all([
      open(server, '127.0.0.40'),
      open(server, '127.0.0.41'),
      open(server, '127.0.0.42'),
      open(server, '127.0.0.43'),
    ]);
    half.write('GET /join HTTP/1.1\r\nHost: classroom\r\n');
    dribbler.write('GET /join HTTP/1.1\r\nHost: classroom\r\nX-Slow: ');
    const drip = setInterval(() => dribbler.write('x'), 200);
    keptAlive.write('GET /healthz HTTP/1.1\r\nHost: classroom\r\n\r\n');
    const answeredAt = await new Promise<number>((r) => keptAlive.once('data', () => r(Date.now())));
    const closed = await Promise.all([idle.closedAt, half.closedAt, dribbler.closedAt, keptAlive.closedAt]);
    clearInterval(drip);
    // Node checks for expired heads once a second; the bounds leave room for that and a busy machine.
    for (const at of closed.slice(0, 3)) {
      expect(at - started).toBeGreaterThanOrEqual(HEADERS_S * 1000 - 100);
      expect(at - started).toBeLessThan(HEADERS_S * 1000 + 4_000);
    }
    expect(await half.first).toMatch(/^HTTP\/1\.1 408/);
    expect(await dribbler.first).toMatch(/^HTTP\/1\.1 408/);
    // Keep-alive: Node adds a second to the setting before it closes.
    expect(closed[3] - answeredAt).toBeGreaterThanOrEqual(KEEP_ALIVE_S * 1000 - 100);
    expect(closed[3] - answeredAt).toBeLessThan((KEEP_ALIVE_S + 1) * 1000 + 3_000);
    expect(await keptAlive.first).toMatch(/^HTTP\/1\.1 200/);
  });

  it('caps pending connections per address with a quick, clear 429; other addresses, sockets apart', async () => {
    const A = '127.0.0.50';
    const held = await Promise.all(Array.from({ length: 5 }, () => open(server, A)));
    for (const s of held) s.write('GET / HTTP/1.1\r\n');
    await sleep(100);
    const refused = await rawHttp(server.url, { path: '/api/books', localAddress: A });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(JSON.parse(refused.body)).toMatchObject({
      code: 'TOO_MANY_CONNECTIONS',
      message: expect.stringMatching(/wait/i),
    });
    // A page load gets a page.
    const page = await rawHttp(server.url, { path: '/join', headers: { accept: 'text/html' }, localAddress: A });
    expect(page.status).toBe(429);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toBeDefined();
    expect((await rawHttp(server.url, { path: '/api/books', localAddress: '127.0.0.51' })).status).toBe(200);

    // Once the held ones time out, a student socket from A does not count against the cap.
    for (const s of held) s.destroy();
    await sleep(200);
    const res = await rawHttp(server.url, {
      method: 'POST',
      path: '/api/join',
      body: JSON.stringify({ classCode: classCodeOf(server), name: 'Behind the NAT' }),
      localAddress: A,
    });
    expect(res.status).toBe(200);
    const reader = await TestTablet.open((JSON.parse(res.body) as JoinResponse).wsUrl, { localAddress: A });
    tablets.push(reader);
    await reader.next('SESSION_STATE');
    const again = await Promise.all(Array.from({ length: 4 }, () => open(server, A)));
    for (const s of again) s.write('GET / HTTP/1.1\r\n');
    await sleep(100);
    expect((await rawHttp(server.url, { path: '/api/books', localAddress: A })).status).toBe(200);
    for (const s of again) s.destroy();
    expect(reader.ws.readyState).toBe(reader.ws.OPEN);
  });
});
