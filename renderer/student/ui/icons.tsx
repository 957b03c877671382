// Line icons drawn inline (no icon font, no requests). Each one sits beside a text label: the
// label is what screen readers read, so the SVGs are hidden from them.
import type { JSX } from 'preact';

const PATHS = {
  play: 'M8 5.5v13l10.5-6.5z',
  pause: 'M7 5h3.5v14H7zM13.5 5H17v14h-3.5z',
  back: 'M11 6 5 12l6 6M5 12h14',
  ask: 'M4 5h16v11H9l-5 4zM12 13v.01M10 9a2 2 0 1 1 3 1.7c-.6.4-1 .8-1 1.3',
  hand:
    'M8 13V6.5a1.5 1.5 0 0 1 3 0V12m0-7.5a1.5 1.5 0 0 1 3 0V12m0-5.5a1.5 1.5 0 0 1 3 0V14a6 6 0 0 1-6 6h-1' +
    'a5 5 0 0 1-4.2-2.3L3.6 13.9a1.5 1.5 0 0 1 2.4-1.8L8 14',
  text: 'M3 19 8 5l5 14M4.8 14h6.4M14 19l3.5-9 3.5 9M15.2 16h4.6',
  speaker: 'M4 9h4l5-4v14l-5-4H4zM16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12',
  close: 'M6 6l12 12M18 6 6 18',
  mic: 'M12 4a3 3 0 0 1 3 3v5a3 3 0 0 1-6 0V7a3 3 0 0 1 3-3zM6 11a6 6 0 0 0 12 0M12 17v3',
  send: 'M4 12 20 4l-4 16-4-7zM12 13l8-9',
  book: 'M4 5a2 2 0 0 1 2-2h13v16H6a2 2 0 0 0-2 2zM4 21V5M19 19v2H6',
  speed: 'M5 17a8 8 0 1 1 14 0M12 13l4-4',
  cloud: 'M7 18h10a4 4 0 0 0 .5-8 6 6 0 0 0-11.4 1.5A3.3 3.3 0 0 0 7 18z',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, class: cls }: { name: IconName; class?: string }): JSX.Element {
  const filled = name === 'play' || name === 'pause';
  return (
    <svg class={`icon ${cls ?? ''}`} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        d={PATHS[name]}
        fill={filled ? 'currentColor' : 'none'}
        stroke="currentColor"
        stroke-width={filled ? 1 : 2}
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}
