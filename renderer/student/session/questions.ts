// The student's questions as the tablet sees them, built from what the server says. Pure: every
// function returns a new list, so the UI re-renders and the list can be saved as it is.
//
// After a reconnect the server replays its recent questions (INTERRUPTION_ACKNOWLEDGED restarts an
// answer's text, ANSWER_CHUNK appends, ANSWER_DONE has the whole text), so an answer that was
// streaming when the Wi-Fi dropped is shown in full. Questions the server never acknowledged are
// sent again on reconnect (the server ignores a questionId it already has).
import type { ServerMessage } from '../../../shared/protocol/index.js';

export type QuestionStatus =
  /** Not yet acknowledged: kept on the tablet and (re)sent when connected. */
  | 'sending'
  | 'queued'
  | 'answering'
  | 'answered'
  /** The teacher will answer (no AI, or the AI is away). */
  | 'teacher'
  | 'hidden'
  /** Too many questions: try again at retryAt. */
  | 'limited'
  | 'failed';

export interface AskedQuestion {
  questionId: string;
  text: string;
  bookId: string;
  wordIdx: number;
  askedAt: number;
  status: QuestionStatus;
  queuePosition: number;
  answer: string;
  source: string | null;
  flagged: boolean;
  retryAt: number;
  error: string;
  /** An answer arrived (or changed) that the child has not seen yet: Ask was closed. */
  unread?: boolean;
}

/** Questions kept on the tablet (the server replays its last three). */
export const KEEP = 6;

export function newQuestion(
  questionId: string,
  text: string,
  bookId: string,
  wordIdx: number,
  now: number,
): AskedQuestion {
  return {
    questionId,
    text,
    bookId,
    wordIdx,
    askedAt: now,
    status: 'sending',
    queuePosition: 0,
    answer: '',
    source: null,
    flagged: false,
    retryAt: 0,
    error: '',
  };
}

export function addQuestion(list: readonly AskedQuestion[], q: AskedQuestion): AskedQuestion[] {
  return [...list, q].slice(-KEEP);
}

/** Applies one server frame; frames about unknown questions (another tablet's) are ignored. */
export function applyFrame(list: readonly AskedQuestion[], m: ServerMessage, now: number): AskedQuestion[] {
  const id = 'questionId' in m.payload ? m.payload.questionId : undefined;
  if (id === undefined) return list as AskedQuestion[];
  const i = list.findIndex((q) => q.questionId === id);
  if (i < 0) return list as AskedQuestion[];
  const q = list[i]!;
  let next: AskedQuestion = q;
  switch (m.type) {
    case 'INTERRUPTION_ACKNOWLEDGED':
      next = {
        ...q,
        status: m.payload.queuePosition > 0 ? 'queued' : 'answering',
        queuePosition: m.payload.queuePosition,
        answer: '',
        error: '',
      };
      break;
    case 'QUEUE_POSITION':
      if (q.status === 'queued' || q.status === 'answering')
        next = {
          ...q,
          status: m.payload.queuePosition > 0 ? 'queued' : 'answering',
          queuePosition: m.payload.queuePosition,
        };
      break;
    case 'ANSWER_CHUNK':
      if (q.status !== 'answered' && q.status !== 'hidden')
        next = { ...q, status: 'answering', queuePosition: 0, answer: q.answer + m.payload.text };
      break;
    case 'ANSWER_DONE':
      next = {
        ...q,
        // A replay of an answer the tablet already has is not news; a new or changed one is.
        unread: q.unread === true || q.status !== 'answered' || q.answer !== m.payload.text,
        status: 'answered',
        answer: m.payload.text,
        source: m.payload.source,
        flagged: m.payload.flagged === true,
      };
      break;
    case 'TEACHER_WILL_ANSWER':
      if (q.status !== 'answered' && q.status !== 'hidden') next = { ...q, status: 'teacher' };
      break;
    case 'ANSWER_HIDDEN':
      next = { ...q, status: 'hidden', answer: '', unread: false };
      break;
    case 'RATE_LIMITED':
      next = { ...q, status: 'limited', retryAt: now + m.payload.retryAfterMs };
      break;
    case 'ERROR':
      next = { ...q, status: 'failed', error: m.payload.message };
      break;
    default:
      return list as AskedQuestion[];
  }
  const copy = list.slice();
  copy[i] = next;
  return copy;
}

/** The same list with every answer marked as seen (the same list when none was unread). */
export function markRead(list: readonly AskedQuestion[]): AskedQuestion[] {
  return list.some((q) => q.unread)
    ? list.map((q) => (q.unread ? { ...q, unread: false } : q))
    : (list as AskedQuestion[]);
}

/** The newest answer the child has not seen, if any. */
export function newestUnread(list: readonly AskedQuestion[]): AskedQuestion | undefined {
  // Not findLast: the tablets' older browsers (Chrome 87) do not have it.
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.unread) return list[i];
  return undefined;
}

/** Questions to (re)send on connect. */
export function unsent(list: readonly AskedQuestion[]): AskedQuestion[] {
  return list.filter((q) => q.status === 'sending');
}
