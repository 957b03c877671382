// The capacity plugin in the real built server: GET /api/teacher/capacity behind the teacher
// guard, figures that follow a real tablet, CAPACITY frames on the dashboard's live socket, and the
// benchmark's per-student figures used until enough students are connected.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { CapacityView, type TeacherMessage } from '../shared/protocol/index.js';
import { writeProfile } from '../server/capacity/profile.js';
import { startServer, teacherApi, tempDir, type RunningServer } from './support/server.js';
import { join as joinClass, TestTablet } from './support/student-client.js';
import { waitUntil } from '../testkit/wait.js';

const valid = TypeCompiler.Compile(CapacityView);

let server: RunningServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

async function capacity(s: RunningServer): Promise<CapacityView> {
  const r = await teacherApi<CapacityView>(s, '/capacity');
  expect(r.status).toBe(200);
  expect([...valid.Errors(r.body)].map((e) => `${e.path} ${e.message}`)).toEqual([]);
  return r.body;
}

describe('capacity plugin', () => {
  it('serves the figures to the teacher only, and counts a connected tablet', async () => {
    server = await startServer();
    const anonymous = await fetch(`${server.url}/api/teacher/capacity`);
    expect(anonymous.status).toBe(401);

    const idle = await capacity(server);
    expect(idle.students).toBe(0);
    expect(idle.process.rssBytes).toBeGreaterThan(10e6);
    expect(idle.reservePct).toBe(25);
    expect(idle.gemini.enabled).toBe(false);
    if (process.platform === 'linux') expect(idle.process.openFds).toBeGreaterThan(5);

    const code = new URL(server.joinUrl).searchParams.get('code')!;
    const joined = await joinClass(server.url, { classCode: code, name: 'Ada' });
    const tablet = await TestTablet.open(joined.body.wsUrl);
    try {
      let busy: CapacityView | undefined;
      await waitUntil(async () => (busy = await capacity(server!)).students === 1, 8_000, 'the tablet counted', 250);
      expect(busy!.students).toBe(1);
      expect(busy!.history.length).toBeGreaterThan(1);
      expect(busy!.history.at(-1)!.students).toBe(1);
    } finally {
      tablet.close();
    }
  });

  it("uses the last benchmark's per-student figures until enough students are connected", async () => {
    const dataDir = tempDir();
    writeProfile(dataDir, {
      measuredAt: Date.now(),
      students: 15_000,
      results: 'bench-results/x.json',
      bytesPerStudent: 9000,
      coresPerStudent: 0.00001,
      requestsPerStudentPerMinute: 0.2,
      // Every student a listener at 64 kbit/s.
      sentBytesPerStudentPerSec: 8000,
    });
    server = await startServer({
      dataDir,
      env: { READERAI_CAPACITY_RESERVE_PCT: '30', READERAI_NETWORK_MBPS: '1' },
    });
    const v = await capacity(server);
    expect(v.perStudent).toEqual({
      bytes: 9000,
      cpuPct: 0.001,
      geminiPerMinute: 0.2,
      sentBytesPerSec: 8000,
      basis: 'benchmark',
    });
    expect(v.reservePct).toBe(30);
    expect(v.capacity).not.toBeNull();
    expect(v.capacity).toBe(v.students + v.headroom!);
    // 1 Mbit/s is 125 kB/s; 70% of it, less the little sent now, holds about 10 listeners.
    expect(v.network.linkBytesPerSec).toBe(125_000);
    expect(v.bounds.network).toBe(Math.floor((0.7 * 125_000 - v.network.sentBytesPerSec) / 8000));
    // Only a server still busy starting up (CPU past its reserve) has a scarcer resource.
    expect(v.binding).toBe(v.bounds.cpu! < v.bounds.network! ? 'cpu' : 'network');
    expect(v.headroom).toBe(v.bounds[v.binding!]);
  });

  it('sends CAPACITY frames to an open dashboard', async () => {
    server = await startServer();
    const ticket = await teacherApi<{ ticket: string }>(server, '/ticket', { method: 'POST', body: {} });
    const ws = new WebSocket(`${server.wsBase}/ws/teacher?ticket=${ticket.body.ticket}`);
    try {
      const frame = await new Promise<TeacherMessage>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no CAPACITY frame within 5 s')), 5000);
        ws.on('message', (data) => {
          const m = JSON.parse(String(data)) as TeacherMessage;
          if (m.type === 'CAPACITY') {
            clearTimeout(timer);
            resolve(m);
          }
        });
        ws.on('error', reject);
      });
      expect(valid.Check(frame.payload)).toBe(true);
    } finally {
      ws.close();
    }
  });
});
