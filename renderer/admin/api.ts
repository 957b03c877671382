// IT's API (server/routes/admin.ts), typed, and the whole server's capacity figures. Every call
// carries the admin token; 401 sends the page back to sign-in, 403 means a teacher's link.
import type { CapacityView, ClassSummary, CreatedClass, NewClass, ServerView } from '../../shared/protocol/index.js';
import { request } from '../teacher/lib/api.js';

export class AdminApi {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: () => void,
  ) {}

  classes = () => this.call<ClassSummary[]>('GET', '/api/admin/classes');
  create = (c: NewClass) => this.call<CreatedClass>('POST', '/api/admin/classes', c);
  remove = (classId: string) => this.call<null>('DELETE', `/api/admin/classes/${encodeURIComponent(classId)}`);
  archive = (classId: string, archived: boolean) =>
    this.call<ClassSummary>('POST', `/api/admin/classes/${encodeURIComponent(classId)}/archive`, { archived });
  newTeacherLink = (classId: string) =>
    this.call<ClassSummary>('POST', `/api/admin/classes/${encodeURIComponent(classId)}/teacher-token`);
  server = () => this.call<ServerView>('GET', '/api/admin/server');
  capacity = () => this.call<CapacityView>('GET', '/api/teacher/capacity');

  private async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const res = await request(this.token, method, url, body, this.onUnauthorized);
    return (res.status === 204 ? null : await res.json()) as T;
  }
}

/** The token inside a teacher link (`…/teacher/#token=…`). */
export function tokenOfLink(teacherUrl: string): string {
  return new URLSearchParams(new URL(teacherUrl).hash.slice(1)).get('token') ?? '';
}
