// GET /ws/:sessionId?token=...: a tablet's socket (its frames: server/ws/student-socket.ts). The path
// names the class (called sessionId on the wire: tablets of the single-class release saved URLs with
// their session's id, which became their class's id).
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type {} from '@fastify/websocket';
import type { Admitted } from '../ws/student-socket.js';

type Admitting = FastifyRequest & { admitted?: Admitted };

const studentLive: FastifyPluginAsyncTypebox = async (app) => {
  app.get<{ Params: { sessionId: string }; Querystring: { token?: string } }>(
    '/ws/:sessionId',
    {
      websocket: true,
      // Refused before the upgrade, with the same error bodies as every other route.
      preValidation: async (req) => {
        (req as Admitting).admitted = app.hub.authorize(req.params.sessionId, req.query.token, req.ip);
      },
    },
    (socket, req) => app.hub.attach(socket, (req as Admitting).admitted!, req),
  );
};

export default studentLive;
