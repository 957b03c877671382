// The settings the server reports (GET /api/teacher/settings), grouped for a teacher. Each says
// whether it is this class's own or the whole server's; settings the teacher may not change (the
// server's, on a teacher's link; set by IT or the environment) are shown read-only with the
// server's reason. Changes are saved together; the server checks
// all of them before saving any.
import { useEffect, useState } from 'preact/hooks';
import type { SettingView } from '../lib/api.js';
import { useDashboard } from './context.js';
import { CheckAiButton } from './CheckAiButton.js';
import { Icon } from './Icon.js';
import { KeyRow } from './KeyRow.js';
import { VertexKeyRow } from './VertexKeyRow.js';

const GROUPS: { title: string; keys: string[] }[] = [
  {
    title: 'AI answers (Google Gemini)',
    keys: [
      'aiAnswers',
      'aiProvider',
      'geminiApiKey',
      'vertexProject',
      'vertexLocation',
      'vertexCredentials',
      'vertexApiKey',
      'geminiModel',
      'gradeLevel',
    ],
  },
  { title: 'Students', keys: ['speechInput', 'nameFilter', 'questionsPer5Min', 'definitionsPer5Min'] },
  { title: 'Limits', keys: ['llmMaxInFlight', 'geminiRequestsPerMinute', 'capacityReservePct'] },
  { title: 'Network', keys: ['port', 'publicHost', 'networkMbps'] },
];

const LABELS: Record<string, string> = {
  aiAnswers: 'AI answers',
  aiProvider: 'Google service',
  geminiApiKey: 'Gemini API key',
  vertexProject: 'Google Cloud project (Vertex AI)',
  vertexLocation: 'Region (Vertex AI)',
  vertexCredentials: 'Service account key file (Vertex AI)',
  vertexApiKey: 'Vertex AI express mode key',
  geminiModel: 'Model',
  gradeLevel: 'Grade level',
  speechInput: 'Spoken questions',
  nameFilter: 'Refuse rude names',
  questionsPer5Min: 'Questions per student per 5 minutes',
  definitionsPer5Min: 'Word look-ups per student per 5 minutes',
  llmMaxInFlight: 'AI answers at once',
  geminiRequestsPerMinute: 'Gemini requests per minute (your quota)',
  capacityReservePct: 'Capacity kept in reserve (%)',
  port: 'Port',
  publicHost: 'Address in the QR code',
  networkMbps: 'Link or Wi-Fi speed (Mbit/s, for the capacity panel)',
};

const CHOICE_LABELS: Record<string, string> = {
  gemini: 'Gemini API (an API key)',
  vertex: "Vertex AI (the school's Google Cloud project)",
};

const SOURCES: Record<SettingView['source'], string | null> = {
  default: null,
  teacher: 'saved for every class',
  class: 'saved for this class',
  machine: "school's preset",
  environment: 'environment',
  flag: 'command line',
  locked: 'locked by IT',
};

