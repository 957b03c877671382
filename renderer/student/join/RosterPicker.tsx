// A class with a roster: the child taps their name (big buttons, easy for a small hand), and waits
// kindly if that name is in use on another tablet until the teacher says yes or no.
import type { JSX } from 'preact';
import type { RosterName, Session } from '../session/session.js';
import { useStore } from '../ui/store.js';
import { Icon } from '../ui/icons.js';

export function RosterPicker({
  session,
  code,
  names,
}: {
  session: Session;
  code: string;
  names: RosterName[];
}): JSX.Element {
  const joining = useStore(session.store, (s) => s.joining);
  return (
    <fieldset class="roster" aria-busy={joining}>
      <legend>Tap your name</legend>
      <ul class="roster-names">
        {names.map((n) => (
          <li key={n.id}>
            <button
              type="button"
              class="secondary name-tap"
              disabled={joining}
              onClick={() => void session.join(code, n.label, n.id)}
            >
              {n.label}
            </button>
          </li>
        ))}
      </ul>
      <p class="hint">Your name is not there? Please ask your teacher.</p>
    </fieldset>
  );
}

export function WaitingForTeacher({ session, name }: { session: Session; name: string }): JSX.Element {
  return (
    <main class="join">
      <div class="join-card" role="status" aria-live="polite">
        <div class="brand" aria-hidden="true">
          <Icon name="hand" />
        </div>
        <h1>Just a moment, {name}</h1>
        <p class="lead">
          Someone is reading as {name} on another tablet, so we asked your teacher. You can start as soon as your
          teacher says yes.
        </p>
        <p class="hint">Waiting for your teacher…</p>
        <button class="secondary big" type="button" onClick={() => session.stopWaiting()}>
          <Icon name="back" />
          <span>Back to the names</span>
        </button>
      </div>
    </main>
  );
}
