// How every harness starts the real server for a measurement or a test: on loopback, on a free
// port unless told otherwise, with its own data folder and no machine-wide configuration, and with
// the same Node flags as in production. Used by the load bench, the storm and soak fleets
// (testkit/fleet.ts), and test/support/server.ts.
import { join } from 'node:path';
import { SERVER_NODE_FLAGS } from '../server/node-flags.js';

export function serverEnv(dataDir: string, o: { port?: number; env?: Record<string, string> } = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    READERAI_PORT: String(o.port ?? 0),
    READERAI_HOST: '127.0.0.1',
    READERAI_PUBLIC_HOST: '127.0.0.1',
    READERAI_DATA_DIR: dataDir,
    // A path that does not exist unless a test writes it: IT's real file never leaks in.
    READERAI_MACHINE_CONFIG: join(dataDir, 'no-machine-config.json'),
    // One process, as before socket workers, unless the harness asks for more (READERAI_WORKERS
    // in `env`: test/workers.test.ts, the bench's --workers).
    READERAI_WORKERS: '1',
    ...o.env,
  };
}

export function serverExecArgv(extra: readonly string[] = []): string[] {
  return [...SERVER_NODE_FLAGS, ...extra];
}

/**
 * fork() options that start the server as usual, or, with `fdLimit`, under `prlimit` (util-linux)
 * with that many descriptors (soft and hard), so running out of them is cheap to reach.
 */
export function serverFork(o: { fdLimit?: number | undefined; extra?: readonly string[] } = {}): {
  execPath?: string;
  execArgv: string[];
} {
  const execArgv = serverExecArgv(o.extra);
  if (o.fdLimit === undefined) return { execArgv };
  return { execPath: 'prlimit', execArgv: [`--nofile=${o.fdLimit}:${o.fdLimit}`, process.execPath, ...execArgv] };
}
