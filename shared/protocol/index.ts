// The wire protocol: every frame and HTTP body that crosses between the server and its two web
// clients (the student tablet app and the teacher dashboard). The server validates incoming frames
// against these schemas; the clients import the types (`import type`) and the constants in
// ./codes.ts, so their bundles do not carry the schema library.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Limits, OfflineReload } from './codes.js';

export * from './codes.js';
export * from './messages.js';

const Id = Type.String({ minLength: 1, maxLength: Limits.ID_MAX });
const WordIdx = Type.Integer({ minimum: 0, maximum: 10_000_000 });
const Context = Type.Object({ bookId: Id, wordIdx: WordIdx });
const Source = Type.Union([
  Type.Literal('gemini'),
  Type.Literal('cache'),
  Type.Literal('offline'),
  Type.Literal('teacher'),
]);
const OfflineReloadSchema = Type.Union([
  Type.Literal(OfflineReload.READY),
  Type.Literal(OfflineReload.NO_HTTPS),
  Type.Literal(OfflineReload.UNSUPPORTED),
  Type.Literal(OfflineReload.FAILED),
]);

// ---------------------------------------------------------------------------------------------
// Student socket: client -> server
// ---------------------------------------------------------------------------------------------

/**
 * Client -> server payload schemas, keyed by frame `type`. `seq` must grow; a stale or repeated
 * seq changes nothing. `playing` (optional) says whether read-aloud is running, for the teacher's
 * reading/paused status.
 */
export const ClientPayloads = {
  PROGRESS_UPDATE: Type.Object({
    bookId: Id,
    wordIdx: WordIdx,
    audioTs: Type.Number({ minimum: 0, maximum: 1e7 }),
    seq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    playing: Type.Optional(Type.Boolean()),
  }),
  STUDENT_INTERRUPTION: Type.Object({
    questionId: Id,
    questionText: Type.String({ minLength: 1, maxLength: Limits.QUESTION_MAX }),
    context: Context,
  }),
  DEFINE_WORD: Type.Object({
    requestId: Id,
    word: Type.String({ minLength: 1, maxLength: Limits.WORD_MAX }),
    context: Context,
  }),
  /** `raised` defaults to true; false lowers the hand. */
  RAISE_HAND: Type.Object({ raised: Type.Optional(Type.Boolean()) }),
  /** Whether this tablet can reload the page offline; sent after SESSION_STATE and when it changes. */
  OFFLINE_STATUS: Type.Object({ reload: OfflineReloadSchema }),
} satisfies Record<string, TSchema>;

export type ClientType = keyof typeof ClientPayloads;
export type ClientPayload<T extends ClientType> = Static<(typeof ClientPayloads)[T]>;
export type ClientMessage = { [T in ClientType]: { type: T; payload: ClientPayload<T> } }[ClientType];

// ---------------------------------------------------------------------------------------------
// Student socket: server -> client
// ---------------------------------------------------------------------------------------------

