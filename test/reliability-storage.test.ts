// Storage faults (issue 8 item 3): the database is locked by another process, and the disk is full.
// In both, the teacher must see an alert in the live feed, students must keep reading (their
// sockets stay, their tablets keep their positions), nothing may be acknowledged before it is on
// disk, the server must stay up, and once the fault clears every update is saved with nothing lost.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Fleet, loopbackAddress, wordAt } from '../testkit/fleet.js';
import { waitUntil } from '../testkit/wait.js';
import type { Alert } from '../shared/protocol/index.js';
import { startServer, tempDir, type RunningServer } from './support/server.js';
import type { TestTablet } from './support/student-client.js';
import { classCodeOf, nextTeacherFrame, openTeacherSocket, rawHttp, sleep } from './support/reliability.js';

const servers: RunningServer[] = [];
const fleets: Fleet[] = [];
const cleanups: (() => void)[] = [];

afterAll(async () => {
  for (const f of fleets) f.stopAll();
  for (const s of servers) await s.kill();
  for (const c of cleanups) c();
});

/** A running class of `n` tablets whose progress has been saved once, and the teacher's feed. */
async function classOf(n: number, addressBase: number, dataDir?: string) {
  let server = await startServer(dataDir ? { dataDir } : {});
  servers.push(server);
  const fleet = new Fleet(() => ({ url: server.url, classCode: classCodeOf(server) }));
  fleets.push(fleet);
  await fleet.addMany(
    n,
    (i) => `Store ${addressBase + i}`,
    (i) => loopbackAddress(addressBase + i),
    n,
  );
  for (const t of fleet.tablets) t.progress();
  await waitUntil(() => fleet.tablets.every((t) => t.acked === 1), 10_000, 'first progress saved');
  const teacher = await openTeacherSocket(server);
  await nextTeacherFrame(teacher, 'SNAPSHOT');
  return {
    get server() {
      return server;
    },
    fleet,
    teacher,
    /** Stops gracefully and starts again on the same port and data: the tablets come back. */
    async restart() {
      await server.stop();
      server = await startServer({ dataDir: server.dataDir, port: server.port });
      servers.push(server);
      await waitUntil(() => fleet.openCount === n, 60_000, 'tablets back after restart');
    },
  };
}

const alertsIn = (teacher: TestTablet): Alert[] =>
  teacher.frames.flatMap((f) =>
    (f as { type: string }).type === 'DELTA' ? ((f.payload as { alerts?: Alert[] }).alerts ?? []) : [],
  );

/** Every tablet sends `count` updates, a little apart, while the fault is on. */
async function keepReading(fleet: Fleet, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    for (const t of fleet.tablets) expect(t.progress(), `${t.name} still connected`).toBe(true);
    await sleep(150);
  }
}

/** After the fault: every update acknowledged, and after a restart the stored seq is the last sent. */
async function nothingLost(c: Awaited<ReturnType<typeof classOf>>): Promise<void> {
  await waitUntil(
    () => c.fleet.tablets.every((t) => t.acked === t.seq),
    20_000,
    'all updates saved after the fault cleared',
  );
  const lastSent = new Map(c.fleet.tablets.map((t) => [t, t.seq]));
  await c.restart();
  for (const t of c.fleet.tablets) {
    expect(t.state!.seq, t.name).toBe(lastSent.get(t));
    expect(t.state!.wordIdx, t.name).toBe(wordAt(t.seq));
  }
  expect(c.fleet.counters).toMatchObject({ lostUpdates: 0, wrongPositions: 0 });
}

/** Another process (a backup tool, a second copy of the app) takes the write lock; returns release. */
function holdWriteLock(dataDir: string): () => void {
  const other = new Database(join(dataDir, 'readerai.db'), { timeout: 0 });
  other.exec('BEGIN EXCLUSIVE');
  return () => {
    other.exec('ROLLBACK');
    other.close();
  };
}

