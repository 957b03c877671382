// An API key setting (the Gemini key, the Vertex AI express mode key). In the desktop app the
// Gemini key is kept by the main process, encrypted with the operating system's keychain
// (Electron safeStorage), and handed to the server at its start, so saving it restarts the server
// (tablets reconnect by themselves). Otherwise the key is saved through the server's settings.
// Either way the full key is never shown again.
import { useEffect, useState } from 'preact/hooks';
import type { SettingView } from '../lib/api.js';
import { desktop, type GeminiKeyState } from '../lib/desktop.js';
import { useDashboard } from './context.js';
import { Icon } from './Icon.js';

export function KeyRow({
  setting: s,
  label,
  onChanged,
}: {
  setting: SettingView;
  label: string;
  onChanged: (list: SettingView[] | undefined) => void;
}) {
  const { api, act, notify } = useDashboard();
  const app = s.key === 'geminiApiKey' ? desktop() : null;
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
  const inputId = `key-${s.key}`;

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
      const list = await act('save the key', () => api.saveSettings({ [s.key]: value }));
      onChanged(list);
      if (list) notify(value ? 'Key saved.' : 'Key removed.');
    }
    setKey('');
  };

  return (
    <div class={`setting ${editable ? '' : 'setting-locked'}`} data-setting={s.key}>
      <div class="setting-label">
        <label for={inputId}>{label}</label>
        <p class="muted small">{setNow ? `A key is set (${hint}).` : 'No key: AI answers are off on this route.'}</p>
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
            id={inputId}
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
