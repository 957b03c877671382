// The two web apps, built by Vite into dist/renderer: the student app at / (and /join, the QR
// code's target) and the teacher dashboard at /teacher/.
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { ErrorCode } from '../../shared/protocol/codes.js';

export default async function web(app: FastifyInstance, o: { root: string }): Promise<void> {
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
}
