// The outbox's fast path for the progress acknowledgement.
import { describe, expect, it } from 'vitest';

describe('outbox', () => {
  it('builds the progress acknowledgement exactly as the generic send would', async () => {
    const { Outbox } = await import('../../../../server/classroom/outbox.js');
    const sent: string[] = [];
    const student = { socket: { readyState: 1, bufferedAmount: 0, send: (t: string) => sent.push(t) } } as never;
    const outbox = new Outbox(1024);
    outbox.progressSaved(student, 42);
    outbox.send(student, 'PROGRESS_SAVED', { seq: 42 });
    expect(sent[0]).toBe(sent[1]);
  });
});
