// The server process: reads the configuration, opens the app, listens, and shuts down gracefully.
// Run headless with `npm run serve`; the desktop app forks this same file in a utilityProcess and
// hears `server-started` over process.parentPort (or process.send under child_process.fork).
// With `workers` > 1 this process is the primary (server/cluster/primary.ts) and forks this same
// file again as each socket worker, which its environment tells apart (server/cluster/worker.ts).
import { readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildApp } from './app.js';
import { ConfigError, envLayer, flagLayer, resolve, USAGE, type Layers, type Settings } from './config.js';
import { workerCount } from './cluster/cores.js';
import { ClassLookup } from './cluster/lookup.js';
import { processPeers, type Peers } from './cluster/peers.js';
import { Primary } from './cluster/primary.js';
import { Supervisor } from './cluster/supervisor.js';
import { privatePath, serveAsWorker, trustPrivateListener, workerRole } from './cluster/worker.js';
import { aiStatusOf, resolveRoute } from './llm/route.js';
import { SettingsService } from './settings.js';
import { openDatabase } from './store/db.js';
import { Store } from './store/store.js';
import { createRelay, type RelayProxyOptions } from './llm/index.js';
import { ipcRelayLink } from './cluster/relay-link.js';
import { RelayHub } from './cluster/relay-hub.js';
import type { AiStatus } from './llm/types.js';
import { readMachineLayers } from './machine-layers.js';
import { trustCertificates } from './net/ca-trust.js';
import { installLastResort } from './guard/last-resort.js';
import { logStream } from './guard/log-stream.js';
import { Pressure } from './guard/pressure.js';
import { chooseHost } from './net/lan.js';
import { clearTextWarning } from './http/security.js';
import { CloseCode } from '../shared/protocol/codes.js';
import type { ParentToServer, ServerToParent } from './host-messages.js';

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

/** Electron's utilityProcess gives process.parentPort; child_process.fork gives process.send. */
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function tellParent(message: ServerToParent): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

function onParentMessage(listener: (message: unknown) => void): void {
  if (parentPort) parentPort.on('message', (e) => listener(e.data));
  else if (process.send) process.on('message', listener);
}

/** The admin token: from the settings, else generated once and kept in the data folder. */
function adminToken(configured: string, dataDir: string): string {
  if (configured) return configured;
  const file = join(dataDir, 'admin-token');
  try {
    const saved = readFileSync(file, 'utf8').trim();
    if (saved) return saved;
  } catch {
    // First start: make one below.
  }
  const token = randomBytes(24).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, token + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

/** Shortages met anywhere in the process, for the capacity panel. */
const pressure = new Pressure();
installLastResort({ pressure });

interface Tls {
  cert: Buffer;
  key: Buffer;
  handshakeTimeout: number;
}

/** The graceful stop every role shares: once, and a second Ctrl-C means now. */
function stopper(close: () => Promise<void>): (why: string) => void {
  let stopping = false;
  return (why) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`\n${why}: closing connections (code ${CloseCode.GOING_AWAY}) and saving…`);
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('Shutdown failed:', err);
        process.exit(1);
      },
    );
  };
}

function onStopSignals(stop: (why: string) => void): void {
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  onParentMessage((m) => {
    if ((m as Partial<ParentToServer> | null)?.type === 'shutdown') stop('Asked to shut down');
  });
}

async function main(): Promise<void> {
  const { layer: flag, help } = flagLayer(process.argv.slice(2));
  if (help) {
    console.log(USAGE);
    return;
  }
  const layers = { ...readMachineLayers(), environment: envLayer(process.env), flag };
  const { settings } = resolve({ ...layers, teacher: {} });
  // Before the relay opens its first connection to Gemini.
  trustCertificates(settings.extraCaCerts);
  const token = adminToken(settings.adminToken, settings.dataDir);
  const tls: Tls | null =
    settings.tlsCert && settings.tlsKey
      ? {
          cert: readFileSync(settings.tlsCert),
          key: readFileSync(settings.tlsKey),
          // A TLS handshake that dawdles holds a descriptor like a slow request head does.
          handshakeTimeout: settings.headersTimeoutSeconds * 1000,
        }
      : null;
  const context = { layers, dataDir: settings.dataDir, logLevel: settings.logLevel, token, tls };

  const worker = workerRole(process.env);
  if (worker) return runWorker(context, worker);
  // Inside the desktop app the server is a utilityProcess: it cannot fork Node processes (the
  // RunAsNode fuse is off) nor receive sockets, so it is always one process there.
  const inElectron = parentPort !== undefined || process.versions.electron !== undefined;
  const count = inElectron ? 1 : workerCount(settings.workers);
  if (count > 1) return runPrimary(context, count);
  return runSingle(context);
}

interface Context {
  layers: Omit<Layers, 'teacher'>;
  dataDir: string;
  logLevel: string;
  token: string;
  tls: Tls | null;
}

function appOptions(c: Context, peers?: Peers) {
  return {
    dataDir: c.dataDir,
    layers: c.layers,
    adminToken: c.token,
    tls: c.tls !== null,
    // A socket worker reaches the primary's one relay over IPC; alone, the relay is a thread here.
    createRelay: peers ? (o: RelayProxyOptions) => createRelay({ ...o, openRelay: ipcRelayLink }) : createRelay,
    pressure,
    peers,
  };
}

