// One class as the dashboard runs it: its API client, its live link and its model. Several can run
// at once (a teacher with two groups in one room): each keeps its socket and its picture while
// another class is on screen.
import { TeacherApi } from './api.js';
import { LiveLink, type LinkState } from './live.js';
import { ClassModel } from './model.js';

export class ClassSession {
  readonly api: TeacherApi;
  readonly model = new ClassModel();
  link: LinkState = { kind: 'connecting' };
  private readonly live: LiveLink;
  private readonly listeners = new Set<() => void>();
  private started = false;

  /** `classId` names the class when `token` is the admin token; null acts on the token's own class. */
  constructor(token: string, classId: string | null, onRefused: () => void) {
    this.api = new TeacherApi(token, onRefused, classId);
    this.live = new LiveLink({
      ticket: this.api.ticket,
      onFrame: (f) => this.model.apply(f),
      onState: (state) => {
        this.link = state;
        for (const listener of this.listeners) listener();
      },
    });
  }

  /** Starts the live link (once; later calls do nothing). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.live.start();
  }

  stop(): void {
    this.live.stop();
  }

  retryNow(): void {
    this.live.retryNow();
  }

  /** Hears link changes (the model has its own subscribe). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
