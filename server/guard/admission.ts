// Who may open a connection, decided the moment it is accepted. Every connection costs a file
// descriptor, and so do the database, its WAL, the checkpoint worker, the logs and the teacher's
// dashboard; when the descriptors run out, everything that needs one next fails. So:
//
// - the server keeps descriptors of its own and never lets connections use them;
// - a connection that is not yet a student or dashboard socket ("pending": a page load, a join,
//   a half-sent request) is capped per address;
// - when the room for tablets is used up, a newcomer takes the place of the oldest pending
//   connection of the address that holds the most, as long as that address holds more than the
//   newcomer's would. A flood from a few addresses is cut down to their share and a tablet from
//   anywhere else still gets in. Sockets already upgraded (students reading) are never taken.
//
// Pure bookkeeping over anything that can be destroyed, so the rules are tested on their own;
// ./connections.ts applies them to the HTTP server.

/** Descriptors kept free for the teacher's dashboard (connections from this machine). */
export const DASHBOARD_RESERVE = 32;
/** Descriptors kept for answering refused connections; beyond that they are closed unanswered. */
export const ANSWER_RESERVE = 32;

export type Refusal = 'full' | 'address';
type State = 'pending' | 'upgraded' | 'refusing' | 'closed';

export interface Entry<S extends { destroy(): void }> {
  readonly socket: S;
  /** Whose books it is in (so one shared close listener serves every socket). */
  readonly owner: Admission<S>;
  readonly address: string;
  /** From this machine (the teacher's dashboard): never evicted, may use the dashboard reserve. */
  readonly local: boolean;
  state: State;
  refusal: Refusal | null;
}

export interface AdmissionOptions {
  maxPendingPerAddress: number;
  /** Descriptors free now, or null where that is unknown (then only the per-address cap holds). */
  freeFds(): number | null;
  /** Descriptors the server keeps for itself (database, WAL, checkpoint worker, logs, Gemini). */
  ownReserve(): number;
}

export interface AdmissionStats {
  /** Connections open now: pending + upgraded + refusing. */
  open: number;
  pending: number;
  upgraded: number;
  refusing: number;
  /** Since start: answered "full" or "too many from this address". */
  refused: number;
  /** Since start: pending connections closed to make room for another address. */
  evicted: number;
  /** Since start: closed at once, without an answer (no descriptors to spare). */
  dropped: number;
}

/** The figures of a guard that has seen no connection yet. */
export function noConnections(): AdmissionStats {
  return { open: 0, pending: 0, upgraded: 0, refusing: 0, refused: 0, evicted: 0, dropped: 0 };
}

export class Admission<S extends { destroy(): void }> {
  /** Pending connections per address, oldest first (a Set keeps insertion order). */
  private readonly pending = new Map<string, Set<Entry<S>>>();
  readonly stats: AdmissionStats = noConnections();
  /** Set while a refusal or eviction was for want of descriptors (for the capacity panel). */
  lastShortageAt = -Infinity;

  constructor(private readonly o: AdmissionOptions) {}

  /**
   * A connection was accepted. Returns its entry (pending, or refusing with the reason to give
   * it), or null when it must be closed at once. The caller destroys nothing itself.
   */
  arrive(socket: S, address: string, local: boolean, now = Date.now()): Entry<S> | null {
    const free = this.o.freeFds();
    const own = this.o.ownReserve();
    if (free !== null && free <= own) return this.drop(now);
    const mine = this.pending.get(address);
    const count = mine?.size ?? 0;
    if (count >= this.o.maxPendingPerAddress) return this.refuse(socket, address, local, 'address', free, own);
    const room = own + ANSWER_RESERVE + (local ? 0 : DASHBOARD_RESERVE);
    if (free !== null && free <= room) {
      const heavy = this.heaviest(address);
      if (heavy === null || heavy.size <= count + 1) {
        this.lastShortageAt = now;
        return this.refuse(socket, address, local, 'full', free, own);
      }
      this.lastShortageAt = now;
      this.evictOldest(heavy);
    }
    const entry: Entry<S> = { socket, owner: this, address, local, state: 'pending', refusal: null };
    if (mine) mine.add(entry);
    else this.pending.set(address, new Set([entry]));
    this.stats.open++;
    this.stats.pending++;
    return entry;
  }

  /** The connection became a student or dashboard socket: no longer pending. */
  upgraded(entry: Entry<S>): void {
    if (entry.state !== 'pending') return;
    this.unpend(entry);
    entry.state = 'upgraded';
    this.stats.upgraded++;
  }

  /** The connection closed (by either side). */
  closed(entry: Entry<S>): void {
    switch (entry.state) {
      case 'closed':
        return;
      case 'pending':
        this.unpend(entry);
        break;
      case 'upgraded':
        this.stats.upgraded--;
        break;
      case 'refusing':
        this.stats.refusing--;
        break;
    }
    entry.state = 'closed';
    this.stats.open--;
  }

  /** Pending connections from one address now, oldest first. */
  pendingFrom(address: string): S[] {
    return [...(this.pending.get(address) ?? [])].map((e) => e.socket);
  }

  private refuse(
    socket: S,
    address: string,
    local: boolean,
    refusal: Refusal,
    free: number | null,
    own: number,
  ): Entry<S> | null {
    const canAnswer = (free === null || free > own + ANSWER_RESERVE) && this.stats.refusing < ANSWER_RESERVE;
    if (!canAnswer) return this.drop(Date.now());
    this.stats.open++;
    this.stats.refusing++;
    this.stats.refused++;
    return { socket, owner: this, address, local, state: 'refusing', refusal };
  }

  private drop(now: number): null {
    this.stats.dropped++;
    this.lastShortageAt = now;
    return null;
  }

  /** The other address, not this machine, with the most pending connections. */
  private heaviest(except: string): Set<Entry<S>> | null {
    let best: Set<Entry<S>> | null = null;
    for (const [address, set] of this.pending) {
      if (address === except || (best !== null && set.size <= best.size)) continue;
      const first = set.values().next().value;
      if (first?.local) continue;
      best = set;
    }
    return best;
  }

  private evictOldest(set: Set<Entry<S>>): void {
    const victim = set.values().next().value!;
    this.closed(victim);
    this.stats.evicted++;
    victim.socket.destroy();
  }

  private unpend(entry: Entry<S>): void {
    const set = this.pending.get(entry.address);
    if (set?.delete(entry)) {
      this.stats.pending--;
      if (set.size === 0) this.pending.delete(entry.address);
    }
  }
}
