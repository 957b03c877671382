// A tablet asks for a name that is in use on another tablet: the teacher says whether it may take
// it over (the other tablet then stops) or not. Shown at the top of the class screen until answered.
import type { TakeoverView } from '../../../shared/protocol/index.js';
import { clock } from '../lib/format.js';
import { useDashboard } from './context.js';
import { Icon } from './Icon.js';

export function TakeoverRequests({ requests }: { requests: TakeoverView[] }) {
  const { api, act, notify } = useDashboard();
  if (requests.length === 0) return null;
  const decide = async (t: TakeoverView, allow: boolean) => {
    const ok = await act(allow ? 'let the tablet in' : 'turn the tablet away', () => api.decideTakeover(t.id, allow));
    if (ok) notify(allow ? `${t.name} moved to the new tablet.` : `${t.name} stays on the first tablet.`);
  };
  return (
    <section class="card takeovers" aria-labelledby="takeovers-title" aria-live="polite">
      <h2 id="takeovers-title">
        <Icon name="hand" /> A tablet is asking for a name
      </h2>
      <ul class="takeover-list">
        {requests.map((t) => (
          <li key={t.id}>
            <p>
              Another tablet wants to read as <strong>{t.name}</strong>, who is already in on a tablet.{' '}
              <span class="muted small">{clock(t.at)}</span>
            </p>
            <div class="button-row">
              <button type="button" class="btn btn-primary" onClick={() => void decide(t, true)}>
                Allow: move {t.name} there
              </button>
              <button type="button" class="btn" onClick={() => void decide(t, false)}>
                Deny
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
