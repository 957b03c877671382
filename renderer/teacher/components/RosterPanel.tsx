// The class list: children tap their name on the tablet instead of typing it. The teacher types or
// pastes one child a line, or imports a spreadsheet's CSV, and chooses what tablets show.
import { useState } from 'preact/hooks';
import type { RosterShows, RosterView } from '../../../shared/protocol/index.js';
import { parseRosterText, rosterCsvToText, rosterToText } from '../lib/roster-text.js';
import { useDashboard } from './context.js';
import { Modal } from './Modal.js';
import { Icon } from './Icon.js';

const SHOWS: { value: RosterShows; label: string }[] = [
  { value: 'first_initial', label: 'First name and initial (Mia B.)' },
  { value: 'first', label: 'First name only (Mia)' },
  { value: 'full', label: 'Full name (Mia Brown)' },
];

export function RosterPanel() {
  const { api, act } = useDashboard();
  const [roster, setRoster] = useState<RosterView | null>(null);
  const open = async () => {
    const view = await act('open the class list', api.roster);
    if (view) setRoster(view);
  };
  return (
    <section class="card" aria-labelledby="roster-title">
      <div class="card-head">
        <h2 id="roster-title">Class list</h2>
      </div>
      <p class="muted small">
        With a class list, children tap their name on the tablet instead of typing it. Without one, they type it.
      </p>
      <div class="button-row">
        <button type="button" class="btn" onClick={() => void open()}>
          <Icon name="pencil" /> Edit class list
        </button>
      </div>
      {roster && <RosterDialog saved={roster} onClose={() => setRoster(null)} />}
    </section>
  );
}

function RosterDialog({ saved, onClose }: { saved: RosterView; onClose: () => void }) {
  const { api, act, notify } = useDashboard();
  const [text, setText] = useState(rosterToText(saved.entries));
  const [shows, setShows] = useState<RosterShows>(saved.shows);
  const lines = parseRosterText(text);
  const importCsv = async (file: File | undefined) => {
    if (!file) return;
    const imported = rosterCsvToText(await file.text());
    if (imported === '') notify(`No names found in ${file.name}.`, 'error');
    else setText(imported);
  };
  const save = async () => {
    // The server keeps each saved name's entry (and the child who took it) by its name.
    const view = await act('save the class list', () => api.saveRoster({ shows, entries: lines }));
    if (!view) return;
    notify(
      view.entries.length === 0
        ? 'No class list: children type their names.'
        : `Class list saved: ${view.entries.length} names to tap.`,
    );
    onClose();
  };
  return (
    <Modal title="Class list" onClose={onClose} wide>
      <label class="field">
        <span>One child a line: first name, then last name</span>
        <textarea
          rows={12}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          placeholder={'Mia Brown\nMia Khan\nLeo'}
          spellcheck={false}
        />
      </label>
      <div class="field-inline roster-tools">
        <label class="btn">
          <Icon name="download" /> Import CSV…
          <input
            type="file"
            accept=".csv,text/csv"
            class="visually-hidden"
            onChange={(e) => void importCsv(e.currentTarget.files?.[0])}
          />
        </label>
        <span class="muted small">{lines.length} names</span>
      </div>
      <label class="field">
        <span>Tablets show</span>
        <select value={shows} onChange={(e) => setShows(e.currentTarget.value as RosterShows)}>
          {SHOWS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <p class="muted small">
        Full names stay on this computer; tablets see only what you choose here, and only after typing the class code.
        Two children who would look the same are told apart with a number: Mia, Mia (2).
      </p>
      <div class="modal-actions">
        <button type="button" class="btn btn-primary" onClick={() => void save()}>
          Save class list
        </button>
        <span class="spacer" />
        <button type="button" class="btn" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
