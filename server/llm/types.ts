// The boundary between the classroom (sockets, hot state, SQLite) and whatever answers questions
// and defines words. The classroom never sees Gemini; the relay never sees a student's name, id,
// token or address: it gets an opaque class id and student number for fairness and rate limits,
// and the passage.
import type { AiStatus, RouteCheck } from '../../shared/protocol/ai.js';
import type { AnswerSource } from '../../shared/protocol/codes.js';

export type { AiStatus, RouteCheck } from '../../shared/protocol/ai.js';

export interface BookPassage {
  title: string;
  /** The whole book as words; the relay cuts the passage around wordIdx itself. */
  words: readonly string[];
  wordIdx: number;
}

/** Who asks, for fairness and rate limits only. Never sent upstream. */
export interface Asker {
  /** Opaque class id: the queue takes turns between classes first. */
  classId: string;
  /** Opaque per-student number, unique within its class: then turns between students. */
  studentKey: number;
  /** The class's settings for this question or word (classes may differ). */
  policy: ClassPolicy;
}

/** What may differ per class for the relay: AI on or off, the grade answers are pitched at, limits. */
export interface ClassPolicy {
  aiAnswers: boolean;
  gradeLevel: number;
  questionsPer5Min: number;
  definitionsPer5Min: number;
}

/** Just the relay's part of a class's settings (a job carries no more across to the worker). */
export function classPolicy({ aiAnswers, gradeLevel, questionsPer5Min, definitionsPer5Min }: ClassPolicy): ClassPolicy {
  return { aiAnswers, gradeLevel, questionsPer5Min, definitionsPer5Min };
}

export interface AskJob extends BookPassage, Asker {
  questionText: string;
}

export interface DefineJob extends BookPassage, Asker {
  word: string;
}

/** Why an AI answer was withheld and replaced by a kind fixed message. */
export type FlagReason = 'prompt_blocked' | 'safety' | 'recitation' | 'empty' | 'error';

/** What happens to one question, in order: position* then (chunk* done) or teacher. */
export interface AskEvents {
  /** Position in the queue moved (0 = being answered now). */
  position(queuePosition: number): void;
  chunk(text: string): void;
  done(answer: { text: string; source: AnswerSource; flag?: FlagReason }): void;
  /** No AI available (no key, offline, failed): the teacher answers by hand. */
  teacher(reason: string): void;
}

export type AskResult =
  { accepted: true; queuePosition: number; cancel(): void } | { accepted: false; retryAfterMs: number };

export type DefineResult = { ok: true; text: string; source: AnswerSource } | { ok: false; retryAfterMs: number };

export interface Relay {
  /** Whether questions get AI answers right now (a route with its credentials, not switched off). */
  readonly aiEnabled: boolean;
  /** The AI route for a class (its own on/off), or the server's without one. */
  aiStatus(policy?: Pick<ClassPolicy, 'aiAnswers'>): AiStatus;
  /** One short, harmless request through the configured route. */
  checkRoute(): Promise<RouteCheck>;
  ask(job: AskJob, events: AskEvents): AskResult;
  define(job: DefineJob): Promise<DefineResult>;
  /** Figures for the dashboard and the capacity model (from the relay's thread: up to 500 ms old). */
  stats(): Record<string, number | string | boolean>;
  close(): Promise<void>;
}

/**
 * Persistent store of word definitions (the core implements it over SQLite), so thirty taps on
 * the same word cost one upstream call and a restart keeps what was learnt. Keys are opaque
 * strings made by the relay (word + the sentence it was tapped in); `word` is kept for people
 * reading the table.
 */
export interface DefinitionCacheStore {
  get(key: string): { text: string; source: 'gemini' | 'offline' } | undefined;
  put(key: string, word: string, text: string, source: 'gemini' | 'offline'): void;
}
