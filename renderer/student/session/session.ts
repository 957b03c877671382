// The student's side of the class, as one object the UI reads (`store`) and calls. It joins and
// keeps the tablet's credentials, and wires the parts that each do one job: the socket
// (./connection.ts), the book and its read-aloud (./book.ts), word meanings (./definitions.ts),
// questions (./asking.ts), the reading place (./progress.ts) and the display choices (./prefs.ts).
// Nothing here knows about Preact.
import type { ClientMessage, JoinResponse, ServerMessage, ServerPayload } from '../../../shared/protocol/index.js';
import { ErrorCode, OfflineReload } from '../../../shared/protocol/codes.js';
import type { SocketStatus } from '../../shared/socket.js';
import { Store } from '../ui/store.js';
import { Asking, isQuestions } from './asking.js';
import { BookReader } from './book.js';
import { Connection } from './connection.js';
import { Definitions } from './definitions.js';
import {
  isCredentials,
  isPending,
  JoinError,
  postJoin,
  postRosterNames,
  postTakeover,
  type Credentials,
  type JoinReply,
} from './join-api.js';
import { watchWake } from './liveness.js';
import { Progress } from './progress.js';
import { newestUnread } from './questions.js';
import { applyPrefs, loadPrefs, savePrefs, type Prefs } from './prefs.js';
import { FIRST_TIME_TIP, type Farewell, type StudentState } from './state.js';
import { forget, forgetEverything, load, save } from './storage.js';

export type { Definition, Farewell, RosterName, StudentState } from './state.js';

/** How often a tablet waiting for the teacher asks again, and for how long at most. */
const TAKEOVER_POLL_MS = 2000;
const TAKEOVER_GIVE_UP_MS = 4 * 60_000;

export class Session {
  readonly store: Store<StudentState>;
  private creds: Credentials | null;
  private connection: Connection | null = null;
  private progress: Progress | null = null;
  private readonly reader: BookReader;
  private readonly definitions: Definitions;
  private readonly asking: Asking;

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
    const send = (m: ClientMessage): boolean => this.send(m);
    this.reader = new BookReader({
      store: this.store,
      credentials: () => this.creds,
      moved: (bookId, wordIdx, audioTs, playing) => this.progress?.move(bookId, wordIdx, audioTs, playing),
      playing: (playing) => {
        this.progress?.setPlaying(playing);
        if (!playing) this.progress?.flush();
      },
    });
    this.definitions = new Definitions({ store: this.store, reader: this.reader, send });
    this.asking = new Asking({
      store: this.store,
      reader: this.reader,
      send,
      flushProgress: () => this.progress?.flush(),
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
    watchWake(
      () => this.progress?.flush(),
      () => this.connection?.probe(),
    );
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
    if (this.connection?.open) this.send({ type: 'OFFLINE_STATUS', payload: { reload } });
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
      const r = await postJoin(classCode, name, sameChild, rosterId).catch(async (err: unknown) => {
        // The child this tablet knew was deleted: forget them, and this child joins afresh.
        if (!(err instanceof JoinError) || err.code !== ErrorCode.STUDENT_DELETED) throw err;
        await this.forgetChild();
        return postJoin(classCode, name, undefined, rosterId);
      });
      if (isPending(r)) return void this.waitForTeacher(classCode, r.requestId, r.name, rosterId);
      const resumed = sameChild !== undefined && this.creds !== null;
      this.joined(classCode, r, { sameChild: resumed, rosterId, typed: name.trim() });
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
    if (local) void this.reader.open(local.bookId, local.wordIdx, local.audioTs);
    this.connection?.stop();
    this.connection = new Connection({
      credentials: () => this.creds,
      rejoined: (classCode, r) => this.setCredentials(classCode, r),
      onFrame: (m) => this.onFrame(m),
      onOpen: () => this.onOpen(),
      onStatus: (status) => this.onStatus(status),
      onFarewell: (farewell) => this.onFarewell(farewell),
      probeFrame: () => {
        const latest = this.progress?.latest();
        return latest ? { type: 'PROGRESS_UPDATE', payload: latest } : null;
      },
    });
    this.connection.start();
  }

  private stopReading(): void {
    this.reader.pause();
    this.progress?.flush();
    this.connection?.stop();
    this.connection = null;
  }

  private onStatus(status: SocketStatus): void {
    this.store.set({ connection: status });
  }

  private onFarewell(farewell: Farewell): void {
    this.reader.pause();
    if (farewell === 'deleted') {
      this.store.set({ screen: 'farewell', farewell, askOpen: false, definition: null });
      void this.forgetChild();
      return;
    }
    this.progress?.flush();
    if (farewell === 'removed' || farewell === 'locked') {
      // The token is dead; keep the name and code to fill in the join page. (After a lesson ends the
      // student stays in the class, and so does the token, for the next lesson.)
      forget('student');
    }
    this.store.set({ screen: 'farewell', farewell, askOpen: false, definition: null });
  }

  /** Forgets the child: their name, token, place and questions, on screen and in storage. */
  private async forgetChild(): Promise<void> {
    this.connection?.stop();
    this.connection = null;
    this.progress?.dispose();
    this.progress = null;
    this.creds = null;
    const code = this.store.get().linkCode;
    this.store.set({ name: '', classCode: code, questions: [], handRaised: false, answerNotice: false });
    await forgetEverything();
  }

  private onOpen(): void {
    this.store.set({ everOpened: true });
    this.progress?.reconnected();
  }

  private send(m: ClientMessage): boolean {
    return this.connection?.send(m) ?? false;
  }

  private onFrame(m: ServerMessage): void {
    const s = this.store;
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
        this.reader.pause();
        s.set({ notice: `Your teacher picked a new book: ${m.payload.bookTitle}` });
        return void this.reader.open(m.payload.bookId, 0).then(() => this.reader.moved(0));
    }
    if (!this.definitions.onFrame(m)) this.asking.onFrame(m);
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
    // A book in the store always has its narrator, so position and playing are the narrator's.
    const same = book?.id === pos.bookId && this.reader.position === pos.wordIdx;
    if (!same && !(this.reader.playing && book?.id === pos.bookId))
      await this.reader.open(pos.bookId, pos.wordIdx, pos.audioTs);
    // What waited for the connection.
    const reload = s.get().offlineReload;
    if (reload) this.send({ type: 'OFFLINE_STATUS', payload: { reload } });
    if (s.get().handPending) this.send({ type: 'RAISE_HAND', payload: { raised: s.get().handRaised } });
    this.asking.resend();
    this.definitions.resend();
  }