/** One process for everything: the desktop app, `workers` = 1, and every test unless it asks for more. */
async function runSingle(c: Context): Promise<void> {
  const app = await buildApp(appOptions(c), {
    logger: { level: c.logLevel, stream: logStream(pressure) },
    ...(c.tls ? { https: c.tls } : {}),
  });
  onStopSignals(stopper(() => app.close()));

  // The app has read the teacher's saved settings (a port chosen in the dashboard applies here).
  const live = app.settings.current;
  await app.listen({ port: live.port, host: live.host });
  const port = (app.server.address() as { port: number }).port;
  const first = app.classes.first();
  const view = first.classroom();
  announce(c, live, port, {
    name: first.name,
    joinUrl: view.joinUrl,
    classCode: view.classCode,
    lessonOpen: view.lessonOpen,
    classCount: app.classes.all().length,
    ai: aiLine(app.relay.aiStatus()),
    workers: 1,
  });
}

/** A socket worker (server/cluster/worker.ts), forked by the primary. */
async function runWorker(c: Context, me: { index: number; count: number; path: string; publicPort: number }) {
  const app = await buildApp(appOptions(c, processPeers(me.index, me.count, me.publicPort)), {
    logger: { level: c.logLevel, stream: logStream(pressure) },
    trustProxy: trustPrivateListener,
  });
  await serveAsWorker(
    app,
    me,
    stopper(() => app.close()),
  );
}

/** The primary (server/cluster/primary.ts): migrations, the public port, N socket workers. */
async function runPrimary(c: Context, count: number): Promise<void> {
  const db = openDatabase(join(c.dataDir, 'readerai.db'));
  const store = new Store(db);
  const live = new SettingsService(store, c.layers).current;
  let port = 0;
  const path = (index: number) => privatePath(c.dataDir, index, process.pid);
  const relay = new RelayHub({
    send: (index, message) => workers.post(index, message),
    log: (level, obj, msg) => console.error(`${level}: ${msg} ${JSON.stringify(obj)}`),
  });
  const workers = new Supervisor({
    count,
    argv: process.argv.slice(2),
    env: (index) => ({
      ...process.env,
      READERAI_WORKER_INDEX: String(index),
      READERAI_WORKER_COUNT: String(count),
      READERAI_WORKER_PATH: path(index),
      READERAI_WORKER_PUBLIC_PORT: String(port),
    }),
    log: (line) => console.error(line),
    relay,
  });
  const primary = new Primary({ settings: live, adminToken: c.token, tls: c.tls, db, workers, path });
  const close = async () => {
    await primary.close();
    await workers.stop();
    await relay.close();
    db.close();
  };
  onStopSignals(stopper(close));
  port = await primary.listen(live.port, live.host);
  try {
    await workers.start();
  } catch (err) {
    await close();
    throw err;
  }
  const lookup = new ClassLookup(db);
  const first = lookup.describeFirst();
  const host = first?.publicHost ?? chooseHost(live.publicHost).host;
  announce(c, live, port, {
    name: first?.name ?? '',
    joinUrl: `${c.tls ? 'https' : 'http'}://${host}:${port}/join?code=${first?.classCode ?? ''}`,
    classCode: first?.classCode ?? '',
    lessonOpen: true,
    classCount: lookup.all().length,
    ai: aiLine(aiStatusOf(resolveRoute(live), live.geminiModel, false)),
    workers: count,
  });
}

/** The lines IT reads at start, and the desktop app's `server-started`. */
function announce(
  c: Context,
  live: Settings,
  port: number,
  o: {
    name: string;
    joinUrl: string;
    classCode: string;
    lessonOpen: boolean;
    classCount: number;
    ai: string;
    workers: number;
  },
): void {
  const proto = c.tls ? 'https' : 'http';
  const dashboardUrl = `${proto}://127.0.0.1:${port}/teacher/#token=${c.token}`;
  const schoolUrl = `${proto}://127.0.0.1:${port}/admin/#token=${c.token}`;
  const { warning } = chooseHost(live.publicHost);
  const clearText = clearTextWarning(live.teacherRemote, c.tls !== null);
  console.log(
    [
      '',
      'ReaderAI Classroom is running.',
      `  Students join at:   ${o.joinUrl}${o.classCount > 1 ? `  (first class, "${o.name}")` : ''}`,
      `  Class code:         ${o.classCode}${o.lessonOpen ? '' : ' (no lesson open)'}`,
      `  Teacher dashboard:  ${dashboardUrl}`,
      `  School view (IT):   ${schoolUrl}`,
      `  (open these on this machine; they carry the admin token)`,
      ...(o.classCount > 1
        ? [`  Classes:            ${o.classCount} (each teacher's link is in the school view)`]
        : []),
      `  Data folder:        ${c.dataDir}`,
      ...(o.workers > 1 ? [`  Socket workers:     ${o.workers} (each class lives on one; see docs/it.md)`] : []),
      `  AI answers:         ${o.ai}`,
      ...(warning ? [`  Note: ${warning}`] : []),
      ...(clearText ? [`  Warning: ${clearText}`] : []),
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  tellParent({
    type: 'server-started',
    port,
    dashboardUrl,
    joinUrl: o.joinUrl,
    adminToken: c.token,
    dataDir: c.dataDir,
  });
}

function aiLine(ai: AiStatus): string {
  return ai.enabled
    ? `on: ${ai.route} (${ai.model})`
    : `off: ${ai.detail} Questions go to the teacher (npm run check:ai tries a route).`;
}

main().catch((err: unknown) => {
  const message =
    err instanceof ConfigError ? err.message : `ReaderAI could not start: ${(err as Error).message ?? String(err)}`;
  console.error(message);
  if (!(err instanceof ConfigError)) console.error(err);
  tellParent({ type: 'server-error', message });
  process.exitCode = 1;
  // Let the message reach the parent before exiting.
  setTimeout(() => process.exit(1), 100).unref();
});