export const ServerPayloads = {
  /** Sent right after connect: where this student is. `seq` is the last saved seq. */
  SESSION_STATE: Type.Object({
    studentId: Id,
    name: Type.String(),
    bookId: Id,
    bookTitle: Type.String(),
    wordIdx: WordIdx,
    audioTs: Type.Number(),
    seq: Type.Integer({ minimum: 0 }),
    handRaised: Type.Boolean(),
    /** Spoken questions are off unless the teacher allowed them (Chrome sends audio to Google). */
    speechInput: Type.Boolean(),
    /** Whether AI answers are on; when false, questions go to the teacher. */
    aiAnswers: Type.Boolean(),
  }),
  /** Everything up to and including `seq` is committed to disk. */
  PROGRESS_SAVED: Type.Object({ seq: Type.Integer({ minimum: 0 }) }),
  /** Sent at once for every question; queuePosition 0 means it is being answered. */
  INTERRUPTION_ACKNOWLEDGED: Type.Object({ questionId: Id, queuePosition: Type.Integer({ minimum: 0 }) }),
  /** The question moved in the queue. */
  QUEUE_POSITION: Type.Object({ questionId: Id, queuePosition: Type.Integer({ minimum: 0 }) }),
  /** The teacher will answer this question by hand (no AI, or AI unavailable). */
  TEACHER_WILL_ANSWER: Type.Object({ questionId: Id }),
  ANSWER_CHUNK: Type.Object({ questionId: Id, text: Type.String() }),
  /** The whole answer; `flagged` when the text is a fixed kind message standing in for a blocked one. */
  ANSWER_DONE: Type.Object({
    questionId: Id,
    text: Type.String(),
    source: Source,
    flagged: Type.Optional(Type.Boolean()),
  }),
  /** The teacher hid an answer the student had been shown. */
  ANSWER_HIDDEN: Type.Object({ questionId: Id }),
  DEFINITION: Type.Object({ requestId: Id, word: Type.String(), text: Type.String(), source: Source }),
  RATE_LIMITED: Type.Object({
    retryAfterMs: Type.Integer({ minimum: 0 }),
    questionId: Type.Optional(Id),
    requestId: Type.Optional(Id),
  }),
  /** The teacher assigned a new book to the class. */
  BOOK_ASSIGNED: Type.Object({ bookId: Id, bookTitle: Type.String() }),
  HAND_STATE: Type.Object({ raised: Type.Boolean() }),
  /** The teacher renamed this student (two children of one name told apart): show this name now. */
  NAME_CHANGED: Type.Object({ name: Type.String() }),
  ERROR: Type.Object({
    code: Type.String(),
    message: Type.String(),
    questionId: Type.Optional(Id),
    requestId: Type.Optional(Id),
  }),
} satisfies Record<string, TSchema>;

export type ServerType = keyof typeof ServerPayloads;
export type ServerPayload<T extends ServerType> = Static<(typeof ServerPayloads)[T]>;
export type ServerMessage = { [T in ServerType]: { type: T; payload: ServerPayload<T> } }[ServerType];

// ---------------------------------------------------------------------------------------------
// HTTP bodies
// ---------------------------------------------------------------------------------------------

export const JoinRequest = Type.Object({
  classCode: Type.String({ maxLength: 64 }),
  // The name is checked by hand (server/classroom/names.ts) so each mistake gets a clear message.
  name: Type.String({ maxLength: 1000 }),
  token: Type.Optional(Type.String({ maxLength: 200 })),
  /** The roster name the child tapped (POST /api/join/roster lists them); `name` is then ignored. */
  rosterId: Type.Optional(Id),
});
export type JoinRequest = Static<typeof JoinRequest>;

/** POST /api/join/roster: which names a tablet that typed a right code may tap. */
export const RosterNamesRequest = Type.Object({ classCode: Type.String({ maxLength: 64 }) });
export type RosterNamesRequest = Static<typeof RosterNamesRequest>;
export const RosterNames = Type.Object({
  /** null: the class has no roster, the child types a name. Labels are what the teacher chose to show. */
  names: Type.Union([Type.Array(Type.Object({ id: Id, label: Type.String() })), Type.Null()]),
});
export type RosterNames = Static<typeof RosterNames>;

/**
 * 202 from POST /api/join (and POST /api/join/takeover while undecided): the name is in use on
 * another tablet and the teacher was asked. The tablet asks again with `requestId` every few seconds.
 */
export const TakeoverPending = Type.Object({
  requestId: Type.String(),
  name: Type.String(),
  message: Type.String(),
});
export type TakeoverPending = Static<typeof TakeoverPending>;
export const TakeoverPoll = Type.Object({ requestId: Type.String({ minLength: 1, maxLength: 200 }) });
export type TakeoverPoll = Static<typeof TakeoverPoll>;

export const JoinResponse = Type.Object({
  studentId: Id,
  /**
   * The class's id, the same for every lesson (the socket path is /ws/:sessionId). Named for the
   * single-class release, whose session ids became class ids, so tablets' saved URLs still work.
   */
  sessionId: Id,
  token: Type.String(),
  /** Ready to open: includes `?token=`. */
  wsUrl: Type.String(),
  name: Type.String(),
  resumed: Type.Boolean(),
});
export type JoinResponse = Static<typeof JoinResponse>;

/** Every HTTP error body: the status code, a code from ErrorCode and a sentence for people. */
export const ErrorBody = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.String(),
  message: Type.String(),
});
export type ErrorBody = Static<typeof ErrorBody>;

