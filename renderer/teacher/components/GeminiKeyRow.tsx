// The Gemini API key. In the desktop app the key is kept by the main process, encrypted with the
// operating system's keychain (Electron safeStorage), and handed to the server at its start, so
// saving it restarts the server (tablets reconnect by themselves). In a plain browser the key is
// saved through the server's settings. Either way the full key is never shown again.
import { useEffect, useState } from 'preact/hooks';
import type { SettingView } from '../lib/api.js';
import { desktop, type GeminiKeyState } from '../lib/desktop.js';
import { useDashboard } from './context.js';
import { Icon } from './Icon.js';

export function GeminiKeyRow({
  setting: s,
  onChanged,
}: {
  setting: SettingView;
  onChanged: (list: SettingView[] | undefined) => void;
}) {
  const { api, act, notify } = useDashboard();
  const app = desktop();
  const [kept, setKept] = useState<GeminiKeyState | null>(null);
  const [key, setKey] = useState('');
  useEffect(() => {
    if (app) void app.getGeminiKey().then(setKept, () => setKept(null));
  }, []);
  // The desktop keychain is used when the app offers it; otherwise the server's own setting.
  const viaDesktop = app !== null && kept !== null && kept.protection !== 'unavailable';
  const editable = viaDesktop || s.editable;
  const setNow = viaDesktop ? kept.stored : s.isSet;
  const hint = viaDesktop ? kept.hint : typeof s.value === 'string' ? s.value : '';

  const save = async (value: string | null) => {
    if (viaDesktop) {
      const state = await act('save the key', () => app.saveGeminiKey(value));
      if (state) {
        setKept(state);
        notify(
          value
            ? "Key saved in this computer's keychain. ReaderAI restarts to use it; tablets reconnect by themselves."
            : 'Key removed. ReaderAI restarts; questions will come to you.',
        );
      }
    } else {
      const list = await act('save the key', () => api.saveSettings({ geminiApiKey: value }));
      onChanged(list);
      if (list) notify(value ? 'Key saved. AI answers are on.' : 'Key removed. Questions will come to you.');
    }
    setKey('');
  };

  return (
    <div class={`setting ${editable ? '' : 'setting-locked'}`} data-setting="geminiApiKey">
      <div class="setting-label">
        <label for="gemini-key">Gemini API key</label>
        <p class="muted small">
          {setNow
            ? `A key is set (${hint}). AI answers are on.`
            : 'No key: AI answers are off, and questions come to you.'}
        </p>
        {viaDesktop && kept.protection === 'weak' && (
          <p class="small reason">
            <Icon name="alert" /> This computer has no keychain, so the key is stored with weak protection. Ask IT to
            set it in the machine configuration instead.
          </p>
        )}
        {!editable && s.reason && (
          <p class="small reason">
            <Icon name="lock" /> {s.reason}
          </p>
        )}
      </div>
      {editable && (
        <div class="setting-input">
          <input
            id="gemini-key"
            type="password"
            autocomplete="off"
            placeholder={setNow ? 'Paste a new key to replace it' : 'Paste your key'}
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
          />
          <div class="button-row">
            <button
              type="button"
              class="btn btn-small btn-primary"
              disabled={!key.trim()}
              onClick={() => void save(key.trim())}
            >
              Save key
            </button>
            {setNow && (
              <button type="button" class="btn btn-small" onClick={() => void save(null)}>
                Remove key
              </button>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
