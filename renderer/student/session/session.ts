// The student's side of the class: joining, the live socket, the book and the read-aloud, the
// questions. The UI reads `store` and calls the methods below; nothing here knows about Preact.
import type {
  Book,
  ClientMessage,
  JoinResponse,
  ServerMessage,
  ServerPayload,
} from '../../../shared/protocol/index.js';
import { CloseCode, FINAL_CLOSE_CODES, ErrorCode, Limits, OfflineReload } from '../../../shared/protocol/codes.js';
import { SocketClient, StopReconnecting, type CloseInfo, type SocketStatus } from '../../shared/socket.js';
import { Narrator, type NarrationMode } from '../narration/narrator.js';
import { AudioNarrator } from '../narration/audio-narrator.js';
import { audioOffsets } from '../narration/timing.js';
import { stopSaying } from '../narration/say.js';
import { Store } from '../ui/store.js';
import { Progress } from './progress.js';
import {
  addQuestion,
  applyFrame,
  markRead,
  newQuestion,
  newestUnread,
  unsent,
  type AskedQuestion,
} from './questions.js';
import { applyPrefs, loadPrefs, savePrefs, type Prefs } from './prefs.js';
import { forget, hasFields, load, save } from './storage.js';
import {
  HTTP_TIMEOUT_MS,
  isPending,
  JoinError,
  postJoin,
  postRosterNames,
  postTakeover,
  timeout,
  type JoinReply,
} from './join-http.js';

/** What the tablet keeps to come back without asking again. */
export interface Credentials {
  classCode: string;
  name: string;
  studentId: string;
  sessionId: string;
  token: string;
  wsUrl: string;
  /** The roster name this child tapped, if they tapped one. */
  rosterId?: string;
  /** What the child typed, when the class marked the name apart ("Mia" for "Mia (2)"). */
  typed?: string;
}

/** A name on the class's roster, as tablets see it. */
export interface RosterName {
  id: string;
  label: string;
}

/** Why the class ended for this tablet (no automatic reconnect after these). */
export type Farewell = 'replaced' | 'removed' | 'blocked' | 'ended' | 'locked';

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

const isCredentials = (v: unknown): v is Credentials =>
  hasFields(v, {
    classCode: 'string',
    name: 'string',
    studentId: 'string',
    sessionId: 'string',
    token: 'string',
    wsUrl: 'string',
  });
const isQuestions = (v: unknown): v is AskedQuestion[] =>
  Array.isArray(v) &&
  v.every((q) => hasFields(q, { questionId: 'string', text: 'string', status: 'string', answer: 'string' }));

/** How long a reply may take before the tablet asks again, and then gives up on the socket. */
const QUIET_MS = 6000;
/** Hidden this long (a sleep, another app): check the socket when the page is back. */
const WOKE_AFTER_MS = 15_000;

/** How often a tablet waiting for the teacher asks again, and for how long at most. */
const TAKEOVER_POLL_MS = 2000;
const TAKEOVER_GIVE_UP_MS = 4 * 60_000;

/** Shown once, when a child first joins: the two things to try. */
const FIRST_TIME_TIP = 'Tap “Read to me” to hear the story. Tap any word to find out what it means.';

const FAREWELL_BY_CODE: Record<number, Farewell> = {
  [CloseCode.REPLACED]: 'replaced',
  [CloseCode.REMOVED]: 'removed',
  [CloseCode.BLOCKED]: 'blocked',
  [CloseCode.SESSION_ENDED]: 'ended',
};

export class Session {
  readonly store: Store<StudentState>;
  private creds: Credentials | null;
  private socket: SocketClient<ServerMessage, ClientMessage> | null = null;
  private progress: Progress | null = null;
  /** The book's own audio when it is narrated, else the tablet's voice. */
  private narrator: Narrator | AudioNarrator | null = null;
  private offsets: Float64Array = new Float64Array(1);
  private wordListener: ((wordIdx: number) => void) | null = null;
  private wasPlayingBeforeAsk = false;
  /** Running while a reply is due: see expectReply. */
  private quietTimer: ReturnType<typeof setTimeout> | null = null;
  private hiddenAt = 0;

