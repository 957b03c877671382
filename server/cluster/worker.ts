// A socket worker: the whole app (server/app.ts) for its share of the classes, with no public
// port of its own. Its HTTP server takes connections from two places: the public sockets the
// primary hands over (a tablet's or dashboard's WebSocket: the primary read its request head and
// passes those bytes along), and its private listener, where the primary forwards plain HTTP
// requests. Only on the private listener is X-Forwarded-For believed: a handed-over socket is
// the client's own TCP connection, and its address is the socket's.
import { chmodSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { isPrimaryToWorker, type WorkerToPrimary } from './messages.js';

/** The private listener of worker `index`: a socket file in the data folder, a named pipe on Windows. */
export function privatePath(dataDir: string, index: number, primaryPid: number): string {
  return process.platform === 'win32'
    ? `\\\\.\\pipe\\readerai-${primaryPid}-${index}`
    : join(dataDir, `worker-${index}.sock`);
}

/**
 * Fastify's trustProxy: the socket's own address is replaced by X-Forwarded-For's last entry only
 * when the socket has no address at all, which is a unix socket or a named pipe: the private
 * listener. A TCP socket handed over from the public port always has one.
 */
export function trustPrivateListener(address: string | undefined, hop: number): boolean {
  return hop === 0 && address === undefined;
}

export interface WorkerIdentity {
  index: number;
  count: number;
  path: string;
  publicPort: number;
}

/** This process's place among the socket workers, from the environment the primary forked it with. */
export function workerRole(env: NodeJS.ProcessEnv): WorkerIdentity | null {
  const { READERAI_WORKER_INDEX: index, READERAI_WORKER_COUNT: count, READERAI_WORKER_PATH: path } = env;
  if (index === undefined || count === undefined || path === undefined) return null;
  return { index: Number(index), count: Number(count), path, publicPort: Number(env.READERAI_WORKER_PUBLIC_PORT) };
}

/** Listens on the private path, takes the primary's sockets, says ready; resolves once it is. */
export async function serveAsWorker(
  app: FastifyInstance,
  me: WorkerIdentity,
  stop: (why: string) => void,
): Promise<void> {
  const send = (m: WorkerToPrimary) => process.send?.(m);
  process.on('message', (m: unknown, handle?: Socket) => {
    if (!isPrimaryToWorker(m)) return;
    if (m.type === 'socket' && handle) {
      // The bytes the primary read come first, as if they had just arrived; then the HTTP server
      // (through the connection guard) parses the request head again and upgrades it.
      handle.unshift(Buffer.from(m.head, 'base64'));
      app.server.emit('connection', handle);
    } else if (m.type === 'shutdown') stop('Asked to shut down');
  });
  // The primary gone (killed): nothing routes here any more; save and go.
  process.on('disconnect', () => stop('The primary process ended'));
  // Ctrl-C reaches the whole process group: the primary decides, and tells the workers.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  // Which worker answered: for IT's troubleshooting and the tests that check the routing.
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-readerai-worker', String(me.index));
  });
  // A socket file left by a worker that was killed would make listen fail.
  if (process.platform !== 'win32') rmSync(me.path, { force: true });
  await app.listen({ path: me.path });
  if (process.platform !== 'win32') chmodSync(me.path, 0o600);
  send({ type: 'ready', index: me.index, pid: process.pid });
}
