// Which class a request on the public port is about, from what the primary can see without
// serving it: the path, the query, a few headers, and for the join routes their small JSON body.
// Pure, so every rule is unit-tested (test/unit/server/cluster/route.test.ts); the primary turns
// the answer into a worker with the database and server/cluster/placement.ts.
import { scopeOf } from '../classroom/ids.js';
import { normaliseClassCode } from '../classroom/ids.js';
import { passFromCookie } from '../http/audio-pass.js';
import { CLASS_HEADER, safeEqual } from '../http/security.js';

export type Route =
  /** The class is named outright (a path, a ticket, a pass, a header the admin token sent). */
  | { by: 'class'; classId: string }
  /** A class's teacher token (the database knows whose). */
  | { by: 'teacher-token'; token: string }
  /** The admin token on a teacher route without X-ReaderAI-Class: the first class acts. */
  | { by: 'first-class' }
  /** A join: the class is in the JSON body (see classOfJoin). */
  | { by: 'join-body' }
  /** The school view's list of every class: each worker answers for its own. */
  | { by: 'every-worker' }
  /** Nothing about a class (pages, books, health, IT's other routes): any worker serves it. */
  | { by: 'any' };

export interface RequestHead {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

const STUDENT_SOCKET = /^\/ws\/([^/?]+)$/;
const ADMIN_CLASS = /^\/api\/admin\/classes\/([^/?]+)(?:\/|$)/;

function header(h: RequestHead['headers'], name: string): string {
  const v = h[name];
  return typeof v === 'string' ? v : '';
}

function bearer(h: RequestHead['headers']): string {
  const auth = header(h, 'authorization');
  return auth.startsWith('Bearer ') ? auth.slice(7) : '';
}

export function routeOf(req: RequestHead, adminToken: string): Route {
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
  if (path === '/ws/teacher') return scoped(query.get('ticket') ?? '');
  const socket = STUDENT_SOCKET.exec(path);
  if (socket) return { by: 'class', classId: decodeURIComponent(socket[1]!) };
  if (req.method === 'POST' && (path === '/api/join' || path.startsWith('/api/join/') || path === '/api/audio/pass'))
    return { by: 'join-body' };
  const token = bearer(req.headers);
  const admin = token !== '' && safeEqual(token, adminToken);
  if (path.startsWith('/api/teacher/')) {
    if (!admin) return token === '' ? { by: 'any' } : { by: 'teacher-token', token };
    const chosen = header(req.headers, CLASS_HEADER);
    return chosen === '' ? { by: 'first-class' } : { by: 'class', classId: chosen };
  }
  if (path.startsWith('/api/admin/')) {
    if (req.method === 'GET' && path === '/api/admin/classes') return { by: 'every-worker' };
    const cls = ADMIN_CLASS.exec(path);
    return cls ? { by: 'class', classId: decodeURIComponent(cls[1]!) } : { by: 'any' };
  }
  if (path.startsWith('/api/audio/')) {
    if (token !== '' && !admin) return { by: 'teacher-token', token };
    return admin ? { by: 'any' } : scoped(passFromCookie(header(req.headers, 'cookie')) ?? '');
  }
  return { by: 'any' };
}

function scoped(secret: string): Route {
  const classId = scopeOf(secret);
  return classId === null ? { by: 'any' } : { by: 'class', classId };
}

/** What a join body says about its class, most telling first (as ClassRegistry.join decides). */
export type JoinClue = { by: 'class'; classId: string } | { by: 'code'; code: string; token: string } | { by: 'none' };

export function classOfJoin(path: string, body: unknown): JoinClue {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (key: string) => {
    const v = b[key];
    return typeof v === 'string' ? v : '';
  };
  if (path === '/api/join/takeover') {
    const classId = scopeOf(text('requestId'));
    return classId === null ? { by: 'none' } : { by: 'class', classId };
  }
  if (path === '/api/audio/pass')
    return text('classId') === '' ? { by: 'none' } : { by: 'class', classId: text('classId') };
  // /api/join and /api/join/roster: the typed code; for a resuming tablet, its token's class
  // when the code names no class (a tablet that typed another class's code joins that class).
  return { by: 'code', code: normaliseClassCode(text('classCode')), token: text('token') };
}
