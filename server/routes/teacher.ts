// The teacher's API. Everything here needs the admin token and, unless READERAI_TEACHER_REMOTE is
// on, a caller on this machine (the guard runs before any route in this plugin).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ClassroomView, FeedItem, StudentView } from '../../shared/protocol/index.js';
import { checkTeacherCaller, type TeacherGuardOptions } from '../http/security.js';
import { reportCsv } from '../classroom/report.js';
import { Tickets } from '../http/tickets.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
type IdParams = Static<typeof IdParams>;
const Ok = Type.Object({ ok: Type.Literal(true) });
const ok = { ok: true as const };

export interface TeacherRoutesOptions extends TeacherGuardOptions {
  tickets: Tickets;
}

export default async function teacher(app: FastifyInstance, o: TeacherRoutesOptions): Promise<void> {
  app.addHook('onRequest', async (req) => checkTeacherCaller(req, o));

  app.get(
    '/classroom',
    {
      schema: {
        response: { 200: Type.Composite([ClassroomView, Type.Object({ students: Type.Array(StudentView) })]) },
      },
    },
    async () => {
      const { classroom } = app;
      const now = Date.now();
      return {
        ...classroom.view(),
        students: [...classroom.students.values()].map((s) => classroom.studentView(s, now)),
      };
    },
  );

  app.get('/feed', { schema: { response: { 200: Type.Array(FeedItem) } } }, async () =>
    [...app.desk.questions.values()].map((q) => app.desk.feedItem(q)),
  );

  /** A short-lived, single-use ticket for the live feed socket (browsers cannot set headers on it). */
  app.post('/ticket', async () => ({ ticket: o.tickets.issue(), expiresInMs: o.tickets.ttlMs }));

  app.post('/classroom/rotate-code', { schema: { response: { 200: ClassroomView } } }, async () => {
    app.classroom.rotateCode();
    return app.classroom.view();
  });

  const Locked = Type.Object({ locked: Type.Boolean() });
  app.post<{ Body: Static<typeof Locked> }>(
    '/classroom/lock',
    { schema: { body: Locked, response: { 200: ClassroomView } } },
    async (req) => {
      app.classroom.setJoinLocked(req.body.locked);
      return app.classroom.view();
    },
  );

  const Host = Type.Object({ host: Type.Union([Type.String({ maxLength: 255 }), Type.Null()]) });
  app.post<{ Body: Static<typeof Host> }>(
    '/classroom/public-host',
    { schema: { body: Host, response: { 200: ClassroomView } } },
    async (req) => {
      app.classroom.setPublicHost(req.body.host);
      return app.classroom.view();
    },
  );

  const AssignBook = Type.Object({ bookId: Type.String({ minLength: 1, maxLength: 64 }) });
  app.post<{ Body: Static<typeof AssignBook> }>(
    '/classroom/book',
    { schema: { body: AssignBook, response: { 200: ClassroomView } } },
    async (req) => {
      app.classroom.assignBook(req.body.bookId);
      return app.classroom.view();
    },
  );

  app.post('/classroom/end', { schema: { response: { 200: ClassroomView } } }, async () => {
    app.classroom.endSession();
    app.desk.questions.clear();
    return app.classroom.view();
  });

  const studentAction = (path: string, act: (id: string) => void) =>
    app.post<{ Params: IdParams }>(
      `/students/:id/${path}`,
      { schema: { params: IdParams, response: { 200: Ok } } },
      async (req) => {
        act(req.params.id);
        return ok;
      },
    );
  studentAction('remove', (id) => app.classroom.remove(id));
  studentAction('block', (id) => app.classroom.block(id));
  studentAction('unblock', (id) => app.classroom.unblock(id));
  studentAction('lower-hand', (id) => app.classroom.lowerHand(id));

  const Answer = Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) });
  app.post<{ Params: IdParams; Body: Static<typeof Answer> }>(
    '/questions/:id/answer',
    { schema: { params: IdParams, body: Answer, response: { 200: Ok } } },
    async (req) => {
      app.desk.answerByTeacher(req.params.id, req.body.text);
      return ok;
    },
  );

  const Hide = Type.Object({ hidden: Type.Boolean() });
  app.post<{ Params: IdParams; Body: Static<typeof Hide> }>(
    '/questions/:id/hide',
    { schema: { params: IdParams, body: Hide, response: { 200: Ok } } },
    async (req) => {
      app.desk.hide(req.params.id, req.body.hidden);
      return ok;
    },
  );

  app.get('/settings', async () => app.settings.view());
  const SettingsChange = Type.Record(Type.String(), Type.Unknown());
  app.put<{ Body: Static<typeof SettingsChange> }>('/settings', { schema: { body: SettingsChange } }, async (req) => {
    app.settings.update(req.body);
    return app.settings.view();
  });

  /** Which AI route answers (or why none does), for the dashboard's AI badge. */
  app.get('/ai', async () => app.relay.aiStatus());
  /** One short trial request through the configured route (the settings screen's button). */
  app.post('/ai/check', async () => app.relay.checkRoute());

  app.get('/report.csv', async (_req, reply) => {
    const { classroom, library } = app;
    const now = Date.now();
    const csv = reportCsv(
      [...classroom.students.values()].map((s) => classroom.studentView(s, now)),
      (id) => library.get(id)?.title ?? id,
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
  app.post<{ Body: Static<typeof NewBook> }>(
    '/books',
    { schema: { body: NewBook }, bodyLimit: 6 * 1024 * 1024 },
    async (req) => {
      const book = app.library.add(req.body.title.trim(), req.body.text);
      return { id: book.id, title: book.title, wordCount: book.words.length };
    },
  );

  app.get('/stats', async () => {
    const relay = app.relay.stats();
    // Student-hours of reading this session: the denominator of the AI's cost per student-hour.
    let readMs = 0;
    for (const s of app.classroom.students.values()) readMs += s.readMs;
    const studentHours = readMs / 3_600_000;
    const cost = typeof relay.costUsd === 'number' ? relay.costUsd : 0;
    return {
      relay,
      studentHours: Number(studentHours.toFixed(3)),
      costPerStudentHourUsd: studentHours > 0 ? Number((cost / studentHours).toFixed(4)) : null,
      writer: app.classroom.writer.stats,
      checkpoints: app.checkpointer.stats,
      droppedSlowTablets: app.outbox.dropped,
    };
  });
}
