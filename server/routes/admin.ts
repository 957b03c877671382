// IT's API for the school view (/admin/): every class, creating, archiving and deleting them, and
// each teacher's link. Needs the admin token and a caller on this machine, whatever
// READERAI_TEACHER_REMOTE says (the guard runs before any route in this plugin).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ClassSummary, CreatedClass, NewClass, ServerView } from '../../shared/protocol/index.js';
import type { Classroom } from '../classroom/classroom.js';
import { checkAdminCaller, clearTextWarning, type AccessOptions } from '../http/security.js';

const ClassParams = Type.Object({ classId: Type.String({ minLength: 1, maxLength: 64 }) });

export interface AdminRoutesOptions extends AccessOptions {
  tls: boolean;
  dataDir: string;
}

const admin: FastifyPluginAsyncTypebox<AdminRoutesOptions> = async (app, o) => {
  app.addHook('onRequest', async (req) => checkAdminCaller(req, o));

  /**
   * A teacher's link carries their token in the fragment (never sent to the server or its logs).
   * With READERAI_TEACHER_REMOTE off a teacher can only use it on this machine, so it names
   * loopback; with it on, the LAN address tablets use.
   */
  const teacherUrl = (room: Classroom) =>
    `${app.baseUrl(o.remoteAllowed ? room.publicHost() : '127.0.0.1')}/teacher/#token=${room.teacherToken}`;

  const summary = (room: Classroom): ClassSummary => {
    const view = room.classroom();
    return {
      classId: room.id,
      name: room.name,
      teacherName: room.teacherName,
      classCode: room.classCode,
      joinUrl: view.joinUrl,
      teacherUrl: teacherUrl(room),
      studentsConnected: room.connected,
      students: room.students.size,
      lessonOpen: room.lessonOpen,
      archived: room.archived,
      aiAnswers: app.relay.aiStatus(room.policy()).enabled,
    };
  };

  app.get('/classes', { schema: { response: { 200: Type.Array(ClassSummary) } } }, async () =>
    o.classes.all().map(summary),
  );

  app.post('/classes', { schema: { body: NewClass, response: { 201: CreatedClass } } }, async (req, reply) => {
    const room = o.classes.create(req.body);
    return reply.code(201).send({
      classId: room.id,
      name: room.name,
      classCode: room.classCode,
      joinUrl: room.classroom().joinUrl,
      teacherToken: room.teacherToken,
      teacherUrl: teacherUrl(room),
    });
  });

  /** The rows go at once; the WAL is emptied just after (ClassRegistry.delete), without holding the reply. */
  app.delete('/classes/:classId', { schema: { params: ClassParams } }, async (req, reply) => {
    void o.classes.delete(o.classes.mustGet(req.params.classId));
    app.settings.forget(req.params.classId);
    return reply.code(204).send();
  });

  const Archive = Type.Object({ archived: Type.Boolean() });
  app.post(
    '/classes/:classId/archive',
    { schema: { params: ClassParams, body: Archive, response: { 200: ClassSummary } } },
    async (req) => {
      const room = o.classes.mustGet(req.params.classId);
      room.setArchived(req.body.archived);
      return summary(room);
    },
  );

  /** A new teacher link for the class; the old one stops working at once. */
  app.post(
    '/classes/:classId/teacher-token',
    { schema: { params: ClassParams, response: { 200: ClassSummary } } },
    async (req) => {
      const room = o.classes.mustGet(req.params.classId);
      o.classes.rotateTeacherToken(room);
      return summary(room);
    },
  );

  app.get('/server', { schema: { response: { 200: ServerView } } }, async () => {
    const warning = clearTextWarning(o.remoteAllowed, o.tls);
    return {
      tls: o.tls,
      teacherRemote: o.remoteAllowed,
      warnings: warning ? [warning] : [],
      dataDir: o.dataDir,
      retentionDays: app.settings.current.retentionDays,
      workers: app.worker.count,
    };
  });
};

export default admin;
