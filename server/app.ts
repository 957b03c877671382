// The ReaderAI server as one Fastify plugin: the same app runs inside Electron (utilityProcess),
// headless (`npm run serve`) and in tests (`buildApp` + inject, or listen on a free port).
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import websocket from '@fastify/websocket';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import classroom, { type ClassroomPluginOptions } from './plugins/classroom.js';
import capacity from './plugins/capacity.js';
import guard from './guard/plugin.js';
import { Pressure } from './guard/pressure.js';
import { errorHandler } from './http/errors.js';
import { securityHeaders } from './http/security.js';
import { Tickets } from './http/tickets.js';
import { Limits } from '../shared/protocol/codes.js';
import health from './routes/health.js';
import joinRoute from './routes/join.js';
import books from './routes/books.js';
import audio, { type AudioStats } from './routes/audio.js';
import teacher from './routes/teacher.js';
import teacherLive from './routes/teacher-live.js';
import admin from './routes/admin.js';
import studentLive from './routes/student-live.js';
import web from './routes/web.js';

export interface AppOptions extends ClassroomPluginOptions {
  adminToken: string;
  /** Where the built web apps are (default: dist/renderer next to the compiled server). */
  webRoot?: string;
  /** Shortages met by any part of the process (main.ts shares it with its last line of defence). */
  pressure?: Pressure;
}

const DEFAULT_WEB_ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'renderer');

async function readerAi(fastify: FastifyInstance, o: AppOptions): Promise<void> {
  errorHandler(fastify);
  securityHeaders(fastify, o.tls);
  await fastify.register(websocket, {
    options: {
      maxPayload: Limits.MAX_PAYLOAD,
      // Compression costs memory per socket and CPU per frame; our frames are tiny.
      perMessageDeflate: false,
      // The classroom keeps its own list of sockets.
      clientTracking: false,
    },
  });
  await fastify.register(classroom, o);
  const pressure = o.pressure ?? new Pressure();
  await fastify.register(guard, { pressure, tls: o.tls });
  const audioStats: AudioStats = { requests: 0, bytesSent: 0 };
  await fastify.register(capacity, { adminToken: o.adminToken, dataDir: o.dataDir, pressure, audioStats });
  // teacherRemote needs a restart to change, so the value at start is the value.
  const remoteAllowed = fastify.settings.current.teacherRemote;
  const tickets = new Tickets();
  await fastify.register(health);
  await fastify.register(joinRoute, { tls: o.tls });
  await fastify.register(books);
  await fastify.register(audio, { tls: o.tls, adminToken: o.adminToken, stats: audioStats });
  await fastify.register(studentLive);
  const access = { adminToken: o.adminToken, remoteAllowed, classes: fastify.classes };
  await fastify.register(teacher, { prefix: '/api/teacher', ...access, tickets, audioStats });
  await fastify.register(teacherLive, { tickets, remoteAllowed });
  await fastify.register(admin, { prefix: '/api/admin', ...access, tls: o.tls, dataDir: o.dataDir });
  await fastify.register(web, { root: o.webRoot ?? DEFAULT_WEB_ROOT });
}

/** Not encapsulated, so the decorators (classes, settings, ...) are visible to the host. */
export const app = fp(readerAi, { name: 'readerai' });

/** A ready-to-listen Fastify instance with the app registered. */
export async function buildApp(o: AppOptions, server: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: server.logger ?? false,
    // One log line per request would be thousands a second with a full class.
    logController: new LogController({ disableRequestLogging: true }),
    // Tablets reconnecting after a restart should not wait on keep-alive sockets to drain.
    forceCloseConnections: true,
    // A JSON API: a number where a string belongs is a client bug to report, not to coerce.
    ajv: { customOptions: { coerceTypes: false } },
    ...server,
  });
  await fastify.register(app, o);
  return fastify;
}
