// A JSON WebSocket that comes back by itself: after a drop it waits (exponential backoff with full
// jitter, see ./backoff.ts) and opens again, until told to stop or closed with a "final" code.
// Generic over the message types so both web apps can use it:
//
//   const socket = new SocketClient<ServerMessage, ClientMessage>({
//     url: () => wsUrl,                   // asked again before every attempt (may be async)
//     onMessage: (m) => ...,
//     onStatus: (s) => ...,               // 'connecting' | 'open' | 'waiting' | 'stopped'
//     finalCloseCodes: FINAL_CLOSE_CODES, // closes that mean "do not come back"
//   });
//   socket.start();
//   socket.send({ type: 'PING', payload: {} }); // false when not open: keep it and send on onOpen
import { Backoff, type BackoffOptions } from './backoff.js';

/** A connection open this long was a success: the next drop starts from the smallest delay. */
const STABLE_MS = 10_000;
/** WebSocket.OPEN, spelled out so the client also runs where WebSocket is not a global (tests). */
const OPEN = 1;

export type SocketStatus = 'connecting' | 'open' | 'waiting' | 'stopped';

export interface CloseInfo {
  code: number;
  reason: string;
  /** Whether the socket had opened before it closed (false: the attempt itself failed). */
  wasOpen: boolean;
}

export interface AttemptInfo {
  /** Attempts since the last successful open (0 for the first). */
  attempt: number;
  /** How the previous socket ended, if there was one. */
  lastClose: CloseInfo | null;
}

/** Thrown by `url()` (or passed to `stop`) to give up: the reason reaches onStatus('stopped'). */
export class StopReconnecting extends Error {
  constructor(readonly detail: unknown) {
    super('stop reconnecting');
  }
}

export interface SocketClientOptions<In> {
  url(info: AttemptInfo): string | Promise<string>;
  onMessage(message: In): void;
  onOpen?(): void;
  onClose?(info: CloseInfo): void;
  /** `detail` is the final CloseInfo or the StopReconnecting detail when stopped, the delay in ms when waiting. */
  onStatus?(status: SocketStatus, detail?: unknown): void;
  finalCloseCodes?: readonly number[];
  backoff?: BackoffOptions;
  /** An attempt that has not opened after this long is abandoned and retried. */
  openTimeoutMs?: number;
  /** Test seam. */
  createSocket?(url: string): WebSocket;
}

export class SocketClient<In, Out> {
  private socket: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly backoff: Backoff;
  private statusNow: SocketStatus = 'stopped';
  private running = false;
  private lastClose: CloseInfo | null = null;
  private generation = 0;
  private openedAt = 0;
  /** Drops the current socket at once, without waiting for TCP to notice. */
  private abandon: (() => void) | null = null;

  constructor(private readonly o: SocketClientOptions<In>) {
    this.backoff = new Backoff(o.backoff);
  }

  get status(): SocketStatus {
    return this.statusNow;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (typeof window !== 'undefined') {
      window.addEventListener('online', this.onOnline);
      window.addEventListener('offline', this.onOffline);
      document.addEventListener('visibilitychange', this.onVisible);
    }
    void this.attempt();
  }

  /** Closes for good (no reconnect). */
  stop(detail?: unknown): void {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    this.clearTimer();
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', this.onOnline);
      window.removeEventListener('offline', this.onOffline);
      document.removeEventListener('visibilitychange', this.onVisible);
    }
    const s = this.socket;
    this.socket = null;
    this.abandon = null;
    s?.close(1000, 'closed by the app');
    this.setStatus('stopped', detail);
  }

  /** Sends when open; returns false otherwise (the caller keeps what matters and resends on open). */
  send(message: Out): boolean {
    const s = this.socket;
    if (!s || s.readyState !== OPEN || this.statusNow !== 'open') return false;
    s.send(JSON.stringify(message));
    return true;
  }

  /**
   * The app heard nothing back in time (a Wi-Fi hand-over or a sleep can leave a socket that looks
   * open but leads nowhere, for minutes): drop it now and reconnect.
   */
  drop(): void {
    this.abandon?.();
  }

  /** Skips the current wait (the network came back, the page woke up, the user asked). */
  retryNow(withinMs = 0): void {
    if (!this.running || this.statusNow !== 'waiting') return;
    this.clearTimer();
    // A little jitter even here: every tablet in the room sees the Wi-Fi come back at once.
    this.timer = setTimeout(() => void this.attempt(), Math.floor(Math.random() * withinMs));
  }

  private async attempt(): Promise<void> {
    this.timer = null;
    const gen = ++this.generation;
    this.setStatus('connecting');
    let url: string;
    try {
      url = await this.o.url({ attempt: this.backoff.attempts, lastClose: this.lastClose });
    } catch (err) {
      if (gen !== this.generation) return;
      if (err instanceof StopReconnecting) return this.stop(err.detail);
      const hint = (err as { retryAfterMs?: number }).retryAfterMs;
      return this.wait(typeof hint === 'number' ? hint : 0);
    }
    if (gen !== this.generation || !this.running) return;
    let socket: WebSocket;
    try {
      socket = this.o.createSocket ? this.o.createSocket(url) : new WebSocket(url);
    } catch {
      return this.wait(0);
    }
    this.socket = socket;
    let opened = false;
    const openTimer = setTimeout(() => {
      if (!opened) socket.close();
    }, this.o.openTimeoutMs ?? 10_000);
    socket.onopen = () => {
      if (this.socket !== socket) return;
      opened = true;
      this.openedAt = Date.now();
      clearTimeout(openTimer);
      this.lastClose = null;
      this.setStatus('open');
      this.o.onOpen?.();
    };
    socket.onmessage = (e) => {
      if (this.socket !== socket || typeof e.data !== 'string') return;
      let message: In;
      try {
        message = JSON.parse(e.data) as In;
      } catch {
        return;
      }
      this.o.onMessage(message);
    };
    socket.onclose = (e) => {
      clearTimeout(openTimer);
      this.closed(socket, { code: e.code, reason: e.reason, wasOpen: opened });
    };
    this.abandon = () => {
      clearTimeout(openTimer);
      socket.close();
      this.closed(socket, { code: 1006, reason: 'offline', wasOpen: opened });
    };
    // An error is always followed by close; nothing to do here.
    socket.onerror = () => {};
  }

  private closed(socket: WebSocket, info: CloseInfo): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.abandon = null;
    this.lastClose = info;
    // Only a connection that lasted counts as success: a server that accepts and drops at once
    // must not be hammered at the smallest delay.
    if (info.wasOpen && Date.now() - this.openedAt >= STABLE_MS) this.backoff.reset();
    this.o.onClose?.(info);
    if (!this.running) return;
    if (this.o.finalCloseCodes?.includes(info.code)) return this.stop(info);
    this.wait(0);
  }

  private wait(atLeastMs: number): void {
    if (!this.running) return;
    const delay = Math.max(atLeastMs, this.backoff.next());
    this.setStatus('waiting', delay);
    this.clearTimer();
    this.timer = setTimeout(() => void this.attempt(), delay);
  }

  private setStatus(status: SocketStatus, detail?: unknown): void {
    this.statusNow = status;
    this.o.onStatus?.(status, detail);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly onOnline = () => this.retryNow(1000);
  // The browser knows the network is gone before TCP does: drop the socket now, so the app shows
  // it and keeps what it would have sent.
  private readonly onOffline = () => this.abandon?.();
  private readonly onVisible = () => {
    if (document.visibilityState === 'visible') this.retryNow(500);
  };
}
