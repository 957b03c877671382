// The three web apps, built by Vite into dist/renderer: the student app at / (and /join, the QR
// code's target), the teacher dashboard at /teacher/, and IT's school view at /admin/ (served
// only on this machine, like the API behind it).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { DomainError } from '../errors.js';
import { isLoopback } from '../http/security.js';

const web: FastifyPluginAsyncTypebox<{ root: string }> = async (app, o) => {
  app.addHook('onRequest', async (req) => {
    if (isAdminPage(req.url) && !isLoopback(req.ip)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'The school view answers only on the machine running ReaderAI.');
    }
  });
  if (!existsSync(o.root)) {
    app.log.warn({ root: o.root }, 'web apps not built; run `npm run build`');
    const notBuilt = async (_req: unknown, reply: import('fastify').FastifyReply) =>
      reply.code(503).send({
        statusCode: 503,
        code: ErrorCode.NOT_FOUND,
        error: 'Service Unavailable',
        message: 'The web apps are not built. Run `npm run build`.',
      });
    app.get('/', notBuilt);
    app.get('/join', notBuilt);
    app.get('/teacher/', notBuilt);
    app.get('/admin/', notBuilt);
    return;
  }
  // @fastify/static resolves paths inside root only (no traversal) and serves index.html for
  // directories; hashed assets may be cached for long, pages must be revalidated.
  await app.register(fastifyStatic, {
    root: o.root,
    wildcard: true,
    index: ['index.html'],
    setHeaders: (res, path) => {
      res.setHeader(
        'Cache-Control',
        /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.get('/join', (_req, reply) => reply.sendFile('index.html'));
  app.get('/teacher', (_req, reply) => reply.redirect('/teacher/'));
  app.get('/admin', (_req, reply) => reply.redirect('/admin/'));
};

/** /admin or below, however the path is spelled (escaped, or in another case on Windows and macOS). */
function isAdminPage(url: string): boolean {
  let path = url.split('?')[0]!;
  try {
    path = decodeURIComponent(path);
  } catch {
    // Not valid escapes: the static server refuses it anyway.
  }
  path = path
    .toLowerCase()
    .replace(/\\/g, '/')
    .replace(/\/{2,}/g, '/');
  return path === '/admin' || path.startsWith('/admin/');
}

export default web;
