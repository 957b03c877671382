// Runs in the dashboard window before its page, sandboxed and isolated: it may only require
// 'electron', so it is CommonJS (compiled to preload.cjs) and names the channels itself; the
// `satisfies`/generic types below tie every name and payload to ipc/channels.ts.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS on purpose (see above)
import electron = require('electron');
import type { IpcRendererEvent } from 'electron';
import type { EventChannels, InvokeChannel, InvokeChannels, ReaderAIDesktopApi } from './ipc/channels.js';

const { contextBridge, ipcRenderer } = electron;

function invoke<C extends InvokeChannel>(
  channel: C,
  ...args: InvokeChannels[C]['args']
): Promise<InvokeChannels[C]['result']> {
  return ipcRenderer.invoke(channel, ...args) as Promise<InvokeChannels[C]['result']>;
}

function subscribe<C extends keyof EventChannels>(
  channel: C,
  listener: (payload: EventChannels[C]) => void,
): () => void {
  // Wrap so the page never sees the IpcRendererEvent (it carries `sender`).
  const wrapped = (_event: IpcRendererEvent, payload: EventChannels[C]) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const api = {
  getAdminSession: () => invoke('readerai:session:get'),
  getServerStatus: () => invoke('readerai:server-status:get'),
  getGeminiKey: () => invoke('readerai:gemini-key:get'),
  saveGeminiKey: (key) => invoke('readerai:gemini-key:save', key),
  getVertexKey: () => invoke('readerai:vertex-key:get'),
  pickVertexKey: () => invoke('readerai:vertex-key:pick'),
  removeVertexKey: () => invoke('readerai:vertex-key:remove'),
  openDataFolder: () => invoke('readerai:data-folder:open'),
  setClassLive: (live) => invoke('readerai:class-live:set', live),
  onServerStatus: (listener) => subscribe('readerai:server-status', listener),
} satisfies ReaderAIDesktopApi;

contextBridge.exposeInMainWorld('readerai', api);
