// The teacher's REST API (server/routes/teacher.ts), typed. Every call carries one class's teacher
// token (or the admin token, which acts on the first class); a 401 means the token is wrong or
// stale, and the page goes back to the sign-in screen.
import type { AiStatus, RouteCheck } from '../../../shared/protocol/ai.js';
import type {
  BookSummary,
  ChildHistory,
  ClassroomView,
  ErrorBody,
  FeedItem,
  RosterPut,
  RosterView,
  StudentView,
} from '../../../shared/protocol/index.js';

export type { AiStatus, RouteCheck } from '../../../shared/protocol/ai.js';

/** One row of GET /api/teacher/settings (server/settings.ts SettingView). */
export interface SettingView {
  key: string;
  value: unknown;
  isSet: boolean;
  source: 'default' | 'machine' | 'teacher' | 'class' | 'environment' | 'flag' | 'locked';
  /** `class`: this class's own (may differ per class); `server`: shared by every class (IT's). */
  scope: 'class' | 'server';
  editable: boolean;
  reason: string | null;
  needsRestart: boolean;
  /** The values it may take, when it is a choice. */
  choices?: string[];
  doc: string;
}

export type StudentAction = 'remove' | 'put-back' | 'block' | 'unblock' | 'lower-hand';

/** An HTTP error with the server's sentence for people (ErrorBody.message). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Every call is an arrow property, so it can be passed around (`act('…', api.rotateCode)`). */
export class TeacherApi {
  constructor(
    private readonly token: string,
    /** Called on 401, before the call rejects. */
    private readonly onUnauthorized: () => void,
    /** With the admin token: the class to act on (server/http/security.ts CLASS_HEADER). */
    private readonly classId: string | null = null,
  ) {}

  classroom = () => this.call<ClassroomView & { students: StudentView[] }>('GET', '/classroom');
  feed = () => this.call<FeedItem[]>('GET', '/feed');
  ticket = () => this.call<{ ticket: string; expiresInMs: number }>('POST', '/ticket');
  rotateCode = () => this.call<ClassroomView>('POST', '/classroom/rotate-code');
  lockJoining = (locked: boolean) => this.call<ClassroomView>('POST', '/classroom/lock', { locked });
  /** null goes back to the address the server detected. */
  usePublicHost = (host: string | null) => this.call<ClassroomView>('POST', '/classroom/public-host', { host });
  assignBook = (bookId: string) => this.call<ClassroomView>('POST', '/classroom/book', { bookId });
  /** Opens a lesson (the code admits students) or ends it (tablets are let go; the class stays). */
  lesson = (open: boolean) => this.call<ClassroomView>('POST', '/lesson', { open });
  rename = (name: string) => this.call<ClassroomView>('POST', '/classroom/name', { name });
  student = (id: string, action: StudentAction) =>
    this.call<{ ok: true }>('POST', `/students/${encodeURIComponent(id)}/${action}`);
  /** Students removed from the lesson, whose records the class keeps. */
  removedStudents = () => this.call<StudentView[]>('GET', '/students/removed');
  /** Deletes a student's record for good (erased from the computer; their tablet forgets them). */
  deleteStudent = async (id: string): Promise<void> => {
    await this.fetch('DELETE', `/students/${encodeURIComponent(id)}`);
  };
  /** Tells two children apart: the tablet shows the new name at once. */
  renameStudent = (id: string, name: string) =>
    this.call<StudentView>('POST', `/students/${encodeURIComponent(id)}/name`, { name });
  roster = () => this.call<RosterView>('GET', '/roster');
  saveRoster = (roster: RosterPut) => this.call<RosterView>('PUT', '/roster', roster);
  /** Lets a tablet take over a name in use on another tablet, or not. */
  decideTakeover = (id: string, allow: boolean) =>
    this.call<{ ok: true }>('POST', `/takeovers/${encodeURIComponent(id)}`, { allow });
  answer = (feedId: string, text: string) =>
    this.call<{ ok: true }>('POST', `/questions/${encodeURIComponent(feedId)}/answer`, { text });
  hide = (feedId: string, hidden: boolean) =>
    this.call<{ ok: true }>('POST', `/questions/${encodeURIComponent(feedId)}/hide`, { hidden });
  settings = () => this.call<SettingView[]>('GET', '/settings');
  /** Only the changed keys; null resets one to its default. All are checked before any is saved. */
  saveSettings = (changes: Record<string, unknown>) => this.call<SettingView[]>('PUT', '/settings', changes);
  /** Which AI route answers, or why none does. */
  ai = () => this.call<AiStatus>('GET', '/ai');
  /** One short trial request through the configured route. */
  checkAi = () => this.call<RouteCheck>('POST', '/ai/check');
  importBook = (title: string, text: string) => this.call<BookSummary>('POST', '/books', { title, text });
  /** The EPUB itself as the body: the server reads it (text, and narration when it has one). */
  importEpub = (file: File) => this.call<BookSummary>('POST', '/books', file);
  deleteBook = (id: string) => this.call<{ ok: true }>('DELETE', `/books/${encodeURIComponent(id)}`);
  /** The library is public (tablets read it); no token needed, but it does no harm. */
  books = () => this.call<BookSummary[]>('GET', '/books', undefined, '/api');

  /** One child's reading, questions and looked-up words, lesson by lesson. */
  history = (studentId: string) => this.call<ChildHistory>('GET', `/students/${encodeURIComponent(studentId)}/history`);

  /** The class's report across lessons, or one child's (`studentId`). */
  reportCsv = async (studentId?: string): Promise<{ blob: Blob; filename: string }> => {
    const res = await this.fetch(
      'GET',
      studentId ? `/students/${encodeURIComponent(studentId)}/report.csv` : '/report.csv',
    );
    const disposition = res.headers.get('content-disposition') ?? '';
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'readerai-report.csv';
    return { blob: await res.blob(), filename };
  };

  private async call<T>(method: string, path: string, body?: unknown, prefix = '/api/teacher'): Promise<T> {
    const res = await this.fetch(method, path, body, prefix);
    return (await res.json()) as T;
  }

  private fetch(method: string, path: string, body?: unknown, prefix = '/api/teacher'): Promise<Response> {
    const headers: Record<string, string> = this.classId === null ? {} : { 'x-readerai-class': this.classId };
    return request(this.token, method, prefix + path, body, this.onUnauthorized, headers);
  }
}

/** One call with a bearer token; a failure becomes an ApiError with the server's sentence. */
const EPUB = 'application/epub+zip';

export async function request(
  token: string,
  method: string,
  url: string,
  body: unknown,
  onUnauthorized: () => void,
  headers: Record<string, string> = {},
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        ...headers,
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': body instanceof File ? EPUB : 'application/json' }),
        ...(body instanceof File ? { 'x-book-name': encodeURIComponent(body.name) } : {}),
      },
      ...(body === undefined ? {} : { body: body instanceof File ? body : JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Cannot reach the ReaderAI server. Is it still running?');
  }
  if (res.ok) return res;
  const error = (await res.json().catch(() => null)) as Partial<ErrorBody> | null;
  if (res.status === 401) onUnauthorized();
  throw new ApiError(
    res.status,
    error?.code ?? 'HTTP_' + res.status,
    error?.message ?? `The server answered ${res.status}.`,
  );
}
