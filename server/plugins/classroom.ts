// Opens the database and builds the classes and what they share, then decorates the app with them,
// so each route plugin reaches only what it needs through typed decorators.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Library } from '../books/library.js';
import { Outbox } from '../classroom/outbox.js';
import { ClassRegistry } from '../classroom/registry.js';
import type { Student } from '../classroom/student.js';
import type { Peers } from '../cluster/peers.js';
import type { Layers } from '../config.js';
import type { Change } from '../cluster/messages.js';
import type { RelayDatabase } from '../llm/relay-messages.js';
import type { Relay } from '../llm/types.js';
import { chooseHost, hostAddresses } from '../net/lan.js';
import { CloseCode } from '../../shared/protocol/codes.js';
import { SettingsService } from '../settings.js';
import { openDatabase } from '../store/db.js';
import { Checkpointer } from '../store/checkpointer.js';
import { Eraser } from '../store/eraser.js';
import { GroupCommit } from '../store/group-commit.js';
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
  /** The classes' clock (tests pass their own, to age a class past the retention period). */
  now?: () => number;
  /** How often retention looks for classes past their time (default hourly). */
  retentionCheckMs?: number;
  /** With several socket workers: this worker's share of the classes (server/cluster/). */
  peers?: Peers | undefined;
}

const RETENTION_CHECK_MS = 3_600_000;

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    checkpointer: Checkpointer;
    eraser: Eraser;
    settings: SettingsService;
    library: Library;
    classes: ClassRegistry;
    writer: GroupCommit<Student>;
    hub: StudentHub;
    relay: Relay;
    outbox: Outbox;
    /** Which socket worker this process is (index 0 of 1 without workers), for IT's figures. */
    worker: { index: number; count: number; pid: number };
    /** The base of every link this server hands out (join and teacher links) for a host. */
    baseUrl(host: string): string;
  }
}

async function classroomPlugin(app: FastifyInstance, o: ClassroomPluginOptions): Promise<void> {
  const file = join(o.dataDir, 'readerai.db');
  const peers = o.peers;
  const store = new Store(openDatabase(file));
  // One process checkpoints the shared file: the only one, or socket worker 0.
  const checkpointer = new Checkpointer(store.db, { periodic: !peers || peers.index === 0 });
  const settings = new SettingsService(store, o.layers);
  const library = new Library(store, join(o.dataDir, 'books'));
  const outbox = new Outbox(settings.current.maxBufferedKb * 1024);
  const relay = o.createRelay({
    getSettings: () => settings.current,
    database: { file },
    log: app.log,
  });
  const now = o.now ?? Date.now;
  const interfaces = o.interfaces;
  const detectedHost = () => chooseHost(settings.current.publicHost, interfaces?.()).host;
  const port = () => peers?.publicPort ?? (app.server.address() as AddressInfo | null)?.port ?? settings.current.port;
  const baseUrl = (host: string) => `${o.tls ? 'https' : 'http'}://${host}:${port()}`;
  // One group commit for the whole server: progress from every class shares each transaction.
  // (Its callbacks run after a commit, when `classes` below exists.)
  const writer = new GroupCommit<Student>(store.db, {
    write: (s) => store.writeProgress(s),
    saved: (s) => {
      s.savedSeq = s.seq;
      outbox.progressSaved(s, s.seq);
    },
    failed: (err, attempt) => {
      // Students keep reading: their tablets hold their positions until a commit goes through.
      if (attempt === 1)
        classes.alert('error', `Saving progress failed (${err.message}). Retrying; students can keep reading.`);
    },
    recovered: () => classes.alert('info', 'Saving progress works again; nothing was lost.'),
  });
  const eraser = new Eraser(store.db, writer, checkpointer);
  const classes = new ClassRegistry({
    store,
    library,
    outbox,
    writer,
    eraser,
    relay: () => relay,
    settings: (classId) => settings.forClass(classId),
    joinsPerMinutePerIp: settings.current.joinsPerMinutePerIp,
    joinUrl: (code, host) => `${baseUrl(host ?? detectedHost())}/join?code=${code}`,
    hosts: () => hostAddresses(interfaces?.()),
    defaultHost: detectedHost,
    now,
    ...(peers ? { placement: { owns: peers.owns, seeds: peers.index === 0 } } : {}),
  });
  const hub = new StudentHub({
    classes,
    outbox,
    maxConnectionsPerIp: settings.current.maxConnectionsPerIp,
    messagesPerSecond: settings.current.messagesPerSecond,
    features: (room) => ({
      aiAnswers: relay.aiStatus(room.policy()).enabled,
      speechInput: room.settings().speechInput,
    }),
    now,
  });
  // Settings that tablets see take effect on their next connect; the dashboards hear at once
  // (a class's own change: that class's dashboards only).
  settings.onChange((_, classId) => {
    for (const room of classes.all()) if (classId === null || room.id === classId) room.feed.classroomChanged();
  });
  if (peers) shareChanges(peers, { settings, library });

  const heartbeat = setInterval(() => hub.heartbeatTick(settings.current.heartbeatSeconds), 1000);
  heartbeat.unref();
  // Retention: at start, then on a timer; the setting is read each time, so a change applies.
  const expire = () => {
    try {
      void classes.expire(settings.current.retentionDays);
    } catch (err) {
      app.log.error({ err }, 'retention could not delete an old class; it tries again later');
    }
  };
  expire();
  const retention = setInterval(expire, o.retentionCheckMs ?? RETENTION_CHECK_MS);
  retention.unref();

  app.decorate('store', store);
  app.decorate('checkpointer', checkpointer);
  app.decorate('eraser', eraser);
  app.decorate('settings', settings);
  app.decorate('library', library);
  app.decorate('classes', classes);
  app.decorate('writer', writer);
  app.decorate('hub', hub);
  app.decorate('relay', relay);
  app.decorate('outbox', outbox);
  app.decorate('baseUrl', baseUrl);
  app.decorate('worker', { index: peers?.index ?? 0, count: peers?.count ?? 1, pid: process.pid });

  // Graceful stop: tell every tablet and dashboard we are going away (1001), commit what is
  // pending, close the database. preClose runs before the server stops accepting and waits.
  app.addHook('preClose', async () => {
    clearInterval(heartbeat);
    clearInterval(retention);
    hub.closeAll(CloseCode.GOING_AWAY, 'Server shutting down');
    classes.closeAll(CloseCode.GOING_AWAY, 'Server shutting down');
  });
  app.addHook('onClose', async () => {
    writer.stop();
    writer.flush();
    await relay.close();
    await checkpointer.stop();
    store.db.close();
  });
}

/**
 * What one worker changes in the shared database, the others read again: saved settings and the
 * book library. (A class is made, changed and deleted only by the worker that owns it.) A reload
 * is not told on (it would echo back and forth).
 */
function shareChanges(peers: Peers, o: { settings: SettingsService; library: Library }): void {
  let hearing = false;
  const tell = (change: Change) => () => {
    if (!hearing) peers.tell(change);
  };
  o.settings.onChange(tell('settings'));
  o.library.onChange(tell('library'));
  peers.hear((change) => {
    hearing = true;
    try {
      if (change === 'settings') o.settings.reload();
      else o.library.reload();
    } finally {
      hearing = false;
    }
  });
}

export default fp(classroomPlugin, { name: 'classroom' });
