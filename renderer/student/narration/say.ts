// Reading a short text aloud once: a word's meaning, an answer. Not tied to the book's position.
import { pickVoice } from './voices.js';

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
  synth.speak(u);
}

export function stopSaying(): void {
  if (canSpeak()) window.speechSynthesis.cancel();
}
