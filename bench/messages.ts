// What the orchestrator (bench/bench.ts) and its client processes (bench/client-worker.ts) say to
// each other over the IPC channel.
import type { HistogramData } from './histogram.js';

/** The server under test: ours (join over HTTP, then the socket) or the bare `ws` baseline. */
export type Target =
  | {
      kind: 'ours';
      httpBase: string;
      /** Student n joins class classCodes[floor(n / classSize)], so classes fill one after another. */
      classCodes: string[];
      classSize: number;
      bookId: string;
      wordCount: number;
      audio: AudioPlan | null;
    }
  | { kind: 'baseline'; wsBase: string; bookId: string; wordCount: number };

/** Listeners fetch the narrated book's audio over HTTP as a tablet playing it would. */
export interface AudioPlan {
  /** The clip's URL path on the server (GET /api/audio/:bookId/:file). */
  src: string;
  /** Its size: listeners read it in Range requests, from the start again at its end (a long book). */
  fileBytes: number;
  /** Student n listens when n % 100 < percent. */
  percent: number;
  /** Bytes per second of narration (the bitrate a real book is encoded at). */
  bytesPerSecond: number;
}

export interface WorkerConfig {
  target: Target;
  /** This worker's students are numbers first .. first+count-1 of the whole run. */
  first: number;
  count: number;
  /** How many of them to connect at the start (the rest wait for 'grow'). */
  connectFirst: number;
  /** New connections per second from this worker. */
  rampPerSecond: number;
  progressEveryMs: number;
  questionEveryMs: number;
  /** Students whose socket closes under them join again, as tablets do (the SIGKILL check). */
  reconnect: boolean;
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
  /** Sockets opened again after the server closed them (with reconnect on). */
  reconnected: number;
  /** Questions of those students the server handed to the teacher (in flight when their worker died). */
  handedToTeacher: number;
  /** Socket frames received (text and frame header), for bytes sent per student. */
  socketBytes: number;
  /** Narrated audio received by listeners (bodies only). */
  audioBytes: number;
  audioRequests: number;
  errors: ErrorCounts;
}

export interface ErrorCounts {
  joinFailed: number;
  connectFailed: number;
  unexpectedClose: number;
  errorFrames: number;
  rateLimited: number;
  teacherFallback: number;
  audioFailed: number;
  /** On reconnect the server's saved seq was below one it had acknowledged. */
  lostOnReconnect: number;
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
    reconnected: 0,
    handedToTeacher: 0,
    socketBytes: 0,
    audioBytes: 0,
    audioRequests: 0,
    errors: {
      joinFailed: 0,
      connectFailed: 0,
      unexpectedClose: 0,
      errorFrames: 0,
      rateLimited: 0,
      teacherFallback: 0,
      audioFailed: 0,
      lostOnReconnect: 0,
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
  /** Connect more of this worker's students, up to this many in all (the knee's steps). */
  | { type: 'grow'; upTo: number }
  /** Send the latencies since the last window or mark (a 'window' message), and start a new window. */
  | { type: 'window' }
  /** Stop sending, wait for what is outstanding, report, close the sockets. */
  | { type: 'stop'; drainMs: number };

export type FromWorker =
  | { type: 'counters'; counters: Counters }
  | { type: 'ramped'; counters: Counters }
  | { type: 'window'; counters: Counters; latencies: Latencies }
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
