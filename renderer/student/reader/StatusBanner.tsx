// One calm line about the connection or news from the teacher. Offline is not an error for a
// reader: the book keeps going and the place is kept on the tablet.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useStore } from '../ui/store.js';
import type { Session } from '../session/session.js';
import { Icon } from '../ui/icons.js';

/** Blips shorter than this (a restart, a Wi-Fi hand-over) are not worth a banner. */
const SHOW_AFTER_MS = 1500;

export function StatusBanner({ session }: { session: Session }): JSX.Element {
  const connection = useStore(session.store, (s) => s.connection);
  const everOpened = useStore(session.store, (s) => s.everOpened);
  const notice = useStore(session.store, (s) => s.notice);
  const hand = useStore(session.store, (s) => s.handRaised);
  const mode = useStore(session.store, (s) => s.mode);
  const playing = useStore(session.store, (s) => s.playing);
  const reloadLosesBook = useStore(session.store, () => session.reloadLosesBook);
  const down = connection !== 'open';
  const [show, setShow] = useState(false);
  useEffect(() => {
    if (!down) return setShow(false);
    const t = setTimeout(() => setShow(true), SHOW_AFTER_MS);
    return () => clearTimeout(t);
  }, [down]);

  let text = '';
  let kind = 'info';
  if (show && down) {
    kind = 'offline';
    // A page reloaded while the server is away has never been connected: that is offline too.
    text =
      everOpened || connection === 'waiting'
        ? reloadLosesBook
          ? "No connection right now. Keep reading, and don't reload this page until the Wi-Fi is back."
          : 'No connection right now. Keep reading — your place is saved on this tablet.'
        : 'Connecting to your class…';
  } else if (notice) text = notice;
  else if (hand) {
    kind = 'hand';
    text = 'Your hand is up. Your teacher can see it.';
  } else if (mode === 'silent' && playing)
    text = 'This tablet has no reading voice, so the words light up at reading speed. Read along!';

  return (
    <div class={`banner ${text ? `show ${kind}` : ''}`} role="status" aria-live="polite">
      {text && kind === 'offline' && <Icon name="cloud" />}
      {text && kind === 'hand' && <Icon name="hand" />}
      <span>{text}</span>
      {text && notice && text === notice && (
        <button type="button" class="tool small" onClick={() => session.dismissNotice()}>
          OK
        </button>
      )}
    </div>
  );
}
