// The teacher's API. Every route acts on the class of the caller's teacher token (the admin token:
// the first class) and, unless READERAI_TEACHER_REMOTE is on, wants a caller on this machine (the
// guard runs before any route in this plugin and leaves the class on the request).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import {
  ChildHistory,
  ClassroomView,
  ErrorCode,
  FeedItem,
  Limits,
  LessonView,
  RosterPut,
  RosterView,
  StudentView,
} from '../../shared/protocol/index.js';
import type { Classroom } from '../classroom/classroom.js';
import { CLASS_NAME_MAX } from '../classroom/registry.js';
import { childCsv, reportCsv } from '../classroom/report.js';
import { DomainError } from '../errors.js';
import { safeEqual, teacherClassOf, type AccessOptions } from '../http/security.js';
import type { Tickets } from '../http/tickets.js';
import { tooLarge } from '../books/upload.js';
import type { AudioStats } from './audio.js';
import type { Readable } from 'node:stream';

const EPUB = 'application/epub+zip';
/** The title to fall back on when the EPUB names none: the file's name (sent percent-encoded). */
function fileStem(name: string): string {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // A name that is not percent-encoded is used as it came.
  }
  return decoded
    .replace(/\.epub$/i, '')
    .replace(/[_-]+/g, ' ')
    .trim();
}
const isEpub = (type: string | undefined) => (type ?? '').split(';')[0]!.trim().toLowerCase() === EPUB;

declare module 'fastify' {
  interface FastifyRequest {
    /** The class a teacher route acts on (set by the guard). */
    room: Classroom;
  }
}

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const Ok = Type.Object({ ok: Type.Literal(true) });
const ok = { ok: true as const };

export interface TeacherRoutesOptions extends AccessOptions {
  tickets: Tickets;
  /** Narrated books' audio served (GET /api/audio/…), for /stats. */
  audioStats: AudioStats;
}

