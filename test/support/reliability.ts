// Helpers shared by the reliability and security suites (test/reliability-*, test/security-*):
// a whole class of tablets, the teacher's live socket, and raw HTTP from a chosen source address.
import { request } from 'node:http';
import type WebSocket from 'ws';
import type { ServerType, TeacherPayload, TeacherType } from '../../shared/protocol/index.js';
import { teacherApi, type RunningServer } from './server.js';
import { join, TestTablet } from './student-client.js';

export function classCodeOf(server: Pick<RunningServer, 'joinUrl'>): string {
  return new URL(server.joinUrl).searchParams.get('code')!;
}

export interface JoinedTablet {
  name: string;
  studentId: string;
  token: string;
  wsUrl: string;
  bookId: string;
  tablet: TestTablet;
}

/** Joins one student and opens their socket (optionally from another loopback address). */
export async function joinTablet(server: RunningServer, name: string, localAddress?: string): Promise<JoinedTablet> {
  const res = await join(server.url, { classCode: classCodeOf(server), name });
  if (res.status !== 200) throw new Error(`join ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  const tablet = await TestTablet.open(res.body.wsUrl, localAddress ? { localAddress } : {});
  const state = await tablet.next('SESSION_STATE');
  return {
    name,
    studentId: res.body.studentId,
    token: res.body.token,
    wsUrl: res.body.wsUrl,
    bookId: state.bookId,
    tablet,
  };
}

/** The dashboard's live socket: trades the admin token for a ticket, then opens /ws/teacher. */
export async function openTeacherSocket(
  server: RunningServer,
  headers: Record<string, string> = {},
  options: WebSocket.ClientOptions = {},
): Promise<TestTablet> {
  const { status, body } = await teacherApi<{ ticket: string }>(server, '/ticket', { method: 'POST' });
  if (status !== 200) throw new Error(`ticket: ${status}`);
  return TestTablet.open(`${server.wsBase}/ws/teacher?ticket=${encodeURIComponent(body.ticket)}`, {
    ...options,
    headers,
  });
}

/** Waits for a teacher frame (TestTablet records any JSON frame; only its types are the student's). */
export function nextTeacherFrame<T extends TeacherType>(
  socket: TestTablet,
  type: T,
  match: (p: TeacherPayload<T>) => boolean = () => true,
  timeoutMs = 10_000,
  from = 0,
): Promise<TeacherPayload<T>> {
  return socket.next(type as unknown as ServerType, match as never, timeoutMs, from) as unknown as Promise<
    TeacherPayload<T>
  >;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request with the path sent exactly as given (fetch would normalise `..` away) and,
 * optionally, from a chosen local address (127.x.y.z) so per-address limits can be exercised.
 */
export function rawHttp(
  url: string,
  o: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    localAddress?: string;
  } = {},
): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        method: o.method ?? 'GET',
        path: o.path ?? `${u.pathname}${u.search}`,
        headers: { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers },
        ...(o.localAddress ? { localAddress: o.localAddress } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error(`timeout: ${o.method ?? 'GET'} ${o.path ?? url}`)));
    req.on('error', reject);
    req.end(o.body);
  });
}

/** Resolves after ms. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
