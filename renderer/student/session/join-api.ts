// Joining the class over HTTP (POST /api/join), and what the tablet keeps to come back without
// asking again.
import type { JoinResponse } from '../../../shared/protocol/index.js';
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

export async function postJoin(classCode: string, name: string, token: string | undefined): Promise<JoinResponse> {
  const res = await fetchSoon('/api/join', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ classCode: classCode.trim(), name: name.trim(), ...(token ? { token } : {}) }),
  });
  const body = (await res.json().catch(() => ({}))) as Partial<JoinResponse> & { code?: string; message?: string };
  if (!res.ok) {
    const retry = Number(res.headers.get('retry-after') ?? 0) * 1000;
    throw new JoinError(res.status, body.code ?? '', body.message ?? 'Something went wrong. Please try again.', retry);
  }
  return body as JoinResponse;
}