describe('the database is locked by another process', () => {
  it('alerts the teacher, acknowledges nothing until saved, stays up, saves it all once unlocked', async () => {
    const c = await classOf(5, 254 * 256 + 150);
    const ackedBefore = c.fleet.tablets.map((t) => t.acked);

    const release = holdWriteLock(c.server.dataDir);
    try {
      await keepReading(c.fleet, 6);
      await nextTeacherFrame(
        c.teacher,
        'DELTA',
        (d) => (d.alerts ?? []).some((a) => a.level === 'error' && /sav/i.test(a.message)),
        20_000,
      );
      // The server answers while the lock is held (slowly while a commit waits out busy_timeout;
      // the figure is printed, not asserted).
      const latencies: number[] = [];
      for (let i = 0; i < 15; i++) {
        const started = Date.now();
        expect((await rawHttp(c.server.url, { path: '/healthz' })).status).toBe(200);
        latencies.push(Date.now() - started);
        await sleep(100);
      }
      console.log(
        `/healthz while the database was locked: max ${Math.max(...latencies)} ms, ` +
          `median ${latencies.sort((a, b) => a - b)[7]} ms`,
      );
      // Nothing was acknowledged that is not on disk.
      expect(c.fleet.tablets.map((t) => t.acked)).toEqual(ackedBefore);
      expect(c.fleet.openCount).toBe(5);
    } finally {
      release();
    }
    await nextTeacherFrame(c.teacher, 'DELTA', (d) => (d.alerts ?? []).some((a) => a.level === 'info'), 20_000);
    expect(alertsIn(c.teacher).map((a) => a.level)).toEqual(['error', 'info']);
    await nothingLost(c);
  });
});

// A full disk: the server's data folder on a tiny tmpfs that the test fills. Needs root (mount).
function mountTinyDisk(): { dir: string; reason: null } | { dir: null; reason: string } {
  if (process.getuid?.() !== 0) return { dir: null, reason: 'needs root to mount a tmpfs' };
  const dir = tempDir('readerai-tinydisk-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { dir: null, reason: `mount -t tmpfs is not permitted here: ${(r.stderr || String(r.error)).trim()}` };
  }
  cleanups.push(() => {
    spawnSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, reason: null };
}

/** Writes zeros until the file system says ENOSPC; returns the filler's path. */
function fillDisk(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (let i = 0; i < 100_000; i++) {
      try {
        writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
          // Fill the last partial chunk too.
          for (let j = 0; j < 64; j++) {
            try {
              writeSync(fd, chunk.subarray(0, 1024));
            } catch {
              break;
            }
          }
          return path;
        }
        throw err;
      }
    }
    throw new Error('the tiny disk never filled');
  } finally {
    closeSync(fd);
  }
}

describe('the disk is full', () => {
  it('alerts the teacher, keeps students reading, stays up, and saves everything once space is freed', async (ctx) => {
    const disk = mountTinyDisk();
    if (disk.dir === null) return ctx.skip(disk.reason);
    const dataDir = join(disk.dir, 'data');
    mkdirSync(dataDir);
    const c = await classOf(5, 254 * 256 + 170, dataDir);
    const ackedBefore = c.fleet.tablets.map((t) => t.acked);

    const filler = fillDisk(disk.dir);
    try {
      await keepReading(c.fleet, 6);
      await nextTeacherFrame(
        c.teacher,
        'DELTA',
        (d) => (d.alerts ?? []).some((a) => a.level === 'error' && /sav/i.test(a.message)),
        20_000,
      );
      expect(c.fleet.tablets.map((t) => t.acked)).toEqual(ackedBefore);
      // Joining needs a row too: it is refused with an error body, and the server stays up.
      const joined = await rawHttp(c.server.url, {
        method: 'POST',
        path: '/api/join',
        body: JSON.stringify({ classCode: classCodeOf(c.server), name: 'Late' }),
      });
      expect(joined.status).toBe(503);
      expect(JSON.parse(joined.body)).toMatchObject({
        statusCode: 503,
        code: 'SERVER_BUSY',
        message: expect.stringMatching(/try again/),
      });
      expect((await rawHttp(c.server.url, { path: '/healthz' })).status).toBe(200);
      expect(c.fleet.openCount).toBe(5);
      await keepReading(c.fleet, 2);
    } finally {
      rmSync(filler);
    }
    execFileSync('sync');
    await nextTeacherFrame(c.teacher, 'DELTA', (d) => (d.alerts ?? []).some((a) => a.level === 'info'), 20_000);
    await nothingLost(c);
  });
});
