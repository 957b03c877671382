import type { FastifyInstance } from 'fastify';

/** GET /ws/:sessionId?token=...: a tablet's socket (see server/ws/student-socket.ts). */
export default async function studentLive(app: FastifyInstance): Promise<void> {
  app.hub.register(app);
}
