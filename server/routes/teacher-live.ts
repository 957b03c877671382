// GET /ws/teacher?ticket=...: a dashboard's live feed (SNAPSHOT, then DELTA frames) of the one class
// whose token asked for the ticket.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type {} from '@fastify/websocket';
import { ErrorCode } from '../../shared/protocol/codes.js';
import type { Classroom } from '../classroom/classroom.js';
import { DomainError } from '../errors.js';
import { isLoopback } from '../http/security.js';
import type { Tickets } from '../http/tickets.js';

type Ticketed = FastifyRequest & { feedOf?: Classroom };

const teacherLive: FastifyPluginAsyncTypebox<{ tickets: Tickets; remoteAllowed: boolean }> = async (app, o) => {
  app.get<{ Querystring: { ticket?: string } }>(
    '/ws/teacher',
    {
      websocket: true,
      // Refused before the upgrade, with the same error bodies as every other route.
      preValidation: async (req) => {
        if (!o.remoteAllowed && !isLoopback(req.ip))
          throw new DomainError(ErrorCode.FORBIDDEN, 'The dashboard is only available on this machine.');
        // A page from another site must not be able to open the teacher's feed (CSWSH).
        const origin = req.headers.origin;
        if (origin !== undefined && new URL(origin, 'http://invalid').host !== req.headers.host) {
          throw new DomainError(ErrorCode.FORBIDDEN, 'Cross-origin connection refused.');
        }
        const classId = o.tickets.redeem(req.query.ticket ?? '');
        const room = classId === undefined ? undefined : app.classes.get(classId);
        if (!room) throw new DomainError(ErrorCode.UNAUTHORIZED, 'Missing, used or expired ticket.');
        (req as Ticketed).feedOf = room;
      },
    },
    (socket, req) => (req as Ticketed).feedOf!.feed.add(socket),
  );
};

export default teacherLive;
