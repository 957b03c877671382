// GET /ws/teacher?ticket=...: the dashboard's live feed (SNAPSHOT, then DELTA frames).
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/websocket';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { isLoopback } from '../http/security.js';
import type { Tickets } from '../http/tickets.js';

export default async function teacherLive(
  app: FastifyInstance,
  o: { tickets: Tickets; remoteAllowed: boolean },
): Promise<void> {
  app.get<{ Querystring: { ticket?: string } }>(
    '/ws/teacher',
    {
      websocket: true,
      preValidation: async (req, reply) => {
        const refuse = (status: number, code: string, message: string) =>
          reply
            .code(status)
            .send({ statusCode: status, code, error: status === 401 ? 'Unauthorized' : 'Forbidden', message });
        if (!o.remoteAllowed && !isLoopback(req.ip))
          return refuse(403, ErrorCode.FORBIDDEN, 'The dashboard is only available on this machine.');
        // A page from another site must not be able to open the teacher's feed (CSWSH).
        const origin = req.headers.origin;
        if (origin !== undefined && new URL(origin, 'http://invalid').host !== req.headers.host) {
          return refuse(403, ErrorCode.FORBIDDEN, 'Cross-origin connection refused.');
        }
        if (!o.tickets.redeem(req.query.ticket ?? ''))
          return refuse(401, ErrorCode.UNAUTHORIZED, 'Missing, used or expired ticket.');
      },
    },
    (socket) => {
      socket.on('error', () => {});
      app.feed.add(socket);
    },
  );
}
