// Which AI route answers the class ("Gemini API" or "Vertex AI, project P, region R"), or that
// none does, with a one-click off (and back on when it was switched off here). It reads
// GET /api/teacher/ai again whenever the classroom view changes, which every settings change causes.
import { useEffect, useState } from 'preact/hooks';
import type { AiStatus } from '../lib/api.js';
import { useDashboard } from './context.js';

export function AiBadge() {
  const { api, act, notify, model } = useDashboard();
  const [ai, setAi] = useState<AiStatus | null>(null);
  const room = model.classroom;
  useEffect(() => {
    void api.ai().then(setAi, () => setAi(null));
  }, [room]);
  if (!ai) return null;
  const turn = async (on: boolean) => {
    const saved = await act(on ? 'turn AI answers on' : 'turn AI answers off', () =>
      api.saveSettings({ aiAnswers: on }),
    );
    if (!saved) return;
    setAi(await api.ai());
    notify(on ? 'AI answers are on again.' : 'AI answers are off: questions come to you.');
  };
  if (ai.enabled) {
    return (
      <span
        class={`tag pill ${ai.unavailable ? 'tag-warn' : 'tag-ok'}`}
        data-ai="on"
        title={`Model ${ai.model}${ai.unavailable ? '. Google is not answering; questions come to you for now.' : ''}`}
      >
        AI: {ai.route}
        <button type="button" class="link-btn small" data-testid="ai-off" onClick={() => void turn(false)}>
          Turn off
        </button>
      </span>
    );
  }
  return (
    <span class="tag pill tag-quiet" data-ai="off" title={ai.detail ?? ''}>
      AI answers off
      {ai.reason === 'ai_off' && (
        <button type="button" class="link-btn small" data-testid="ai-on" onClick={() => void turn(true)}>
          Turn on
        </button>
      )}
    </span>
  );
}
