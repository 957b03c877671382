import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** GET /healthz: 200 once the server is listening and the database is open. */
const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', async () => ({ status: 'ok', students: app.hub.connected }));
};

export default health;
