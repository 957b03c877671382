// Every IPC channel between the dashboard (through the preload) and the main process, with its
// argument and result types. The preload cannot import values (sandboxed preloads may only require
// 'electron'), so it spells the channel names itself and these types check each spelling.
import type { ServerStatus } from '../server-process/supervisor.js';

/** What the dashboard needs to talk to the local server as the teacher. */
export interface AdminSession {
  dashboardUrl: string;
  joinUrl: string;
  adminToken: string;
  port: number;
  dataDir: string;
}

/**
 * A saved secret (the Gemini key, the Vertex AI service account's key), never in full (like every
 * secret setting): the dashboard shows the hint (the key's last characters, the account's e-mail).
 * protection: 'os' = encrypted with the OS keychain (DPAPI, Keychain, libsecret/kwallet);
 * 'weak' = Linux without a keyring, where Electron falls back to a fixed password.
 */
export interface SecretState {
  stored: boolean;
  hint: string | null;
  protection: 'os' | 'weak' | 'unavailable';
}
export type GeminiKeyState = SecretState;

/** Renderer → main requests (ipcRenderer.invoke / ipcMain.handle). */
export interface InvokeChannels {
  'readerai:session:get': { args: []; result: AdminSession | null };
  'readerai:server-status:get': { args: []; result: ServerStatus };
  'readerai:gemini-key:get': { args: []; result: GeminiKeyState };
  /** null removes the saved key. The server restarts to pick the change up. */
  'readerai:gemini-key:save': { args: [key: string | null]; result: GeminiKeyState };
  'readerai:vertex-key:get': { args: []; result: SecretState };
  /** Opens a file picker; the chosen key file is checked and kept. null: the teacher cancelled. */
  'readerai:vertex-key:pick': { args: []; result: SecretState | null };
  'readerai:vertex-key:remove': { args: []; result: SecretState };
  'readerai:data-folder:open': { args: []; result: void };
  'readerai:class-live:set': { args: [live: boolean]; result: void };
}

export type InvokeChannel = keyof InvokeChannels;

/** Main → renderer pushes (webContents.send / ipcRenderer.on). */
export interface EventChannels {
  'readerai:server-status': ServerStatus;
}

/** What the preload exposes to the dashboard as `window.readerai` (absent in a plain browser). */
export interface ReaderAIDesktopApi {
  getAdminSession(): Promise<AdminSession | null>;
  getServerStatus(): Promise<ServerStatus>;
  getGeminiKey(): Promise<GeminiKeyState>;
  saveGeminiKey(key: string | null): Promise<GeminiKeyState>;
  getVertexKey(): Promise<SecretState>;
  pickVertexKey(): Promise<SecretState | null>;
  removeVertexKey(): Promise<SecretState>;
  openDataFolder(): Promise<void>;
  /** Keeps the computer awake while a class is live. */
  setClassLive(live: boolean): Promise<void>;
  /** Called on every server state change ("restarting" etc.); returns an unsubscribe function. */
  onServerStatus(listener: (status: ServerStatus) => void): () => void;
}

export type { ServerStatus };
