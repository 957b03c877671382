// A narrated book's audio: POST /api/audio/pass gives a tablet its pass (a cookie, see
// server/http/audio-pass.ts) and GET /api/audio/:bookId/:file serves a clip's file, with Range
// requests, an ETag and a year's cache (a file's name is its content's hash, so it never changes),
// only to a student of a class that has the book, or to that class's teacher (or IT's token).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { Type, type Static } from '@sinclair/typebox';
import { ErrorCode } from '../../shared/protocol/index.js';
import { DomainError } from '../errors.js';
import { AudioPasses, passFromCookie } from '../http/audio-pass.js';
import { safeEqual } from '../http/security.js';

const PassRequest = Type.Object({ classId: Type.String({ minLength: 1, maxLength: 64 }) });
const AudioParams = Type.Object({
  bookId: Type.String({ minLength: 1, maxLength: 64 }),
  file: Type.String({ minLength: 1, maxLength: 64 }),
});

/** Audio served since start: what the capacity model's network bound is measured from. */
export interface AudioStats {
  requests: number;
  bytesSent: number;
}

export default async function audio(
  app: FastifyInstance,
  o: { tls: boolean; adminToken: string; stats: AudioStats },
): Promise<void> {
  const passes = new AudioPasses();
  // Only for reply.sendFile (Range, ETag, 304, 416); the route below decides who gets what.
  await app.register(fastifyStatic, { root: app.library.folder, serve: false });

  app.post<{ Body: Static<typeof PassRequest> }>(
    '/api/audio/pass',
    { schema: { body: PassRequest }, bodyLimit: 4096 },
    async (req, reply) => {
      const held = app.classes.authenticate(req.body.classId, bearer(req));
      if (!held) throw new DomainError(ErrorCode.UNAUTHORIZED, 'Missing or wrong student token for this class.');
      const pass = passes.issue({ classId: held.room.id, studentId: held.student.id });
      reply.header('Set-Cookie', passes.cookie(pass, o.tls)).header('Cache-Control', 'no-store');
      return { expiresInMs: passes.ttlMs };
    },
  );

  app.get<{ Params: Static<typeof AudioParams> }>(
    '/api/audio/:bookId/:file',
    { schema: { params: AudioParams } },
    async (req, reply) => {
      const { bookId, file } = req.params;
      if (!mayHear(req, bookId)) {
        throw new DomainError(ErrorCode.FORBIDDEN, "This book's audio is only for the classes reading it.");
      }
      const found = app.library.audioFile(bookId, file);
      if (!found) throw new DomainError(ErrorCode.NOT_FOUND, `No audio "${file}" in book "${bookId}".`);
      // private: the audio may be licensed to the school; no shared cache should keep it.
      reply.header('Cache-Control', 'private, max-age=31536000, immutable');
      reply.header('Content-Type', file.endsWith('.mp3') ? 'audio/mpeg' : 'audio/mp4');
      // Counted as the bytes leave (a 304 or a cut-off download counts what was really sent).
      const before = req.raw.socket.bytesWritten;
      reply.raw.once('close', () => {
        o.stats.requests++;
        o.stats.bytesSent += Math.max(0, req.raw.socket.bytesWritten - before);
      });
      return reply.sendFile(found.file, found.folder, { cacheControl: false, lastModified: false, dotfiles: 'deny' });
    },
  );

  /** A student's pass for a class that has the book, or a teacher's token of such a class. */
  function mayHear(req: FastifyRequest, bookId: string): boolean {
    const token = bearer(req);
    if (token && safeEqual(token, o.adminToken)) return true;
    const teacherRoom = token ? app.classes.byToken(token) : undefined;
    if (teacherRoom) return teacherRoom.hasBook(bookId);
    const pass = passFromCookie(req.headers.cookie);
    const holder = pass ? passes.verify(pass) : undefined;
    if (!holder)
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'Audio needs a pass from this class (POST /api/audio/pass).');
    const room = app.classes.get(holder.classId);
    const student = room?.students.get(holder.studentId);
    return room !== undefined && student !== undefined && !student.blocked && room.hasBook(bookId);
  }
}

function bearer(req: FastifyRequest): string {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : '';
}
