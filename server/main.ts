// The server process: reads the configuration, opens the app, listens, and shuts down gracefully.
// Run headless with `npm run serve`; the desktop app forks this same file in a utilityProcess and
// hears `server-started` over process.parentPort (or process.send under child_process.fork).
import { readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildApp } from './app.js';
import { ConfigError, envLayer, flagLayer, resolve, USAGE } from './config.js';
import { createRelay } from './llm/index.js';
import type { AiStatus } from './llm/types.js';
import { readMachineLayers } from './machine-layers.js';
import { trustCertificates } from './net/ca-trust.js';
import { installLastResort } from './guard/last-resort.js';
import { logStream } from './guard/log-stream.js';
import { Pressure } from './guard/pressure.js';
import { chooseHost } from './net/lan.js';
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
  const tls =
    settings.tlsCert && settings.tlsKey
      ? {
          cert: readFileSync(settings.tlsCert),
          key: readFileSync(settings.tlsKey),
          // A TLS handshake that dawdles holds a descriptor like a slow request head does.
          handshakeTimeout: settings.headersTimeoutSeconds * 1000,
        }
      : null;

  const app = await buildApp(
    {
      dataDir: settings.dataDir,
      layers,
      adminToken: token,
      tls: tls !== null,
      createRelay,
      pressure,
    },
    { logger: { level: settings.logLevel, stream: logStream(pressure) }, ...(tls ? { https: tls } : {}) },
  );

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) {
      // A second Ctrl-C means now.
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${why}: closing connections (code ${CloseCode.GOING_AWAY}) and saving…`);
    try {
      await app.close();
      process.exit(0);
    } catch (err) {
      console.error('Shutdown failed:', err);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  onParentMessage((m) => {
    if ((m as Partial<ParentToServer> | null)?.type === 'shutdown') void stop('Asked to shut down');
  });

  // The app has read the teacher's saved settings (a port chosen in the dashboard applies here).
  const live = app.settings.current;
  await app.listen({ port: live.port, host: live.host });
  const port = (app.server.address() as { port: number }).port;
  const proto = tls ? 'https' : 'http';
  const view = app.classroom.view();
  const dashboardUrl = `${proto}://127.0.0.1:${port}/teacher/#token=${token}`;
  const { warning } = chooseHost(live.publicHost);

  console.log(
    [
      '',
      'ReaderAI Classroom is running.',
      `  Students join at:   ${view.joinUrl}`,
      `  Class code:         ${view.classCode}`,
      `  Teacher dashboard:  ${dashboardUrl}`,
      `  (open the dashboard on this machine; it carries the admin token)`,
      `  Data folder:        ${settings.dataDir}`,
      `  AI answers:         ${aiLine(app.relay.aiStatus())}`,
      ...(warning ? [`  Note: ${warning}`] : []),
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  tellParent({
    type: 'server-started',
    port,
    dashboardUrl,
    joinUrl: view.joinUrl,
    adminToken: token,
    dataDir: settings.dataDir,
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
