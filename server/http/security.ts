// Security headers on every response, and the guard on everything the teacher can do: the admin
// token, and (unless READERAI_TEACHER_REMOTE is on) a caller on this machine.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../classroom/errors.js';
import { ErrorCode } from '../../shared/protocol/codes.js';

/** Host header values we are willing to echo into the CSP. */
const SAFE_HOST = /^[A-Za-z0-9.\-:[\]]{1,255}$/;

export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

export function securityHeaders(app: FastifyInstance, tls: boolean): void {
  app.addHook('onSend', async (req, reply) => {
    const host = req.headers.host && SAFE_HOST.test(req.headers.host) ? req.headers.host : '';
    // Older Safari does not treat ws: as 'self', so the socket origin is named explicitly.
    const sockets = host ? ` ${tls ? 'wss' : 'ws'}://${host}` : '';
    reply.header(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        `connect-src 'self'${sockets}`,
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    reply.header('Permissions-Policy', 'microphone=(self), camera=(), geolocation=(), payment=()');
    if (tls) reply.header('Strict-Transport-Security', 'max-age=31536000');
  });
}

export interface TeacherGuardOptions {
  adminToken: string;
  remoteAllowed: boolean;
}

/** Throws unless the request may act as the teacher. */
export function checkTeacherCaller(req: FastifyRequest, o: TeacherGuardOptions): void {
  if (!o.remoteAllowed && !isLoopback(req.ip)) {
    throw new HttpError(
      403,
      ErrorCode.FORBIDDEN,
      'The teacher dashboard is only available on the machine running ReaderAI (READERAI_TEACHER_REMOTE is off).',
    );
  }
  const header = req.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : '';
  if (!safeEqual(token, o.adminToken)) {
    throw new HttpError(401, ErrorCode.UNAUTHORIZED, 'Missing or wrong admin token.');
  }
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Sends HttpErrors as `{ statusCode, code, error, message }`; anything else is a logged 500. */
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
      if (err instanceof HttpError) {
        if (err.retryAfter !== undefined) reply.header('Retry-After', String(err.retryAfter));
        return reply.code(err.statusCode).send({
          statusCode: err.statusCode,
          code: err.code,
          error: reasonPhrase(err.statusCode),
          message: err.message,
        });
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
      413: 'Payload Too Large',
      415: 'Unsupported Media Type',
      429: 'Too Many Requests',
      503: 'Service Unavailable',
    }[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error')
  );
}
