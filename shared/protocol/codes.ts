// Constants of the wire protocol, with no dependencies, so the web clients can import them
// without pulling the schema library into their bundles. The schemas are in ./index.ts.

/** Error codes carried by `ERROR { code, message }` frames and by HTTP error bodies. */
export const ErrorCode = {
  /** The frame was not valid JSON (or not valid UTF-8). */
  BAD_JSON: 'BAD_JSON',
  /** The frame was JSON but not `{ type, payload }` with the fields that type needs. */
  BAD_MESSAGE: 'BAD_MESSAGE',
  /** `type` names no message this server knows. */
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  /** Binary frames are not part of the protocol. */
  BINARY_NOT_ALLOWED: 'BINARY_NOT_ALLOWED',
  /** The book id is not in the library. */
  UNKNOWN_BOOK: 'UNKNOWN_BOOK',
  /** `wordIdx` is past the end of the book. */
  BAD_WORD_INDEX: 'BAD_WORD_INDEX',
  /** Too many frames from this socket; slow down (frames over the limit are dropped). */
  TOO_MANY_MESSAGES: 'TOO_MANY_MESSAGES',
  /** The answer could not be produced; the message says what the student should do. */
  ANSWER_FAILED: 'ANSWER_FAILED',
  // HTTP-only codes (join and teacher API).
  WRONG_CLASS_CODE: 'WRONG_CLASS_CODE',
  BAD_NAME: 'BAD_NAME',
  BAD_TOKEN: 'BAD_TOKEN',
  JOIN_LOCKED: 'JOIN_LOCKED',
  /** The class is not having a lesson now (a token of this class, between lessons). */
  LESSON_CLOSED: 'LESSON_CLOSED',
  BLOCKED: 'BLOCKED',
  /** The token belonged to a student (or class) that was deleted: the tablet forgets what it kept. */
  STUDENT_DELETED: 'STUDENT_DELETED',
  /** The teacher did not let this tablet take over a name in use on another tablet. */
  TAKEOVER_DENIED: 'TAKEOVER_DENIED',
  TOO_MANY_ATTEMPTS: 'TOO_MANY_ATTEMPTS',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_REQUEST: 'BAD_REQUEST',
  /** The request clashes with the state of things (an archived class, the last class). */
  CONFLICT: 'CONFLICT',
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  /** The server could not save just now (disk full, database locked); try again shortly. */
  SERVER_BUSY: 'SERVER_BUSY',
  /** The server has no room for another connection just now (see Retry-After). */
  SERVER_FULL: 'SERVER_FULL',
  /** An imported book could not be read (a broken or hostile EPUB); nothing was saved. */
  BAD_BOOK: 'BAD_BOOK',
  /** An imported book is over the size limit (READERAI_MAX_BOOK_MB). */
  BOOK_TOO_LARGE: 'BOOK_TOO_LARGE',
  /** A book's narration is in an audio format not every classroom tablet plays (MP3 and AAC/M4A are). */
  UNSUPPORTED_AUDIO: 'UNSUPPORTED_AUDIO',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * WebSocket close codes. 1000-range codes are the standard ones; the 4000 range is ours and tells
 * the tablet whether to reconnect (REPLACED, REMOVED, BLOCKED, SESSION_ENDED and DELETED: do not).
 */
export const CloseCode = {
  /** Server shutting down; reconnect with backoff. */
  GOING_AWAY: 1001,
  /** Invalid UTF-8 in a text frame (sent by the ws library itself). */
  INVALID_PAYLOAD: 1007,
  /** Policy: flooding after warnings. */
  POLICY_VIOLATION: 1008,
  /** Frame over the 16 KB cap (sent by the ws library itself). */
  MESSAGE_TOO_BIG: 1009,
  /** Another socket with the same token took over (the same tablet reopened, or a second tab). */
  REPLACED: 4000,
  /** The teacher removed this student; they may join again. */
  REMOVED: 4001,
  /** The teacher blocked this student; joining again is refused until unblocked. */
  BLOCKED: 4002,
  /** The teacher ended the lesson (the student stays in the class for the next one), or IT deleted the class. */
  SESSION_ENDED: 4003,
  /** The teacher deleted this student, or IT the class: the tablet forgets what it kept. */
  DELETED: 4004,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which a tablet must not reconnect on its own. */
export const FINAL_CLOSE_CODES: readonly number[] = [
  CloseCode.REPLACED,
  CloseCode.REMOVED,
  CloseCode.BLOCKED,
  CloseCode.SESSION_ENDED,
  CloseCode.DELETED,
];

/** Where an answer or definition came from. */
export const AnswerSource = {
  GEMINI: 'gemini',
  CACHE: 'cache',
  OFFLINE: 'offline',
  TEACHER: 'teacher',
} as const;
export type AnswerSource = (typeof AnswerSource)[keyof typeof AnswerSource];

/** What the teacher's grid shows for each student. */
export const StudentStatus = {
  READING: 'reading',
  PAUSED: 'paused',
  ASKING: 'asking',
  IDLE: 'idle',
  OFFLINE: 'offline',
} as const;
export type StudentStatus = (typeof StudentStatus)[keyof typeof StudentStatus];

/**
 * Whether a tablet can reload the student page with the server out of reach: READY (its service
 * worker keeps the app and the book), NO_HTTPS (the class runs on plain http, where browsers allow
 * no service worker), UNSUPPORTED (the browser has none) or FAILED (it did not install).
 */
export const OfflineReload = {
  READY: 'ready',
  NO_HTTPS: 'no_https',
  UNSUPPORTED: 'unsupported',
  FAILED: 'failed',
} as const;
export type OfflineReload = (typeof OfflineReload)[keyof typeof OfflineReload];

/** Limits every client can rely on. */
export const Limits = {
  NAME_MAX: 40,
  /** Characters in a class code (spaces and dashes typed between them are ignored). */
  CLASS_CODE_LENGTH: 6,
  QUESTION_MAX: 500,
  WORD_MAX: 64,
  ID_MAX: 64,
  /** Largest frame the server accepts, in bytes. */
  MAX_PAYLOAD: 16 * 1024,
} as const;
