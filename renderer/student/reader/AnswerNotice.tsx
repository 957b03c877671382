// An answer came while the child was reading (Ask was closed, as "Keep reading" tells them to do).
// A calm card above the controls says so, with "See the answer": one tap opens Ask at that answer,
// where "Read the answer to me" is ready. It never takes the focus and never stops the reading:
// it is announced politely and waits, clear of the word being read (which stays mid-screen).
import type { JSX } from 'preact';
import { useStore } from '../ui/store.js';
import type { Session } from '../session/session.js';
import type { AskedQuestion } from '../session/questions.js';
import { Icon } from '../ui/icons.js';

export function AnswerNotice({ session }: { session: Session }): JSX.Element {
  const questions = useStore(session.store, (s) => s.questions);
  const shown = useStore(session.store, (s) => s.answerNotice && !s.askOpen);
  const unread = questions.filter((q) => q.unread);
  const text = unread.length > 0 && shown ? noticeText(unread) : '';
  // The live region is always in the page, so screen readers hear the text when it appears.
  return (
    <div class={`answer-notice ${text ? 'show' : ''}`} role="status" aria-live="polite">
      {text && (
        <>
          <Icon name="ask" />
          <span class="text">{text}</span>
          <button type="button" class="primary" onClick={() => session.showNewAnswer()}>
            <span>{unread.length > 1 ? 'See the answers' : 'See the answer'}</span>
          </button>
          <button type="button" class="tool" onClick={() => session.hideAnswerNotice()}>
            <span>Later</span>
          </button>
        </>
      )}
    </div>
  );
}

/** What the notice says, in words a six-year-old understands. */
function noticeText(unread: readonly AskedQuestion[]): string {
  if (unread.length > 1) return `You have ${unread.length} new answers!`;
  return unread[0]?.source === 'teacher' ? 'Your teacher answered your question!' : 'Your question has an answer!';
}
