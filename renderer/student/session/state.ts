// What the student app shows, as one store the Preact screens read. The session's parts write it;
// nothing here knows about Preact.
import type { Book } from '../../../shared/protocol/index.js';
import type { OfflineReload } from '../../../shared/protocol/codes.js';
import type { SocketStatus } from '../../shared/socket.js';
import type { NarrationMode } from '../narration/narrator.js';
import type { Store } from '../ui/store.js';
import type { AskedQuestion } from './questions.js';
import type { Prefs } from './prefs.js';

/** Why the class ended for this tablet (no automatic reconnect after these). */
export type Farewell = 'replaced' | 'removed' | 'blocked' | 'ended' | 'locked' | 'deleted';

/** A name on the class's roster, as tablets see it. */
export interface RosterName {
  id: string;
  label: string;
}

export interface Definition {
  requestId: string;
  word: string;
  wordIdx: number;
  text: string | null;
  /** A sentence for the child when there is no meaning to show. */
  problem: string;
}

export interface StudentState {
  screen: 'join' | 'reader' | 'farewell';
  farewell: Farewell | null;
  /** Prefilled on the join page. */
  classCode: string;
  name: string;
  /** The code the QR link brought (?code=), if any. */
  linkCode: string;
  /** The last code the class refused as wrong: it is not "the code you scanned" any more. */
  wrongCode: string;
  joining: boolean;
  joinError: string;
  /** The names to tap for the class code `code` (null: the class has none, type a name). */
  roster: { code: string; names: RosterName[] | null } | null;
  /** Asking the server for the names of a code just typed or scanned. */
  lookingUp: boolean;
  /** The tapped name is in use on another tablet: waiting for the teacher to say yes or no. */
  waiting: { requestId: string; name: string } | null;
  connection: SocketStatus;
  /** Whether this page has been connected at least once (the first connect is not "offline"). */
  everOpened: boolean;
  book: Book | null;
  bookError: string;
  playing: boolean;
  mode: NarrationMode;
  handRaised: boolean;
  /** A hand raise waiting for the connection. */
  handPending: boolean;
  speechInput: boolean;
  aiAnswers: boolean;
  questions: AskedQuestion[];
  askOpen: boolean;
  /** The answer "See the answer" opened Ask at (it gets the focus there), until Ask closes. */
  showAnswer: string | null;
  /** Whether the "new answer" notice shows over the book (the badge on Ask stays until seen). */
  answerNotice: boolean;
  definition: Definition | null;
  notice: string;
  prefs: Prefs;
  /** Whether this page can be reloaded with the server away (null: not known yet). */
  offlineReload: OfflineReload | null;
}

export type StudentStore = Store<StudentState>;

/** Shown once, when a child first joins: the two things to try. */
export const FIRST_TIME_TIP = 'Tap “Read to me” to hear the story. Tap any word to find out what it means.';

/** A random id (crypto.randomUUID is only there on https, and the class runs on plain http). */
export function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
