// The CSV report of a class.
import { describe, expect, it } from 'vitest';
import { reportCsv } from '../../../../server/classroom/report.js';

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
