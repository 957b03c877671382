// Which class a request on the public port is about (server/cluster/route.ts).
import { describe, expect, it } from 'vitest';
import { classOfJoin, routeOf, type RequestHead } from '../../../../server/cluster/route.js';

const ADMIN = 'admin-secret';
const req = (method: string, url: string, headers: RequestHead['headers'] = {}): RequestHead => ({
  method,
  url,
  headers,
});

describe('routeOf', () => {
  it("routes a tablet's socket by the class in its path, a dashboard's by its ticket's class", () => {
    expect(routeOf(req('GET', '/ws/CLASS1?token=t'), ADMIN)).toEqual({ by: 'class', classId: 'CLASS1' });
    expect(routeOf(req('GET', '/ws/teacher?ticket=CLASS2.secret'), ADMIN)).toEqual({ by: 'class', classId: 'CLASS2' });
    // A ticket that names no class goes anywhere, to be refused there.
    expect(routeOf(req('GET', '/ws/teacher?ticket=nodot'), ADMIN)).toEqual({ by: 'any' });
    expect(routeOf(req('GET', '/ws/teacher'), ADMIN)).toEqual({ by: 'any' });
  });

  it('reads the body of joins and audio passes only', () => {
    for (const path of ['/api/join', '/api/join/roster', '/api/join/takeover', '/api/audio/pass'])
      expect(routeOf(req('POST', path), ADMIN)).toEqual({ by: 'join-body' });
    expect(routeOf(req('GET', '/api/join'), ADMIN)).toEqual({ by: 'any' });
  });

  it('routes teacher routes by teacher token, or by the admin token and X-ReaderAI-Class', () => {
    const teacher = { authorization: 'Bearer teach-1' };
    expect(routeOf(req('GET', '/api/teacher/classroom', teacher), ADMIN)).toEqual({
      by: 'teacher-token',
      token: 'teach-1',
    });
    const admin = { authorization: `Bearer ${ADMIN}` };
    expect(routeOf(req('GET', '/api/teacher/classroom', admin), ADMIN)).toEqual({ by: 'first-class' });
    expect(routeOf(req('GET', '/api/teacher/classroom', { ...admin, 'x-readerai-class': 'C3' }), ADMIN)).toEqual({
      by: 'class',
      classId: 'C3',
    });
    // The header means nothing without the admin token: the teacher token decides.
    expect(routeOf(req('GET', '/api/teacher/x', { ...teacher, 'x-readerai-class': 'C3' }), ADMIN).by).toBe(
      'teacher-token',
    );
    expect(routeOf(req('GET', '/api/teacher/x'), ADMIN)).toEqual({ by: 'any' });
  });

  it("routes IT's per-class routes by the path; the class list asks every worker", () => {
    expect(routeOf(req('GET', '/api/admin/classes'), ADMIN)).toEqual({ by: 'every-worker' });
    expect(routeOf(req('POST', '/api/admin/classes'), ADMIN)).toEqual({ by: 'any' });
    expect(routeOf(req('DELETE', '/api/admin/classes/C4'), ADMIN)).toEqual({ by: 'class', classId: 'C4' });
    expect(routeOf(req('POST', '/api/admin/classes/C4/archive'), ADMIN)).toEqual({ by: 'class', classId: 'C4' });
    expect(routeOf(req('GET', '/api/admin/server'), ADMIN)).toEqual({ by: 'any' });
  });

  it("routes audio by the pass cookie's class, or a teacher's token", () => {
    const cookie = { cookie: 'other=1; readerai_audio=C5.student.123.sig' };
    expect(routeOf(req('GET', '/api/audio/book/a.mp3', cookie), ADMIN)).toEqual({ by: 'class', classId: 'C5' });
    expect(routeOf(req('GET', '/api/audio/book/a.mp3', { authorization: 'Bearer t' }), ADMIN).by).toBe('teacher-token');
    expect(routeOf(req('GET', '/api/audio/book/a.mp3'), ADMIN)).toEqual({ by: 'any' });
  });

  it('sends pages, books and health anywhere', () => {
    for (const url of ['/', '/join?code=ABC', '/teacher/', '/api/books', '/healthz'])
      expect(routeOf(req('GET', url), ADMIN)).toEqual({ by: 'any' });
  });
});

describe('classOfJoin', () => {
  it('reads the code (normalised) and the token of a join', () => {
    expect(classOfJoin('/api/join', { classCode: 'ab-c 12', name: 'x', token: 'tok' })).toEqual({
      by: 'code',
      code: 'ABC12',
      token: 'tok',
    });
    expect(classOfJoin('/api/join/roster', { classCode: 'xyz' })).toEqual({ by: 'code', code: 'XYZ', token: '' });
  });

  it("reads a takeover's class from its request id, an audio pass's from its classId", () => {
    expect(classOfJoin('/api/join/takeover', { requestId: 'C6.secret' })).toEqual({ by: 'class', classId: 'C6' });
    expect(classOfJoin('/api/join/takeover', { requestId: 'nodot' })).toEqual({ by: 'none' });
    expect(classOfJoin('/api/audio/pass', { classId: 'C7' })).toEqual({ by: 'class', classId: 'C7' });
  });

  it('takes anything that is not a JSON object as naming nothing', () => {
    expect(classOfJoin('/api/join', null)).toEqual({ by: 'code', code: '', token: '' });
    expect(classOfJoin('/api/join', { classCode: 5 })).toEqual({ by: 'code', code: '', token: '' });
    expect(classOfJoin('/api/audio/pass', 'text')).toEqual({ by: 'none' });
  });
});
