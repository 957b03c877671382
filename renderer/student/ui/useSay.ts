// "Read it to me" for a piece of text (a meaning, an answer): whether it is being read now, and a
// toggle. The book's narration is paused by whoever opens the panel.
import { useEffect, useState } from 'preact/hooks';
import { canSpeak, say, stopSaying } from '../narration/say.js';

export function useSay(rate: number): {
  speaking: string | null;
  toggle(key: string, text: string): void;
  available: boolean;
} {
  const [speaking, setSpeaking] = useState<string | null>(null);
  useEffect(() => () => stopSaying(), []);
  return {
    speaking,
    available: canSpeak(),
    toggle(key, text) {
      if (speaking === key) {
        stopSaying();
        setSpeaking(null);
        return;
      }
      setSpeaking(key);
      say(text, rate, () => setSpeaking((k) => (k === key ? null : k)));
    },
  };
}
