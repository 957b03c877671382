// A tapped word and its meaning, with "Read it to me" and "Read from here".
import type { JSX } from 'preact';
import type { Definition, Session } from '../session/session.js';
import { Dialog } from '../ui/Dialog.js';
import { Icon } from '../ui/icons.js';
import { useSay } from '../ui/useSay.js';

export function WordPopover({
  session,
  definition: d,
  rate,
}: {
  session: Session;
  definition: Definition;
  rate: number;
}): JSX.Element {
  const voice = useSay(rate);
  const close = () => session.closeDefinition();
  return (
    <Dialog title={`What “${d.word}” means`} onClose={close} class="word-card" modal={false}>
      <div class="sheet-head">
        <h2 class="the-word" lang="en">
          {d.word}
        </h2>
        <button type="button" class="tool" onClick={close} data-autofocus>
          <Icon name="close" />
          <span>Close</span>
        </button>
      </div>
      <p class="meaning" aria-live="polite">
        {d.text ?? (d.problem || 'Looking it up…')}
      </p>
      <div class="row">
        {voice.available && (
          <button
            type="button"
            class="secondary"
            onClick={() => voice.toggle('word', d.text ? `${d.word}. ${d.text}` : d.word)}
            aria-pressed={voice.speaking === 'word'}
          >
            <Icon name="speaker" />
            <span>{voice.speaking === 'word' ? 'Stop' : 'Read it to me'}</span>
          </button>
        )}
        {d.problem && d.text === null && (
          <button type="button" class="secondary" onClick={() => session.retryDefinition()}>
            <span>Try again</span>
          </button>
        )}
        <button
          type="button"
          class="primary"
          onClick={() => {
            close();
            session.play(d.wordIdx);
          }}
        >
          <Icon name="play" />
          <span>Read from here</span>
        </button>
      </div>
    </Dialog>
  );
}
