// The supervisor driven through child_process.fork (the same message contract as Electron's
// utilityProcess) against a fixture server that really listens, crashes and shuts down on cue.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServerSupervisor, type ServerStatus, type SupervisorOptions } from '../electron/server-process/supervisor.js';
import { forkWithNode } from '../electron/server-process/fork-node.js';
import { REAL_SERVER, waitFor } from './support/supervisor.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/fake-server.mjs', import.meta.url));

let dir: string;
let runsFile: string;
let supervisor: ServerSupervisor | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'readerai-supervisor-'));
  runsFile = join(dir, 'runs.jsonl');
});

afterEach(async () => {
  await supervisor?.stop();
  supervisor = null;
  rmSync(dir, { recursive: true, force: true });
});

type Run = { pid: number; gemini?: string | null; shutdown?: string };
const runs = (): Run[] =>
  existsSync(runsFile)
    ? readFileSync(runsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Run)
    : [];

function supervise(env: Record<string, string>, options: Partial<SupervisorOptions> = {}) {
  const statuses: ServerStatus[] = [];
  const s = new ServerSupervisor({
    fork: forkWithNode(FIXTURE),
    env: () => ({ ...process.env, FAKE_RUNS_FILE: runsFile, READERAI_DATA_DIR: dir, ...env }),
    initialBackoffMs: 100,
    maxBackoffMs: 400,
    shutdownTimeoutMs: 3_000,
    ...options,
  });
  s.on('status', (st) => statuses.push(st));
  supervisor = s;
  return { s, statuses };
}

async function get(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return res.text();
}

describe('ServerSupervisor with child_process.fork', () => {
  it('starts the server, exposes its session, and passes the environment', async () => {
    const { s } = supervise({ GEMINI_API_KEY: 'key-1' });
    s.start();
    const running = await waitFor(s, (st) => st.state === 'running');
    expect(running.state === 'running' && running.port).toBeGreaterThan(0);
    const session = s.session!;
    expect(session.dashboardUrl).toBe(`http://127.0.0.1:${session.port}/teacher/#token=fixture-token`);
    expect(session.dataDir).toBe(dir);
    expect(await get(`http://127.0.0.1:${session.port}/`)).toBe('ok');
    expect(runs()).toEqual([expect.objectContaining({ gemini: 'key-1' })]);
  });

  it('restarts a crashed server with growing backoff and a new process', async () => {
    const { s, statuses } = supervise({ FAKE_CRASH_RUNS: '2', FAKE_CRASH_AFTER_MS: '30' }, { stableAfterMs: 60_000 });
    s.start();
    // Crash, crash, then the third run stays up.
    await waitFor(s, () => runs().length === 3 && s.status.state === 'running');
    const restarts = statuses.filter((st) => st.state === 'restarting');
    expect(restarts.map((st) => st.state === 'restarting' && st.retryInMs)).toEqual([100, 200]);
    expect(restarts[0]).toMatchObject({ reason: 'server exited with code 3' });
    const pids = runs().map((r) => r.pid);
    expect(new Set(pids).size).toBe(3);
    expect(await get(`http://127.0.0.1:${s.session!.port}/`)).toBe('ok');
  });

  it('shuts down cleanly on stop and never restarts afterwards', async () => {
    const { s, statuses } = supervise({});
    s.start();
    await waitFor(s, (st) => st.state === 'running');
    const port = s.session!.port;
    expect(await s.stop()).toBe('exited');
    expect(s.status).toEqual({ state: 'stopped' });
    expect(runs().at(-1)).toMatchObject({ shutdown: 'clean' });
    await expect(get(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    // Wait past the longest backoff: nothing may come back.
    await new Promise((r) => setTimeout(r, 600));
    expect(runs().filter((r) => !r.shutdown)).toHaveLength(1);
    expect(statuses.map((st) => st.state)).toEqual(['starting', 'running', 'stopping', 'stopped']);
  });

  it('kills a server that ignores shutdown, within the bound', async () => {
    const { s } = supervise({ FAKE_IGNORE_SHUTDOWN: '1' }, { shutdownTimeoutMs: 300 });
    s.start();
    await waitFor(s, (st) => st.state === 'running');
    const t0 = Date.now();
    expect(await s.stop()).toBe('killed');
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(runs().some((r) => r.shutdown)).toBe(false);
  });

  it('reports the server-error message and gives up after repeated failed starts', async () => {
    const { s, statuses } = supervise({ FAKE_FAIL_START: 'port 8080 is already in use' }, { maxStartFailures: 3 });
    s.start();
    const failed = await waitFor(s, (st) => st.state === 'failed');
    expect(failed).toEqual({ state: 'failed', reason: 'port 8080 is already in use' });
    expect(runs()).toHaveLength(3);
    expect(statuses.filter((st) => st.state === 'restarting')).toHaveLength(2);
  });

  it('restart() stops gracefully and starts again with a fresh environment', async () => {
    let key = 'old-key';
    const s = new ServerSupervisor({
      fork: forkWithNode(FIXTURE),
      env: () => ({ ...process.env, FAKE_RUNS_FILE: runsFile, GEMINI_API_KEY: key }),
    });
    supervisor = s;
    s.start();
    await waitFor(s, (st) => st.state === 'running');
    key = 'new-key';
    await s.restart();
    await waitFor(s, (st) => st.state === 'running');
    expect(runs().map((r) => r.gemini ?? r.shutdown)).toEqual(['old-key', 'clean', 'new-key']);
  });

  it.runIf(existsSync(REAL_SERVER))('supervises the real dist/server/main.js: start and clean shutdown', async () => {
    const statuses: ServerStatus[] = [];
    supervisor = new ServerSupervisor({
      fork: forkWithNode(REAL_SERVER),
      env: () => ({
        ...process.env,
        READERAI_PORT: '0',
        READERAI_HOST: '127.0.0.1',
        READERAI_DATA_DIR: dir,
        READERAI_MACHINE_CONFIG: join(dir, 'none.json'),
      }),
      shutdownTimeoutMs: 10_000,
    });
    supervisor.on('status', (st) => statuses.push(st));
    supervisor.start();
    await waitFor(supervisor, (st) => st.state === 'running' || st.state === 'restarting', 30_000);
    const session = supervisor.session;
    expect(session, JSON.stringify(statuses)).not.toBeNull();
    expect(session!.dashboardUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${session!.port}/teacher/#token=.+`));
    expect(session!.dataDir).toBe(dir);
    const res = await fetch(`http://127.0.0.1:${session!.port}/teacher/`, { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBeLessThan(500);
    expect(await supervisor.stop()).toBe('exited');
  });
});
