// Starts the classroom server next to the window and keeps the window in step with it: a status
// page until the first start, the dashboard once it runs, and every later state pushed to the
// dashboard (so it can show "server restarting") over IPC.
import type { ServerStatus } from '../server-process/supervisor.js';
import { ServerSupervisor } from '../server-process/supervisor.js';
import { forkWithUtilityProcess } from '../server-process/fork-utility.js';
import { originOf } from '../security/origin.js';
import type { LogFile } from '../server-process/log-file.js';
import type { DashboardWindow } from './window.js';
import type { GeminiKeyStore } from './gemini-key.js';
import type { VertexKeyStore } from './vertex-key.js';

export interface ServerSetup {
  serverPath: string;
  dataDir: string;
  log: LogFile;
  /** Also print the server's output (when started from a terminal). */
  echo: boolean;
  geminiKey: Pick<GeminiKeyStore, 'read'>;
  vertexKey: Pick<VertexKeyStore, 'read'>;
  dashboard: DashboardWindow;
}

export function setupServer(opts: ServerSetup): ServerSupervisor {
  const supervisor = new ServerSupervisor({
    fork: forkWithUtilityProcess(opts.serverPath, { log: opts.log, echo: opts.echo }),
    env: () =>
      serverEnvironment(process.env, {
        dataDir: opts.dataDir,
        geminiKey: opts.geminiKey.read(),
        vertexKey: opts.vertexKey.read(),
      }),
    log: (line) => opts.log.line(line),
  });
  supervisor.on('status', (status) => reflectStatus(opts.dashboard, status, supervisor.session?.dashboardUrl ?? null));
  return supervisor;
}

/**
 * The server's environment: ours, plus the data folder (unless IT or a developer set one) and the
 * teacher's saved Gemini key and Vertex AI service account key.
 */
export function serverEnvironment(
  base: NodeJS.ProcessEnv,
  extra: { dataDir: string; geminiKey: string | null; vertexKey?: string | null },
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, READERAI_DATA_DIR: base.READERAI_DATA_DIR || extra.dataDir };
  // One process: a utilityProcess cannot fork Node or take sockets (docs/it.md, socket workers).
  env.READERAI_WORKERS = '1';
  // Would turn Electron-started helpers into plain Node; the server never needs it.
  delete env.ELECTRON_RUN_AS_NODE;
  if (extra.geminiKey) env.GEMINI_API_KEY = extra.geminiKey;
  if (extra.vertexKey) env.READERAI_VERTEX_CREDENTIALS_JSON = extra.vertexKey;
  return env;
}

/** What the window shows for a server state. */
export function reflectStatus(
  dashboard: Pick<DashboardWindow, 'dashboardOrigin' | 'showDashboard' | 'showStatus' | 'send'>,
  status: ServerStatus,
  dashboardUrl: string | null,
): void {
  dashboard.send('readerai:server-status', status);
  const showingDashboard = dashboard.dashboardOrigin() !== null;
  switch (status.state) {
    case 'running':
      // First start, or the server came back on another port: (re)load the dashboard.
      if (dashboardUrl && originOf(dashboardUrl) !== dashboard.dashboardOrigin()) dashboard.showDashboard(dashboardUrl);
      break;
    case 'starting':
      if (!showingDashboard) dashboard.showStatus('Starting the classroom server…', 'This takes a few seconds.');
      break;
    case 'restarting':
      // A loaded dashboard shows this itself (it got the status above); keep it and its state.
      if (!showingDashboard) {
        dashboard.showStatus(
          'Restarting the classroom server…',
          `${status.reason}\nTrying again in ${Math.ceil(status.retryInMs / 1000)} s.`,
        );
      }
      break;
    case 'failed':
      dashboard.showStatus(
        'The classroom server could not start',
        `${status.reason}\n\nIf your school's IT manages this computer, they can check the machine configuration ` +
          'and the log file (see docs/it.md, section "Desktop app and installers (for IT)"). ' +
          'Restart the app to try again.',
      );
      break;
    case 'stopping':
    case 'stopped':
      break;
  }
}
