import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  JoinRequest,
  JoinResponse,
  RosterNames,
  RosterNamesRequest,
  TakeoverPending,
  TakeoverPoll,
} from '../../shared/protocol/index.js';
import type { JoinOutcome } from '../classroom/classroom.js';

const PENDING_MESSAGE = 'This name is in use on another tablet. Your teacher has been asked; please wait a moment.';

/**
 * POST /api/join: a tablet joins the class whose code it typed (or resumes with its token).
 * POST /api/join/roster: the names a child may tap, for a right code only.
 * POST /api/join/takeover: a tablet waiting for the teacher asks for the answer.
 */
const join: FastifyPluginAsyncTypebox<{ tls: boolean }> = async (app, opts) => {
  // Joins are rare; a body larger than this is not a join.
  const bodyLimit = 4096;
  const outcomeSchema = { 200: JoinResponse, 202: TakeoverPending };

  /** 200 with the join, or 202 while the teacher decides. */
  const reply = (req: FastifyRequest, res: FastifyReply, outcome: JoinOutcome) => {
    if ('pending' in outcome) {
      const { secret, student } = outcome.pending;
      return res.code(202).send({ requestId: secret, name: student.name, message: PENDING_MESSAGE });
    }
    const { room, student, token, resumed } = outcome;
    // The tablet reached us through this Host; its socket should use the same one.
    const host = req.headers.host ?? room.publicHost();
    return res.send({
      studentId: student.id,
      sessionId: room.id,
      token,
      wsUrl: `${opts.tls ? 'wss' : 'ws'}://${host}/ws/${room.id}?token=${encodeURIComponent(token)}`,
      name: student.name,
      resumed,
    });
  };

  app.post('/api/join', { schema: { body: JoinRequest, response: outcomeSchema }, bodyLimit }, async (req, res) =>
    reply(req, res, app.classes.join(req.body, req.ip)),
  );

  app.post(
    '/api/join/roster',
    { schema: { body: RosterNamesRequest, response: { 200: RosterNames } }, bodyLimit },
    async (req) => ({ names: app.classes.rosterNames(req.body.classCode, req.ip) }),
  );

  app.post(
    '/api/join/takeover',
    { schema: { body: TakeoverPoll, response: outcomeSchema }, bodyLimit },
    async (req, res) => reply(req, res, app.classes.takeoverAnswer(req.body.requestId)),
  );
};

export default join;
