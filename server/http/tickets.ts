// Single-use, short-lived tickets for the teacher's live socket. A browser's WebSocket cannot
// send an Authorization header, so the dashboard trades its token for a ticket over HTTPS/loopback
// and puts the ticket (not the token) in the socket URL, where it is useless a moment later. Each
// ticket opens the feed of the class whose token asked for it, and no other.
import { randomBytes } from 'node:crypto';
import { classScoped } from '../classroom/ids.js';

export class Tickets {
  private readonly live = new Map<string, { classId: string; expires: number }>();

  constructor(readonly ttlMs = 30_000) {}

  issue(classId: string, now = Date.now()): string {
    for (const [t, { expires }] of this.live) if (expires <= now) this.live.delete(t);
    // The class is named in the clear so that, with several socket workers, the upgrade reaches
    // the worker that issued the ticket (server/cluster/route.ts).
    const ticket = classScoped(classId, randomBytes(24).toString('base64url'));
    this.live.set(ticket, { classId, expires: now + this.ttlMs });
    return ticket;
  }

  /** The class a valid ticket opens, once; undefined for a used, expired or made-up one. */
  redeem(ticket: string, now = Date.now()): string | undefined {
    const entry = this.live.get(ticket);
    this.live.delete(ticket);
    return entry !== undefined && entry.expires > now ? entry.classId : undefined;
  }
}
