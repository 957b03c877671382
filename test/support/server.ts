// Starts the real server (dist/server/main.js, built by `npm test`) as a child process on a free
// loopback port with its own data folder, and waits for its `server-started` message.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverEnv, serverExecArgv } from '../../bench/server-env.js';

export const SERVER_ENTRY = fileURLToPath(new URL('../../dist/server/main.js', import.meta.url));

export interface RunningServer {
  url: string;
  wsBase: string;
  port: number;
  adminToken: string;
  dataDir: string;
  joinUrl: string;
  proc: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
}

export function tempDir(prefix = 'readerai-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startServer(
  o: { dataDir?: string; port?: number; env?: Record<string, string>; args?: string[] } = {},
): Promise<RunningServer> {
  const dataDir = o.dataDir ?? tempDir();
  const proc = fork(SERVER_ENTRY, o.args ?? [], {
    env: serverEnv(dataDir, { port: o.port ?? 0, env: o.env ?? {} }),
    execArgv: serverExecArgv(),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const started = await new Promise<{ port: number; adminToken: string; joinUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 20 s:\n${output}`)), 20_000);
    proc.on('message', (m: { type?: string; port: number; adminToken: string; joinUrl: string; message?: string }) => {
      if (m.type === 'server-started') {
        clearTimeout(timer);
        resolve(m);
      } else if (m.type === 'server-error') {
        clearTimeout(timer);
        reject(new Error(`server failed: ${m.message}\n${output}`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting:\n${output}`));
    });
  });
  const url = `http://127.0.0.1:${started.port}`;
  return {
    url,
    wsBase: `ws://127.0.0.1:${started.port}`,
    port: started.port,
    adminToken: started.adminToken,
    dataDir,
    joinUrl: started.joinUrl,
    proc,
    output: () => output,
    async stop() {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** An authenticated call to the teacher API. */
export async function teacherApi<T = unknown>(
  server: Pick<RunningServer, 'url' | 'adminToken'>,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}/api/teacher${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      authorization: `Bearer ${server.adminToken}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // CSV and other text stay text.
  }
  return { status: res.status, body: body as T };
}
