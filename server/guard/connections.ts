// Applies the admission rules (./admission.ts) to the HTTP server: every accepted TCP connection
// passes through here before the HTTP parser sees it. A refused connection gets a short, clear
// answer when its request arrives (./refusal.ts) and is closed soon after, whatever it does; one
// that cannot be answered is closed at once.
import type { Server, Socket } from 'node:net';
import { Admission, type AdmissionStats, type Entry, type Refusal } from './admission.js';
import { FdBudget } from './fd-budget.js';

/** A refused connection is closed this long after it arrived, answered or not. */
const REFUSED_LINGER_MS = 2_000;

export interface ConnectionStats extends AdmissionStats {
  /** Descriptor limit of the process (null: unknown). */
  fdLimit: number | null;
  /** Descriptors free now, by the guard's count (null: unknown). */
  fdFree: number | null;
}

export interface ConnectionGuardOptions {
  maxPendingPerAddress: number;
  /** Descriptors the server keeps for itself. */
  ownReserve(): number;
  /** Refusals are answered over plain HTTP; over TLS the connection is closed instead. */
  answersRefusals: boolean;
  /** Told when connections are refused, taken or closed for want of descriptors. */
  onShortage(): void;
}

const kEntry = Symbol('guard.entry');
type Tracked = Socket & { [kEntry]?: Entry<Socket> };

/** The teacher's dashboard runs on this machine and opens 127.0.0.1 (or ::1); tablets come over the LAN. */
function fromThisMachine(address: string): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

export class ConnectionGuard {
  private readonly admission: Admission<Socket>;
  private readonly budget = new FdBudget();
  private readonly timer: NodeJS.Timeout;
  private shortageSeen = -Infinity;

  constructor(
    private readonly server: Server,
    private readonly o: ConnectionGuardOptions,
  ) {
    this.admission = new Admission<Socket>({
      maxPendingPerAddress: o.maxPendingPerAddress,
      freeFds: () => this.budget.free(this.admission.stats.open),
      ownReserve: o.ownReserve,
    });
    this.budget.recount(0);
    // Between two readings of the kernel's count, connections opened and closed are counted.
    this.timer = setInterval(() => this.budget.recount(this.admission.stats.open), this.budget.recountMs);
    this.timer.unref();
    this.takeOverConnections();
  }

  /** Why this connection was refused, or null if it was admitted. */
  refusalOf(socket: Socket): Refusal | null {
    return (socket as Tracked)[kEntry]?.refusal ?? null;
  }

  /** The connection became a student or dashboard WebSocket. */
  upgraded(socket: Socket): void {
    const entry = this.entryOf(socket);
    if (entry) this.admission.upgraded(entry);
  }

  stats(): ConnectionStats {
    return {
      ...this.admission.stats,
      fdLimit: this.budget.limit,
      fdFree: this.budget.free(this.admission.stats.open),
    };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * The HTTP (or TLS) server's own 'connection' listeners run only for admitted and answerable
   * connections, so one closed here never reaches a parser.
   */
  private takeOverConnections(): void {
    const listeners = this.server.listeners('connection') as ((socket: Socket) => void)[];
    this.server.removeAllListeners('connection');
    this.server.on('connection', (socket: Tracked) => {
      const address = socket.remoteAddress ?? '';
      const entry = this.admission.arrive(socket, address, fromThisMachine(address));
      this.noteShortage();
      if (entry === null) {
        socket.destroy();
        return;
      }
      socket[kEntry] = entry;
      socket.once('close', onClose);
      if (entry.refusal !== null) {
        if (!this.o.answersRefusals) {
          socket.destroy();
          return;
        }
        setTimeout(destroy, REFUSED_LINGER_MS, socket).unref();
      }
      for (const listener of listeners) listener.call(this.server, socket);
    });
  }

  private noteShortage(): void {
    const at = this.admission.lastShortageAt;
    if (at > this.shortageSeen) {
      this.shortageSeen = at;
      this.o.onShortage();
    }
  }

  /**
   * A plain connection carries its entry; a TLS socket wraps the accepted one (which Node keeps
   * only informally), so that one is found by its port among its address's pending connections.
   */
  private entryOf(socket: Socket): Entry<Socket> | undefined {
    const own = (socket as Tracked)[kEntry];
    if (own) return own;
    const raw = this.admission.pendingFrom(socket.remoteAddress ?? '').find((s) => s.remotePort === socket.remotePort);
    return raw ? (raw as Tracked)[kEntry] : undefined;
  }
}

/** One listener for every connection: no closure per socket. */
function onClose(this: Tracked): void {
  const entry = this[kEntry];
  entry?.owner.closed(entry);
}

function destroy(socket: Socket): void {
  socket.destroy();
}
