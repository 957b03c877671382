// The answer a refused connection gets: a status the tablet acts on (the student app shows the
// message and waits out Retry-After; a WebSocket attempt fails and backs off), a sentence a child
// or a teacher can read, and the connection closed after it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../../shared/protocol/codes.js';
import type { Refusal } from './admission.js';

const ANSWERS = {
  full: {
    status: 503,
    code: ErrorCode.SERVER_FULL,
    error: 'Service Unavailable',
    retryAfter: 10,
    message:
      'The class computer has no room for more tablets right now. ' +
      'Wait a moment and try again; if it keeps happening, tell your teacher.',
  },
  address: {
    status: 429,
    code: ErrorCode.TOO_MANY_CONNECTIONS,
    error: 'Too Many Requests',
    retryAfter: 5,
    message: 'Too many connections from this network at once. Wait a moment and try again.',
  },
} as const;

export function refuse(req: FastifyRequest, reply: FastifyReply, why: Refusal): FastifyReply {
  const a = ANSWERS[why];
  reply.code(a.status).header('Retry-After', String(a.retryAfter)).header('Connection', 'close');
  // A page load shows a page; everything else (join, books, WebSocket upgrades) gets the JSON body.
  if ((req.headers.accept ?? '').includes('text/html')) {
    return reply
      .type('text/html; charset=utf-8')
      .send(
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>ReaderAI: please wait</title>' +
          `<p>${a.message}</p></html>`,
      );
  }
  return reply.send({ statusCode: a.status, code: a.code, error: a.error, message: a.message });
}
