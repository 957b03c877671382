// Security headers on every response, and the guards: a teacher acts on the class of their token
// (the admin token acts on the first class), from this machine unless READERAI_TEACHER_REMOTE is
// on; IT's routes want the admin token and this machine, always.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Classroom } from '../classroom/classroom.js';
import type { ClassRegistry } from '../classroom/registry.js';
import { DomainError } from '../errors.js';
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

export interface AccessOptions {
  adminToken: string;
  /** READERAI_TEACHER_REMOTE: teachers may call from other machines (IT's routes never). */
  remoteAllowed: boolean;
  classes: ClassRegistry;
}

/** With the admin token, the class a teacher request acts on (absent: the first class). */
export const CLASS_HEADER = 'x-readerai-class';

/**
 * The class a teacher request acts on: the class of its teacher token, or for the admin token the
 * class named by X-ReaderAI-Class, else the first class (so a single-class install and its
 * scripts work as before). Throws unless the caller may act as that class's teacher.
 */
export function teacherClassOf(req: FastifyRequest, o: AccessOptions): Classroom {
  if (!o.remoteAllowed && !isLoopback(req.ip)) {
    throw new DomainError(
      ErrorCode.FORBIDDEN,
      'The teacher dashboard is only available on the machine running ReaderAI (READERAI_TEACHER_REMOTE is off).',
    );
  }
  const token = bearerToken(req);
  if (token && safeEqual(token, o.adminToken)) {
    // The desktop app is the machine's admin: its dashboard names the class it is showing.
    const chosen = req.headers[CLASS_HEADER];
    return typeof chosen === 'string' && chosen !== '' ? o.classes.mustGet(chosen) : o.classes.first();
  }
  const room = token ? o.classes.byToken(token) : undefined;
  if (!room) throw new DomainError(ErrorCode.UNAUTHORIZED, 'Missing or wrong teacher or admin token.');
  return room;
}

/** Throws unless the request is IT's: on this machine, with the admin token. */
export function checkAdminCaller(req: FastifyRequest, o: AccessOptions): void {
  if (!isLoopback(req.ip)) {
    throw new DomainError(ErrorCode.FORBIDDEN, 'The school view answers only on the machine running ReaderAI.');
  }
  const token = bearerToken(req);
  if (token && safeEqual(token, o.adminToken)) return;
  if (token && o.classes.byToken(token)) {
    throw new DomainError(
      ErrorCode.FORBIDDEN,
      "A teacher's link manages its own class only; this needs IT's admin token.",
    );
  }
  throw new DomainError(ErrorCode.UNAUTHORIZED, 'Missing or wrong admin token.');
}

function bearerToken(req: FastifyRequest): string {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : '';
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What IT must hear when teacher links can be used across the LAN without TLS. */
export function clearTextWarning(remoteAllowed: boolean, tls: boolean): string | null {
  if (!remoteAllowed || tls) return null;
  return (
    'READERAI_TEACHER_REMOTE is on without TLS: teacher links (and the tokens in them) travel in clear text on ' +
    'the LAN, where anyone on the network can read them. Set READERAI_TLS_CERT and READERAI_TLS_KEY to serve HTTPS.'
  );
}