  // -------------------------------------------------------------------------------------------
  // What the screens call

  /** The page's highlighter; called with the current word now and on every change. */
  onWord(listener: ((wordIdx: number) => void) | null): void {
    this.reader.onWord(listener);
  }

  get wordIdx(): number {
    return this.reader.position;
  }

  play(from?: number): void {
    this.reader.play(from);
  }

  pause(): void {
    this.reader.pause();
  }

  /** Moves the reading place by whole sentences or paragraphs (the back/forward buttons). */
  seek(wordIdx: number): void {
    this.reader.seek(wordIdx);
  }

  setPrefs(patch: Partial<Prefs>): void {
    const prefs = { ...this.store.get().prefs, ...patch };
    savePrefs(prefs);
    applyPrefs(prefs);
    this.store.set({ prefs });
    if (patch.rate !== undefined) this.reader.setRate(patch.rate);
  }

  dismissNotice(): void {
    this.store.set({ notice: '' });
  }

  define(wordIdx: number): void {
    this.definitions.define(wordIdx);
  }

  closeDefinition(): void {
    this.definitions.close();
  }

  retryDefinition(): void {
    this.definitions.retry();
  }

  openAsk(): void {
    this.asking.open();
  }

  /** "See the answer" on the notice: Ask opens at the newest answer not seen yet. */
  showNewAnswer(): void {
    this.asking.showNewAnswer();
  }

  /** "Later" on the notice: it goes; the badge on Ask stays until the answer is seen. */
  hideAnswerNotice(): void {
    this.asking.hideNotice();
  }

  /** Closes the Ask panel and goes on reading from the same word. */
  keepReading(): void {
    this.asking.keepReading();
  }

  closeAsk(): void {
    this.asking.close();
  }

  ask(text: string): void {
    this.asking.ask(text);
  }

  /** A question that was refused (rate limit, error) goes again as a new question. */
  askAgain(questionId: string): void {
    this.asking.askAgain(questionId);
  }

  toggleHand(): void {
    const raised = !this.store.get().handRaised;
    const sent = this.send({ type: 'RAISE_HAND', payload: { raised } });
    this.store.set({ handRaised: raised, handPending: !sent });
  }
}