export const BookSummary = Type.Object({
  id: Id,
  title: Type.String(),
  wordCount: Type.Integer(),
  /** It has its own recorded voice (EPUB 3 Media Overlays). */
  narrated: Type.Boolean(),
  /** One of the stories that come with ReaderAI: it cannot be deleted. */
  builtin: Type.Boolean(),
});
export type BookSummary = Static<typeof BookSummary>;
/**
 * One stretch of narration: seconds `begin`..`end` of the audio at `src` (a URL on this server)
 * voice words `wordStart`..`wordEnd` (inclusive). The book's narration timeline is its clips in
 * order, end to end; PROGRESS_UPDATE.audioTs is a position on it.
 */
export const NarrationClip = Type.Object({
  src: Type.String(),
  begin: Type.Number({ minimum: 0 }),
  end: Type.Number({ minimum: 0 }),
  wordStart: Type.Integer({ minimum: 0 }),
  wordEnd: Type.Integer({ minimum: 0 }),
});
export type NarrationClip = Static<typeof NarrationClip>;
export const Book = Type.Object({
  id: Id,
  title: Type.String(),
  /** The text split on white space, punctuation kept with its word; wordIdx indexes this. */
  words: Type.Array(Type.String()),
  /** Indexes into words where a paragraph starts (display only). */
  paragraphStarts: Type.Array(Type.Integer()),
  /** A narrated book's audio (EPUB 3 Media Overlays); absent: the tablet's own voice reads it. */
  narration: Type.Optional(Type.Object({ clips: Type.Array(NarrationClip) })),
});
export type Book = Static<typeof Book>;

// ---------------------------------------------------------------------------------------------
// Teacher: REST views and the live feed (server -> dashboard only; actions go over REST)
// ---------------------------------------------------------------------------------------------

export const StudentView = Type.Object({
  id: Id,
  name: Type.String(),
  status: Type.Union([
    Type.Literal('reading'),
    Type.Literal('paused'),
    Type.Literal('asking'),
    Type.Literal('idle'),
    Type.Literal('offline'),
  ]),
  bookId: Id,
  wordIdx: Type.Integer(),
  wordCount: Type.Integer(),
  /** 0..1 through the book. */
  progress: Type.Number(),
  /** Epoch milliseconds of the last frame or join. */
  lastActivity: Type.Number(),
  handRaised: Type.Boolean(),
  blocked: Type.Boolean(),
  questions: Type.Integer(),
  readMs: Type.Number(),
  wordsRead: Type.Integer(),
  /** What the tablet last said about reloading offline (OFFLINE_STATUS); null until it says. */
  offlineReload: Type.Union([OfflineReloadSchema, Type.Null()]),
});
export type StudentView = Static<typeof StudentView>;

export const QuestionStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('answering'),
  Type.Literal('answered'),
  Type.Literal('waiting_teacher'),
]);
export type QuestionStatus = Static<typeof QuestionStatus>;

export const FeedItem = Type.Object({
  /** Server-wide id of the question (the student's questionId is only unique per student). */
  id: Id,
  studentId: Id,
  studentName: Type.String(),
  questionId: Id,
  questionText: Type.String(),
  bookId: Id,
  wordIdx: Type.Integer(),
  status: QuestionStatus,
  answer: Type.String(),
  source: Type.Union([Source, Type.Null()]),
  /** Why the AI's answer was withheld (safety, recitation, empty, prompt blocked), if it was. */
  flag: Type.Union([Type.String(), Type.Null()]),
  hidden: Type.Boolean(),
  askedAt: Type.Number(),
  answeredAt: Type.Union([Type.Number(), Type.Null()]),
});
export type FeedItem = Static<typeof FeedItem>;

export const ClassroomView = Type.Object({
  classId: Id,
  name: Type.String(),
  /** The open lesson, else the last one; null before the first. The feed shows its questions. */
  lessonId: Type.Union([Id, Type.Null()]),
  /** While a lesson is open the class code admits students and tablets connect. */
  lessonOpen: Type.Boolean(),
  classCode: Type.String(),
  joinUrl: Type.String(),
  joinLocked: Type.Boolean(),
  bookId: Id,
  bookTitle: Type.String(),
  /** When the lesson (or, before the first, the class) began. */
  startedAt: Type.Number(),
  /** Network addresses the QR code can use; `publicHost` is the one in joinUrl. */
  hosts: Type.Array(Type.Object({ address: Type.String(), iface: Type.String() })),
  publicHost: Type.String(),
});
export type ClassroomView = Static<typeof ClassroomView>;

