// The message contract between the server (server/main.ts) and whoever started it: Electron's
// utilityProcess (process.parentPort) or child_process.fork (process.send). Both carry the same
// structured-clone messages, so one set of types and guards serves the app, `npm start` and tests.

/** Posted once the server is listening. */
export interface ServerStarted {
  type: 'server-started';
  port: number;
  /** http://127.0.0.1:PORT/teacher/#token=ADMIN_TOKEN */
  dashboardUrl: string;
  /** What the QR code encodes: the LAN address tablets use. */
  joinUrl: string;
  adminToken: string;
  dataDir: string;
}

/** Posted just before the server exits 1 because it could not start (bad config, port taken...). */
export interface ServerError {
  type: 'server-error';
  message: string;
}

export type ServerToParent = ServerStarted | ServerError;

/** Asks for a graceful shutdown: flush SQLite, close sockets with 1001, exit 0. */
export interface ShutdownRequest {
  type: 'shutdown';
}

export type ParentToServer = ShutdownRequest;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Narrows an incoming message; anything else (a future message kind, a stray log) is ignored. */
export function parseServerMessage(msg: unknown): ServerToParent | null {
  if (!isObject(msg)) return null;
  if (
    msg.type === 'server-started' &&
    typeof msg.port === 'number' &&
    typeof msg.dashboardUrl === 'string' &&
    typeof msg.joinUrl === 'string' &&
    typeof msg.adminToken === 'string' &&
    typeof msg.dataDir === 'string'
  ) {
    return {
      type: 'server-started',
      port: msg.port,
      dashboardUrl: msg.dashboardUrl,
      joinUrl: msg.joinUrl,
      adminToken: msg.adminToken,
      dataDir: msg.dataDir,
    };
  }
  if (msg.type === 'server-error' && typeof msg.message === 'string') {
    return { type: 'server-error', message: msg.message };
  }
  return null;
}
