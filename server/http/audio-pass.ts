// How a tablet proves it may hear a book's audio. An <audio> element cannot send an Authorization
// header, so the tablet trades its student token for a pass, kept as an HttpOnly, SameSite=Strict
// cookie scoped to /api/audio/, which the browser then sends with every audio request by itself.
// A cookie rather than a signed URL: the audio's URL stays the same for everyone and for ever,
// so the browser's HTTP cache, ETag revalidation, Range requests and the service worker's copy
// all work on it, and no credential ends up in a URL (logs, the cache's keys, copied links).
// The pass is signed (HMAC with a key made at start), names the student and their class and
// expires; the audio route checks the student is still in that class and that the class has the
// book, so a removed or blocked child, or a tablet of another class, hears nothing.
import { createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from './security.js';

export const AUDIO_COOKIE = 'readerai_audio';
export const AUDIO_PATH = '/api/audio/';

export interface PassHolder {
  classId: string;
  studentId: string;
}

export class AudioPasses {
  private readonly key = randomBytes(32);

  constructor(readonly ttlMs = 4 * 3_600_000) {}

  issue(holder: PassHolder, now = Date.now()): string {
    const body = `${holder.classId}.${holder.studentId}.${now + this.ttlMs}`;
    return `${body}.${this.sign(body)}`;
  }

  /** The student a pass names, if it is ours and has not expired. */
  verify(pass: string, now = Date.now()): PassHolder | undefined {
    const parts = pass.split('.');
    if (parts.length !== 4) return undefined;
    const [classId, studentId, expires, sig] = parts as [string, string, string, string];
    if (!safeEqual(sig, this.sign(`${classId}.${studentId}.${expires}`))) return undefined;
    return Number(expires) > now ? { classId, studentId } : undefined;
  }

  cookie(pass: string, tls: boolean): string {
    const secure = tls ? '; Secure' : '';
    const maxAge = Math.floor(this.ttlMs / 1000);
    return `${AUDIO_COOKIE}=${pass}; Path=${AUDIO_PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${secure}`;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

/** The pass in a Cookie header, if there is one. */
export function passFromCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === AUDIO_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}