/** One sitting of a class (GET /api/teacher/lessons). */
export const LessonView = Type.Object({
  lessonId: Id,
  startedAt: Type.Number(),
  endedAt: Type.Union([Type.Number(), Type.Null()]),
});
export type LessonView = Static<typeof LessonView>;

/** One lesson in a child's history: what they read, asked and looked up in it. */
export const LessonRecord = Type.Object({
  lessonId: Id,
  startedAt: Type.Number(),
  endedAt: Type.Union([Type.Number(), Type.Null()]),
  readMs: Type.Number(),
  wordsRead: Type.Integer(),
  /** Titles of the books read in. */
  books: Type.Array(Type.String()),
  questions: Type.Array(
    Type.Object({
      askedAt: Type.Number(),
      questionText: Type.String(),
      answer: Type.String(),
      /** gemini, cache, offline or teacher; null while unanswered. */
      answeredBy: Type.Union([Type.String(), Type.Null()]),
      book: Type.String(),
    }),
  ),
  lookups: Type.Array(Type.Object({ at: Type.Number(), word: Type.String(), book: Type.String() })),
});
export type LessonRecord = Static<typeof LessonRecord>;

/** A child's reading across every lesson of the class (GET /api/teacher/students/:studentId/history). */
export const ChildHistory = Type.Object({
  studentId: Id,
  name: Type.String(),
  /** False once the teacher removed them from the class (their record stays). */
  onRoster: Type.Boolean(),
  readMs: Type.Number(),
  wordsRead: Type.Integer(),
  books: Type.Array(Type.String()),
  questions: Type.Integer(),
  lookups: Type.Integer(),
  /** Lessons they read, asked or looked up in, oldest first. */
  lessons: Type.Array(LessonRecord),
});
export type ChildHistory = Static<typeof ChildHistory>;

/** What tablets show of each roster name (first name and an initial unless the teacher chose otherwise). */
export const RosterShows = Type.Union([Type.Literal('first_initial'), Type.Literal('first'), Type.Literal('full')]);
export type RosterShows = Static<typeof RosterShows>;
export const RosterEntryIn = Type.Object({
  /** Kept from GET to keep the entry's link to its student; omitted for a new name. */
  id: Type.Optional(Id),
  firstName: Type.String({ maxLength: 200 }),
  lastName: Type.Optional(Type.String({ maxLength: 200 })),
});
/** PUT /api/teacher/roster: the whole roster (an empty list: no roster, children type names). */
export const RosterPut = Type.Object({
  shows: Type.Optional(RosterShows),
  entries: Type.Array(RosterEntryIn, { maxItems: 500 }),
});
export type RosterPut = Static<typeof RosterPut>;
/** GET /api/teacher/roster. `label` is what tablets show; `studentId` the child who took the name. */
export const RosterView = Type.Object({
  shows: RosterShows,
  entries: Type.Array(
    Type.Object({
      id: Id,
      firstName: Type.String(),
      lastName: Type.String(),
      label: Type.String(),
      studentId: Type.Union([Id, Type.Null()]),
    }),
  ),
});
export type RosterView = Static<typeof RosterView>;

/** A tablet asks for a name that is in use on another tablet; the teacher allows or denies. */
export const TakeoverView = Type.Object({ id: Id, studentId: Id, name: Type.String(), at: Type.Number() });
export type TakeoverView = Static<typeof TakeoverView>;

// ---------------------------------------------------------------------------------------------
// IT: the school view (/api/admin/*, admin token, this machine only)
// ---------------------------------------------------------------------------------------------

export const NewClass = Type.Object({
  // Checked by hand (server/classroom/registry.ts) so an empty name gets a clear sentence.
  name: Type.String({ maxLength: 200 }),
  teacherName: Type.Optional(Type.String({ maxLength: 200 })),
});
export type NewClass = Static<typeof NewClass>;

/** POST /api/admin/classes: the class, its join link, and its teacher's link (token in the fragment). */
export const CreatedClass = Type.Object({
  classId: Id,
  name: Type.String(),
  classCode: Type.String(),
  joinUrl: Type.String(),
  teacherToken: Type.String(),
  teacherUrl: Type.String(),
});
export type CreatedClass = Static<typeof CreatedClass>;

