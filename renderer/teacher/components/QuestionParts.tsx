// Pieces the feed card and the question dialog share: the state label and the hide button.
import type { FeedItem } from '../../../shared/protocol/index.js';
import { useDashboard } from './context.js';
import { Icon } from './Icon.js';

const SOURCE: Record<NonNullable<FeedItem['source']>, string> = {
  gemini: 'Answered by AI',
  cache: 'AI (saved answer)',
  offline: 'Dictionary',
  teacher: 'Answered by you',
};

export function QuestionState({ q }: { q: FeedItem }) {
  switch (q.status) {
    case 'waiting_teacher':
      return (
        <span class="qstate qstate-waiting">
          <Icon name="hand" /> Waiting for you
        </span>
      );
    case 'queued':
      return <span class="qstate">In line</span>;
    case 'answering':
      return (
        <span class="qstate qstate-live">
          <span class="spinner" aria-hidden="true" /> Answering
        </span>
      );
    case 'answered':
      return <span class="qstate qstate-done">✓ {q.source ? SOURCE[q.source] : 'Answered'}</span>;
  }
}

/** Hides an answer from the student (their tablet removes it), or shows it again. */
export function HideAnswerButton({ q, small = false, onDone }: { q: FeedItem; small?: boolean; onDone?: () => void }) {
  const { api, act } = useDashboard();
  return (
    <button
      type="button"
      class={`btn ${small ? 'btn-small' : ''}`}
      onClick={async () => {
        await act(q.hidden ? 'show the answer' : 'hide the answer', () => api.hide(q.id, !q.hidden));
        onDone?.();
      }}
    >
      {q.hidden ? 'Show again' : 'Hide answer'}
    </button>
  );
}
