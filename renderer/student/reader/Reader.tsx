// The reading screen: the book, a calm status line, and the controls a child needs within thumb's
// reach (Back, Read/Pause, Speed, Ask, Raise hand). Settings, speed, word meanings and questions
// open as panels over the book; an answer that arrives while reading shows as a notice and a badge.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { useStore } from '../ui/store.js';
import type { Session } from '../session/session.js';
import { speedName } from '../session/prefs.js';
import { Icon } from '../ui/icons.js';
import { endsSentence } from '../narration/timing.js';
import { BookText } from './BookText.js';
import { StatusBanner } from './StatusBanner.js';
import { WordPopover } from './WordPopover.js';
import { AskPanel } from './AskPanel.js';
import { SettingsPanel } from './SettingsPanel.js';
import { SpeedPanel } from './SpeedPanel.js';
import { AnswerNotice } from './AnswerNotice.js';

export function Reader({ session }: { session: Session }): JSX.Element {
  const s = useStore(session.store, (st) => st);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [speedOpen, setSpeedOpen] = useState(false);
  const book = s.book;
  const unread = s.questions.filter((q) => q.unread).length;
  const back = () => session.seek(sentenceBefore(book?.words ?? [], session.wordIdx));

  return (
    <div class="reader">
      <header class="topbar">
        <h1 class="title">
          <Icon name="book" />
          <span>{book?.title ?? 'Your book'}</span>
        </h1>
        <span class="who" aria-label={`Reading as ${s.name}`}>
          {s.name}
        </span>
        <button type="button" class="tool" onClick={() => setSettingsOpen(true)} aria-haspopup="dialog">
          <Icon name="text" />
          <span>Text</span>
        </button>
      </header>

      <StatusBanner session={session} />

      <main class="page" aria-label="Book">
        {book ? (
          <BookText session={session} book={book} lineFocus={s.prefs.lineFocus} />
        ) : (
          <p class="loading" role="status">
            {s.bookError || 'Opening your book…'}
          </p>
        )}
      </main>

      <nav class="controls" aria-label="Reading controls">
        <button type="button" class="ctl" onClick={back} disabled={!book}>
          <Icon name="back" />
          <span>Back</span>
        </button>
        <button
          type="button"
          class="ctl play"
          onClick={() => (s.playing ? session.pause() : session.play())}
          disabled={!book}
          aria-pressed={s.playing}
        >
          <Icon name={s.playing ? 'pause' : 'play'} />
          <span>{s.playing ? 'Pause' : 'Read to me'}</span>
        </button>
        <button
          type="button"
          class="ctl"
          onClick={() => setSpeedOpen(true)}
          aria-haspopup="dialog"
          aria-label={`Reading speed: ${speedName(s.prefs.rate)}`}
        >
          <Icon name="speed" />
          <span>{speedName(s.prefs.rate)}</span>
        </button>
        <button type="button" class="ctl ask" onClick={() => session.openAsk()} disabled={!book} aria-haspopup="dialog">
          <Icon name="ask" />
          <span>Ask</span>
          {unread > 0 && (
            <span class="badge" data-testid="ask-badge">
              {unread}
              <span class="sr">{unread > 1 ? ' new answers' : ' new answer'}</span>
            </span>
          )}
        </button>
        <button
          type="button"
          class={`ctl hand ${s.handRaised ? 'raised' : ''}`}
          onClick={() => session.toggleHand()}
          aria-pressed={s.handRaised}
        >
          <Icon name="hand" />
          <span>{s.handRaised ? 'Hand up' : 'Raise hand'}</span>
        </button>
      </nav>

      <AnswerNotice session={session} />
      {s.definition && book && <WordPopover session={session} definition={s.definition} rate={s.prefs.rate} />}
      {speedOpen && <SpeedPanel session={session} onClose={() => setSpeedOpen(false)} />}
      {s.askOpen && <AskPanel session={session} />}
      {settingsOpen && <SettingsPanel session={session} onClose={() => setSettingsOpen(false)} />}
    </div>
  );
}

/** Back goes to the start of the sentence, or of the one before when already at a start. */
export function sentenceBefore(words: readonly string[], i: number): number {
  let j = Math.max(0, i - 1);
  while (j > 0 && !endsSentence(words[j - 1]!)) j--;
  return j;
}
