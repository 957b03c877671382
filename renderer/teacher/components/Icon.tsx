// Line icons drawn for the dashboard, inline SVG: they look the same on every computer (emoji
// fonts differ, and some school machines have none). Icons are decoration: the text beside them
// carries the meaning, so they are hidden from screen readers.

const PATHS = {
  hand:
    'M8 13V6.5a1.5 1.5 0 0 1 3 0V11m0-.5v-6a1.5 1.5 0 0 1 3 0V11m0-4.5a1.5 1.5 0 0 1 3 0V14m0-3a1.5 1.5 0 0 1 3 0v3.5' +
    'c0 3.6-2.6 6.5-6.5 6.5h-.9c-2.2 0-3.7-.8-5-2.5L5 15.2a1.5 1.5 0 0 1 2.3-1.9L8 14',
  lock: 'M6 11h12v10H6zM8.5 11V7.5a3.5 3.5 0 0 1 7 0V11',
  unlock: 'M6 11h12v10H6zM8.5 11V7.5a3.5 3.5 0 0 1 6.8-1.2',
  expand: 'M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5',
  refresh: 'M19.5 12a7.5 7.5 0 1 1-2.2-5.3M19.5 4.5v4.5H15',
  download: 'M12 4v11m-5-5 5 5 5-5M5 20h14',
  flag: 'M6 21V4m0 0h11l-2.5 4L17 12H6',
  pencil: 'M4 20l1-4L16 5l3 3L8 19zM14 7l3 3',
  block: 'M12 3a9 9 0 1 1 0 18 9 9 0 0 1 0-18zM5.6 5.6l12.8 12.8',
  alert: 'M12 3.5 2.5 20h19zM12 10v4.5M12 17.2v.3',
  info: 'M12 3a9 9 0 1 1 0 18 9 9 0 0 1 0-18zM12 11v6M12 7.8v.3',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 16 }: { name: IconName; size?: number }) {
  return (
    <svg class="icon" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        d={PATHS[name]}
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linecap="round"
        stroke-linejoin="round"
      />
    </svg>
  );
}
