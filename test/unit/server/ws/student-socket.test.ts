// The tablets' socket hub (server/ws/student-socket.ts) without a network: who may open a socket,
// what a tablet hears as it attaches, frames decoded and dispatched to its class, flood control by
// the class clock, the heartbeat sweep, and a second socket replacing the first.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { CloseCode, ErrorCode, type ClientMessage } from '../../../../shared/protocol/index.js';
import type { Classroom } from '../../../../server/classroom/classroom.js';
import type { Student } from '../../../../server/classroom/student.js';
import { StudentHub } from '../../../../server/ws/student-socket.js';
import { classroomKit, FakeSocket, refusal, type ClassroomKit } from '../../../support/classroom-kit.js';

const RATE = 10;
let kit: ClassroomKit;
let room: Classroom;
let hub: StudentHub;

beforeEach(() => {
  kit = classroomKit();
  room = kit.registry.first();
  hub = new StudentHub({
    classes: kit.registry,
    outbox: kit.outbox,
    maxConnectionsPerIp: 2,
    messagesPerSecond: RATE,
    features: () => ({ aiAnswers: false, speechInput: true }),
    now: () => kit.clock.now,
  });
});
afterEach(() => kit.close());

function join(name: string): { student: Student; token: string } {
  const joined = room.admit(name, '192.168.1.30');
  if (!('student' in joined)) throw new Error('joined');
  return joined;
}

/** A tablet's socket through authorize and attach, as the route does around the upgrade. */
function open(token: string, ip = '192.168.1.30'): FakeSocket {
  const admitted = hub.authorize(room.id, token, ip);
  const socket = new FakeSocket();
  const req = { ip, raw: { socket: {} } } as unknown as FastifyRequest;
  hub.attach(socket as never, admitted, req);
  return socket;
}
const say = (socket: FakeSocket, m: ClientMessage | string) =>
  socket.emit('message', Buffer.from(typeof m === 'string' ? m : JSON.stringify(m)), false);

describe('student socket hub', () => {
  it('refuses an unknown token and an address over its limit', () => {
    const { token } = join('Mia');
    expect(refusal(() => hub.authorize(room.id, 'made-up', '192.168.1.30')).code).toBe(ErrorCode.BAD_TOKEN);
    expect(refusal(() => hub.authorize(room.id, undefined, '192.168.1.30')).code).toBe(ErrorCode.BAD_TOKEN);
    open(token);
    open(join('Leo').token);
    expect(refusal(() => hub.authorize(room.id, join('Ava').token, '192.168.1.30')).code).toBe(
      ErrorCode.TOO_MANY_CONNECTIONS,
    );
    // Another address is not counted against this one.
    expect(() => hub.authorize(room.id, token, '192.168.1.31')).not.toThrow();
  });

  it('tells an attached tablet its session, the class’s features, then what it missed', () => {
    const { student, token } = join('Mia');
    room.desk.ask(student, { questionId: 'q1', questionText: 'Why?', context: { bookId: room.bookId, wordIdx: 2 } });
    const socket = open(token);
    expect(socket.types()).toEqual(['SESSION_STATE', 'INTERRUPTION_ACKNOWLEDGED']);
    expect(socket.of('SESSION_STATE')[0]).toMatchObject({
      studentId: student.id,
      name: 'Mia',
      aiAnswers: false,
      speechInput: true,
    });
    expect(hub.connected).toBe(1);
    expect(room.connected).toBe(1);
  });

  it('dispatches frames to the class, and answers a bad one with its error code', () => {
    const { student, token } = join('Mia');
    const socket = open(token);
    say(socket, { type: 'PROGRESS_UPDATE', payload: { bookId: room.bookId, wordIdx: 7, audioTs: 1, seq: 1 } });
    say(socket, { type: 'RAISE_HAND', payload: {} });
    expect(student).toMatchObject({ wordIdx: 7, handRaised: true });
    say(socket, '{"type":"NO_SUCH_FRAME","payload":{}}');
    socket.emit('message', Buffer.from('{}'), true);
    expect(socket.of('ERROR').map((e) => e.code)).toEqual([ErrorCode.UNKNOWN_TYPE, ErrorCode.BINARY_NOT_ALLOWED]);
  });

  it('drops frames past the bucket, warns once a second, and closes a flood', () => {
    const { token } = join('Mia');
    const socket = open(token);
    const ping = { type: 'RAISE_HAND', payload: { raised: false } } as const;
    for (let i = 0; i < RATE * 2; i++) say(socket, ping);
    expect(socket.of('ERROR')).toEqual([]);
    say(socket, ping);
    expect(socket.of('ERROR').map((e) => e.code)).toEqual([ErrorCode.TOO_MANY_MESSAGES]);
    // A second later the bucket has refilled by RATE frames.
    kit.clock.now += 1_000;
    for (let i = 0; i < RATE; i++) say(socket, ping);
    expect(socket.closed).toBeNull();
    for (let i = 0; i < 202; i++) say(socket, ping);
    expect(socket.closed?.code).toBe(CloseCode.POLICY_VIOLATION);
  });

  it('pings each socket once a period and ends one that never answered', () => {
    const a = open(join('Mia').token);
    const b = open(join('Leo').token);
    hub.heartbeatTick(1);
    expect([a.pings, b.pings]).toEqual([1, 1]);
    a.emit('pong');
    // The tick after a full sweep finds its end; the next sweep starts on the one after.
    hub.heartbeatTick(1);
    hub.heartbeatTick(1);
    expect([a.terminated, b.terminated]).toEqual([false, true]);
    expect(hub.connected).toBe(1);
  });

  it('lets a second socket replace the first; the old one closing does not take the child offline', () => {
    const { student, token } = join('Mia');
    const first = open(token);
    const second = open(token, '192.168.1.31');
    expect(first.closed?.code).toBe(CloseCode.REPLACED);
    expect(student.socket).toBe(second);
    expect(hub.connected).toBe(1);
    second.close(1000, 'bye');
    expect(student.socket).toBeNull();
    expect(hub.connected).toBe(0);
  });
});
