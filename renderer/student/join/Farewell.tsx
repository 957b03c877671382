// When the class ends for this tablet: said kindly, with the one thing the child can do next.
import type { JSX } from 'preact';
import { BLOCKED_MESSAGE } from '../../../shared/protocol/messages.js';
import { useStore } from '../ui/store.js';
import type { Farewell as Kind, Session } from '../session/session.js';
import { Icon } from '../ui/icons.js';

const TEXT: Record<Kind, { title: string; body: string; action?: 'join' | 'here' }> = {
  ended: {
    title: 'Class is finished',
    body: 'Great reading today! At your next lesson, join again with the same name to carry on where you stopped.',
    action: 'join',
  },
  removed: {
    title: 'You left the class',
    body: 'Your teacher took you out of this class. You can join again if your teacher says so.',
    action: 'join',
  },
  blocked: {
    title: 'Reading is paused',
    body: BLOCKED_MESSAGE,
  },
  replaced: {
    title: 'Reading on another screen',
    body: 'You opened ReaderAI on another tab or tablet, so reading moved there.',
    action: 'here',
  },
  deleted: {
    title: 'This tablet forgot you',
    body:
      'Your teacher deleted your reading in this class, so this tablet no longer keeps your name or questions. ' +
      'You can join again with the class code.',
    action: 'join',
  },
  locked: {
    title: 'Joining is closed',
    body: 'Your class is not letting anyone join right now. Please ask your teacher.',
    action: 'join',
  },
};

export function Farewell({ session }: { session: Session }): JSX.Element {
  const kind = useStore(session.store, (s) => s.farewell) ?? 'ended';
  const t = TEXT[kind];
  return (
    <main class="join">
      <div class="join-card farewell" role="status">
        <div class="brand" aria-hidden="true">
          <Icon name="book" />
        </div>
        <h1>{t.title}</h1>
        <p class="lead">{t.body}</p>
        {t.action === 'join' && (
          <button class="primary big" type="button" onClick={() => session.joinAgain()}>
            <span>Join a class</span>
          </button>
        )}
        {t.action === 'here' && (
          <button class="primary big" type="button" onClick={() => session.readHere()}>
            <span>Read here instead</span>
          </button>
        )}
      </div>
    </main>
  );
}
