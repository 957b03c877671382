import type { FastifyInstance } from 'fastify';

/** GET /healthz: 200 once the server is listening and the database is open. */
export default async function health(app: FastifyInstance): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok', students: app.hub.connected }));
}
