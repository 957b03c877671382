// The one place domain errors become HTTP: each ErrorCode has its status here, and every error
// body has the same shape, `{ statusCode, code, error, message }` (ErrorBody in shared/protocol).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors.js';
import { ErrorCode } from '../../shared/protocol/codes.js';

const STATUS: Record<ErrorCode, number> = {
  BAD_JSON: 400,
  BAD_MESSAGE: 400,
  UNKNOWN_TYPE: 400,
  BINARY_NOT_ALLOWED: 400,
  UNKNOWN_BOOK: 404,
  BAD_WORD_INDEX: 400,
  TOO_MANY_MESSAGES: 429,
  ANSWER_FAILED: 503,
  WRONG_CLASS_CODE: 403,
  BAD_NAME: 400,
  BAD_TOKEN: 401,
  JOIN_LOCKED: 403,
  LESSON_CLOSED: 403,
  BLOCKED: 403,
  STUDENT_DELETED: 410,
  TAKEOVER_DENIED: 403,
  TOO_MANY_ATTEMPTS: 429,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_REQUEST: 400,
  CONFLICT: 409,
  TOO_MANY_CONNECTIONS: 429,
  SERVER_BUSY: 503,
  SERVER_FULL: 503,
  BAD_BOOK: 400,
  BOOK_TOO_LARGE: 413,
  UNSUPPORTED_AUDIO: 415,
};

/** Sends DomainErrors as `{ statusCode, code, error, message }`; anything else is a logged 500. */
export function errorHandler(app: FastifyInstance): void {
  // Unknown paths get the same body shape as every other error (Fastify's default has no `code`).
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({
      statusCode: 404,
      code: ErrorCode.NOT_FOUND,
      error: 'Not Found',
      message: `Nothing at ${req.method} ${req.url.slice(0, 200)}.`,
    }),
  );
  app.setErrorHandler(
    (
      err: Error & { statusCode?: number; code?: string; validation?: unknown },
      req: FastifyRequest,
      reply: FastifyReply,
    ) => {
      if (err instanceof DomainError) {
        const status = STATUS[err.code];
        if (err.retryAfterSeconds !== undefined) reply.header('Retry-After', String(err.retryAfterSeconds));
        return reply
          .code(status)
          .send({ statusCode: status, code: err.code, error: reasonPhrase(status), message: err.message });
      }
      if (err.validation) {
        return reply
          .code(400)
          .send({ statusCode: 400, code: ErrorCode.BAD_REQUEST, error: 'Bad Request', message: err.message });
      }
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) req.log.error({ err }, 'request failed');
      return reply.code(status).send({
        statusCode: status,
        code: status === 500 ? 'INTERNAL' : ErrorCode.BAD_REQUEST,
        error: reasonPhrase(status),
        message: status === 500 ? 'Something went wrong on the server; it has been logged.' : err.message,
      });
    },
  );
}

function reasonPhrase(status: number): string {
  return (
    {
      400: 'Bad Request',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'Not Found',
      409: 'Conflict',
      410: 'Gone',
      413: 'Payload Too Large',
      415: 'Unsupported Media Type',
      429: 'Too Many Requests',
      503: 'Service Unavailable',
    }[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error')
  );
}
