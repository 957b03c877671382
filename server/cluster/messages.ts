// What the primary and its socket workers say to each other over the fork IPC channel
// (process.send). A socket handle travels beside a `socket` message, never inside it.

/** Something one worker changed in the shared database that every other worker must read again. */
export type Change = 'settings' | 'library';

export type PrimaryToWorker =
  /** A public connection whose request head the primary read: `head` is those bytes (base64). */
  | { type: 'socket'; head: string }
  | { type: 'changed'; change: Change }
  /** Finish: close every socket with GOING_AWAY, commit what is pending, exit. */
  | { type: 'shutdown' };

export type WorkerToPrimary =
  /** Listening on its private socket, its classes loaded. */
  { type: 'ready'; index: number; pid: number } | { type: 'changed'; change: Change };

export function isPrimaryToWorker(m: unknown): m is PrimaryToWorker {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}

export function isWorkerToPrimary(m: unknown): m is WorkerToPrimary {
  return isPrimaryToWorker(m);
}
