// What the primary and its socket workers say to each other over the fork IPC channel
// (process.send). A socket handle travels beside a `socket` message, never inside it. The AI
// relay's own messages (server/llm/relay-messages.ts) ride inside `relay` ones: the one relay
// thread lives in the primary (server/cluster/relay-hub.ts).
import type { FromRelay, RelayWorkerData, ToRelay } from '../llm/relay-messages.js';

/** Something one worker changed in the shared database that every other worker must read again. */
export type Change = 'settings' | 'library';

export type PrimaryToWorker =
  /** A public connection whose request head the primary read: `head` is those bytes (base64). */
  | { type: 'socket'; head: string }
  | { type: 'changed'; change: Change }
  /** Finish: close every socket with GOING_AWAY, commit what is pending, exit. */
  | { type: 'shutdown' }
  /** The relay's answers for this worker's questions (ids are this worker's own). */
  | { type: 'relay'; batch: FromRelay[] }
  /** The relay thread ended (a crash): this worker's open questions go to the teacher. */
  | { type: 'relay-exit'; code: number };

export type WorkerToPrimary =
  /** Listening on its private socket, its classes loaded. */
  | { type: 'ready'; index: number; pid: number }
  | { type: 'changed'; change: Change }
  /** This worker's relay proxy (re)starts: the primary starts the relay thread unless it runs. */
  | { type: 'relay-open'; data: RelayWorkerData }
  | { type: 'relay'; message: ToRelay };

export function isPrimaryToWorker(m: unknown): m is PrimaryToWorker {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}

export function isWorkerToPrimary(m: unknown): m is WorkerToPrimary {
  return isPrimaryToWorker(m);
}
