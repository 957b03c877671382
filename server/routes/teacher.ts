// The teacher's API. Every route acts on the class of the caller's teacher token (the admin token:
// the first class) and, unless READERAI_TEACHER_REMOTE is on, wants a caller on this machine (the
// guard runs before any route in this plugin and leaves the class on the request).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ClassroomView, ErrorCode, FeedItem, LessonView, StudentView } from '../../shared/protocol/index.js';
import type { Classroom } from '../classroom/classroom.js';
import { CLASS_NAME_MAX } from '../classroom/registry.js';
import { reportCsv } from '../classroom/report.js';
import { DomainError } from '../errors.js';
import { safeEqual, teacherClassOf, type AccessOptions } from '../http/security.js';
import type { Tickets } from '../http/tickets.js';

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
      const now = Date.now();
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
  studentAction('block', (room, id) => room.block(id));
  studentAction('unblock', (room, id) => room.unblock(id));
  studentAction('lower-hand', (room, id) => room.lowerHand(id));

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

  app.get('/settings', async () => app.settings.view());
  const SettingsChange = Type.Record(Type.String(), Type.Unknown());
  app.put('/settings', { schema: { body: SettingsChange } }, async (req) => {
    // The settings are the server's, shared by every class: a teacher's link cannot change them.
    if (!isAdmin(req.headers.authorization)) {
      throw new DomainError(
        ErrorCode.FORBIDDEN,
        "These settings apply to every class on the server; changing them needs IT's admin token.",
      );
    }
    app.settings.update(req.body);
    return app.settings.view();
  });

  /** Which AI route answers (or why none does), for the dashboard's AI badge. */
  app.get('/ai', async () => app.relay.aiStatus());
  /** One short trial request through the configured route (the settings screen's button). */
  app.post('/ai/check', async () => app.relay.checkRoute());

  app.get('/report.csv', async ({ room }, reply) => {
    const now = Date.now();
    const csv = reportCsv(
      [...room.students.values()].map((s) => room.studentView(s, now)),
      (id) => app.library.get(id)?.title ?? id,
    );
    const day = new Date(now).toISOString().slice(0, 10);
    return reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="readerai-report-${day}.csv"`)
      .send(csv);
  });

  const NewBook = Type.Object({
    title: Type.String({ minLength: 1, maxLength: 200 }),
    text: Type.String({ minLength: 1, maxLength: 5_000_000 }),
  });
  app.post('/books', { schema: { body: NewBook }, bodyLimit: 6 * 1024 * 1024 }, async (req) => {
    const book = app.library.add(req.body.title.trim(), req.body.text);
    return { id: book.id, title: book.title, wordCount: book.words.length };
  });

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
    };
  });

  function isAdmin(authorization: string | undefined): boolean {
    return authorization !== undefined && safeEqual(authorization, `Bearer ${o.adminToken}`);
  }
};

export default teacher;
