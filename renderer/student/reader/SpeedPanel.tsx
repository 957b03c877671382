// How fast "Read to me" reads: every speed in a row, slowest on the left, the current one marked.
// A labelled choice instead of a button that cycles, so a child sees where each tap goes.
import type { JSX } from 'preact';
import { useStore } from '../ui/store.js';
import type { Session } from '../session/session.js';
import { SPEEDS } from '../session/prefs.js';
import { Dialog } from '../ui/Dialog.js';
import { Icon } from '../ui/icons.js';

export function SpeedPanel({ session, onClose }: { session: Session; onClose: () => void }): JSX.Element {
  const rate = useStore(session.store, (s) => s.prefs.rate);
  return (
    <Dialog title="Reading speed" onClose={onClose} class="speed-card" modal={false}>
      <div class="sheet-head">
        <h2>Reading speed</h2>
        <button type="button" class="tool" onClick={onClose}>
          <Icon name="close" />
          <span>Close</span>
        </button>
      </div>
      <div class="speeds" role="group" aria-label="From slowest to fastest">
        {SPEEDS.map((s, i) => (
          <button
            type="button"
            class={`speed ${s.rate === rate ? 'primary' : 'secondary'}`}
            aria-pressed={s.rate === rate}
            data-autofocus={s.rate === rate ? '' : undefined}
            onClick={() => {
              session.setPrefs({ rate: s.rate });
              onClose();
            }}
          >
            <span class="steps" aria-hidden="true">
              {SPEEDS.map((_, j) => (
                <i class={j <= i ? 'on' : ''} />
              ))}
            </span>
            <span>{s.name}</span>
          </button>
        ))}
      </div>
    </Dialog>
  );
}
