// The main-process side of window.readerai. Every request is checked twice before it runs: the
// sender must be the top frame of our window showing our server's dashboard, and the arguments
// must have the declared shape (the page is never trusted to send the right types).
import { ipcMain, shell, type IpcMainInvokeEvent } from 'electron';
import type { AdminSession, InvokeChannel, InvokeChannels } from '../ipc/channels.js';
import { isTrustedSender } from '../security/origin.js';
import type { ServerSupervisor } from '../server/supervisor.js';
import type { ClassPower } from './power.js';
import type { DashboardWindow } from './window.js';
import { MAX_KEY_LENGTH, type GeminiKeyStore } from './gemini-key.js';

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
  power: ClassPower;
  /** The data folder to open when the server has not reported its own yet. */
  dataDir: string;
}

export function setupIpc(deps: IpcDeps): void {
  const { dashboard, supervisor, geminiKey, power } = deps;
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
    'readerai:gemini-key:save': (key) => {
      const state = geminiKey.save(key);
      // The server reads GEMINI_API_KEY at start: restart it (tablets reconnect on their own).
      void supervisor.restart();
      return state;
    },
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
