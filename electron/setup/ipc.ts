// The main-process side of window.readerai. Every request is checked twice before it runs: the
// sender must be the top frame of our window showing our server's dashboard, and the arguments
// must have the declared shape (the page is never trusted to send the right types).
import { dialog, ipcMain, shell, type IpcMainInvokeEvent } from 'electron';
import type { AdminSession, InvokeChannel, InvokeChannels } from '../ipc/channels.js';
import { isTrustedSender } from '../security/origin.js';
import type { ServerSupervisor } from '../server-process/supervisor.js';
import type { ClassPower } from './power.js';
import type { DashboardWindow } from './window.js';
import { MAX_KEY_LENGTH, type GeminiKeyStore } from './gemini-key.js';
import { readKeyFile, type VertexKeyStore } from './vertex-key.js';

export type Handlers = {
  [C in InvokeChannel]: (
    ...args: InvokeChannels[C]['args']
  ) => InvokeChannels[C]['result'] | Promise<InvokeChannels[C]['result']>;
};

type Validators = { [C in InvokeChannel]: (args: unknown[]) => boolean };

const none = (args: unknown[]) => args.length === 0;

/** One entry per channel: adding a channel without its check fails to compile. */
const VALIDATORS: Validators = {
  'readerai:session:get': none,
  'readerai:server-status:get': none,
  'readerai:gemini-key:get': none,
  'readerai:gemini-key:save': ([key, ...rest]) =>
    rest.length === 0 && (key === null || (typeof key === 'string' && key.length <= MAX_KEY_LENGTH)),
  'readerai:vertex-key:get': none,
  'readerai:vertex-key:pick': none,
  'readerai:vertex-key:remove': none,
  'readerai:data-folder:open': none,
  'readerai:class-live:set': ([live, ...rest]) => rest.length === 0 && typeof live === 'boolean',
};

export function registerIpcHandlers(
  ipc: Pick<typeof ipcMain, 'handle'>,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
  handlers: Handlers,
): void {
  for (const channel of Object.keys(VALIDATORS) as InvokeChannel[]) {
    const handler = handlers[channel] as (...args: unknown[]) => unknown;
    ipc.handle(channel, (event, ...args: unknown[]) => {
      if (!isTrusted(event)) throw new Error(`${channel} refused: the sender is not the ReaderAI dashboard.`);
      if (!VALIDATORS[channel](args)) throw new Error(`${channel} refused: unexpected arguments.`);
      return handler(...args);
    });
  }
}

export interface IpcDeps {
  dashboard: Pick<DashboardWindow, 'window' | 'dashboardOrigin'>;
  supervisor: Pick<ServerSupervisor, 'session' | 'status' | 'restart'>;
  geminiKey: GeminiKeyStore;
  vertexKey: VertexKeyStore;
  power: ClassPower;
  /** The data folder to open when the server has not reported its own yet. */
  dataDir: string;
}

export function setupIpc(deps: IpcDeps): void {
  const { dashboard, supervisor, geminiKey, vertexKey, power } = deps;
  // The server reads its keys from its environment at start: restart it after a change
  // (tablets reconnect on their own).
  const restarted = <T>(state: T): T => {
    void supervisor.restart();
    return state;
  };
  const handlers: Handlers = {
    'readerai:session:get': (): AdminSession | null => {
      const s = supervisor.session;
      return (
        s && {
          dashboardUrl: s.dashboardUrl,
          joinUrl: s.joinUrl,
          adminToken: s.adminToken,
          port: s.port,
          dataDir: s.dataDir,
        }
      );
    },
    'readerai:server-status:get': () => supervisor.status,
    'readerai:gemini-key:get': () => geminiKey.state(),
    'readerai:gemini-key:save': (key) => restarted(geminiKey.save(key)),
    'readerai:vertex-key:get': () => vertexKey.state(),
    // The picker runs here, not in the page: the page never sees the path or the key.
    'readerai:vertex-key:pick': async () => {
      const picked = await dialog.showOpenDialog(dashboard.window, {
        title: 'Choose the service account key file (JSON)',
        filters: [{ name: 'Service account key', extensions: ['json'] }],
        properties: ['openFile'],
      });
      const path = picked.filePaths[0];
      if (picked.canceled || !path) return null;
      return restarted(vertexKey.save(readKeyFile(path)));
    },
    'readerai:vertex-key:remove': () => restarted(vertexKey.save(null)),
    'readerai:data-folder:open': async () => {
      const error = await shell.openPath(supervisor.session?.dataDir ?? deps.dataDir);
      if (error) throw new Error(`Could not open the data folder: ${error}`);
    },
    'readerai:class-live:set': (live) => power.setClassLive(live),
  };
  registerIpcHandlers(
    ipcMain,
    (event) => isTrustedSender(event, dashboard.window.webContents, dashboard.dashboardOrigin()),
    handlers,
  );
}
