// The connection edge of the server: timeouts for slow and idle clients, the admission rules for
// new connections (./connections.ts), the answer refused ones get, and accept errors (a full
// descriptor table) handled instead of crashing. Registered after the classroom plugin (it reads
// the settings) and before the routes (its onRequest hook must run first).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ConnectionGuard } from './connections.js';
import { LogThrottle } from './log-throttle.js';
import type { Pressure } from './pressure.js';
import { refuse } from './refusal.js';
import { errorCode, resourceOf } from './resource.js';

export interface GuardPluginOptions {
  pressure: Pressure;
  tls: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    guard: ConnectionGuard;
  }
}

/**
 * Descriptors the server keeps for its own needs: the database, its WAL and shared-memory files on
 * two connections (the main one and the checkpoint worker's), SQLite's temporary files, the logs,
 * DNS look-ups and module loading; plus one per Gemini call under way (llmMaxInFlight).
 */
const OWN_RESERVE = 64;
/** A whole request (headers and body) must arrive within this; headers alone, within the setting. */
const REQUEST_TIMEOUT_MS = 30_000;
/** How often Node looks for connections past their header or request timeout. */
const CHECK_TIMEOUTS_MS = 1_000;

async function guardPlugin(app: FastifyInstance, o: GuardPluginOptions): Promise<void> {
  const s = app.settings.current;
  const server = app.server;
  const headersMs = s.headersTimeoutSeconds * 1000;
  server.headersTimeout = headersMs;
  server.requestTimeout = Math.max(REQUEST_TIMEOUT_MS, headersMs);
  server.keepAliveTimeout = s.keepAliveTimeoutSeconds * 1000;
  // Read when the server starts listening (Node's default looks every 30 s).
  (server as { connectionsCheckingInterval?: number }).connectionsCheckingInterval = CHECK_TIMEOUTS_MS;

  const guard = new ConnectionGuard(server, {
    maxPendingPerAddress: s.maxPendingConnectionsPerIp,
    ownReserve: () => OWN_RESERVE + app.settings.current.llmMaxInFlight,
    answersRefusals: !o.tls,
    onShortage: () => o.pressure.report('descriptors'),
  });

  // After listen, nobody else listens for the server's errors, and an accept that fails with
  // EMFILE (libuv has already closed the connection it could not take) would otherwise throw.
  const throttle = new LogThrottle();
  server.on('error', (err) => {
    o.pressure.report(resourceOf(err));
    const { log, suppressed } = throttle.take(errorCode(err) ?? 'other');
    if (log) app.log.warn({ err, suppressed }, 'the server could not accept a connection; it keeps serving');
  });

  app.websocketServer.on('connection', (_ws, req) => guard.upgraded(req.socket));
  app.addHook('onRequest', async (req, reply) => {
    const why = guard.refusalOf(req.raw.socket);
    if (why !== null) return refuse(req, reply, why);
  });
  app.decorate('guard', guard);
  app.addHook('onClose', async () => guard.stop());
}

export default fp(guardPlugin, { name: 'guard', dependencies: ['classroom', '@fastify/websocket'] });
