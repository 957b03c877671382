// Joining the class over HTTP: join (a typed name, a tapped roster name, or the tablet's token),
// the roster names for a code, and asking whether the teacher let this tablet take over a name in
// use; and what the tablet keeps to come back without asking again.
import type { JoinResponse, RosterNames, TakeoverPending } from '../../../shared/protocol/index.js';
import { fetchSoon } from './http.js';
import { hasFields } from './storage.js';

/** What the tablet keeps to come back without asking again. */
export interface Credentials {
  classCode: string;
  name: string;
  studentId: string;
  sessionId: string;
  token: string;
  wsUrl: string;
  /** The roster name this child tapped, if they tapped one. */
  rosterId?: string;
  /** What the child typed, when the class marked the name apart ("Mia" for "Mia (2)"). */
  typed?: string;
}

export const isCredentials = (v: unknown): v is Credentials =>
  hasFields(v, {
    classCode: 'string',
    name: 'string',
    studentId: 'string',
    sessionId: 'string',
    token: 'string',
    wsUrl: 'string',
  });

/** An HTTP error with the server's sentence for people. */
export class JoinError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs = 0,
  ) {
    super(message);
  }
}

/** 200: joined; 202: the name is in use on another tablet and the teacher was asked. */
export type JoinReply = JoinResponse | TakeoverPending;

export const isPending = (r: JoinReply): r is TakeoverPending => 'requestId' in r;

export function postJoin(
  classCode: string,
  name: string,
  token: string | undefined,
  rosterId?: string,
): Promise<JoinReply> {
  return post<JoinReply>('/api/join', {
    classCode: classCode.trim(),
    name: name.trim(),
    ...(token ? { token } : {}),
    ...(rosterId ? { rosterId } : {}),
  });
}

/** The names to tap for a class code (null: type a name). A wrong code is refused, as a join is. */
export async function postRosterNames(classCode: string): Promise<RosterNames['names']> {
  return (await post<RosterNames>('/api/join/roster', { classCode: classCode.trim() })).names;
}

export function postTakeover(requestId: string): Promise<JoinReply> {
  return post<JoinReply>('/api/join/takeover', { requestId });
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const res = await fetchSoon(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const reply = (await res.json().catch(() => ({}))) as T & { code?: string; message?: string };
  if (!res.ok) {
    const retry = Number(res.headers.get('retry-after') ?? 0) * 1000;
    throw new JoinError(
      res.status,
      reply.code ?? '',
      reply.message ?? 'Something went wrong. Please try again.',
      retry,
    );
  }
  return reply;
}