export function SettingsView() {
  const { api, act, notify } = useDashboard();
  const [settings, setSettings] = useState<SettingView[] | null>(null);
  const [draft, setDraft] = useState<Record<string, unknown>>({});
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void act('load the settings', api.settings).then((s) => s && setSettings(s));
  }, []);
  if (!settings) return <div class="empty-state">Loading settings…</div>;

  const byKey = new Map(settings.map((s) => [s.key, s]));
  const grouped = new Set(GROUPS.flatMap((g) => g.keys));
  const others = settings.filter((s) => !grouped.has(s.key));
  const changed = Object.keys(draft).length;
  const save = async () => {
    setError(null);
    try {
      setSettings(await api.saveSettings(draft));
      const restart = Object.keys(draft).some((k) => byKey.get(k)?.needsRestart);
      setDraft({});
      notify(restart ? 'Settings saved. Some take effect when ReaderAI restarts.' : 'Settings saved.');
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const edit = (key: string, value: unknown) => setDraft((d) => ({ ...d, [key]: value }));
  const plain = (s: SettingView) => <SettingRow key={s.key} s={s} draft={draft} onEdit={edit} />;
  const row = (s: SettingView) => {
    switch (s.key) {
      case 'geminiApiKey':
      case 'vertexApiKey':
        return (
          <KeyRow key={s.key} setting={s} label={LABELS[s.key]!} onChanged={(list) => list && setSettings(list)} />
        );
      case 'vertexCredentials':
        return <VertexKeyRow key={s.key} setting={s} fallback={plain(s)} />;
      default:
        return plain(s);
    }
  };

  return (
    <div class="page settings">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div class="settings-bar">
          <h2>Settings</h2>
          <span class="spacer" />
          {error && (
            <span class="form-error" role="alert">
              {error}
            </span>
          )}
          <button type="button" class="btn" disabled={changed === 0} onClick={() => setDraft({})}>
            Discard
          </button>
          <button type="submit" class="btn btn-primary" disabled={changed === 0} data-testid="save-settings">
            Save {changed > 0 ? `${changed} change${changed > 1 ? 's' : ''}` : 'changes'}
          </button>
        </div>
        {GROUPS.map((g) => (
          <section class="card settings-group" key={g.title}>
            <h3>{g.title}</h3>
            {g.keys[0] === 'aiAnswers' && <TermsNotice />}
            {g.keys
              .map((k) => byKey.get(k))
              .filter((s): s is SettingView => s !== undefined)
              .map(row)}
            {g.keys[0] === 'aiAnswers' && <CheckAiButton />}
          </section>
        ))}
        {others.length > 0 && (
          <details class="card settings-group">
            <summary>
              <h3>Set by IT or at start ({others.length})</h3>
            </summary>
            {others.map(row)}
          </details>
        )}
      </form>
    </div>
  );
}

/** Google's terms, said plainly where AI is turned on (the README's compliance section has the sources). */
function TermsNotice() {
  return (
    <div class="terms" role="note">
      <strong>Google's terms apply to AI answers, and they are written for adults.</strong> The Gemini API's additional
      terms say it may not be used in a service “directed towards or likely to be accessed by individuals under the age
      of 18”. Vertex AI comes under your school's Google Cloud agreement and its service terms; ReaderAI does not claim
      that either route is allowed for children. Turn AI on only if your school's own agreement with Google and your
      data-protection rules allow it for your students. Without AI, students' questions come to you here, and word
      meanings come from the built-in dictionary.
    </div>
  );
}

function SettingRow({
  s,
  draft,
  onEdit,
}: {
  s: SettingView;
  draft: Record<string, unknown>;
  onEdit: (key: string, value: unknown) => void;
}) {
  const id = `setting-${s.key}`;
  const value = s.key in draft ? draft[s.key] : s.value;
  const source = SOURCES[s.source];
  return (
    <div class={`setting ${s.editable ? '' : 'setting-locked'}`} data-setting={s.key}>
      <div class="setting-label">
        <label for={id}>{LABELS[s.key] ?? s.key}</label>
        <span class="tag tag-quiet" data-scope={s.scope}>
          {s.scope === 'class' ? 'this class' : 'every class'}
        </span>
        {source && <span class="tag tag-quiet">{source}</span>}
        {s.needsRestart && <span class="tag tag-quiet">after restart</span>}
        <p class="muted small">{s.doc}</p>
        {!s.editable && s.reason && (
          <p class="small reason">
            <Icon name="lock" /> {s.reason}
          </p>
        )}
      </div>
      <div class="setting-input">
        <SettingInput id={id} s={s} value={value} onEdit={(v) => onEdit(s.key, v)} />
        {s.editable && s.source === (s.scope === 'class' ? 'class' : 'teacher') && !(s.key in draft) && (
          <button type="button" class="link-btn small" onClick={() => onEdit(s.key, null)}>
            Reset to default
          </button>
        )}
      </div>
    </div>
  );
}

function SettingInput({
  id,
  s,
  value,
  onEdit,
}: {
  id: string;
  s: SettingView;
  value: unknown;
  onEdit: (v: unknown) => void;
}) {
  const disabled = !s.editable;
  if (s.choices) {
    return (
      <select
        id={id}
        value={typeof value === 'string' ? value : ''}
        disabled={disabled}
        onChange={(e) => onEdit(e.currentTarget.value)}
      >
        {s.choices.map((c) => (
          <option key={c} value={c}>
            {CHOICE_LABELS[c] ?? c}
          </option>
        ))}
      </select>
    );
  }
  if (typeof s.value === 'boolean') {
    return (
      <label class="switch">
        <input
          id={id}
          type="checkbox"
          role="switch"
          checked={value === true}
          disabled={disabled}
          onChange={(e) => onEdit(e.currentTarget.checked)}
        />
        <span>{value === true ? 'On' : 'Off'}</span>
      </label>
    );
  }
  if (typeof s.value === 'number') {
    return (
      <input
        id={id}
        type="number"
        class="input-number"
        value={value === null ? '' : (value as number | string).toString()}
        disabled={disabled}
        onInput={(e) => {
          const raw = e.currentTarget.value;
          onEdit(raw === '' ? null : Number(raw));
        }}
      />
    );
  }
  return (
    <input
      id={id}
      type="text"
      value={typeof value === 'string' ? value : ''}
      disabled={disabled}
      onInput={(e) => onEdit(e.currentTarget.value)}
    />
  );
}
