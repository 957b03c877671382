// A tablet as tests see it: joins over HTTP, opens the socket, records every frame, and waits for
// frames by type. Uses the `ws` package (the same library the server uses) over real sockets.
import WebSocket from 'ws';
import type {
  JoinRequest,
  JoinResponse,
  RosterNames,
  ServerMessage,
  ServerPayload,
  ServerType,
} from '../../shared/protocol/index.js';

export async function join(
  baseUrl: string,
  body: JoinRequest,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: JoinResponse & { code?: string; message?: string } }> {
  const res = await fetch(`${baseUrl}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as JoinResponse & { code?: string; message?: string } };
}

/** The class-list names a tablet that typed `classCode` may tap (null: the class has no list). */
export async function rosterNames(baseUrl: string, classCode: string): Promise<RosterNames['names']> {
  const res = await fetch(`${baseUrl}/api/join/roster`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ classCode }),
  });
  return ((await res.json()) as RosterNames).names;
}

export class TestTablet {
  readonly frames: ServerMessage[] = [];
  closeCode: number | null = null;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as ServerMessage);
      this.wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
    ws.on('error', () => {});
  }

  static async open(wsUrl: string, options: WebSocket.ClientOptions = {}): Promise<TestTablet> {
    const ws = new WebSocket(wsUrl, options);
    const tablet = new TestTablet(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) =>
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })),
      );
      ws.once('error', reject);
    });
    return tablet;
  }

  send(type: string, payload: unknown): void {
    this.ws.send(JSON.stringify({ type, payload }));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  of<T extends ServerType>(type: T): ServerPayload<T>[] {
    return this.frames.filter((f) => f.type === type).map((f) => f.payload as ServerPayload<T>);
  }

  /** Resolves with the first frame of `type` (from `from` on) that matches, or rejects after timeoutMs. */
  async next<T extends ServerType>(
    type: T,
    match: (p: ServerPayload<T>) => boolean = () => true,
    timeoutMs = 10_000,
    from = 0,
  ): Promise<ServerPayload<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(from).find((f) => f.type === type && match(f.payload as ServerPayload<T>));
      if (found) return found.payload;
      if (this.closeCode !== null)
        throw new Error(
          `socket closed (${this.closeCode}) while waiting for ${type}; ` +
            `frames: ${JSON.stringify(this.frames).slice(0, 500)}`,
        );
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no ${type} within ${timeoutMs} ms; frames: ${JSON.stringify(this.frames).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async closed(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === null) {
      if (Date.now() > deadline) throw new Error('socket did not close');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.closeCode;
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
