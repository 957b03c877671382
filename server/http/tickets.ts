// Single-use, short-lived tickets for the teacher's live socket. A browser's WebSocket cannot
// send an Authorization header, so the dashboard trades its token for a ticket over HTTPS/loopback
// and puts the ticket (not the admin token) in the socket URL, where it is useless a moment later.
import { randomBytes } from 'node:crypto';

export class Tickets {
  private readonly live = new Map<string, number>();

  constructor(readonly ttlMs = 30_000) {}

  issue(now = Date.now()): string {
    for (const [t, expires] of this.live) if (expires <= now) this.live.delete(t);
    const ticket = randomBytes(24).toString('base64url');
    this.live.set(ticket, now + this.ttlMs);
    return ticket;
  }

  /** True once per valid ticket. */
  redeem(ticket: string, now = Date.now()): boolean {
    const expires = this.live.get(ticket);
    this.live.delete(ticket);
    return expires !== undefined && expires > now;
  }
}
