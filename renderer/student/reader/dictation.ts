// Spoken questions through the browser's speech recognition, only where the teacher allowed it
// (SESSION_STATE.speechInput): in Chrome the recording goes to Google's servers to be turned into
// text, which a school may not want for children, so the teacher's setting is off by default.
import { useEffect, useRef, useState } from 'preact/hooks';

/** The small part of the (still prefixed in Chrome) SpeechRecognition interface used here. */
interface Recognizer {
  lang: string;
  interimResults: boolean;
  continuous: boolean;
  start(): void;
  stop(): void;
  onresult:
    | ((e: {
        results: ArrayLike<ArrayLike<{ transcript: string }> & { isFinal: boolean }>;
        resultIndex: number;
      }) => void)
    | null;
  onend: (() => void) | null;
  onerror: (() => void) | null;
}
type RecognizerClass = new () => Recognizer;

function recognizerClass(): RecognizerClass | null {
  const w = window as unknown as { SpeechRecognition?: RecognizerClass; webkitSpeechRecognition?: RecognizerClass };
  return w.SpeechRecognition ?? w.webkitSpeechRecognition ?? null;
}

export function useDictation(
  allowed: boolean,
  onText: (text: string) => void,
): { available: boolean; listening: boolean; toggle(): void; stop(): void } {
  const [listening, setListening] = useState(false);
  const rec = useRef<Recognizer | null>(null);
  const Cls = allowed ? recognizerClass() : null;
  useEffect(() => () => rec.current?.stop(), []);
  const stop = () => {
    rec.current?.stop();
    rec.current = null;
    setListening(false);
  };
  return {
    available: Cls !== null,
    listening,
    stop,
    toggle() {
      if (listening || !Cls) return stop();
      const r = new Cls();
      r.lang = document.documentElement.lang || 'en';
      r.interimResults = false;
      r.continuous = false;
      r.onresult = (e) => {
        for (let i = e.resultIndex; i < e.results.length; i++) {
          const res = e.results[i]!;
          if (res.isFinal && res[0]) onText(res[0].transcript.trim());
        }
      };
      r.onend = r.onerror = () => setListening(false);
      rec.current = r;
      setListening(true);
      r.start();
    },
  };
}
