import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { JoinRequest, JoinResponse } from '../../shared/protocol/index.js';

/** POST /api/join: a tablet joins the class whose code it typed (or resumes with its token). */
const join: FastifyPluginAsyncTypebox<{ tls: boolean }> = async (app, opts) => {
  app.post(
    '/api/join',
    {
      schema: { body: JoinRequest, response: { 200: JoinResponse } },
      // Joins are rare; a body larger than this is not a join.
      bodyLimit: 4096,
    },
    async (req) => {
      const { room, student, token, resumed } = app.classes.join(req.body, req.ip);
      // The tablet reached us through this Host; its socket should use the same one.
      const host = req.headers.host ?? room.publicHost();
      return {
        studentId: student.id,
        sessionId: room.id,
        token,
        wsUrl: `${opts.tls ? 'wss' : 'ws'}://${host}/ws/${room.id}?token=${encodeURIComponent(token)}`,
        name: student.name,
        resumed,
      };
    },
  );
};

export default join;
