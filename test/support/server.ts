// Starts the real server (dist/server/main.js, built by `npm test`) as a child process on a free
// loopback port with its own data folder, and waits for its `server-started` message. With `tls`
// it serves HTTPS/WSS (READERAI_TLS_*), and teacherApi trusts that certificate.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverEnv, serverFork } from '../../testkit/server-env.js';
import type { TestCertificate } from './tls.js';

export const SERVER_ENTRY = fileURLToPath(new URL('../../dist/server/main.js', import.meta.url));

export interface RunningServer {
  url: string;
  wsBase: string;
  port: number;
  adminToken: string;
  dataDir: string;
  joinUrl: string;
  /** The certificate a TLS server uses (PEM), for clients to trust. */
  ca?: string;
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
  o: {
    dataDir?: string;
    port?: number;
    env?: Record<string, string>;
    args?: string[];
    /** Descriptors the server may open (prlimit); the machine's limit otherwise. */
    fdLimit?: number;
    tls?: TestCertificate;
  } = {},
): Promise<RunningServer> {
  const dataDir = o.dataDir ?? tempDir();
  const tlsEnv: Record<string, string> = o.tls
    ? { READERAI_TLS_CERT: o.tls.certPath, READERAI_TLS_KEY: o.tls.keyPath }
    : {};
  const proc = fork(SERVER_ENTRY, o.args ?? [], {
    env: serverEnv(dataDir, { port: o.port ?? 0, env: { ...tlsEnv, ...o.env } }),
    ...serverFork({ fdLimit: o.fdLimit }),
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
  const url = `${o.tls ? 'https' : 'http'}://127.0.0.1:${started.port}`;
  return {
    url,
    wsBase: `${o.tls ? 'wss' : 'ws'}://127.0.0.1:${started.port}`,
    port: started.port,
    adminToken: started.adminToken,
    dataDir,
    joinUrl: started.joinUrl,
    ...(o.tls ? { ca: o.tls.pem } : {}),
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
  server: Pick<RunningServer, 'url' | 'adminToken' | 'ca'>,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = {
    authorization: `Bearer ${server.adminToken}`,
    ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
  const url = `${server.url}/api/teacher${path}`;
  const res = server.ca
    ? await trustingRequest(url, server.ca, method, headers, payload)
    : await fetch(url, { method, headers, ...(payload === undefined ? {} : { body: payload }) }).then(async (r) => ({
        status: r.status,
        text: await r.text(),
      }));
  const text = res.text;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // CSV and other text stay text.
  }
  return { status: res.status, body: body as T };
}

/** An HTTPS request that trusts `ca` (fetch has no per-request certificate option). */
function trustingRequest(
  url: string,
  ca: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    // The test certificate names the LAN host, not the loopback address the test connects to.
    const req = request(url, { method, headers, ca, checkServerIdentity: () => undefined }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}
