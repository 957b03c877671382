// Questions: each waits its turn in the fair queue, then streams its answer from Gemini chunk by
// chunk, within its deadline. An answer Gemini withheld becomes a kind fixed message with a flag
// for the teacher; no AI (off, away, failing: outage.ts) hands the question to the teacher.
import { describe } from './calls.js';
import type { OutageBreaker } from './outage.js';
import { questionRequest } from './prompt.js';
import { UpstreamError } from './provider.js';
import type { RelayContext } from './relay-context.js';
import { withRetries } from './retry.js';
import type { AskEvents, AskJob, AskResult, FlagReason } from './types.js';

/** Shown instead of an answer that was withheld; the teacher's feed shows the flag. */
export const KIND_MESSAGES: Readonly<Record<FlagReason, string>> = {
  prompt_blocked: "Let's keep our questions about the story. Can you ask me something about what you're reading?",
  safety:
    "That's not something I can help with here. Let's get back to the story, and you can always ask your teacher.",
  recitation: "I can't copy out parts of books, but I can help you understand them. Try asking what a part means!",
  empty: "Hmm, I don't have a good answer for that one. Try asking in a different way, or ask your teacher.",
  error: "Oops, I couldn't finish that answer. Please ask again, or ask your teacher.",
};

export class Questions {
  constructor(
    private readonly r: RelayContext,
    private readonly outage: OutageBreaker,
  ) {}

  /** Takes a question the socket thread has admitted (its per-student limit is checked there). */
  ask(job: AskJob, events: AskEvents): Extract<AskResult, { accepted: true }> {
    const { r } = this;
    const s = r.settings();
    r.stats.questions++;
    const control = new AbortController();
    // Events stop at the first done/teacher, and after a cancel.
    let ended = false;
    const open = () => !ended && !control.signal.aborted;
    const last = () => open() && (ended = true);
    const out: AskEvents = {
      position: (n) => open() && events.position(n),
      chunk: (text) => open() && events.chunk(text),
      done: (answer) => last() && events.done(answer),
      teacher: (reason) => last() && events.teacher(reason),
    };
    const route = r.route(s, job.policy.aiAnswers);
    const noAi = !route.on
      ? route.reason
      : r.calls.closed
        ? 'relay_closed'
        : this.outage.active
          ? 'gemini_unavailable'
          : null;
    if (noAi) {
      r.stats.toTeacher++;
      // After the return, so the core acknowledges the question before hearing its fate.
      queueMicrotask(() => out.teacher(noAi));
      return { accepted: true, queuePosition: 0, cancel: () => control.abort() };
    }
    const ticket = r.calls.queue.submit(
      job.classId,
      job.studentKey,
      () => r.calls.track(control, () => this.answer(job, out, control.signal)),
      out.position,
    );
    return {
      accepted: true,
      queuePosition: ticket.position,
      cancel: () => {
        ticket.cancel();
        control.abort();
      },
    };
  }

  private async answer(job: AskJob, out: AskEvents, cancelled: AbortSignal): Promise<void> {
    const { r } = this;
    if (cancelled.aborted || r.calls.closed) return;
    const s = r.settings();
    const route = r.route(s, job.policy.aiAnswers);
    if (!route.on || this.outage.active) {
      // AI was switched off, or Gemini went away, while this question waited.
      r.stats.toTeacher++;
      out.teacher(route.on ? 'gemini_unavailable' : route.reason);
      return;
    }
    const provider = r.provider(route.config);
    const request = questionRequest(job, job.policy.gradeLevel);
    const started = Date.now();
    const deadlineMs = s.llmDeadlineSeconds * 1000;
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = AbortSignal.any([cancelled, deadline]);
    let firstChunkAt: number | undefined;
    const onText = (text: string) => {
      firstChunkAt ??= Date.now();
      out.chunk(text);
    };
    try {
      // Once a chunk was shown the call cannot be repeated: the student would see text twice.
      const outcome = await withRetries(
        () => provider.stream(request, signal, onText),
        r.calls.plan(s, started + deadlineMs, signal, () => firstChunkAt === undefined),
      );
      r.calls.record(outcome, s);
      this.outage.succeeded();
      r.stats.totalMs.add(Date.now() - started);
      if (firstChunkAt !== undefined) r.stats.firstChunkMs.add(firstChunkAt - started);
      if (outcome.flag) {
        out.done({ text: KIND_MESSAGES[outcome.flag], source: 'gemini', flag: outcome.flag });
      } else {
        r.stats.answeredByAi++;
        out.done({ text: outcome.text, source: 'gemini' });
      }
    } catch (err) {
      if (cancelled.aborted) return; // the student left or the server is stopping
      r.stats.upstreamFailures++;
      const reason = deadline.aborted ? 'deadline' : describe(err);
      r.log?.warn(
        { reason, model: s.geminiModel, error: err instanceof Error ? err.message : String(err) },
        'Gemini gave no answer',
      );
      // Part of an answer was shown, or Gemini refused the request itself: a kind word and a
      // flag for the teacher. Otherwise (unreachable, overloaded, too slow) the teacher answers.
      if (firstChunkAt !== undefined || (err instanceof UpstreamError && err.status === 400)) {
        r.stats.withheld.error++;
        out.done({ text: KIND_MESSAGES.error, source: 'gemini', flag: 'error' });
      } else {
        r.stats.toTeacher++;
        this.outage.failed();
        out.teacher(reason);
      }
    }
  }
}
