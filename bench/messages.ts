// What the orchestrator (bench/bench.ts) and its client processes (bench/client-worker.ts) say to
// each other over the IPC channel.
import type { HistogramData } from './histogram.js';

/** The server under test: ours (join over HTTP, then the socket) or the bare `ws` baseline. */
export type Target =
  | { kind: 'ours'; httpBase: string; classCode: string; bookId: string; wordCount: number }
  | { kind: 'baseline'; wsBase: string; bookId: string; wordCount: number };

export interface WorkerConfig {
  target: Target;
  /** This worker's students are numbers first .. first+count-1 of the whole run. */
  first: number;
  count: number;
  /** New connections per second from this worker. */
  rampPerSecond: number;
  progressEveryMs: number;
  questionEveryMs: number;
}

/** Counters: each worker's since its start; the orchestrator adds them up. */
export interface Counters {
  connected: number;
  joined: number;
  progressSent: number;
  progressAcked: number;
  questionsSent: number;
  questionsAcked: number;
  answers: number;
  errors: ErrorCounts;
}

export interface ErrorCounts {
  joinFailed: number;
  connectFailed: number;
  unexpectedClose: number;
  errorFrames: number;
  rateLimited: number;
  teacherFallback: number;
  /** Sent at stop but never acknowledged (progress) or answered (questions). */
  unackedProgress: number;
  unansweredQuestions: number;
}

export function newCounters(): Counters {
  return {
    connected: 0,
    joined: 0,
    progressSent: 0,
    progressAcked: 0,
    questionsSent: 0,
    questionsAcked: 0,
    answers: 0,
    errors: {
      joinFailed: 0,
      connectFailed: 0,
      unexpectedClose: 0,
      errorFrames: 0,
      rateLimited: 0,
      teacherFallback: 0,
      unackedProgress: 0,
      unansweredQuestions: 0,
    },
  };
}

export interface Latencies {
  progressSaved: HistogramData;
  interruptionAck: HistogramData;
  answer: HistogramData;
}

export type ToWorker =
  | { type: 'start'; config: WorkerConfig }
  /** Start the measured window: latency histograms restart. */
  | { type: 'mark' }
  /** Stop sending, wait for what is outstanding, report, close the sockets. */
  | { type: 'stop'; drainMs: number };

export type FromWorker =
  | { type: 'counters'; counters: Counters }
  | { type: 'ramped'; counters: Counters }
  | {
      type: 'final';
      counters: Counters;
      latencies: Latencies;
      /** studentId -> last seq the server acknowledged as saved (ours only). */
      acked: [string, number][];
      /** A few error texts, for the report. */
      samples: string[];
    }
  | { type: 'closed' };
