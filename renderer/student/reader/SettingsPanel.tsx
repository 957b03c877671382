// How the book looks: text size, an easier-to-read font, colours, and a band that follows the
// line being read. Kept on the tablet.
import type { JSX } from 'preact';
import { useStore } from '../ui/store.js';
import type { Session } from '../session/session.js';
import { TEXT_SIZES, type Prefs } from '../session/prefs.js';
import { Dialog } from '../ui/Dialog.js';
import { Icon } from '../ui/icons.js';

export function SettingsPanel({ session, onClose }: { session: Session; onClose: () => void }): JSX.Element {
  const p = useStore(session.store, (s) => s.prefs);
  const set = (patch: Partial<Prefs>) => session.setPrefs(patch);
  return (
    <Dialog title="Text settings" onClose={onClose} class="settings">
      <div class="sheet-head">
        <h2>Text</h2>
        <button type="button" class="tool" onClick={onClose} data-autofocus>
          <Icon name="close" />
          <span>Done</span>
        </button>
      </div>
      <p class="preview">The quick brown fox jumps over the lazy dog.</p>

      <fieldset>
        <legend>Size</legend>
        <div class="row">
          <button
            type="button"
            class="secondary"
            onClick={() => set({ size: p.size - 1 })}
            disabled={p.size === 0}
            aria-label="Smaller text"
          >
            <span class="a-small" aria-hidden="true">
              A
            </span>
            <span>Smaller</span>
          </button>
          <output aria-live="polite">{TEXT_SIZES[p.size]} px</output>
          <button
            type="button"
            class="secondary"
            onClick={() => set({ size: p.size + 1 })}
            disabled={p.size === TEXT_SIZES.length - 1}
            aria-label="Bigger text"
          >
            <span class="a-big" aria-hidden="true">
              A
            </span>
            <span>Bigger</span>
          </button>
        </div>
      </fieldset>

      <fieldset>
        <legend>Letters</legend>
        <Choice
          name="font"
          checked={p.font === 'standard'}
          onChange={() => set({ font: 'standard' })}
          label="Standard"
        />
        <Choice
          name="font"
          checked={p.font === 'dyslexic'}
          onChange={() => set({ font: 'dyslexic' })}
          label="Easier letters (OpenDyslexic)"
          class="od"
        />
      </fieldset>

      <fieldset>
        <legend>Colours</legend>
        <Choice name="theme" checked={p.theme === 'warm'} onChange={() => set({ theme: 'warm' })} label="Warm paper" />
        <Choice
          name="theme"
          checked={p.theme === 'contrast'}
          onChange={() => set({ theme: 'contrast' })}
          label="High contrast"
        />
      </fieldset>

      <fieldset>
        <legend>Reading help</legend>
        <label class="choice">
          <input type="checkbox" checked={p.lineFocus} onChange={(e) => set({ lineFocus: e.currentTarget.checked })} />
          <span>Line focus: dim everything but the line being read</span>
        </label>
      </fieldset>
    </Dialog>
  );
}

function Choice(props: {
  name: string;
  checked: boolean;
  onChange: () => void;
  label: string;
  class?: string;
}): JSX.Element {
  return (
    <label class={`choice ${props.class ?? ''}`}>
      <input type="radio" name={props.name} checked={props.checked} onChange={props.onChange} />
      <span>{props.label}</span>
    </label>
  );
}
