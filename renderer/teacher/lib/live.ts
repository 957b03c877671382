// The dashboard's live feed: before each attempt, trade the admin token for a one-use ticket, open
// /ws/teacher?ticket=..., and hand every frame to the model. Reconnecting with backoff is the
// shared SocketClient's job (renderer/shared/socket.ts); after a drop the server's SNAPSHOT on the
// new socket replaces everything, so nothing missed in between is lost.
import type { TeacherMessage } from '../../../shared/protocol/index.js';
import { SocketClient, StopReconnecting } from '../../shared/socket.js';
import { ApiError } from './api.js';

export type LinkState =
  | { kind: 'connecting' }
  | { kind: 'live' }
  /** Waiting `retryInMs` before the next attempt. */
  | { kind: 'reconnecting'; retryInMs: number }
  /** The admin token was refused: reconnecting cannot help. */
  | { kind: 'signed-out' };

export interface LiveLinkOptions {
  ticket: () => Promise<{ ticket: string }>;
  onFrame: (frame: TeacherMessage) => void;
  onState: (state: LinkState) => void;
}

export class LiveLink {
  private readonly socket: SocketClient<TeacherMessage, never>;
  private everLive = false;

  constructor(o: LiveLinkOptions) {
    this.socket = new SocketClient<TeacherMessage, never>({
      url: async () => {
        try {
          const { ticket } = await o.ticket();
          const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
          return `${scheme}://${location.host}/ws/teacher?ticket=${encodeURIComponent(ticket)}`;
        } catch (err) {
          if (err instanceof ApiError && err.status === 401) throw new StopReconnecting(err);
          throw err;
        }
      },
      onMessage: (frame) => {
        // Live only once the picture is whole again, not when the socket merely opened.
        if (frame.type === 'SNAPSHOT') {
          this.everLive = true;
          o.onState({ kind: 'live' });
        }
        o.onFrame(frame);
      },
      onStatus: (status, detail) => {
        if (status === 'waiting')
          o.onState({ kind: 'reconnecting', retryInMs: typeof detail === 'number' ? detail : 0 });
        else if (status === 'stopped' && detail instanceof ApiError) o.onState({ kind: 'signed-out' });
        else if (status === 'connecting' && !this.everLive) o.onState({ kind: 'connecting' });
      },
      backoff: { baseMs: 500, capMs: 10_000 },
    });
  }

  start(): void {
    this.socket.start();
  }

  stop(): void {
    this.socket.stop();
  }

  /** Skips the wait ("Reconnect now"). */
  retryNow(): void {
    this.socket.retryNow();
  }
}
