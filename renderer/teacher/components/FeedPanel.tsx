// Every question and its answer, newest first. Questions waiting for the teacher are counted in
// their own tab; flagged (safety-withheld) answers are marked and can be listed alone. Each card
// has a fixed height so the list can be windowed; the full text opens in a dialog.
import { useMemo, useState } from 'preact/hooks';
import type { FeedItem } from '../../../shared/protocol/index.js';
import { clock } from '../lib/format.js';
import { useDashboard } from './context.js';
import { VirtualList } from './VirtualList.js';
import { QuestionDialog } from './QuestionDialog.js';
import { HideAnswerButton, QuestionState } from './QuestionParts.js';
import { FilterChip } from './FilterChip.js';
import { Icon } from './Icon.js';

type View = 'waiting' | 'all' | 'flagged';

const CARD_HEIGHT = 132;

export function FeedPanel() {
  const { model } = useDashboard();
  const [view, setView] = useState<View>('all');
  const [openId, setOpenId] = useState<string | null>(null);

  const { waiting, flagged, shown } = useMemo(() => {
    const all = [...model.feed.values()].sort((a, b) => b.askedAt - a.askedAt);
    const waiting = all.filter((q) => q.status === 'waiting_teacher');
    const flagged = all.filter((q) => q.flag !== null);
    return { waiting, flagged, shown: view === 'waiting' ? waiting : view === 'flagged' ? flagged : all };
  }, [model.feedVersion, view]);
  const open = openId ? model.feed.get(openId) : undefined;

  return (
    <section class="card feed" aria-labelledby="feed-title">
      <div class="card-head">
        <h2 id="feed-title">Questions</h2>
        <div class="filters" role="group" aria-label="Show questions">
          <FilterChip
            on={view === 'waiting'}
            onClick={() => setView('waiting')}
            label="Needs you"
            n={waiting.length}
            tone={waiting.length > 0 ? 'attention' : undefined}
            testId="waiting-count"
          />
          <FilterChip on={view === 'all'} onClick={() => setView('all')} label="All" n={model.feed.size} />
          <FilterChip
            on={view === 'flagged'}
            onClick={() => setView('flagged')}
            label={
              <>
                <Icon name="flag" /> Flagged
              </>
            }
            n={flagged.length}
          />
        </div>
      </div>
      <VirtualList
        class="feed-list"
        label="Questions and answers"
        items={shown}
        rowHeight={CARD_HEIGHT}
        keyOf={(q) => q.id}
        empty={
          <p class="empty">
            {view === 'waiting'
              ? 'Nothing is waiting for you.'
              : view === 'flagged'
                ? 'No answer has been withheld.'
                : 'Questions students ask appear here, with their answers.'}
          </p>
        }
        row={(q) => <FeedCard q={q} onOpen={() => setOpenId(q.id)} />}
      />
      {open && <QuestionDialog q={open} onClose={() => setOpenId(null)} />}
    </section>
  );
}

function FeedCard({ q, onOpen }: { q: FeedItem; onOpen: () => void }) {
  const waiting = q.status === 'waiting_teacher';
  return (
    <article
      class={`feed-card ${waiting ? 'feed-waiting' : ''} ${q.flag ? 'feed-flagged' : ''}`}
      data-feed-id={q.id}
      aria-label={`Question from ${q.studentName}`}
    >
      <header class="feed-head">
        <span class="feed-name">{q.studentName}</span>
        <span class="muted feed-time">{clock(q.askedAt)}</span>
        <span class="spacer" />
        <QuestionState q={q} />
      </header>
      <p class="feed-q clamp-1">{q.questionText}</p>
      <p class={`feed-a clamp-2 ${q.answer ? '' : 'muted'}`}>
        {q.answer || (waiting ? 'Waiting for your answer.' : 'Answer on its way…')}
      </p>
      <footer class="feed-actions">
        {waiting ? (
          <button type="button" class="btn btn-primary btn-small" onClick={onOpen}>
            <Icon name="pencil" /> Answer
          </button>
        ) : (
          <button type="button" class="btn btn-small" onClick={onOpen}>
            Open
          </button>
        )}
        {q.status === 'answered' && <HideAnswerButton q={q} small />}
        <span class="spacer" />
        {q.flag && (
          <span class="tag tag-flag" title={`The AI's answer was withheld: ${q.flag}`}>
            <Icon name="flag" /> Flagged
          </span>
        )}
        {q.hidden && <span class="tag">Hidden</span>}
      </footer>
    </article>
  );
}
