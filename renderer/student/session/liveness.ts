// Whether the socket still reaches the server. A socket can be dead without knowing it (the Wi-Fi
// went, the tablet slept): TCP may take minutes to notice, so the tablet watches for replies.

/** How long a reply may take before the tablet asks again, and then gives up on the socket. */
const QUIET_MS = 6000;
/** Hidden this long (a sleep, another app): check the socket when the page is back. */
const WOKE_AFTER_MS = 15_000;

export interface LivenessOptions {
  /** Ask the server once more, with a frame it answers without touching its disk. */
  probe(): void;
  /** Give up on the socket (it reconnects). */
  drop(): void;
}

export class Liveness {
  /** Running while a reply is due: see expect. */
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly o: LivenessOptions) {}

  /**
   * A frame was sent that the server answers (PROGRESS_SAVED, an acknowledgement, HAND_STATE).
   * If nothing at all comes back for a while, ask once more (probeFirst); still nothing: the
   * socket is dead.
   */
  expect(probeFirst: boolean): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (probeFirst) this.o.probe();
      else this.o.drop();
    }, QUIET_MS);
  }

  /** Something came back, or the socket is not open: no reply is due. */
  heard(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The probe went out: if it gets no answer either, the socket is dead. */
  probed(): void {
    this.heard();
    this.expect(false);
  }
}

/** Calls `hidden` whenever the page is hidden, and `woke` when it is back after a long while. */
export function watchWake(hidden: () => void, woke: () => void): void {
  let hiddenAt = 0;
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') {
      hiddenAt = Date.now();
      hidden();
    } else if (hiddenAt && Date.now() - hiddenAt > WOKE_AFTER_MS) {
      // After a sleep the socket may be dead without knowing it: ask at once.
      woke();
    }
  });
}