/** One row of GET /api/admin/classes. */
export const ClassSummary = Type.Object({
  classId: Id,
  name: Type.String(),
  teacherName: Type.String(),
  classCode: Type.String(),
  joinUrl: Type.String(),
  teacherUrl: Type.String(),
  studentsConnected: Type.Integer({ minimum: 0 }),
  /** On the roster, connected or not. */
  students: Type.Integer({ minimum: 0 }),
  lessonOpen: Type.Boolean(),
  archived: Type.Boolean(),
  /** Whether this class's questions get AI answers (its own switch, and a route configured). */
  aiAnswers: Type.Boolean(),
});
export type ClassSummary = Static<typeof ClassSummary>;

/** GET /api/admin/server: what IT must know about the server as a whole. */
export const ServerView = Type.Object({
  tls: Type.Boolean(),
  teacherRemote: Type.Boolean(),
  /** Sentences to show, such as teacher links travelling in clear text. */
  warnings: Type.Array(Type.String()),
  /** The data folder (the school view says where records are kept). */
  dataDir: Type.String(),
  /** Days after a class's last lesson before its records are erased; 0 keeps them until deleted. */
  retentionDays: Type.Integer({ minimum: 0 }),
  /** Socket worker processes serving the classes (1: one process; docs/it.md, socket workers). */
  workers: Type.Integer({ minimum: 1 }),
});
export type ServerView = Static<typeof ServerView>;

/** Something the teacher must know that is not a student or a question (storage errors, etc.). */
export const Alert = Type.Object({
  id: Id,
  level: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('error')]),
  message: Type.String(),
  at: Type.Number(),
});
export type Alert = Static<typeof Alert>;

