// The tablets' WebSockets (their route is server/routes/student-live.ts): who may open one, then
// frames decoded and dispatched. Listeners are shared functions with the student stored on the
// socket, so a connection costs no closures of its own.
import type { FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { CloseCode, ErrorCode } from '../../shared/protocol/index.js';
import { decodeClientMessage } from '../../shared/protocol/decode.js';
import type { Classroom } from '../classroom/classroom.js';
import type { ClassRegistry } from '../classroom/registry.js';
import type { Outbox } from '../classroom/outbox.js';
import type { Student } from '../classroom/student.js';
import { DomainError } from '../errors.js';

export interface StudentSocketOptions {
  classes: ClassRegistry;
  outbox: Outbox;
  maxConnectionsPerIp: number;
  messagesPerSecond: number;
  /** What a class's tablets may use (its own settings): told to each tablet as it connects. */
  features: (room: Classroom) => { aiAnswers: boolean; speechInput: boolean };
  /** The classes' clock: a student's last activity is compared with it. */
  now: () => number;
}

type StudentSocket = WebSocket & { student: Student; room: Classroom; hub: StudentHub };
export type Admitted = { room: Classroom; student: Student };

/** Frames over the limit within one second before the socket is closed for flooding. */
const FLOOD_CLOSE_AFTER = 200;

export class StudentHub {
  private readonly perAddress = new Map<string, number>();
  /** Students with a socket open, in every class. */
  private readonly online = new Set<Student>();
  /** Where the heartbeat sweep is (Set iterators see later arrivals and departures). */
  private sweep: Iterator<Student> | null = null;

  get connected(): number {
    return this.online.size;
  }

  constructor(readonly o: StudentSocketOptions) {}

  /**
   * Who may open a socket to this class (before the upgrade, so the tablet gets an HTTP status it
   * can act on): a known token, from an address below its connection limit.
   */
  authorize(classId: string, token: string | undefined, address: string): Admitted {
    const admitted = typeof token === 'string' ? this.o.classes.authenticate(classId, token) : undefined;
    if (!admitted) {
      if (typeof token === 'string') this.o.classes.mustNotBeErased(token);
      throw new DomainError(ErrorCode.BAD_TOKEN, 'Unknown or expired token; join again.');
    }
    if ((this.perAddress.get(address) ?? 0) >= this.o.maxConnectionsPerIp)
      throw new DomainError(ErrorCode.TOO_MANY_CONNECTIONS, 'Too many tablets from this address.');
    return admitted;
  }

  /**
   * One sweep for all sockets, spread over the period: called every second, it pings the next
   * 1/periodSeconds of the sockets, so each socket is pinged once a period and 15,000 pings never
   * leave in one burst (that held the event loop, and every acknowledgement, for a second).
   * A socket that has not answered since its previous ping is dead.
   */
  heartbeatTick(periodSeconds: number): void {
    let slice = Math.ceil(this.online.size / periodSeconds);
    this.sweep ??= this.online.values();
    while (slice-- > 0) {
      const next = this.sweep.next();
      if (next.done) {
        this.sweep = null;
        return;
      }
      const student = next.value;
      const socket = student.socket;
      if (socket === null) continue;
      if (!student.alive) {
        socket.terminate();
        continue;
      }
      student.alive = false;
      socket.ping();
    }
  }

  closeAll(code: number, reason: string): void {
    for (const student of this.online) student.socket?.close(code, reason);
  }

  /** Takes the socket of a student authorize() let in. */
  attach(ws: WebSocket, { room, student }: Admitted, req: FastifyRequest): void {
    const socket = ws as StudentSocket;
    // After the upgrade the HTTP request and response objects are no longer needed; Fastify's
    // upgrade path would otherwise keep them alive for the life of the socket.
    const raw = req.raw.socket as unknown as { _httpMessage?: { detachSocket(s: unknown): void } };
    raw._httpMessage?.detachSocket(req.raw.socket);
    socket.removeAllListeners('error');
    socket.on('error', onError);

    const previous = student.socket;
    student.socket = socket;
    if (previous !== null) previous.close(CloseCode.REPLACED, 'Opened again on another tab or device');
    socket.student = student;
    socket.room = room;
    socket.hub = this;
    student.alive = true;
    student.address = req.ip;
    student.tokens = this.o.messagesPerSecond * 2;
    student.tokensAt = this.o.now();
    student.lastActivity = student.tokensAt;
    this.perAddress.set(req.ip, (this.perAddress.get(req.ip) ?? 0) + 1);
    this.online.add(student);
    socket.on('message', onMessage);
    socket.on('pong', onPong);
    socket.on('close', onClose);

    const { aiAnswers, speechInput } = this.o.features(room);
    this.o.outbox.send(student, 'SESSION_STATE', room.sessionState(student, aiAnswers, speechInput));
    room.desk.replayFor(student);
  }

  /** Token bucket: messagesPerSecond, bursts of twice that. */
  private admit(student: Student, now: number): boolean {
    const rate = this.o.messagesPerSecond;
    student.tokens = Math.min(rate * 2, student.tokens + ((now - student.tokensAt) * rate) / 1000);
    student.tokensAt = now;
    if (student.tokens >= 1) {
      student.tokens -= 1;
      return true;
    }
    return false;
  }

  handle(socket: StudentSocket, data: RawData, isBinary: boolean): void {
    const student = socket.student;
    if (student.socket !== socket) return;
    student.alive = true;
    const now = this.o.now();
    if (!this.admit(student, now)) {
      if (now - student.warnedAt >= 1000) {
        student.warnedAt = now;
        student.drops = 0;
        this.o.outbox.send(student, 'ERROR', {
          code: ErrorCode.TOO_MANY_MESSAGES,
          message: 'Too many messages; some were ignored.',
        });
      } else if (++student.drops > FLOOD_CLOSE_AFTER) {
        socket.close(CloseCode.POLICY_VIOLATION, 'Flooding');
      }
      return;
    }
    if (isBinary) {
      this.o.outbox.send(student, 'ERROR', { code: ErrorCode.BINARY_NOT_ALLOWED, message: 'Send JSON text frames.' });
      return;
    }
    const decoded = decodeClientMessage(data.toString());
    if (!decoded.ok) {
      this.o.outbox.send(student, 'ERROR', { code: decoded.code, message: decoded.message });
      return;
    }
    const m = decoded.message;
    switch (m.type) {
      case 'PROGRESS_UPDATE':
        socket.room.progress(student, m.payload);
        break;
      case 'STUDENT_INTERRUPTION':
        socket.room.desk.ask(student, m.payload);
        break;
      case 'DEFINE_WORD':
        void socket.room.desk.define(student, m.payload);
        break;
      case 'RAISE_HAND':
        socket.room.raiseHand(student, m.payload.raised ?? true);
        break;
      case 'OFFLINE_STATUS':
        socket.room.offlineStatus(student, m.payload.reload);
        break;
    }
  }

  closed(socket: StudentSocket): void {
    const address = socket.student.address;
    const n = (this.perAddress.get(address) ?? 1) - 1;
    if (n > 0) this.perAddress.set(address, n);
    else this.perAddress.delete(address);
    // The student's current socket, not a replaced one, is the one that takes them offline.
    if (socket.student.socket === socket || socket.student.socket === null) this.online.delete(socket.student);
    socket.room.detach(socket.student, socket);
  }
}

function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const socket = this as StudentSocket;
  socket.hub.handle(socket, data, isBinary);
}

function onPong(this: WebSocket): void {
  (this as StudentSocket).student.alive = true;
}

function onClose(this: WebSocket): void {
  const socket = this as StudentSocket;
  socket.hub.closed(socket);
}

/** Socket errors (resets, invalid frames) end in 'close'; there is nothing else to do. */
function onError(): void {}
