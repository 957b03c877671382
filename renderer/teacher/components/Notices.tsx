// Messages in the corner: results of the teacher's own actions (they fade), and the server's
// alerts (saving trouble and the like), which stay until dismissed.
import { useState } from 'preact/hooks';
import type { Alert } from '../../../shared/protocol/index.js';
import { Icon } from './Icon.js';

export interface Notice {
  id: number;
  message: string;
  tone: 'info' | 'error';
}

export function Notices({ notices, alerts }: { notices: Notice[]; alerts: Alert[] }) {
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const open = alerts.filter((a) => !dismissed.has(a.id)).slice(-3);
  return (
    <div class="notices" aria-live="polite">
      {open.map((a) => (
        <div key={a.id} class={`notice notice-${a.level}`} role={a.level === 'error' ? 'alert' : 'status'}>
          <Icon name={a.level === 'info' ? 'info' : 'alert'} size={18} />
          <span class="notice-text">{a.message}</span>
          <button
            type="button"
            class="btn-icon"
            aria-label="Dismiss"
            onClick={() => setDismissed(new Set([...dismissed, a.id]))}
          >
            ✕
          </button>
        </div>
      ))}
      {notices.map((n) => (
        <div key={n.id} class={`notice notice-${n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'}>
          <span class="notice-text">{n.message}</span>
        </div>
      ))}
    </div>
  );
}
