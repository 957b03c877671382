// The question state the tablet builds from server frames.
import { describe, expect, it } from 'vitest';
import { addQuestion, applyFrame, newQuestion, unsent } from '../../../../../renderer/student/session/questions.js';
import type { ServerMessage } from '../../../../../shared/protocol/index.js';

describe('questions from server frames', () => {
  const frame = (type: string, payload: object) => ({ type, payload }) as ServerMessage;
  const start = () => addQuestion([], newQuestion('q1', 'Why?', 'book', 3, 1000));

  it('acknowledged, queued, streamed, done', () => {
    let l = start();
    expect(unsent(l)).toHaveLength(1);
    l = applyFrame(l, frame('INTERRUPTION_ACKNOWLEDGED', { questionId: 'q1', queuePosition: 2 }), 0);
    expect(l[0]).toMatchObject({ status: 'queued', queuePosition: 2 });
    expect(unsent(l)).toHaveLength(0);
    l = applyFrame(l, frame('QUEUE_POSITION', { questionId: 'q1', queuePosition: 0 }), 0);
    l = applyFrame(l, frame('ANSWER_CHUNK', { questionId: 'q1', text: 'Because ' }), 0);
    l = applyFrame(l, frame('ANSWER_CHUNK', { questionId: 'q1', text: 'cats.' }), 0);
    expect(l[0]).toMatchObject({ status: 'answering', answer: 'Because cats.' });
    l = applyFrame(l, frame('ANSWER_DONE', { questionId: 'q1', text: 'Because cats.', source: 'gemini' }), 0);
    expect(l[0]).toMatchObject({ status: 'answered', source: 'gemini' });
  });

  it('a replay after reconnect restarts the text instead of doubling it', () => {
    let l = start();
    l = applyFrame(l, frame('INTERRUPTION_ACKNOWLEDGED', { questionId: 'q1', queuePosition: 0 }), 0);
    l = applyFrame(l, frame('ANSWER_CHUNK', { questionId: 'q1', text: 'Bec' }), 0);
    // Reconnect: the server replays the acknowledgement and the text so far, in one chunk.
    l = applyFrame(l, frame('INTERRUPTION_ACKNOWLEDGED', { questionId: 'q1', queuePosition: 0 }), 0);
    l = applyFrame(l, frame('ANSWER_CHUNK', { questionId: 'q1', text: 'Because' }), 0);
    expect(l[0]!.answer).toBe('Because');
  });

  it('teacher, hidden, rate limit, and frames about other questions', () => {
    let l = start();
    expect(applyFrame(l, frame('TEACHER_WILL_ANSWER', { questionId: 'q1' }), 0)[0]!.status).toBe('teacher');
    expect(applyFrame(l, frame('RATE_LIMITED', { questionId: 'q1', retryAfterMs: 5000 }), 100)[0]).toMatchObject({
      status: 'limited',
      retryAt: 5100,
    });
    expect(applyFrame(l, frame('ANSWER_CHUNK', { questionId: 'nope', text: 'x' }), 0)).toBe(l);
    l = applyFrame(l, frame('ANSWER_DONE', { questionId: 'q1', text: 'Hi', source: 'teacher' }), 0);
    l = applyFrame(l, frame('ANSWER_HIDDEN', { questionId: 'q1' }), 0);
    expect(l[0]).toMatchObject({ status: 'hidden', answer: '' });
  });
});
