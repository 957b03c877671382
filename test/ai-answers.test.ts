// The whole path of a question with AI answers on: tablet socket -> classroom -> relay -> Gemini
// SDK -> local Gemini stand-in, and back as streamed frames; what the teacher sees; what left the
// machine (no student name, id or token).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGemini } from '../testkit/fake-gemini.js';
import { startServer, teacherApi, type RunningServer } from './support/server.js';
import { join, TestTablet } from './support/student-client.js';
import { waitUntil } from '../testkit/wait.js';
import type { FeedItem } from '../shared/protocol/index.js';

let fake: FakeGemini;
let server: RunningServer;
let classCode: string;

beforeAll(async () => {
  fake = await FakeGemini.start();
  server = await startServer({ env: fake.serverEnv });
  classCode = new URL(server.joinUrl).searchParams.get('code')!;
});
afterAll(async () => {
  await server?.stop();
  await fake?.close();
});

async function student(name: string) {
  const res = await join(server.url, { classCode, name });
  const tablet = await TestTablet.open(res.body.wsUrl);
  const state = await tablet.next('SESSION_STATE');
  return { ...res.body, tablet, state };
}

const feedItem = async (studentId: string, questionId: string) =>
  (await teacherApi<FeedItem[]>(server, '/feed')).body.find(
    (f) => f.studentId === studentId && f.questionId === questionId,
  );

describe('answers from Gemini', () => {
  it('acknowledges at once, streams chunks in order, then the whole answer; nothing personal upstream', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    fake.reply({
      chunks: ['The keeper ', 'lit a lantern ', 'to guide the boat.'],
      before: (i) => (i === 1 ? held : Promise.resolve()),
    });
    const s = await student('Priyanka Testname');
    expect(s.state.aiAnswers).toBe(true);
    s.tablet.send('STUDENT_INTERRUPTION', {
      questionId: 'q-1',
      questionText: 'How did they save the boat?',
      context: { bookId: s.state.bookId, wordIdx: 200 },
    });
    expect(await s.tablet.next('INTERRUPTION_ACKNOWLEDGED')).toEqual({ questionId: 'q-1', queuePosition: 0 });
    // The first chunk arrives while upstream is still holding the rest.
    expect(await s.tablet.next('ANSWER_CHUNK')).toEqual({ questionId: 'q-1', text: 'The keeper ' });
    expect(s.tablet.of('ANSWER_DONE')).toEqual([]);
    release();
    const done = await s.tablet.next('ANSWER_DONE');
    expect(done).toEqual({ questionId: 'q-1', text: 'The keeper lit a lantern to guide the boat.', source: 'gemini' });
    expect(s.tablet.of('ANSWER_CHUNK').map((c) => c.text)).toEqual([
      'The keeper ',
      'lit a lantern ',
      'to guide the boat.',
    ]);

    const sent = fake.allText();
    expect(sent).toContain('How did they save the boat?');
    expect(sent).toContain('lighthouse'); // the passage around wordIdx, from the server's own copy
    for (const personal of ['Priyanka', 'Testname', s.studentId, s.token]) expect(sent).not.toContain(personal);

    expect(await feedItem(s.studentId, 'q-1')).toMatchObject({
      status: 'answered',
      answer: done.text,
      source: 'gemini',
      flag: null,
      studentName: 'Priyanka Testname',
    });
    s.tablet.close();
  });

  it('replaces a safety-blocked answer with a kind message and flags it for the teacher', async () => {
    fake.reply({ fixture: 'streaming-failure-finish-reason-safety.txt' });
    const s = await student('Sam');
    s.tablet.send('STUDENT_INTERRUPTION', {
      questionId: 'q-safe',
      questionText: 'Tell me something scary',
      context: { bookId: s.state.bookId, wordIdx: 10 },
    });
    const done = await s.tablet.next('ANSWER_DONE');
    expect(done.flagged).toBe(true);
    expect(done.text).toMatch(/teacher/i);
    expect((await feedItem(s.studentId, 'q-safe'))?.flag).toBe('safety');
    s.tablet.close();
  });

  it('shows an answer that finished while the tablet was away in full after it reconnects', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    fake.reply({ chunks: ['Because ', 'the lamp ', 'went out.'], before: (i) => (i === 1 ? held : Promise.resolve()) });
    const s = await student('Away');
    s.tablet.send('STUDENT_INTERRUPTION', {
      questionId: 'q-away',
      questionText: 'Why was it dark?',
      context: { bookId: s.state.bookId, wordIdx: 150 },
    });
    await s.tablet.next('ANSWER_CHUNK');
    s.tablet.close();
    await s.tablet.closed();
    release();
    // The answer completes server-side with nobody listening.
    await waitUntil(
      async () => (await feedItem(s.studentId, 'q-away'))?.status === 'answered',
      10_000,
      'answered with nobody listening',
      50,
    );
    const back = await TestTablet.open(s.wsUrl);
    await back.next('SESSION_STATE');
    expect(await back.next('ANSWER_DONE')).toEqual({
      questionId: 'q-away',
      text: 'Because the lamp went out.',
      source: 'gemini',
    });
    back.close();
  });

  it('answers thirty students tapping the same word with one upstream call', async () => {
    const before = fake.requests.length;
    fake.reply({ chunks: ['A tall tower with a bright light that shows ships where the rocks are.'] });
    const tablets = await Promise.all(Array.from({ length: 30 }, (_, i) => student(`Tapper ${i}`)));
    const wordIdx = 11; // "lighthouse." in the first story
    for (const t of tablets)
      t.tablet.send('DEFINE_WORD', {
        requestId: 'd1',
        word: 'lighthouse',
        context: { bookId: t.state.bookId, wordIdx },
      });
    const defs = await Promise.all(tablets.map((t) => t.tablet.next('DEFINITION')));
    for (const d of defs) expect(d.text).toContain('tall tower');
    for (const d of defs) expect(['gemini', 'cache']).toContain(d.source);
    expect(fake.requests.length - before).toBe(1);
    for (const t of tablets) t.tablet.close();
  });
});
