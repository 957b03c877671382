// A toggle that filters a list, with the count it would show.
import type { ComponentChildren } from 'preact';

export function FilterChip({
  on,
  onClick,
  label,
  n,
  tone,
  testId,
}: {
  on: boolean;
  onClick: () => void;
  label: ComponentChildren;
  n: number;
  tone?: string;
  testId?: string;
}) {
  return (
    <button
      type="button"
      class={`chip ${on ? 'chip-on' : ''} ${tone ? `chip-${tone}` : ''}`}
      aria-pressed={on}
      onClick={onClick}
    >
      {label}{' '}
      <span class="chip-n" data-testid={testId}>
        {n}
      </span>
    </button>
  );
}
