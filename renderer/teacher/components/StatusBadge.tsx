// A student's status as colour, shape and word together, so it reads without colour vision.
import type { StudentView } from '../../../shared/protocol/index.js';

type Status = StudentView['status'];

const STATUS: Record<Status, { icon: string; label: string; hint: string }> = {
  reading: { icon: '▶', label: 'Reading', hint: 'Read-aloud is playing' },
  paused: { icon: '❚❚', label: 'Paused', hint: 'Connected, not playing' },
  asking: { icon: '?', label: 'Asking', hint: 'Has a question open' },
  idle: { icon: '◔', label: 'Idle', hint: 'Connected, nothing for two minutes' },
  offline: { icon: '○', label: 'Offline', hint: 'Tablet not connected' },
};

export const STATUS_ORDER: readonly Status[] = ['asking', 'reading', 'paused', 'idle', 'offline'];

export function statusLabel(status: Status): string {
  return STATUS[status].label;
}

export function StatusBadge({ status }: { status: Status }) {
  const s = STATUS[status];
  return (
    <span class={`status status-${status}`} title={s.hint}>
      <span class="status-icon" aria-hidden="true">
        {s.icon}
      </span>
      {s.label}
    </span>
  );
}
