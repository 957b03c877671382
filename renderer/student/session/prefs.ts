// How this tablet shows the book: text size, font, colours, line focus, reading speed. Kept on the
// tablet (not per student: it is the device and the child in front of it that need them).
import { hasFields, load, save } from './storage.js';

export interface Prefs {
  /** Index into TEXT_SIZES. */
  size: number;
  font: 'standard' | 'dyslexic';
  theme: 'warm' | 'contrast';
  lineFocus: boolean;
  /** Speech rate, one of SPEEDS. */
  rate: number;
}

/** Book text sizes in CSS px: from small phones up to a child who needs very large print. */
export const TEXT_SIZES = [20, 24, 28, 32, 38, 46] as const;
/** Reading speeds, slowest first (the order the speed choice shows them in). */
export const SPEEDS = [
  { rate: 0.6, name: 'Very slow' },
  { rate: 0.8, name: 'Slow' },
  { rate: 1, name: 'Normal' },
  { rate: 1.2, name: 'Fast' },
] as const;
const RATES: readonly number[] = SPEEDS.map((s) => s.rate);

export function speedName(rate: number): string {
  return SPEEDS.find((s) => s.rate === rate)?.name ?? 'Normal';
}

const DEFAULTS: Prefs = { size: 2, font: 'standard', theme: 'warm', lineFocus: false, rate: 1 };

const isPrefs = (v: unknown): v is Prefs =>
  hasFields(v, { size: 'number', font: 'string', theme: 'string', lineFocus: 'boolean', rate: 'number' });

export function loadPrefs(): Prefs {
  const p = load('prefs', isPrefs);
  if (!p) return { ...DEFAULTS, size: matchMedia('(max-width: 600px)').matches ? 1 : DEFAULTS.size };
  return {
    size: Math.min(TEXT_SIZES.length - 1, Math.max(0, Math.round(p.size))),
    font: p.font === 'dyslexic' ? 'dyslexic' : 'standard',
    theme: p.theme === 'contrast' ? 'contrast' : 'warm',
    lineFocus: p.lineFocus,
    rate: RATES.includes(p.rate) ? p.rate : 1,
  };
}

export function savePrefs(p: Prefs): void {
  save('prefs', p);
}

/** Puts the choices on <html> as data attributes; the style sheets do the rest. */
export function applyPrefs(p: Prefs): void {
  const root = document.documentElement;
  root.dataset.theme = p.theme;
  root.dataset.font = p.font;
  root.style.setProperty('--book-size', `${TEXT_SIZES[p.size]}px`);
}