  constructor(query: URLSearchParams) {
    this.creds = load('student', isCredentials);
    const code = (query.get('code') ?? '').trim().toUpperCase();
    const prefs = loadPrefs();
    applyPrefs(prefs);
    // A QR code for another class means this is a new class: ask for the name again.
    const resume = this.creds !== null && (code === '' || code === this.creds.classCode);
    const questions = resume ? (load('questions', isQuestions) ?? []) : [];
    this.store = new Store<StudentState>({
      screen: resume ? 'reader' : 'join',
      farewell: null,
      classCode: code || this.creds?.classCode || '',
      name: this.creds?.name ?? '',
      linkCode: code,
      wrongCode: '',
      joining: false,
      joinError: '',
      roster: null,
      lookingUp: false,
      waiting: null,
      connection: 'stopped',
      everOpened: false,
      book: null,
      bookError: '',
      playing: false,
      mode: 'voice',
      handRaised: false,
      handPending: false,
      speechInput: false,
      aiAnswers: true,
      questions,
      askOpen: false,
      showAnswer: null,
      answerNotice: newestUnread(questions) !== undefined,
      definition: null,
      notice: '',
      prefs,
      offlineReload: null,
    });
    if (resume) this.startReading();
    else if (code) void this.lookUpNames(code);
    addEventListener('pagehide', () => this.progress?.flush());
    // Without a service worker a reload while the server is away ends on the browser's error
    // page, and the book is gone: the browser asks "Leave site?" first.
    addEventListener('beforeunload', (e) => {
      if (!this.reloadLosesBook) return;
      e.preventDefault();
      // Chrome before 119 and Safari 14 (older classroom tablets) ask only when returnValue is set.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      e.returnValue = '';
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') {
        this.hiddenAt = Date.now();
        this.progress?.flush();
      } else if (this.hiddenAt && Date.now() - this.hiddenAt > WOKE_AFTER_MS) {
        // After a sleep the socket may be dead without knowing it: ask at once.
        this.probe();
      }
    });
  }

  /** The book is open, the server is away, and nothing would bring the page back on a reload. */
  get reloadLosesBook(): boolean {
    const st = this.store.get();
    return (
      st.screen === 'reader' && st.book !== null && st.connection !== 'open' && st.offlineReload !== OfflineReload.READY
    );
  }

  /** What the service worker registration found (main.tsx); the teacher's grid shows it. */
  setOfflineReload(reload: OfflineReload): void {
    this.store.set({ offlineReload: reload });
    if (this.socket?.status === 'open') this.send({ type: 'OFFLINE_STATUS', payload: { reload } });
  }

  // -------------------------------------------------------------------------------------------
  // Joining

  /**
   * Joins with a typed name, or with the roster name tapped (`rosterId`). A name in use on
   * another tablet waits for the teacher.
   */
  async join(classCode: string, name: string, rosterId?: string): Promise<void> {
    const s = this.store;
    s.set({ joining: true, joinError: '', classCode, name, waiting: null });
    // A token from this tablet lets the server resume the same student: the same name typed, or tapped.
    const c = this.creds;
    const typed = name.trim().toLowerCase();
    const mine = rosterId
      ? c?.rosterId === rosterId
      : c !== null && (c.name.toLowerCase() === typed || c.typed?.toLowerCase() === typed);
    const sameChild = mine ? c!.token : undefined;
    try {
      const r = await postJoin(classCode, name, sameChild, rosterId);
      if (isPending(r)) return void this.waitForTeacher(classCode, r.requestId, r.name, rosterId);
      this.joined(classCode, r, { sameChild: sameChild !== undefined, rosterId, typed: name.trim() });
    } catch (err) {
      this.joinFailed(classCode, err);
    }
  }

  /** Asks for the names of a class code (when it is complete): tap one, or type a name if none. */
  async lookUpNames(classCode: string): Promise<void> {
    const code = classCode.trim().toUpperCase();
    this.store.set({ lookingUp: true });
    try {
      const names = await postRosterNames(code);
      this.store.set({ roster: { code, names }, lookingUp: false, joinError: '' });
    } catch (err) {
      this.store.set({ lookingUp: false, roster: null });
      // Unreachable: the child can still type a name; the join says what is wrong.
      if (err instanceof JoinError) this.joinFailed(classCode, err);
    }
  }

  /** The child gives up waiting for the teacher (back to the names). */
  stopWaiting(): void {
    this.store.set({ waiting: null });
  }

  private async waitForTeacher(classCode: string, requestId: string, name: string, rosterId?: string): Promise<void> {
    const s = this.store;
    s.set({ joining: false, waiting: { requestId, name } });
    const giveUpAt = Date.now() + TAKEOVER_GIVE_UP_MS;
    while (s.get().waiting?.requestId === requestId) {
      await new Promise((resolve) => setTimeout(resolve, TAKEOVER_POLL_MS));
      if (s.get().waiting?.requestId !== requestId) return;
      if (Date.now() > giveUpAt) {
        s.set({ waiting: null, joinError: 'Your teacher has not answered yet. Tap your name to ask again.' });
        return;
      }
      let r: JoinReply;
      try {
        r = await postTakeover(requestId);
      } catch (err) {
        // The Wi-Fi dropped for a moment: ask again next time. A refusal ends the wait.
        if (err instanceof JoinError && err.status < 500) {
          s.set({ waiting: null });
          this.joinFailed(classCode, err);
          return;
        }
        continue;
      }
      if (isPending(r)) continue;
      s.set({ waiting: null });
      return this.joined(classCode, r, { sameChild: false, rosterId, typed: name });
    }
  }

  private joined(
    classCode: string,
    r: JoinResponse,
    o: { sameChild: boolean; rosterId: string | undefined; typed: string },
  ): void {
    const s = this.store;
    this.setCredentials(classCode.trim().toUpperCase(), r, o.rosterId, o.typed);
    if (!o.sameChild) s.set({ questions: [] });
    s.set({
      joining: false,
      wrongCode: '',
      screen: 'reader',
      farewell: null,
      notice: r.resumed && o.sameChild ? '' : FIRST_TIME_TIP,
    });
    history.replaceState(null, '', '/');
    this.startReading();
  }

  private joinFailed(classCode: string, err: unknown): void {
    this.store.set({
      joining: false,
      joinError:
        err instanceof JoinError ? err.message : "We couldn't reach your class. Check the Wi-Fi and try again.",
      ...(err instanceof JoinError && err.code === ErrorCode.WRONG_CLASS_CODE ? { wrongCode: classCode } : {}),
    });
  }

  /**
   * From a farewell screen back to the join page (removed, ended). The token stays (a removed
   * student's was forgotten already): joining again with the same name at the next lesson brings
   * back the same student, at the same word.
   */
  joinAgain(): void {
    this.stopReading();
    this.store.set({ screen: 'join', farewell: null, joinError: '' });
  }

  /** After "replaced": take the class back to this tablet. */
  readHere(): void {
    this.store.set({ screen: 'reader', farewell: null });
    this.startReading();
  }

  private setCredentials(classCode: string, r: JoinResponse, rosterId?: string, typed?: string): void {
    const kept = this.creds?.studentId === r.studentId ? this.creds : null;
    this.creds = {
      classCode,
      name: r.name,
      studentId: r.studentId,
      sessionId: r.sessionId,
      token: r.token,
      wsUrl: r.wsUrl,
      ...((rosterId ?? kept?.rosterId) ? { rosterId: rosterId ?? kept!.rosterId! } : {}),
      ...((typed ?? kept?.typed) ? { typed: typed ?? kept!.typed! } : {}),
    };
    save('student', this.creds);
    this.store.set({ name: r.name, classCode });
  }

  // -------------------------------------------------------------------------------------------
  // The connection

  private startReading(): void {
    const creds = this.creds!;
    this.progress?.dispose();
    this.progress = new Progress({
      // The student id, not the name: a rename by the teacher keeps the tablet's saved place.
      owner: `${creds.sessionId}:${creds.studentId}`,
      send: (payload) => this.send({ type: 'PROGRESS_UPDATE', payload }),
    });
    // Show the book where the tablet left it while the socket connects (or the server is away).
    const local = this.progress.current;
    if (local) void this.openBook(local.bookId, local.wordIdx, local.audioTs);
    this.socket?.stop();
    this.socket = new SocketClient<ServerMessage, ClientMessage>({
      url: (info) => this.socketUrl(info.lastClose),
      onMessage: (m) => this.onFrame(m),
      onOpen: () => this.onOpen(),
      onStatus: (status, detail) => this.onStatus(status, detail),
      finalCloseCodes: FINAL_CLOSE_CODES,
    });
    this.socket.start();
  }

  private stopReading(): void {
    this.narrator?.pause();
    this.progress?.flush();
    this.socket?.stop();
    this.socket = null;
  }

  /**
   * The URL for the next attempt. After an attempt that failed to open (the server was away, or
   * refused the token: a browser cannot see which), ask over HTTP first: the answer tells a
   * server that is still down (retry), a class that ended or a blocked student (stop), or gives a
   * fresh URL.
   */
  private async socketUrl(lastClose: CloseInfo | null): Promise<string> {
    const creds = this.creds;
    if (!creds) throw new StopReconnecting('ended');
    if (!lastClose || lastClose.wasOpen) return sameHost(creds.wsUrl);
    try {
      const r = await postJoin(creds.classCode, creds.name, creds.token);
      // The name was taken over on another tablet meanwhile (the teacher was asked to give it back).
      if (isPending(r)) throw new StopReconnecting('replaced');
      this.setCredentials(creds.classCode, r);
      return sameHost(r.wsUrl);
    } catch (err) {
      if (!(err instanceof JoinError) || err.status >= 500) throw err;
      if (err.status === 429) throw Object.assign(err, { retryAfterMs: err.retryAfterMs });
      if (err.code === ErrorCode.BLOCKED) throw new StopReconnecting('blocked');
      if (err.code === ErrorCode.JOIN_LOCKED) throw new StopReconnecting('locked');
      throw new StopReconnecting('ended');
    }
  }

  private onStatus(status: SocketStatus, detail: unknown): void {
    this.store.set({ connection: status });
    if (status !== 'open' && this.quietTimer !== null) {
      clearTimeout(this.quietTimer);
      this.quietTimer = null;
    }
    if (status !== 'stopped' || detail === undefined) return;
    const farewell = typeof detail === 'string' ? (detail as Farewell) : FAREWELL_BY_CODE[(detail as CloseInfo).code];
    if (!farewell) return;
    this.narrator?.pause();
    this.progress?.flush();
    if (farewell === 'removed' || farewell === 'locked') {
      // The token is dead; keep the name and code to fill in the join page. (After a lesson ends the
      // student stays in the class, and so does the token, for the next lesson.)
      forget('student');
    }
    this.store.set({ screen: 'farewell', farewell, askOpen: false, definition: null });
  }

  private onOpen(): void {
    this.store.set({ everOpened: true });
    this.progress?.reconnected();
  }

  /** Sends a frame; those the server answers at once also start the liveness check. */
  private send(m: ClientMessage): boolean {
    const sent = this.socket?.send(m) ?? false;
    if (sent && m.type !== 'DEFINE_WORD' && m.type !== 'OFFLINE_STATUS') this.expectReply(true);
    return sent;
  }

  /**
   * A frame was sent that the server answers (PROGRESS_SAVED, an acknowledgement, HAND_STATE).
   * If nothing at all comes back for a while, ask once more with a frame the server answers
   * without touching its disk (the latest position again); still nothing: the socket is dead.
   */
  private expectReply(probeFirst: boolean): void {
    if (this.quietTimer !== null) return;
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      if (probeFirst) this.probe();
      else this.socket?.drop();
    }, QUIET_MS);
  }

  private probe(): void {
    if (this.socket?.status !== 'open') return;
    const latest = this.progress?.latest();
    if (!latest || !this.socket.send({ type: 'PROGRESS_UPDATE', payload: latest })) return;
    if (this.quietTimer !== null) clearTimeout(this.quietTimer);
    this.quietTimer = null;
    this.expectReply(false);
  }

  private onFrame(m: ServerMessage): void {
    const s = this.store;
    if (this.quietTimer !== null) clearTimeout(this.quietTimer);
    this.quietTimer = null;
    switch (m.type) {
      case 'SESSION_STATE':
        return void this.onSessionState(m.payload);
      case 'PROGRESS_SAVED':
        return this.progress?.saved(m.payload.seq);
      case 'HAND_STATE':
        return s.set({ handRaised: m.payload.raised, handPending: false });
      case 'NAME_CHANGED':
        return this.renamed(m.payload.name);
      case 'BOOK_ASSIGNED':
        this.narrator?.pause();
        s.set({ notice: `Your teacher picked a new book: ${m.payload.bookTitle}` });
        return void this.openBook(m.payload.bookId, 0).then(() => this.moved(0));
      case 'DEFINITION':
        return this.onDefinition(m.payload.requestId, m.payload.text, '');
      case 'RATE_LIMITED':
        if (m.payload.requestId)
          return this.onDefinition(
            m.payload.requestId,
            null,
            'Lots of words looked up just now! Wait a few seconds, then tap the word again.',
          );
        break;
      case 'ERROR':
        if (m.payload.requestId) return this.onDefinition(m.payload.requestId, null, m.payload.message);
        break;
    }
    const questions = applyFrame(s.get().questions, m, Date.now());
    if (questions !== s.get().questions) this.setQuestions(questions);
  }

  /** The teacher renamed this child (told apart from another of the same name). */
  private renamed(name: string): void {
    if (this.creds && this.creds.name !== name) {
      this.creds = { ...this.creds, name };
      save('student', this.creds);
    }
    this.store.set({ name });
  }

  private async onSessionState(st: ServerPayload<'SESSION_STATE'>): Promise<void> {
    const s = this.store;
    this.renamed(st.name);
    s.set({
      speechInput: st.speechInput,
      aiAnswers: st.aiAnswers,
      handRaised: s.get().handPending ? s.get().handRaised : st.handRaised,
    });
    const pos = this.progress!.reconcile(st);
    const book = s.get().book;
    const same = book?.id === pos.bookId && this.narrator?.position === pos.wordIdx;
    if (!same && !(this.narrator?.playing && book?.id === pos.bookId))
      await this.openBook(pos.bookId, pos.wordIdx, pos.audioTs);
    // What waited for the connection.
    const reload = s.get().offlineReload;
    if (reload) this.send({ type: 'OFFLINE_STATUS', payload: { reload } });
    if (s.get().handPending) this.send({ type: 'RAISE_HAND', payload: { raised: s.get().handRaised } });
    for (const q of unsent(s.get().questions)) {
      this.send({
        type: 'STUDENT_INTERRUPTION',
        payload: { questionId: q.questionId, questionText: q.text, context: { bookId: q.bookId, wordIdx: q.wordIdx } },
      });
    }
    const d = s.get().definition;
    if (d && d.text === null) this.sendDefine(d);
  }

  // -------------------------------------------------------------------------------------------
  // The book and the read-aloud

  private async openBook(bookId: string, wordIdx: number, audioTs?: number): Promise<void> {
    const s = this.store;
    let book = s.get().book;
    if (book?.id !== bookId) {
      try {
        const res = await fetch(`/api/books/${encodeURIComponent(bookId)}`, { signal: timeout(HTTP_TIMEOUT_MS) });
        if (!res.ok) throw new Error(String(res.status));
        book = (await res.json()) as Book;
      } catch {
        if (!s.get().book) s.set({ bookError: "The book didn't load yet. We'll try again when we're connected." });
        return;
      }
      this.narrator?.destroy();
      this.offsets = audioOffsets(book.words);
      const onPlaying = (playing: boolean) => {
        s.set({ playing });
        this.progress?.setPlaying(playing);
        if (!playing) this.progress?.flush();
      };
      const onFinished = () => s.set({ notice: 'The end! You read the whole book. Well done!' });
      const clips = book.narration?.clips ?? [];
      if (clips.length > 0) await this.audioPass();
      this.narrator =
        clips.length > 0
          ? new AudioNarrator({
              words: book.words,
              clips,
              onWord: (i) => this.moved(i),
              onPlaying,
              onFinished,
              onAudioError: (retry) => void this.audioPass().then(retry),
            })
          : new Narrator({
              words: book.words,
              paragraphStarts: book.paragraphStarts,
              synth: typeof speechSynthesis === 'undefined' ? null : speechSynthesis,
              lang: document.documentElement.lang || 'en',
              onWord: (i) => this.moved(i),
              onPlaying,
              onMode: (mode) => s.set({ mode }),
              onFinished,
            });
      s.set({ mode: clips.length > 0 ? 'audio' : this.narrator instanceof Narrator ? this.narrator.mode : 'voice' });
      this.narrator.setRate(s.get().prefs.rate);
      s.set({ book, bookError: '', playing: false });
    }
    const n = this.narrator!;
    // A narrated book resumes at the saved point of its audio, not just at the word.
    if (n instanceof AudioNarrator && audioTs !== undefined && audioTs > 0) n.seekAudio(audioTs);
    else n.seek(Math.min(wordIdx, Math.max(0, book.words.length - 1)));
  }

  /** A pass for the audio of this class's books (a cookie the <audio> element sends by itself). */
  private async audioPass(): Promise<void> {
    if (!this.creds) return;
    await fetch('/api/audio/pass', {
      method: 'POST',
      signal: timeout(HTTP_TIMEOUT_MS),
      headers: { authorization: `Bearer ${this.creds.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ classId: this.creds.sessionId }),
    }).catch(() => undefined);
  }

  /** The current word changed (narration, a tap, a restore). */
  private moved(wordIdx: number): void {
    const book = this.store.get().book;
    if (!book) return;
    const n = this.narrator;
    const audioTs = n instanceof AudioNarrator ? n.audioTs : (this.offsets[wordIdx] ?? 0);
    this.progress?.move(book.id, wordIdx, audioTs, n?.playing ?? false);
    this.wordListener?.(wordIdx);
  }

  /** The page's highlighter; called with the current word now and on every change. */
  onWord(listener: ((wordIdx: number) => void) | null): void {
    this.wordListener = listener;
    if (listener && this.narrator) listener(this.narrator.position);
  }

  get wordIdx(): number {
    return this.narrator?.position ?? 0;
  }

  play(from?: number): void {
    this.store.set({ notice: '' });
    // An answer or a meaning being read aloud stops here, before the book's voice starts, so the
    // panel closing after this does not stop the book instead.
    stopSaying();
    this.narrator?.play(from);
  }

  pause(): void {
    this.narrator?.pause();
  }

  /** Moves the reading place by whole sentences or paragraphs (the back/forward buttons). */
  seek(wordIdx: number): void {
    this.narrator?.seek(wordIdx);
  }

  setPrefs(patch: Partial<Prefs>): void {
    const prefs = { ...this.store.get().prefs, ...patch };
    savePrefs(prefs);
    applyPrefs(prefs);
    this.store.set({ prefs });
    if (patch.rate !== undefined) this.narrator?.setRate(patch.rate);
  }

  dismissNotice(): void {
    this.store.set({ notice: '' });
  }

  // -------------------------------------------------------------------------------------------
  // Words, questions, hand

  define(wordIdx: number): void {
    const book = this.store.get().book;
    const raw = book?.words[wordIdx];
    if (!book || raw === undefined) return;
    this.narrator?.pause();
    this.narrator?.seek(wordIdx);
    const word = cleanWord(raw);
    if (!word) return;
    const d: Definition = { requestId: newId(), word, wordIdx, text: null, problem: '' };
    this.store.set({ definition: d, ...(this.store.get().notice === FIRST_TIME_TIP ? { notice: '' } : {}) });
    if (!this.sendDefine(d)) {
      this.store.set({ definition: { ...d, problem: "We'll look this word up as soon as we're connected again." } });
    }
  }

  closeDefinition(): void {
    this.store.set({ definition: null });
  }

  private sendDefine(d: Definition): boolean {
    const book = this.store.get().book;
    if (!book) return false;
    return this.send({
      type: 'DEFINE_WORD',
      payload: { requestId: d.requestId, word: d.word, context: { bookId: book.id, wordIdx: d.wordIdx } },
    });
  }

  private onDefinition(requestId: string, text: string | null, problem: string): void {
    const d = this.store.get().definition;
    if (!d || d.requestId !== requestId) return;
    // A retry after a rate limit or error gets a new request id, so the answer is not confused.
    this.store.set({ definition: { ...d, text, problem, requestId: text === null ? newId() : requestId } });
  }

  retryDefinition(): void {
    const d = this.store.get().definition;
    if (!d) return;
    const again = { ...d, text: null, problem: '' };
    this.store.set({ definition: again });
    if (!this.sendDefine(again))
      this.store.set({
        definition: { ...again, problem: "We'll look this word up as soon as we're connected again." },
      });
  }

  openAsk(): void {
    this.wasPlayingBeforeAsk = this.narrator?.playing ?? false;
    this.narrator?.pause();
    this.progress?.flush();
    this.store.set({ askOpen: true, definition: null, answerNotice: false });
    this.setQuestions(this.store.get().questions);
  }

  /** "See the answer" on the notice: Ask opens at the newest answer not seen yet. */
  showNewAnswer(): void {
    const q = newestUnread(this.store.get().questions);
    this.store.set({ showAnswer: q?.questionId ?? null });
    this.openAsk();
  }

  /** "Later" on the notice: it goes; the badge on Ask stays until the answer is seen. */
  hideAnswerNotice(): void {
    this.store.set({ answerNotice: false });
  }

  /** Closes the Ask panel and goes on reading from the same word. */
  keepReading(): void {
    this.store.set({ askOpen: false, showAnswer: null });
    this.play();
  }

  closeAsk(): void {
    this.store.set({ askOpen: false, showAnswer: null });
    if (this.wasPlayingBeforeAsk) this.play();
  }

  ask(text: string): void {
    const book = this.store.get().book;
    const questionText = text.trim().slice(0, Limits.QUESTION_MAX);
    if (!book || !questionText) return;
    this.progress?.flush();
    const q = newQuestion(newId(), questionText, book.id, this.wordIdx, Date.now());
    this.setQuestions(addQuestion(this.store.get().questions, q));
    this.send({
      type: 'STUDENT_INTERRUPTION',
      payload: { questionId: q.questionId, questionText, context: { bookId: book.id, wordIdx: q.wordIdx } },
    });
  }

  /** A question that was refused (rate limit, error) goes again as a new question. */
  askAgain(questionId: string): void {
    const old = this.store.get().questions.find((q) => q.questionId === questionId);
    if (!old) return;
    this.setQuestions(this.store.get().questions.filter((q) => q !== old));
    this.ask(old.text);
  }

  toggleHand(): void {
    const raised = !this.store.get().handRaised;
    const sent = this.send({ type: 'RAISE_HAND', payload: { raised } });
    this.store.set({ handRaised: raised, handPending: !sent });
  }

  /**
   * Answers that arrive while Ask is open are seen there; one that arrives while the child reads
   * brings up the notice (which never takes the focus or stops the reading).
   */
  private setQuestions(questions: AskedQuestion[]): void {
    const open = this.store.get().askOpen;
    const list = open ? markRead(questions) : questions;
    const before = new Set(
      this.store
        .get()
        .questions.filter((q) => q.unread)
        .map((q) => q.questionId),
    );
    const news = !open && list.some((q) => q.unread && !before.has(q.questionId));
    this.store.set({ questions: list, ...(news ? { answerNotice: true } : {}) });
    save('questions', list);
  }
}

/**
 * The socket goes to the host this page came from: the teacher may have switched the address
 * the QR code uses (another network card) since the tablet stored its URL.
 */
function sameHost(wsUrl: string): string {
  const u = new URL(wsUrl);
  u.host = location.host;
  return u.toString();
}

/** A word as the dictionary wants it: no surrounding punctuation or quotes. */
export function cleanWord(raw: string): string {
  return raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').slice(0, Limits.WORD_MAX);
}

/** A random id (crypto.randomUUID is only there on https, and the class runs on plain http). */
function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
