// Ask: the narration is paused, the child types (or says, where the teacher allows it) a question,
// sees it acknowledged at once and the answer arrive as it is written, can have it read aloud,
// and goes back to the same word with "Keep reading". Opened from the "new answer" notice, it
// starts at that answer with "Read the answer to me" focused. The list of questions scrolls; the
// question box and the buttons stay in view.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Limits } from '../../../shared/protocol/codes.js';
import { useStore } from '../ui/store.js';
import type { Session } from '../session/session.js';
import type { AskedQuestion } from '../session/questions.js';
import { Dialog } from '../ui/Dialog.js';
import { Icon } from '../ui/icons.js';
import { useSay } from '../ui/useSay.js';
import { useDictation } from './dictation.js';

export function AskPanel({ session }: { session: Session }): JSX.Element {
  const s = useStore(session.store, (st) => st);
  const [text, setText] = useState('');
  const voice = useSay(s.prefs.rate);
  const dictation = useDictation(s.speechInput, (heard) => setText((t) => (t ? `${t} ${heard}` : heard)));
  const now = useClock(s.questions.some((q) => q.status === 'limited' && q.retryAt > Date.now()));
  const waitMs = Math.max(0, ...s.questions.filter((q) => q.status === 'limited').map((q) => q.retryAt - now));
  const online = s.connection === 'open';
  const listEnd = useRef<HTMLDivElement>(null);
  const last = s.questions[s.questions.length - 1];
  const opened = useRef(true);

  useEffect(() => {
    // Opened at an answer: the focus (moved there by the dialog) has scrolled to it already.
    const keep = opened.current && s.showAnswer !== null;
    opened.current = false;
    if (!keep) listEnd.current?.scrollIntoView({ block: 'nearest' });
  }, [s.questions.length, last?.answer.length]);

  const send = (e: Event) => {
    e.preventDefault();
    if (!text.trim() || waitMs > 0) return;
    dictation.stop();
    session.ask(text);
    setText('');
  };

  return (
    <Dialog title="Ask a question" onClose={() => session.closeAsk()} class="ask">
      <div class="sheet-head">
        <h2>Ask a question</h2>
        <button type="button" class="tool" onClick={() => session.closeAsk()}>
          <Icon name="close" />
          <span>Close</span>
        </button>
      </div>
      <p class="hint">
        {s.aiAnswers
          ? 'Ask about the story or a word. The answer will be about the part you are reading.'
          : 'Your teacher will answer your questions.'}
      </p>

      <div class="qa" aria-live="polite">
        {s.questions.map((q) => (
          <QuestionItem
            key={q.questionId}
            q={q}
            online={online}
            now={now}
            voice={voice}
            target={q.questionId === s.showAnswer}
            onAgain={() => session.askAgain(q.questionId)}
          />
        ))}
        <div ref={listEnd} />
      </div>

      <form class="ask-form" onSubmit={send}>
        <label for="question">Your question</label>
        <textarea
          id="question"
          data-autofocus={s.showAnswer === null ? '' : undefined}
          rows={2}
          maxLength={Limits.QUESTION_MAX}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) send(e);
          }}
          placeholder="Why did…?  What is…?"
        />
        {waitMs > 0 && (
          <p class="note" role="status">
            Lots of questions right now! You can ask again in {waitWords(waitMs)}.
          </p>
        )}
        <div class="row">
          {dictation.available && (
            <button type="button" class="secondary" onClick={dictation.toggle} aria-pressed={dictation.listening}>
              <Icon name="mic" />
              <span>{dictation.listening ? 'Listening… tap to stop' : 'Say it'}</span>
            </button>
          )}
          <button type="submit" class="primary" disabled={!text.trim() || waitMs > 0}>
            <Icon name="send" />
            <span>Ask</span>
          </button>
        </div>
      </form>
      <button type="button" class="primary big keep" onClick={() => session.keepReading()}>
        <Icon name="play" />
        <span>Keep reading</span>
      </button>
    </Dialog>
  );
}

function QuestionItem(props: {
  q: AskedQuestion;
  online: boolean;
  now: number;
  voice: ReturnType<typeof useSay>;
  /** The answer the notice opened Ask at: it takes the focus. */
  target: boolean;
  onAgain: () => void;
}): JSX.Element {
  const { q, online, now, voice, target } = props;
  const canRead = q.status === 'answered' && q.answer !== '' && voice.available;
  const focus = (here: boolean) => (target && here ? '' : undefined);
  const canRetry = (q.status === 'limited' && q.retryAt <= now) || q.status === 'failed';
  return (
    <div class={`qa-item ${target ? 'fresh' : ''}`} data-status={q.status}>
      <p class="bubble mine">
        <span class="sr">You asked: </span>
        {q.text}
      </p>
      <div class="bubble reply">
        <span class="sr">Answer: </span>
        {q.answer && q.status !== 'hidden' ? (
          <p class="answer" tabIndex={-1} data-autofocus={focus(!canRead)}>
            {q.answer}
          </p>
        ) : (
          <p class="state">{stateText(q, online, now)}</p>
        )}
        {q.status === 'answering' && q.answer && <p class="state small">Still writing…</p>}
        {q.status === 'answered' && q.source === 'teacher' && <p class="state small">From your teacher</p>}
        {canRetry && (
          <button type="button" class="secondary" onClick={props.onAgain}>
            <Icon name="send" />
            <span>Ask it again</span>
          </button>
        )}
        {canRead && (
          <button
            type="button"
            data-autofocus={focus(true)}
            class="secondary"
            onClick={() => voice.toggle(q.questionId, q.answer)}
            aria-pressed={voice.speaking === q.questionId}
          >
            <Icon name="speaker" />
            <span>{voice.speaking === q.questionId ? 'Stop' : 'Read the answer to me'}</span>
          </button>
        )}
      </div>
    </div>
  );
}

/** Where a question is, in words a six-year-old understands. */
export function stateText(q: AskedQuestion, online: boolean, now: number): string {
  switch (q.status) {
    case 'sending':
      return online
        ? 'Sending your question…'
        : "We're not connected right now. Your question will be sent when we are.";
    case 'queued':
      return q.queuePosition === 1
        ? 'Got it! You are next in line.'
        : `Got it! You are number ${q.queuePosition} in line.`;
    case 'answering':
      return 'Got it! Thinking about your question…';
    case 'answered':
      return 'Here is your answer.';
    case 'teacher':
      return "Your teacher will answer this one. Keep reading — we'll tell you when the answer comes.";
    case 'hidden':
      return 'Your teacher took this answer away. You can ask your teacher about it.';
    case 'limited':
      return q.retryAt > now
        ? "Too many questions for now, so this one wasn't sent yet."
        : 'You can ask this again now.';
    case 'failed':
      return q.error || "Sorry, that didn't work. Please try asking again.";
  }
}

/** "12 seconds", "about 5 minutes": a wait a child can picture. */
export function waitWords(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 90) return `${s} ${s === 1 ? 'second' : 'seconds'}`;
  return `about ${Math.ceil(s / 60)} minutes`;
}

/** A ticking clock while something counts down. */
function useClock(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return active ? now : Date.now();
}
