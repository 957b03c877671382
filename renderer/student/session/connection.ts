// The live socket to the class: opened with the tablet's credentials, re-asked over HTTP after an
// attempt that failed, watched for silence (./liveness.ts), and ended for good by a farewell.
import type { ClientMessage, JoinResponse, ServerMessage } from '../../../shared/protocol/index.js';
import { CloseCode, FINAL_CLOSE_CODES, ErrorCode } from '../../../shared/protocol/codes.js';
import { SocketClient, StopReconnecting, type CloseInfo, type SocketStatus } from '../../shared/socket.js';
import { isPending, JoinError, postJoin, type Credentials } from './join-api.js';
import { Liveness } from './liveness.js';
import type { Farewell } from './state.js';

const FAREWELL_BY_CODE: Record<number, Farewell> = {
  [CloseCode.REPLACED]: 'replaced',
  [CloseCode.REMOVED]: 'removed',
  [CloseCode.BLOCKED]: 'blocked',
  [CloseCode.SESSION_ENDED]: 'ended',
  [CloseCode.DELETED]: 'deleted',
};

export interface ConnectionOptions {
  credentials(): Credentials | null;
  /** The server answered a rejoin with fresh credentials (a new URL, a new lesson). */
  rejoined(classCode: string, r: JoinResponse): void;
  onFrame(m: ServerMessage): void;
  onOpen(): void;
  onStatus(status: SocketStatus): void;
  /** The class ended for this tablet: the socket will not come back by itself. */
  onFarewell(farewell: Farewell): void;
  /** A frame the server answers without touching its disk (the latest position again), if any. */
  probeFrame(): ClientMessage | null;
}

export class Connection {
  private readonly socket: SocketClient<ServerMessage, ClientMessage>;
  private readonly liveness: Liveness;

  constructor(private readonly o: ConnectionOptions) {
    this.liveness = new Liveness({ probe: () => this.probe(), drop: () => this.socket.drop() });
    this.socket = new SocketClient<ServerMessage, ClientMessage>({
      url: (info) => this.url(info.lastClose),
      onMessage: (m) => {
        this.liveness.heard();
        o.onFrame(m);
      },
      onOpen: () => o.onOpen(),
      onStatus: (status, detail) => this.onStatus(status, detail),
      finalCloseCodes: FINAL_CLOSE_CODES,
    });
  }

  start(): void {
    this.socket.start();
  }

  get open(): boolean {
    return this.socket.status === 'open';
  }

  stop(): void {
    this.socket.stop();
  }

  /** Sends a frame; those the server answers at once also start the liveness check. */
  send(m: ClientMessage): boolean {
    const sent = this.socket.send(m);
    if (sent && m.type !== 'DEFINE_WORD' && m.type !== 'OFFLINE_STATUS') this.liveness.expect(true);
    return sent;
  }

  /** Asks the server for a reply now; the socket is dropped if none comes. */
  probe(): void {
    if (!this.open) return;
    const m = this.o.probeFrame();
    if (m && this.socket.send(m)) this.liveness.probed();
  }

  /**
   * The URL for the next attempt. After an attempt that failed to open (the server was away, or
   * refused the token: a browser cannot see which), ask over HTTP first: the answer tells a
   * server that is still down (retry), a class that ended or a blocked student (stop), or gives a
   * fresh URL.
   */
  private async url(lastClose: CloseInfo | null): Promise<string> {
    const creds = this.o.credentials();
    if (!creds) throw new StopReconnecting('ended');
    if (!lastClose || lastClose.wasOpen) return sameHost(creds.wsUrl);
    try {
      const r = await postJoin(creds.classCode, creds.name, creds.token);
      // The name was taken over on another tablet meanwhile (the teacher was asked to give it back).
      if (isPending(r)) throw new StopReconnecting('replaced');
      this.o.rejoined(creds.classCode, r);
      return sameHost(r.wsUrl);
    } catch (err) {
      if (!(err instanceof JoinError) || err.status >= 500) throw err;
      // Too many tries: the error as it is, whose retryAfterMs the socket waits out before the next.
      if (err.status === 429) throw err;
      if (err.code === ErrorCode.BLOCKED) throw new StopReconnecting('blocked');
      if (err.code === ErrorCode.JOIN_LOCKED) throw new StopReconnecting('locked');
      if (err.code === ErrorCode.STUDENT_DELETED) throw new StopReconnecting('deleted');
      throw new StopReconnecting('ended');
    }
  }

  private onStatus(status: SocketStatus, detail: unknown): void {
    this.o.onStatus(status);
    if (status !== 'open') this.liveness.heard();
    if (status !== 'stopped' || detail === undefined) return;
    const farewell = typeof detail === 'string' ? (detail as Farewell) : FAREWELL_BY_CODE[(detail as CloseInfo).code];
    if (farewell) this.o.onFarewell(farewell);
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
