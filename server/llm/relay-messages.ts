// The messages between the relay proxy on the socket thread (relay-proxy.ts) and the relay in its
// own worker thread (relay-worker.ts). A book's words cross once, under a number; questions and
// look-ups carry that number. The worker sends its messages in batches, one per turn of its loop.
import type { Settings } from '../config.js';
import type { AskEvents, AskJob, BookPassage, DefineJob, DefineResult, RouteCheck } from './types.js';

/** A job as it crosses to the worker: the book by number (sent before with `book`), not its words. */
export type Wire<J extends BookPassage> = Omit<J, 'words'> & { book: number };

/** The classroom's SQLite file, which the worker opens on its own connection (definition cache). */
export interface RelayDatabase {
  file: string;
}

export interface RelayWorkerData {
  settings: Settings;
  database: RelayDatabase;
  /** The last figures of the worker this one replaces, after a crash. */
  carriedStats?: Record<string, number | string | boolean> | undefined;
}

export type Stats = Record<string, number | string | boolean>;

export type ToRelay =
  | { type: 'settings'; settings: Settings }
  | { type: 'book'; book: number; words: readonly string[] }
  | { type: 'forget'; book: number }
  | { type: 'ask'; id: number; job: Wire<AskJob> }
  | { type: 'cancel'; id: number }
  | { type: 'define'; id: number; job: Wire<DefineJob> }
  /** Asks for figures now (`stats` with the same id answers). */
  | { type: 'stats'; id: number }
  /** One trial request through the configured route (`checked` with the same id answers). */
  | { type: 'check'; id: number }
  | { type: 'close' };

export type FromRelay =
  /** The question's real place when the relay took it (the proxy told the student an estimate). */
  | { type: 'queued'; id: number; position: number }
  | { type: 'position'; id: number; position: number }
  | { type: 'chunk'; id: number; text: string }
  | { type: 'done'; id: number; answer: Parameters<AskEvents['done']>[0] }
  | { type: 'teacher'; id: number; reason: string }
  | { type: 'defined'; id: number; result: DefineResult }
  | { type: 'checked'; id: number; result: RouteCheck }
  /** Sent every STATS_MS, and in answer to a `stats` request (with its id). */
  | { type: 'stats'; stats: Stats; id?: number }
  | { type: 'log'; level: 'warn' | 'info'; obj: object; msg: string }
  /** The relay has stopped and the database is closed: the worker may be ended. */
  | { type: 'closed' };

/** How often the worker sends its figures unasked (the capacity sampler reads once a second). */
export const STATS_MS = 500;
