// Small pure pieces: names, class codes, LAN address choice, the CSV report, tickets.
import { describe, expect, it } from 'vitest';
import { checkName, nameKey } from '../server/classroom/names.js';
import { CLASS_CODE_ALPHABET, newClassCode, normaliseClassCode } from '../server/classroom/ids.js';
import { chooseHost, hostAddresses } from '../server/net/lan.js';
import { reportCsv } from '../server/classroom/report.js';
import { Tickets } from '../server/http/tickets.js';
import { AttemptLimiter } from '../server/classroom/attempts.js';
import type { NetworkInterfaceInfo } from 'node:os';

const v4 = (address: string, internal = false) =>
  ({
    address,
    family: 'IPv4',
    internal,
    netmask: '255.255.255.0',
    mac: '00:00:00:00:00:00',
    cidr: null,
  }) as NetworkInterfaceInfo;

describe('names', () => {
  it('tidies white space and accepts accents and scripts', () => {
    expect(checkName('  Zoë   Ann ', false)).toEqual({ ok: true, name: 'Zoë Ann' });
    expect(checkName('明', false)).toEqual({ ok: true, name: '明' });
  });
  it('refuses rude names only when the filter is on', () => {
    expect(checkName('fuck', true).ok).toBe(false);
    expect(checkName('fuck', false).ok).toBe(true);
    expect(checkName('Scunthorpe', true).ok).toBe(true);
  });
  it('matches blocked names ignoring case and accents', () => {
    expect(nameKey('ZOË')).toBe(nameKey('zoe'));
  });
});

describe('class codes', () => {
  it('uses only unambiguous characters and forgives case and spacing', () => {
    for (let i = 0; i < 200; i++) for (const c of newClassCode()) expect(CLASS_CODE_ALPHABET).toContain(c);
    expect(CLASS_CODE_ALPHABET).not.toMatch(/[0O1IL2Z5S8B6G]/);
    expect(normaliseClassCode(' ab-c d ')).toBe('ABCD');
  });
  it('limits wrong guesses per address', () => {
    const limiter = new AttemptLimiter(3, 60_000);
    for (let i = 0; i < 3; i++) limiter.record('10.0.0.1', 0);
    expect(limiter.retryAfter('10.0.0.1', 1000)).toBe(59_000);
    expect(limiter.retryAfter('10.0.0.2', 1000)).toBe(0);
    expect(limiter.retryAfter('10.0.0.1', 61_000)).toBe(0);
  });
});

describe('LAN address', () => {
  it('picks a private address on a real interface, not loopback or a container bridge', () => {
    const ifaces = { lo: [v4('127.0.0.1', true)], docker0: [v4('172.17.0.1')], wlan0: [v4('192.168.1.23')] };
    expect(chooseHost('', ifaces)).toEqual({ host: '192.168.1.23', warning: null });
    expect(hostAddresses(ifaces).map((h) => h.iface)).toEqual(['wlan0', 'docker0']);
  });
  it('falls back to the first non-internal address and says so', () => {
    const choice = chooseHost('', { lo: [v4('127.0.0.1', true)], eth0: [v4('203.0.113.9')] });
    expect(choice.host).toBe('203.0.113.9');
    expect(choice.warning).toMatch(/No private LAN address/);
  });
  it('uses READERAI_PUBLIC_HOST when set', () => {
    expect(chooseHost('reader.school.lan', {})).toEqual({ host: 'reader.school.lan', warning: null });
  });
});

describe('report', () => {
  it('writes one row per child across lessons and defuses formula-looking names', () => {
    const view = {
      id: 'a',
      name: '=HYPERLINK("x")',
      status: 'reading',
      bookId: 'b',
      wordIdx: 50,
      wordCount: 100,
      progress: 0.5,
      lastActivity: 0,
      handRaised: false,
      blocked: false,
      questions: 1,
      readMs: 90_000,
      wordsRead: 50,
      offlineReload: null,
    } as const;
    const lesson = { lessonId: 'l1', startedAt: 0, endedAt: 1, readMs: 90_000, wordsRead: 50, books: ['The Book'] };
    const csv = reportCsv(
      [
        {
          studentId: 'a',
          name: view.name,
          onRoster: true,
          readMs: 90_000,
          wordsRead: 50,
          books: ['The Book'],
          questions: 1,
          lookups: 1,
          lessons: [
            {
              ...lesson,
              questions: [{ askedAt: 0, questionText: 'Why?', answer: 'Because.', answeredBy: 'teacher', book: 'b' }],
              lookups: [{ at: 0, word: 'river', book: 'b' }],
            },
          ],
        },
        {
          ...{ studentId: 'gone', name: 'Left', onRoster: false, readMs: 0, wordsRead: 0, books: [] },
          questions: 0,
          lookups: 0,
          lessons: [],
        },
      ],
      new Map([['a', view]]),
      () => 'The Book',
    );
    const lines = csv.replace('\uFEFF', '').trim().split('\r\n');
    expect(lines[0]).toBe(
      'Name,Minutes read,Words read,Questions asked,Book,Progress %,Status,' +
        'Lessons,Books read,Words looked up,Questions and answers',
    );
    expect(lines[1]).toBe(
      `"'=HYPERLINK(""x"")",1.5,50,1,The Book,50,reading,1,The Book,river,"Q: Why?\nA: Because. (teacher)"`,
    );
    expect(lines[2]).toBe('Left,0.0,0,0,,,removed,0,,,');
  });
});

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

describe('outbox', () => {
  it('builds the progress acknowledgement exactly as the generic send would', async () => {
    const { Outbox } = await import('../server/classroom/outbox.js');
    const sent: string[] = [];
    const student = { socket: { readyState: 1, bufferedAmount: 0, send: (t: string) => sent.push(t) } } as never;
    const outbox = new Outbox(1024);
    outbox.progressSaved(student, 42);
    outbox.send(student, 'PROGRESS_SAVED', { seq: 42 });
    expect(sent[0]).toBe(sent[1]);
  });
});
