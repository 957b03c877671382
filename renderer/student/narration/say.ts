// Reading a short text aloud once: a word's meaning, an answer. Not tied to the book's position.
import { pickVoice } from './voices.js';

/** What say() is reading now: stopSaying() stops only that, never the book's voice after it. */
let saying: SpeechSynthesisUtterance | null = null;

export function canSpeak(): boolean {
  return (
    typeof window !== 'undefined' && 'speechSynthesis' in window && typeof SpeechSynthesisUtterance !== 'undefined'
  );
}

/** Speaks `text` (stopping anything being said). Calls onEnd when done, failed or cancelled. */
export function say(text: string, rate: number, onEnd: () => void, lang = 'en'): void {
  if (!canSpeak()) {
    onEnd();
    return;
  }
  const synth = window.speechSynthesis;
  synth.cancel();
  const u = new SpeechSynthesisUtterance(text);
  u.rate = rate;
  u.lang = lang;
  const voice = pickVoice(synth, lang);
  if (voice) u.voice = voice;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    if (saying === u) saying = null;
    clearTimeout(watchdog);
    onEnd();
  };
  u.addEventListener('end', finish);
  u.addEventListener('error', finish);
  // No voice at all: speak() never starts; do not leave the button stuck on "Reading…".
  const watchdog = setTimeout(() => {
    if (!synth.speaking) {
      synth.cancel();
      finish();
    }
  }, 2500);
  u.addEventListener('start', () => clearTimeout(watchdog));
  saying = u;
  synth.speak(u);
}

/**
 * Stops what say() is reading, if anything. A panel calls it as it closes, just after "Keep
 * reading" handed the book to the voice: cancelling then would silence the book instead.
 */
export function stopSaying(): void {
  if (!saying || !canSpeak()) return;
  saying = null;
  window.speechSynthesis.cancel();
}