const teacher: FastifyPluginAsyncTypebox<TeacherRoutesOptions> = async (app, o) => {
  app.decorateRequest('room', null as unknown as Classroom);
  app.addHook('onRequest', async (req) => {
    req.room = teacherClassOf(req, o);
  });

  app.get(
    '/classroom',
    {
      schema: {
        response: { 200: Type.Composite([ClassroomView, Type.Object({ students: Type.Array(StudentView) })]) },
      },
    },
    async ({ room }) => {
      const now = room.now();
      return { ...room.classroom(), students: [...room.students.values()].map((s) => room.studentView(s, now)) };
    },
  );

  app.get('/feed', { schema: { response: { 200: Type.Array(FeedItem) } } }, async ({ room }) =>
    [...room.desk.questions.values()].map((q) => room.desk.feedItem(q)),
  );

  /** A short-lived, single-use ticket for this class's live feed (browsers cannot set headers on a socket). */
  app.post('/ticket', async ({ room }) => ({ ticket: o.tickets.issue(room.id), expiresInMs: o.tickets.ttlMs }));

  const Name = Type.Object({ name: Type.String({ maxLength: CLASS_NAME_MAX * 2 }) });
  app.post('/classroom/name', { schema: { body: Name, response: { 200: ClassroomView } } }, async ({ room, body }) => {
    o.classes.rename(room, body.name);
    return room.classroom();
  });

  app.post('/classroom/rotate-code', { schema: { response: { 200: ClassroomView } } }, async ({ room }) => {
    o.classes.rotateCode(room);
    return room.classroom();
  });

  const Locked = Type.Object({ locked: Type.Boolean() });
  app.post(
    '/classroom/lock',
    { schema: { body: Locked, response: { 200: ClassroomView } } },
    async ({ room, body }) => {
      room.setJoinLocked(body.locked);
      return room.classroom();
    },
  );

  const Host = Type.Object({ host: Type.Union([Type.String({ maxLength: 255 }), Type.Null()]) });
  app.post(
    '/classroom/public-host',
    { schema: { body: Host, response: { 200: ClassroomView } } },
    async ({ room, body }) => {
      room.setPublicHost(body.host);
      return room.classroom();
    },
  );

  const AssignBook = Type.Object({ bookId: Type.String({ minLength: 1, maxLength: 64 }) });
  app.post(
    '/classroom/book',
    { schema: { body: AssignBook, response: { 200: ClassroomView } } },
    async ({ room, body }) => {
      room.assignBook(body.bookId);
      return room.classroom();
    },
  );

  /** Opens a lesson (the code admits students) or ends it (tablets are let go; the class stays). */
  const Lesson = Type.Object({ open: Type.Boolean() });
  app.post('/lesson', { schema: { body: Lesson, response: { 200: ClassroomView } } }, async ({ room, body }) => {
    if (body.open) room.openLesson();
    else room.endLesson();
    return room.classroom();
  });

  app.get('/lessons', { schema: { response: { 200: Type.Array(LessonView) } } }, async ({ room }) =>
    room.lessons().map((l) => ({ lessonId: l.id, startedAt: l.startedAt, endedAt: l.endedAt })),
  );

  const studentAction = (path: string, act: (room: Classroom, id: string) => void) =>
    app.post(`/students/:id/${path}`, { schema: { params: IdParams, response: { 200: Ok } } }, async (req) => {
      act(req.room, req.params.id);
      return ok;
    });
  studentAction('remove', (room, id) => room.remove(id));
  studentAction('put-back', (room, id) => room.putBack(id));
  studentAction('block', (room, id) => room.block(id));
  studentAction('unblock', (room, id) => room.unblock(id));
  studentAction('lower-hand', (room, id) => room.lowerHand(id));

  /** Removed from the lesson, records kept: what the dashboard can put back or delete. */
  app.get('/students/removed', { schema: { response: { 200: Type.Array(StudentView) } } }, async ({ room }) => {
    const now = room.now();
    return [...room.removed.values()].map((s) => room.studentView(s, now));
  });

  /** Deletes the student's record, erasing it; the WAL is emptied just after, without holding the reply. */
  app.delete('/students/:id', { schema: { params: IdParams } }, async ({ room, params }, reply) => {
    void room.erase(params.id);
    return reply.code(204).send();
  });

  /** Tells two children apart: the tablet shows the new name at once. */
  const StudentName = Type.Object({ name: Type.String({ maxLength: Limits.NAME_MAX * 4 }) });
  app.post(
    '/students/:id/name',
    { schema: { params: IdParams, body: StudentName, response: { 200: StudentView } } },
    async ({ room, params, body }) => {
      room.renameStudent(params.id, body.name);
      return room.studentView(room.students.get(params.id)!);
    },
  );

  /** The names children tap on the tablet (an empty list: they type their names). */
  app.get('/roster', { schema: { response: { 200: RosterView } } }, async ({ room }) => room.rosterView());
  app.put(
    '/roster',
    { schema: { body: RosterPut, response: { 200: RosterView } }, bodyLimit: 256 * 1024 },
    async ({ room, body }) => room.setRoster(body),
  );

  /** A tablet asked for a name in use on another tablet: let it take over, or not. */
  const Decision = Type.Object({ allow: Type.Boolean() });
  app.post(
    '/takeovers/:id',
    { schema: { params: IdParams, body: Decision, response: { 200: Ok } } },
    async ({ room, params, body }) => {
      room.decideTakeover(params.id, body.allow);
      return ok;
    },
  );

  const Answer = Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) });
  app.post(
    '/questions/:id/answer',
    { schema: { params: IdParams, body: Answer, response: { 200: Ok } } },
    async ({ room, params, body }) => {
      room.desk.answerByTeacher(params.id, body.text);
      return ok;
    },
  );

  const Hide = Type.Object({ hidden: Type.Boolean() });
  app.post(
    '/questions/:id/hide',
    { schema: { params: IdParams, body: Hide, response: { 200: Ok } } },
    async ({ room, params, body }) => {
      room.desk.hide(params.id, body.hidden);
      return ok;
    },
  );

  // Class settings (AI answers, grade, limits...) are the caller's class's own; the server's
  // settings are shared by every class, so only the admin token changes them (config.ts).
  const caller = (req: FastifyRequest) => ({ classId: req.room.id, admin: isAdmin(req.headers.authorization) });
  app.get('/settings', async (req) => app.settings.view(caller(req)));
  const SettingsChange = Type.Record(Type.String(), Type.Unknown());
  app.put('/settings', { schema: { body: SettingsChange } }, async (req) => {
    app.settings.update(req.body, caller(req));
    return app.settings.view(caller(req));
  });

  /** Which AI route answers this class (or why none does), for the dashboard's AI badge. */
  app.get('/ai', async ({ room }) => app.relay.aiStatus(room.policy()));
  /** One short trial request through the configured route (the settings screen's button). */
  app.post('/ai/check', async () => app.relay.checkRoute());

  const day = (now: number) => new Date(now).toISOString().slice(0, 10);
  const csv = (reply: FastifyReply, name: string, text: string) =>
    reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${name}"`)
      .send(text);
  const titleOf = (id: string) => app.library.get(id)?.title ?? id;

  /** The class across every lesson: one row per child, removed children included. */
  app.get('/report.csv', async ({ room }, reply) => {
    const now = room.now();
    const roster = new Map([...room.students.values()].map((s) => [s.id, room.studentView(s, now)]));
    return csv(reply, `readerai-report-${day(now)}.csv`, reportCsv(room.history(), roster, titleOf));
  });

  const childOf = (room: Classroom, studentId: string) => {
    const child = room.history().find((c) => c.studentId === studentId);
    if (!child) throw new DomainError(ErrorCode.NOT_FOUND, `No student "${studentId}" in this class.`);
    return child;
  };
  /** One child's reading, questions and looked-up words, lesson by lesson. */
  app.get(
    '/students/:id/history',
    { schema: { params: IdParams, response: { 200: ChildHistory } } },
    async ({ room, params }) => childOf(room, params.id),
  );
  app.get('/students/:id/report.csv', { schema: { params: IdParams } }, async ({ room, params }, reply) =>
    csv(reply, `readerai-student-report-${day(room.now())}.csv`, childCsv(childOf(room, params.id))),
  );

  const NewBook = Type.Object({
    title: Type.String({ minLength: 1, maxLength: 200 }),
    text: Type.String({ minLength: 1, maxLength: 5_000_000 }),
  });
  // An EPUB arrives as the body itself and is streamed to disk by the library, never buffered.
  app.addContentTypeParser(EPUB, (_req, payload, done) => done(null, payload));
  app.post<{ Body: Static<typeof NewBook> | Readable; Headers: { 'x-book-name'?: string } }>(
    '/books',
    // JSON is checked against NewBook; an EPUB is checked by the importer as it reads it.
    { schema: { body: { content: { 'application/json': { schema: NewBook } } } }, bodyLimit: 6 * 1024 * 1024 },
    async (req) => {
      const book = isEpub(req.headers['content-type'])
        ? await importEpub(req.body as Readable, req.headers)
        : addText(req.body as Static<typeof NewBook>);
      return {
        id: book.id,
        title: book.title,
        wordCount: book.words.length,
        narrated: book.clips.length > 0,
        builtin: false,
      };
    },
  );

  app.delete('/books/:id', { schema: { params: IdParams, response: { 200: Ok } } }, async ({ params }) => {
    // From the database: with several socket workers, other workers' classes count too.
    const inUseBy = app.store
      .classes()
      .filter((r) => r.bookId === params.id && r.archivedAt === null)
      .map((r) => `"${r.name}"`);
    await app.library.delete(params.id, inUseBy);
    return ok;
  });

  async function importEpub(body: Readable, headers: { 'content-length'?: string; 'x-book-name'?: string }) {
    const maxBytes = app.settings.current.maxBookMb * 1024 * 1024;
    // Refused before a byte is read when the size is said up front; otherwise while it streams.
    if (Number(headers['content-length'] ?? 0) > maxBytes) throw tooLarge(maxBytes);
    const name = fileStem(headers['x-book-name'] ?? '');
    return app.library.importEpub(body, { maxBytes, fallbackTitle: name.slice(0, 200) || 'Untitled' });
  }

  function addText(body: Static<typeof NewBook>) {
    if (body === undefined || typeof body !== 'object')
      throw new DomainError(ErrorCode.BAD_REQUEST, `A book is JSON {title, text} or an EPUB sent as ${EPUB}.`);
    return app.library.add(body.title.trim(), body.text);
  }

  app.get('/stats', async ({ room }) => {
    const relay = app.relay.stats();
    // Student-hours of reading in this class: the denominator of the AI's cost per student-hour.
    let readMs = 0;
    for (const s of room.students.values()) readMs += s.readMs;
    const studentHours = readMs / 3_600_000;
    const cost = typeof relay.costUsd === 'number' ? relay.costUsd : 0;
    return {
      relay,
      studentHours: Number(studentHours.toFixed(3)),
      costPerStudentHourUsd: studentHours > 0 ? Number((cost / studentHours).toFixed(4)) : null,
      writer: app.writer.stats,
      checkpoints: app.checkpointer.stats,
      droppedSlowTablets: app.outbox.dropped,
      audio: { ...o.audioStats },
      // These figures are this class's socket worker's (each worker has its own relay and writer).
      worker: app.worker,
    };
  });

  function isAdmin(authorization: string | undefined): boolean {
    return authorization !== undefined && safeEqual(authorization, `Bearer ${o.adminToken}`);
  }
};

export default teacher;
