// The settings in force while the server runs: the layers of server/config.ts, with two layers
// saved in SQLite and changeable from the dashboard: the server's (admin token, every class) and
// each class's own (class settings only, that class's teacher token). Listeners hear about every
// change (the relay rebuilds its Gemini client when the key or model changes; a class's dashboards
// hear when that class's settings change).
import {
  choicesOf,
  coerce,
  isClassSetting,
  isSecret,
  isSettingKey,
  resolve,
  SETTINGS,
  teacherCannotSet,
  type Layer,
  type Layers,
  type SettingKey,
  type Settings,
  type SourceName,
} from './config.js';
import { DomainError } from './errors.js';
import { ErrorCode } from '../shared/protocol/codes.js';
import type { Store } from './store/store.js';

export interface SettingView {
  key: SettingKey;
  value: unknown;
  /** For secrets: whether a value is set (the value itself is never sent back). */
  isSet: boolean;
  source: SourceName;
  /** `class`: this class's own value (may differ per class); `server`: shared by every class. */
  scope: 'class' | 'server';
  editable: boolean;
  /** Why it cannot be edited, when it cannot. */
  reason: string | null;
  needsRestart: boolean;
  /** The values it may take, when it is a choice (the dashboard shows a list). */
  choices?: readonly string[];
  doc: string;
}

/** Who changes or reads settings: a class, and whether the caller holds the admin token. */
export interface SettingsCaller {
  classId: string;
  admin: boolean;
}

type Resolved = ReturnType<typeof resolve>;

/** A saved layer, keeping only values that still fit (an older version's setting is ignored, not fatal). */
function savedLayer(saved: Record<string, unknown>, keep: (key: SettingKey) => boolean): Layer {
  const layer: Layer = {};
  for (const [key, value] of Object.entries(saved)) {
    if (!isSettingKey(key) || !keep(key)) continue;
    try {
      layer[key] = coerce(key, value, 'saved settings');
    } catch {
      continue;
    }
  }
  return layer;
}

export class SettingsService {
  /** The server's settings (no class's own values): what server-wide code reads. */
  current: Settings;
  sources: Record<SettingKey, SourceName>;
  private readonly layers: Layers;
  private readonly classLayers = new Map<string, Layer>();
  /** Each class's resolved settings, worked out on first use after a change. */
  private readonly resolved = new Map<string, Resolved>();
  private readonly listeners: ((s: Settings, classId: string | null) => void)[] = [];

  constructor(
    private readonly store: Store,
    base: Omit<Layers, 'teacher' | 'class'>,
  ) {
    this.layers = { ...base, teacher: {} };
    ({ settings: this.current, sources: this.sources } = this.readSaved());
  }

  private readSaved(): Resolved {
    this.layers.teacher = savedLayer(this.store.settings(), () => true);
    this.classLayers.clear();
    for (const [classId, saved] of this.store.classSettings()) {
      this.classLayers.set(classId, savedLayer(saved, isClassSetting));
    }
    this.resolved.clear();
    return resolve(this.layers);
  }

  /**
   * Another socket worker saved settings (the database is shared): read them again and tell the
   * listeners, as for a change made here, naming no class (any class's may have changed).
   */
  reload(): void {
    ({ settings: this.current, sources: this.sources } = this.readSaved());
    for (const listener of this.listeners) listener(this.current, null);
  }

  onChange(listener: (s: Settings, classId: string | null) => void): void {
    this.listeners.push(listener);
  }

  /** A class's settings: the server's, with the class's own values over them. */
  forClass(classId: string): Settings {
    return this.resolvedFor(classId).settings;
  }

  private resolvedFor(classId: string): Resolved {
    let r = this.resolved.get(classId);
    if (!r) {
      const own = this.classLayers.get(classId);
      r = own ? resolve({ ...this.layers, class: own }) : { settings: this.current, sources: this.sources };
      this.resolved.set(classId, r);
    }
    return r;
  }

  /** A deleted class's values go with it (the store's rows go by cascade). */
  forget(classId: string): void {
    this.classLayers.delete(classId);
    this.resolved.delete(classId);
  }

  /**
   * Changes from a dashboard: class settings go to the caller's class, the server's to the server
   * (admin token only). All are checked before any is saved.
   */
  update(changes: Record<string, unknown>, caller: SettingsCaller): void {
    const { sources } = this.resolvedFor(caller.classId);
    const checked: [SettingKey, unknown][] = [];
    for (const [key, raw] of Object.entries(changes)) {
      if (!isSettingKey(key)) throw new DomainError(ErrorCode.BAD_REQUEST, `Unknown setting "${key}".`);
      const refusal = teacherCannotSet(key, sources, caller.admin);
      if (refusal) throw new DomainError(ErrorCode.FORBIDDEN, refusal);
      // null resets to the server's value (a class setting) or the default or IT's preset.
      try {
        checked.push([key, raw === null ? undefined : coerce(key, raw, 'settings')]);
      } catch (err) {
        throw new DomainError(ErrorCode.BAD_REQUEST, (err as Error).message);
      }
    }
    const own = this.classLayers.get(caller.classId) ?? {};
    let serverChanged = false;
    for (const [key, value] of checked) {
      const perClass = isClassSetting(key);
      if (perClass) this.store.putClassSetting(caller.classId, key, value);
      else this.store.putSetting(key, value);
      const layer = perClass ? own : this.layers.teacher;
      if (value === undefined) delete layer[key];
      else layer[key] = value;
      serverChanged ||= !perClass;
    }
    this.classLayers.set(caller.classId, own);
    if (serverChanged) {
      ({ settings: this.current, sources: this.sources } = resolve(this.layers));
      this.resolved.clear();
    } else {
      this.resolved.delete(caller.classId);
    }
    for (const listener of this.listeners) listener(this.current, serverChanged ? null : caller.classId);
  }

  view(caller: SettingsCaller): SettingView[] {
    const { settings, sources } = this.resolvedFor(caller.classId);
    return (Object.keys(SETTINGS) as SettingKey[]).map((key) => {
      const value = settings[key];
      const reason = teacherCannotSet(key, sources, caller.admin);
      const spec = SETTINGS[key] as { doc: string; restart?: boolean };
      const choices = choicesOf(key);
      return {
        key,
        value: isSecret(key) ? (value ? '••••' + String(value).slice(-4) : '') : value,
        isSet: value !== '' && value !== SETTINGS[key].default,
        source: sources[key],
        scope: isClassSetting(key) ? 'class' : 'server',
        editable: reason === null,
        reason,
        needsRestart: spec.restart === true,
        ...(choices ? { choices } : {}),
        doc: spec.doc,
      };
    });
  }
}
