// Single-use tickets that open one class's audio or page.
import { describe, expect, it } from 'vitest';
import { Tickets } from '../../../../server/http/tickets.js';

describe('tickets', () => {
  it('are single-use, expire, and open only the class they were issued for', () => {
    const t = new Tickets(1000);
    const a = t.issue('class-a', 0);
    const b = t.issue('class-b', 0);
    expect(t.redeem(a, 10)).toBe('class-a');
    expect(t.redeem(a, 10)).toBeUndefined();
    expect(t.redeem(b, 10)).toBe('class-b');
    expect(t.redeem(t.issue('class-a', 0), 2000)).toBeUndefined();
    expect(t.redeem('made-up', 10)).toBeUndefined();
  });
});
