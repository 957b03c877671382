// "Try it": one short, harmless request through the configured AI route (POST /api/teacher/ai/check,
// the same check as `npm run check:ai`), then what answered and how fast, or what went wrong.
import { useState } from 'preact/hooks';
import type { RouteCheck } from '../lib/api.js';
import { useDashboard } from './context.js';

export function CheckAiButton() {
  const { api, act } = useDashboard();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<RouteCheck | null>(null);
  const run = async () => {
    setBusy(true);
    setResult((await act('try the AI route', api.checkAi)) ?? null);
    setBusy(false);
  };
  return (
    <div class="setting" data-testid="check-ai">
      <div class="setting-label">
        <span class="label">Try the route</span>
        <p class="muted small">
          Sends one short test request (nothing about students or books) and shows what answered.
        </p>
        {result && (
          <p class={`small ${result.ok ? 'check-ok' : 'reason'}`} role="status" data-problem={result.problem ?? 'none'}>
            {result.message}
          </p>
        )}
      </div>
      <div class="setting-input">
        <button type="button" class="btn btn-small" disabled={busy} onClick={() => void run()}>
          {busy ? 'Trying…' : 'Try it'}
        </button>
      </div>
    </div>
  );
}
