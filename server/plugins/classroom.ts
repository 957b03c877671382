// Opens the database and builds the classroom's parts, then decorates the app with them, so each
// route plugin reaches only what it needs through typed decorators.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Library } from '../books/library.js';
import { Classroom } from '../classroom/classroom.js';
import { Outbox } from '../classroom/outbox.js';
import { QuestionDesk } from '../classroom/questions.js';
import { TeacherFeed } from '../classroom/teacher-feed.js';
import type { Layers } from '../config.js';
import type { RelayDatabase } from '../llm/relay-messages.js';
import type { Relay } from '../llm/types.js';
import { chooseHost, hostAddresses } from '../net/lan.js';
import { CloseCode } from '../../shared/protocol/codes.js';
import { SettingsService } from '../settings.js';
import { openDatabase } from '../store/db.js';
import { Checkpointer } from '../store/checkpointer.js';
import { Store } from '../store/store.js';
import { StudentHub } from '../ws/student-socket.js';

export interface RelayFactoryOptions {
  getSettings: () => SettingsService['current'];
  /** The relay keeps its definition cache in the classroom's file, on a connection of its own. */
  database: RelayDatabase;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

export interface ClassroomPluginOptions {
  dataDir: string;
  layers: Omit<Layers, 'teacher'>;
  tls: boolean;
  createRelay: (o: RelayFactoryOptions) => Relay;
  /** Network interfaces (tests pass their own). */
  interfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
}

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    checkpointer: Checkpointer;
    settings: SettingsService;
    library: Library;
    classroom: Classroom;
    desk: QuestionDesk;
    feed: TeacherFeed;
    hub: StudentHub;
    relay: Relay;
    outbox: Outbox;
    /** The address tablets use to reach this machine (LAN detection or the teacher's choice). */
    publicHost(): string;
  }
}

async function classroomPlugin(app: FastifyInstance, o: ClassroomPluginOptions): Promise<void> {
  const file = join(o.dataDir, 'readerai.db');
  const store = new Store(openDatabase(file));
  const checkpointer = new Checkpointer(store.db);
  const settings = new SettingsService(store, o.layers);
  const library = new Library(store);
  const feed = new TeacherFeed();
  const outbox = new Outbox(settings.current.maxBufferedKb * 1024);
  const relay = o.createRelay({
    getSettings: () => settings.current,
    database: { file },
    log: app.log,
  });
  const interfaces = o.interfaces;
  const detectedHost = () => chooseHost(settings.current.publicHost, interfaces?.()).host;
  const port = () => (app.server.address() as AddressInfo | null)?.port ?? settings.current.port;
  const classroom = new Classroom({
    store,
    library,
    outbox,
    feed,
    nameFilter: () => settings.current.nameFilter,
    joinsPerMinutePerIp: settings.current.joinsPerMinutePerIp,
    joinUrl: (code, host) => `${o.tls ? 'https' : 'http'}://${host ?? detectedHost()}:${port()}/join?code=${code}`,
    hosts: () => hostAddresses(interfaces?.()),
    defaultHost: detectedHost,
  });
  const desk = new QuestionDesk({
    store,
    writer: classroom.writer,
    library,
    outbox,
    feed,
    relay: () => relay,
    sessionId: () => classroom.session.id,
  });
  desk.load(classroom.students);
  const hub = new StudentHub({
    classroom,
    desk,
    outbox,
    maxConnectionsPerIp: settings.current.maxConnectionsPerIp,
    messagesPerSecond: settings.current.messagesPerSecond,
    features: () => ({ aiAnswers: relay.aiEnabled, speechInput: settings.current.speechInput }),
  });
  feed.attach({
    snapshot: () => ({
      classroom: classroom.view(),
      students: [...classroom.students.values()].map((s) => classroom.studentView(s)),
      feed: [...desk.questions.values()].map((q) => desk.feedItem(q)),
      alerts: feed.alerts,
    }),
    classroom: () => classroom.view(),
    studentView: (s, now) => classroom.studentView(s, now),
    feedItem: (q) => desk.feedItem(q),
    students: () => classroom.students.values(),
  });
  // Settings that tablets see take effect on their next connect; the dashboard hears at once.
  settings.onChange(() => feed.classroomChanged());

  const heartbeat = setInterval(() => hub.heartbeatTick(settings.current.heartbeatSeconds), 1000);
  heartbeat.unref();

  app.decorate('store', store);
  app.decorate('checkpointer', checkpointer);
  app.decorate('settings', settings);
  app.decorate('library', library);
  app.decorate('classroom', classroom);
  app.decorate('desk', desk);
  app.decorate('feed', feed);
  app.decorate('hub', hub);
  app.decorate('relay', relay);
  app.decorate('outbox', outbox);
  app.decorate('publicHost', () => classroom.session.publicHost ?? detectedHost());

  // Graceful stop: tell every tablet and dashboard we are going away (1001), commit what is
  // pending, close the database. preClose runs before the server stops accepting and waits.
  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    hub.closeAll(CloseCode.GOING_AWAY, 'Server shutting down');
    feed.closeAll(CloseCode.GOING_AWAY, 'Server shutting down');
  });
  app.addHook('onClose', async () => {
    classroom.writer.stop();
    classroom.writer.flush();
    await relay.close();
    await checkpointer.stop();
    store.db.close();
  });
}

export default fp(classroomPlugin, { name: 'classroom' });
