// When Gemini misbehaves: rate limits with retry hints, overload, a stream cut short, a hang,
// malformed events, refused requests. Each ends in an answer, a kind flagged message, or the
// teacher, never a crash; and the retry waits honour the server's hint.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { definitionRequest } from '../server/llm/prompt.js';
import { UpstreamError } from '../server/llm/provider.js';
import { KIND_MESSAGES } from '../server/llm/questions.js';
import {
  askJob,
  defineJob,
  listen,
  providerOf,
  PROVIDERS,
  startHarness,
  useProvider,
  type Harness,
} from './support/llm-harness.js';
import { waitUntil } from '../testkit/wait.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ANSWER = { chunks: ['Pip is brave.'] };

describe.each(PROVIDERS)('through the %s route', (provider) => {
  beforeEach(() => useProvider(provider));

  describe('retries', () => {
    it('waits at least as long as a 429 RetryInfo hint says, then answers', async () => {
      h = await startHarness();
      h.fake.reply({ status: 429, retryDelay: '0.4s', retryAfter: '1' }, ANSWER);
      const { events, end } = listen();
      h.relay.ask(askJob(1, 'Why?'), events);
      expect(await end).toEqual({ type: 'done', text: 'Pip is brave.', source: 'gemini' });
      const [first, second] = h.fake.requests;
      expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(400);
      expect(await h.stats()).toMatchObject({ retries: 1, upstreamCalls: 2 });
    });

    it('hands the question to the teacher at once when the hint is past the deadline', async () => {
      h = await startHarness({ llmDeadlineSeconds: 5 });
      h.fake.reply({ status: 429, retryDelay: '60s' }, ANSWER);
      const { events, end } = listen();
      h.relay.ask(askJob(1, 'Why?'), events);
      expect(await end).toEqual({ type: 'teacher', reason: 'upstream_http_429' });
      expect(h.fake.requests).toHaveLength(1);
    });

    it('retries 503 and answers; after the last retry the teacher answers', async () => {
      h = await startHarness({ llmMaxRetries: 2 });
      h.fake.reply({ status: 503 }, { status: 503 }, ANSWER);
      const ok = listen();
      h.relay.ask(askJob(1, 'Why?'), ok.events);
      expect((await ok.end).type).toBe('done');
      expect(h.fake.requests).toHaveLength(3);

      h.fake.otherwise(() => ({ status: 503 }));
      const failed = listen();
      h.relay.ask(askJob(2, 'Why?'), failed.events);
      expect(await failed.end).toEqual({ type: 'teacher', reason: 'upstream_http_503' });
      expect(h.fake.requests).toHaveLength(6);
      expect(await h.stats()).toMatchObject({ retries: 4, upstreamFailures: 1, toTeacher: 1 });
    });

    it('does not retry a refused key (403): the teacher answers', async () => {
      h = await startHarness();
      h.fake.reply({ status: 403 }, ANSWER);
      const { events, end } = listen();
      h.relay.ask(askJob(1, 'Why?'), events);
      expect(await end).toEqual({ type: 'teacher', reason: 'upstream_http_403' });
      expect(h.fake.requests).toHaveLength(1);
    });

    it('turns a refused request (400) into a kind message flagged error', async () => {
      h = await startHarness();
      h.fake.reply({ status: 400 });
      const { events, end } = listen();
      h.relay.ask(askJob(1, 'Why?'), events);
      expect(await end).toEqual({ type: 'done', text: KIND_MESSAGES.error, source: 'gemini', flag: 'error' });
    });
  });

  describe('broken streams', () => {
    it('retries a stream dropped before any text, so the student never notices', async () => {
      h = await startHarness();
      h.fake.reply({ cut: [] }, ANSWER);
      const { events, heard, end } = listen();
      h.relay.ask(askJob(1, 'Why?'), events);
      await end;
      expect(heard).toEqual([
        { type: 'chunk', text: 'Pip is brave.' },
        { type: 'done', text: 'Pip is brave.', source: 'gemini' },
      ]);
    });

    it('ends a stream cut mid-answer with a kind message (no retry: the text was already shown)', async () => {
      h = await startHarness();
      h.fake.reply({ cut: ['Pip crosses ', 'the river on '] }, ANSWER);
      const { events, heard, end } = listen();
      h.relay.ask(askJob(1, 'Why?'), events);
      await end;
      expect(heard).toEqual([
        { type: 'chunk', text: 'Pip crosses ' },
        { type: 'chunk', text: 'the river on ' },
        { type: 'done', text: KIND_MESSAGES.error, source: 'gemini', flag: 'error' },
      ]);
      expect(h.fake.requests).toHaveLength(1);
    });

    it('retries malformed server-sent events, and gives the teacher the question if they go on', async () => {
      h = await startHarness({ llmMaxRetries: 1 });
      h.fake.reply({ malformed: true }, ANSWER);
      const ok = listen();
      h.relay.ask(askJob(1, 'Why?'), ok.events);
      expect((await ok.end).type).toBe('done');

      h.fake.otherwise(() => ({ malformed: true }));
      const failed = listen();
      h.relay.ask(askJob(1, 'Why?'), failed.events);
      expect(await failed.end).toEqual({ type: 'teacher', reason: 'upstream_unreachable' });
    });

    it('gives a hanging upstream until the deadline, then hands over to the teacher', async () => {
      h = await startHarness({ llmDeadlineSeconds: 5 });
      h.fake.otherwise(() => ({ hang: true }));
      const { events, end } = listen();
      const askedAt = Date.now();
      h.relay.ask(askJob(1, 'Why?'), events);
      expect(await end).toEqual({ type: 'teacher', reason: 'deadline' });
      expect(Date.now() - askedAt).toBeGreaterThanOrEqual(5_000);
      expect(await h.stats()).toMatchObject({ upstreamFailures: 1 });
      // The slot is given back once the call has unwound.
      await waitUntil(() => h!.relay.stats().inFlight === 0);
    });

    it('stops calls under way when the relay closes, without a word to the student', async () => {
      h = await startHarness();
      h.fake.otherwise(() => ({ hang: true }));
      const { events, heard } = listen();
      h.relay.ask(askJob(1, 'Why?'), events);
      await waitUntil(() => h!.fake.requests.length === 1);
      await h.relay.close();
      await waitUntil(() => h!.relay.stats().inFlight === 0, 1_000);
      expect(await h.stats()).toMatchObject({ upstreamFailures: 0, toTeacher: 0 });
      expect(heard).toEqual([]);
    });

    it('falls back to the teacher when nothing listens at the address', async () => {
      h = await startHarness({ llmMaxRetries: 1 });
      const { FakeGemini } = await import('../testkit/fake-gemini.js');
      const gone = await FakeGemini.start();
      const url = gone.baseUrl;
      await gone.close();
      h.settings.geminiBaseUrl = url;
      const { events, end } = listen();
      h.relay.ask(askJob(1, 'Why?'), events);
      expect(await end).toEqual({ type: 'teacher', reason: 'upstream_unreachable' });
    });
  });

  describe('recorded one-shot responses (definitions) through the provider', () => {
    const request = definitionRequest(defineJob(1, 'brave'), 3);

    it.each([
      ['unary-failure-prompt-blocked-safety.json', 'prompt_blocked'],
      ['unary-failure-finish-reason-safety.json', 'safety'],
      ['unary-failure-citations.json', 'recitation'],
      ['unary-failure-empty-content.json', 'empty'],
    ])('%s is withheld with flag %s', async (fixture, flag) => {
      h = await startHarness();
      h.fake.reply({ fixture });
      const provider = providerOf(h);
      const outcome = await provider.generate(request, new AbortController().signal);
      expect(outcome.flag).toBe(flag);
    });

    it.each([
      'unary-success-basic-reply-short.json',
      'unary-success-citations.json',
      'unary-unknown-enum.json',
      'unary-success-logprobs.json',
    ])('%s comes through as text', async (fixture) => {
      h = await startHarness();
      h.fake.reply({ fixture });
      const provider = providerOf(h);
      const outcome = await provider.generate(request, new AbortController().signal);
      expect(outcome.flag).toBeUndefined();
      expect(outcome.text.length).toBeGreaterThan(0);
    });

    it('unary-failure-image-rejected.json is a refused request that is not retried', async () => {
      h = await startHarness();
      h.fake.reply({ fixture: 'unary-failure-image-rejected.json' });
      const provider = providerOf(h);
      const err = await provider.generate(request, new AbortController().signal).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err).toMatchObject({ status: 400, retryable: false });
    });

    it('reads the RetryInfo hint of a 429', async () => {
      h = await startHarness();
      h.fake.reply({ status: 429, retryDelay: '2.5s' });
      const provider = providerOf(h);
      const err = await provider.generate(request, new AbortController().signal).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 429, retryable: true, retryAfterMs: 2500 });
    });
  });

  describe('an outage', () => {
    it('after three questions in a row find Gemini down, sends the rest straight to the teacher', async () => {
      h = await startHarness({ llmMaxInFlight: 1, llmMaxRetries: 0 });
      h.fake.otherwise(() => ({ status: 503 }));
      const asked = Array.from({ length: 10 }, (_, i) => {
        const l = listen();
        h!.relay.ask(askJob(i + 1, `Question ${i}?`), l.events);
        return l.end;
      });
      const ends = await Promise.all(asked);
      expect(ends.slice(0, 3)).toEqual(Array(3).fill({ type: 'teacher', reason: 'upstream_http_503' }));
      expect(ends.slice(3)).toEqual(Array(7).fill({ type: 'teacher', reason: 'gemini_unavailable' }));
      expect(h.fake.requests).toHaveLength(3);
      expect(await h.stats()).toMatchObject({ geminiUnavailable: true });
      // New questions during the pause do not wait either.
      const late = listen();
      h.relay.ask(askJob(99, 'Still there?'), late.events);
      expect(await late.end).toEqual({ type: 'teacher', reason: 'gemini_unavailable' });
      expect(h.fake.requests).toHaveLength(3);
    });
  });
});