// Capacity panel (server/capacity): how many more students this machine can take, and why.
const OrNull = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
export const CapacityLimit = Type.Union([
  Type.Literal('memory'),
  Type.Literal('descriptors'),
  Type.Literal('cpu'),
  Type.Literal('gemini'),
  Type.Literal('network'),
]);
export type CapacityLimit = Static<typeof CapacityLimit>;
/** A resource the server met exhausted (server/guard/resource.ts). */
export const ExhaustedResource = Type.Union([
  Type.Literal('descriptors'),
  Type.Literal('memory'),
  Type.Literal('disk'),
]);
export type ExhaustedResource = Static<typeof ExhaustedResource>;
/** One second of history, for the panel's chart. */
export const CapacityPoint = Type.Object({
  at: Type.Number(),
  students: Type.Integer({ minimum: 0 }),
  rssBytes: Type.Number(),
  /** Process CPU, percent of one core. */
  cpuPct: Type.Number(),
  loopP99Ms: Type.Number(),
  headroom: OrNull(Type.Integer()),
});
export type CapacityPoint = Static<typeof CapacityPoint>;
export const CapacityView = Type.Object({
  at: Type.Number(),
  students: Type.Integer({ minimum: 0 }),
  /** Students now plus headroom; null until per-student figures are measured. */
  capacity: OrNull(Type.Integer()),
  /** Students the machine can still take, keeping reservePct of every resource free. */
  headroom: OrNull(Type.Integer()),
  headroomPct: OrNull(Type.Number()),
  /** The resource that runs out first. */
  binding: OrNull(CapacityLimit),
  /** Each resource's own headroom in students (null: unknown, or not a limit here). */
  bounds: Type.Object({
    memory: OrNull(Type.Integer()),
    descriptors: OrNull(Type.Integer()),
    cpu: OrNull(Type.Integer()),
    gemini: OrNull(Type.Integer()),
    network: OrNull(Type.Integer()),
  }),
  reservePct: Type.Number(),
  /** Measured cost of one student: live (slope over the last minute) or the last benchmark's. */
  perStudent: Type.Object({
    bytes: OrNull(Type.Number()),
    /** Percent of one core. */
    cpuPct: OrNull(Type.Number()),
    geminiPerMinute: OrNull(Type.Number()),
    /** Bytes per second sent to one student: socket frames, plus narrated audio for listeners. */
    sentBytesPerSec: OrNull(Type.Number()),
    basis: Type.Union([Type.Literal('live'), Type.Literal('benchmark'), Type.Literal('none')]),
  }),
  process: Type.Object({
    rssBytes: Type.Number(),
    heapUsedBytes: Type.Number(),
    heapTotalBytes: Type.Number(),
    externalBytes: Type.Number(),
    cpuPct: Type.Number(),
    loopP50Ms: Type.Number(),
    loopP99Ms: Type.Number(),
    /** Share of time the event loop was busy, 0..1. */
    loopUtilization: Type.Number(),
    openFds: OrNull(Type.Integer()),
    fdLimit: OrNull(Type.Integer()),
  }),
  system: Type.Object({
    availableBytes: Type.Number(),
    totalBytes: Type.Number(),
    cgroupLimitBytes: OrNull(Type.Number()),
    cores: Type.Integer(),
  }),
  sqlite: Type.Object({
    lastCommitMs: Type.Number(),
    maxCommitMs: Type.Number(),
    commitsPerSec: Type.Number(),
    rowsPerSec: Type.Number(),
    pending: Type.Integer({ minimum: 0 }),
    failures: Type.Integer({ minimum: 0 }),
  }),
  gemini: Type.Object({
    enabled: Type.Boolean(),
    inFlight: OrNull(Type.Number()),
    queued: OrNull(Type.Number()),
    requestsPerMinute: Type.Number(),
    quotaPerMinute: Type.Number(),
  }),
  /** What the server sends (mean over the last minute) against the link (READERAI_NETWORK_MBPS). */
  network: Type.Object({
    sentBytesPerSec: Type.Number(),
    /** The narrated audio's part of it (GET /api/audio/...), this second. */
    audioBytesPerSec: Type.Number(),
    linkBytesPerSec: Type.Number(),
  }),
  /** Resources met exhausted in the last few seconds: new connections are being refused or failing. */
  exhausted: Type.Array(ExhaustedResource),
  /** The connection guard (server/guard): open connections and what it turned away. */
  connections: Type.Object({
    open: Type.Integer({ minimum: 0 }),
    /** Not (yet) a student or dashboard socket: page loads, joins, requests still arriving. */
    pending: Type.Integer({ minimum: 0 }),
    upgraded: Type.Integer({ minimum: 0 }),
    /** Since start: answered 503 SERVER_FULL or 429 TOO_MANY_CONNECTIONS. */
    refused: Type.Integer({ minimum: 0 }),
    /** Since start: pending connections closed to make room for another address. */
    evicted: Type.Integer({ minimum: 0 }),
    /** Since start: closed unanswered (no descriptor to spare for an answer). */
    dropped: Type.Integer({ minimum: 0 }),
    /** Descriptors free by the guard's count (null: unknown). */
    fdFree: OrNull(Type.Integer()),
  }),
  /** The last minute, oldest first. */
  history: Type.Array(CapacityPoint),
});
export type CapacityView = Static<typeof CapacityView>;

export const TeacherPayloads = {
  /** The whole picture, sent on connect. */
  SNAPSHOT: Type.Object({
    classroom: ClassroomView,
    students: Type.Array(StudentView),
    feed: Type.Array(FeedItem),
    alerts: Type.Array(Alert),
    /** Tablets waiting for the teacher to let them take over a name in use. */
    takeovers: Type.Array(TakeoverView),
  }),
  /** What changed since the last frame; sent at most a few times a second. */
  DELTA: Type.Object({
    classroom: Type.Optional(ClassroomView),
    students: Type.Optional(Type.Array(StudentView)),
    removedStudentIds: Type.Optional(Type.Array(Id)),
    /** Deleted students: drop them and every question of theirs. */
    erasedStudentIds: Type.Optional(Type.Array(Id)),
    feed: Type.Optional(Type.Array(FeedItem)),
    alerts: Type.Optional(Type.Array(Alert)),
    /** The whole list of waiting takeovers, when it changed. */
    takeovers: Type.Optional(Type.Array(TakeoverView)),
  }),
  /** Capacity panel figures (server/capacity), once a second while a dashboard is open. */
  CAPACITY: CapacityView,
} satisfies Record<string, TSchema>;
export type TeacherType = keyof typeof TeacherPayloads;
export type TeacherPayload<T extends TeacherType> = Static<(typeof TeacherPayloads)[T]>;
export type TeacherMessage = { [T in TeacherType]: { type: T; payload: TeacherPayload<T> } }[TeacherType];
