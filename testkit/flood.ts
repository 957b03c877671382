// A slow-client flood, as a hostile laptop on the classroom network would send it: many TCP
// connections from a few addresses, each starting an HTTP request and never finishing its head
// (half-open), or finishing it one byte at a time (slow). Each connection the server closes is
// opened again after a short pause, so the pressure holds until stop(). Shared by
// `npm run bench:storm -- --flood` and test/reliability-exhaustion.test.ts; bounded in attempts.
import { connect, type Socket } from 'node:net';

export interface FloodOptions {
  host: string;
  port: number;
  /** Source addresses (127.x.y.z), used in turn. */
  addresses: readonly string[];
  /** Connections kept open at once (from the flood's side; the kernel may hold some unaccepted). */
  connections: number;
  /** Slow mode: one more header byte this often. Null: half-open, nothing after the first line. */
  dribbleMs: number | null;
  /** Pause before a closed connection is opened again. */
  reopenMs: number;
  /** Most connections ever opened (a bound, whatever happens). */
  maxAttempts: number;
}

export interface FloodFigures {
  attempts: number;
  /** Open now, and the most open at once. */
  open: number;
  maxOpen: number;
  /** Closed by the server, by the status it sent first (none: closed without an answer). */
  closedWith: Record<string, number>;
  /** How long server-closed connections had lived, ms. */
  lifetimesMs: number[];
  connectErrors: number;
}

const HEAD = 'GET /join HTTP/1.1\r\nHost: classroom\r\nUser-Agent: flood\r\n';

export class SlowFlood {
  readonly figures: FloodFigures = {
    attempts: 0,
    open: 0,
    maxOpen: 0,
    closedWith: {},
    lifetimesMs: [],
    connectErrors: 0,
  };
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Reopening closed connections; then halted (the attacker walks away, leaving them hanging). */
  private running = false;
  private stopping = false;

  constructor(private readonly o: FloodOptions) {}

  start(): void {
    this.running = true;
    for (let i = 0; i < this.o.connections; i++) this.open(i);
  }

  /** Opens no more connections and leaves the open ones hanging, for the server to time out. */
  halt(): void {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Closes every flood connection; resolves once they are gone. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const closing = [...this.sockets].map((s) => new Promise((resolve) => s.once('close', resolve)));
    for (const s of this.sockets) s.destroy();
    await Promise.all(closing);
  }

  private open(slot: number): void {
    if (!this.running || this.figures.attempts >= this.o.maxAttempts) return;
    this.figures.attempts++;
    const f = this.figures;
    const socket = connect({
      host: this.o.host,
      port: this.o.port,
      localAddress: this.o.addresses[slot % this.o.addresses.length]!,
    });
    this.sockets.add(socket);
    let openedAt = 0;
    let status = 'none';
    let dribble: NodeJS.Timeout | null = null;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      openedAt = Date.now();
      f.open++;
      f.maxOpen = Math.max(f.maxOpen, f.open);
      socket.write(HEAD);
      if (this.o.dribbleMs !== null) dribble = setInterval(() => socket.write('X'), this.o.dribbleMs);
    });
    socket.once('data', (d) => {
      status = /^HTTP\/1\.\d (\d{3})/.exec(d.toString('latin1'))?.[1] ?? 'other';
    });
    socket.on('error', () => {
      if (openedAt === 0) f.connectErrors++;
    });
    socket.on('close', () => {
      if (dribble) clearInterval(dribble);
      this.sockets.delete(socket);
      if (openedAt > 0) {
        f.open--;
        if (!this.stopping) {
          f.closedWith[status] = (f.closedWith[status] ?? 0) + 1;
          f.lifetimesMs.push(Date.now() - openedAt);
        }
      }
      if (!this.running) return;
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.open(slot);
      }, this.o.reopenMs);
      this.timers.add(t);
    });
  }
}
