// The settings in force while the server runs: the layers of server/config.ts, with the teacher's
// layer saved in SQLite and changeable from the dashboard. Listeners hear about every change (the
// relay rebuilds its Gemini client when the key or model changes).
import {
  choicesOf,
  coerce,
  isSecret,
  isSettingKey,
  resolve,
  SETTINGS,
  teacherCannotSet,
  type Layers,
  type SettingKey,
  type Settings,
  type SourceName,
} from './config.js';
import { HttpError } from './classroom/errors.js';
import { ErrorCode } from '../shared/protocol/codes.js';
import type { Store } from './store/store.js';

export interface SettingView {
  key: SettingKey;
  value: unknown;
  /** For secrets: whether a value is set (the value itself is never sent back). */
  isSet: boolean;
  source: SourceName;
  editable: boolean;
  /** Why it cannot be edited, when it cannot. */
  reason: string | null;
  needsRestart: boolean;
  /** The values it may take, when it is a choice (the dashboard shows a list). */
  choices?: readonly string[];
  doc: string;
}

export class SettingsService {
  current: Settings;
  sources: Record<SettingKey, SourceName>;
  private readonly layers: Layers;
  private readonly listeners: ((s: Settings) => void)[] = [];

  constructor(
    private readonly store: Store,
    base: Omit<Layers, 'teacher'>,
  ) {
    const teacher: Layers['teacher'] = {};
    for (const [key, value] of Object.entries(store.settings())) {
      // A saved value that no longer fits (an older version's setting) is ignored, not fatal.
      if (!isSettingKey(key)) continue;
      try {
        teacher[key] = coerce(key, value, 'saved settings');
      } catch {
        continue;
      }
    }
    this.layers = { ...base, teacher };
    ({ settings: this.current, sources: this.sources } = resolve(this.layers));
  }

  onChange(listener: (s: Settings) => void): void {
    this.listeners.push(listener);
  }

  /** The teacher's changes: all are checked before any is saved. */
  update(changes: Record<string, unknown>): void {
    const checked: [SettingKey, unknown][] = [];
    for (const [key, raw] of Object.entries(changes)) {
      if (!isSettingKey(key)) throw new HttpError(400, ErrorCode.BAD_REQUEST, `Unknown setting "${key}".`);
      const refusal = teacherCannotSet(key, this.sources);
      if (refusal) throw new HttpError(403, ErrorCode.FORBIDDEN, refusal);
      // null resets to the default (or IT's preset).
      try {
        checked.push([key, raw === null ? undefined : coerce(key, raw, 'settings')]);
      } catch (err) {
        throw new HttpError(400, ErrorCode.BAD_REQUEST, (err as Error).message);
      }
    }
    for (const [key, value] of checked) {
      this.store.putSetting(key, value);
      if (value === undefined) delete this.layers.teacher[key];
      else this.layers.teacher[key] = value;
    }
    ({ settings: this.current, sources: this.sources } = resolve(this.layers));
    for (const listener of this.listeners) listener(this.current);
  }

  view(): SettingView[] {
    return (Object.keys(SETTINGS) as SettingKey[]).map((key) => {
      const value = this.current[key];
      const reason = teacherCannotSet(key, this.sources);
      const spec = SETTINGS[key] as { doc: string; restart?: boolean };
      const choices = choicesOf(key);
      return {
        key,
        value: isSecret(key) ? (value ? '••••' + String(value).slice(-4) : '') : value,
        isSet: value !== '' && value !== SETTINGS[key].default,
        source: this.sources[key],
        editable: reason === null,
        reason,
        needsRestart: spec.restart === true,
        ...(choices ? { choices } : {}),
        doc: spec.doc,
      };
    });
  }
}
