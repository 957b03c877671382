// WCAG AA contrast for the student app's colour pairs, in both themes, computed from the custom
// properties in renderer/student/styles/base.css: 4.5:1 for text, 3:1 for focus rings and the
// highlight's edge against the page.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('../../../../../renderer/student/styles/base.css', import.meta.url), 'utf8');

function block(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  const body = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries(
    [...body.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]),
  );
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const warm = block(':root');
const themes = { warm, contrast: { ...warm, ...block(":root[data-theme='contrast']") } };

/** [foreground, background, minimum] as the style sheets use them. */
const PAIRS: [string, string, number][] = [
  ['ink', 'bg', 4.5],
  ['ink', 'surface', 4.5],
  ['muted', 'bg', 4.5],
  ['muted', 'surface', 4.5],
  ['accent-ink', 'accent', 4.5],
  ['ask-ink', 'ask', 4.5],
  ['hl-ink', 'hl', 4.5],
  ['info-ink', 'info-bg', 4.5],
  ['ink', 'accent-soft', 4.5],
  ['ink', 'hand-bg', 4.5],
  ['danger', 'surface', 4.5],
  ['accent', 'surface', 3],
  ['focus', 'bg', 3],
  ['focus', 'surface', 3],
];

describe.each(Object.entries(themes))('%s theme', (_name, colours) => {
  it.each(PAIRS)('%s on %s is at least %s:1', (fg, bg, min) => {
    expect(colours[fg], fg).toBeDefined();
    expect(colours[bg], bg).toBeDefined();
    expect(contrast(colours[fg]!, colours[bg]!)).toBeGreaterThanOrEqual(min);
  });
});
