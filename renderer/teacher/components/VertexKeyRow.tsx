// The Vertex AI service account's key. In the desktop app the teacher picks the key file; the main
// process checks it and keeps it encrypted with the operating system's keychain, and the server
// restarts to use it. In a plain browser the key file is IT's to set (READERAI_VERTEX_CREDENTIALS),
// so the row shows the server's setting read-only.
import { useEffect, useState } from 'preact/hooks';
import type { SettingView } from '../lib/api.js';
import { desktop, type SecretState } from '../lib/desktop.js';
import { useDashboard } from './context.js';
import { Icon } from './Icon.js';

export function VertexKeyRow({ setting: s, fallback }: { setting: SettingView; fallback: preact.ComponentChild }) {
  const { act, notify } = useDashboard();
  const app = desktop();
  const [kept, setKept] = useState<SecretState | null>(null);
  useEffect(() => {
    if (app) void app.getVertexKey().then(setKept, () => setKept(null));
  }, []);
  if (!app || !kept || kept.protection === 'unavailable') return <>{fallback}</>;
  const change = async (what: string, action: () => Promise<SecretState | null>) => {
    const state = await act(what, action);
    if (!state) return;
    setKept(state);
    notify(
      state.stored
        ? `Key for ${state.hint} kept in this computer's keychain. ReaderAI restarts to use it.`
        : 'Key removed. ReaderAI restarts.',
    );
  };
  return (
    <div class="setting" data-setting={s.key}>
      <div class="setting-label">
        <span class="label">Service account key</span>
        <p class="muted small">
          {kept.stored
            ? `A key is kept for ${kept.hint}.`
            : "No key. Choose the JSON key file of the school's service account (from Google Cloud IAM)."}
        </p>
        {kept.protection === 'weak' && (
          <p class="small reason">
            <Icon name="alert" /> This computer has no keychain, so the key is stored with weak protection. Ask IT to
            set READERAI_VERTEX_CREDENTIALS in the machine configuration instead.
          </p>
        )}
      </div>
      <div class="setting-input button-row">
        <button
          type="button"
          class="btn btn-small btn-primary"
          onClick={() => void change('keep the key file', () => app.pickVertexKey())}
        >
          Choose key file…
        </button>
        {kept.stored && (
          <button
            type="button"
            class="btn btn-small"
            onClick={() => void change('remove the key', () => app.removeVertexKey())}
          >
            Remove key
          </button>
        )}
      </div>
    </div>
  );
}
