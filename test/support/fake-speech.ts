// A stand-in for the browser's speechSynthesis, for page tests: headless Chromium has no voices.
// Installed with `page.addInitScript(installFakeSpeech, { boundaries: true })` before the page
// loads. It "speaks" each utterance word by word on a timer and, with `boundaries`, fires a
// `boundary` event per word as Chrome's voices do. Right after each boundary has been handled it
// notes the spoken word and the word the page highlights (the `.w.now` element) in
// `window.__speech.log`, so a test can check that the highlight followed the voice exactly.

export interface FakeSpeechOptions {
  boundaries: boolean;
  /** Milliseconds per word at rate 1. */
  wordMs?: number;
}

export interface SpeechLogEntry {
  spoken: string;
  highlighted: string | null;
}

export interface FakeSpeechState {
  log: SpeechLogEntry[];
  /** The highlighted word at the moment each utterance was handed to speak(). */
  highlightedAtSpeak: (string | null)[];
  spoken: string[];
  utterances: string[];
  cancels: number;
}

/** Runs in the page (serialised by Playwright): no closures over test-side values. */
export function installFakeSpeech(o: FakeSpeechOptions): void {
  const state: FakeSpeechState = { log: [], highlightedAtSpeak: [], spoken: [], utterances: [], cancels: 0 };
  (window as unknown as { __speech: FakeSpeechState }).__speech = state;
  const wordMs = o.wordMs ?? 120;

  class FakeUtterance extends EventTarget {
    text: string;
    rate = 1;
    pitch = 1;
    volume = 1;
    lang = '';
    voice: unknown = null;
    constructor(text = '') {
      super();
      this.text = text;
    }
  }

  const voice = { name: 'Test Voice', lang: 'en-US', localService: true, default: true, voiceURI: 'test-voice' };
  let timers: ReturnType<typeof setTimeout>[] = [];
  let current: FakeUtterance | null = null;
  const queue: FakeUtterance[] = [];

  const fire = (u: FakeUtterance, type: string, props: Record<string, unknown> = {}) => {
    const e = Object.assign(
      new Event(type),
      { utterance: u, charIndex: 0, charLength: 0, elapsedTime: 0, name: '' },
      props,
    );
    u.dispatchEvent(e);
  };

  const next = () => {
    const u = queue.shift();
    current = u ?? null;
    synth.speaking = u !== undefined;
    if (!u) return;
    state.utterances.push(u.text);
    const step = wordMs / (u.rate || 1);
    timers.push(setTimeout(() => fire(u, 'start'), 10));
    const words = [...u.text.matchAll(/\S+/g)];
    words.forEach((m, k) => {
      timers.push(
        setTimeout(
          () => {
            state.spoken.push(m[0]);
            if (!o.boundaries) return;
            fire(u, 'boundary', {
              name: 'word',
              charIndex: m.index,
              charLength: m[0].length,
              elapsedTime: (k * step) / 1000,
            });
            state.log.push({ spoken: m[0], highlighted: document.querySelector('.w.now')?.textContent ?? null });
          },
          20 + k * step,
        ),
      );
    });
    timers.push(
      setTimeout(
        () => {
          fire(u, 'end');
          // The page may already have started the next utterance from its 'end' handler.
          if (current === u) next();
        },
        20 + words.length * step + 30,
      ),
    );
  };

  const synth = {
    speaking: false,
    pending: false,
    paused: false,
    onvoiceschanged: null,
    getVoices: () => [voice],
    speak(u: FakeUtterance) {
      state.highlightedAtSpeak.push(document.querySelector('.w.now')?.textContent ?? null);
      queue.push(u);
      if (!current) next();
    },
    cancel() {
      state.cancels++;
      for (const t of timers) clearTimeout(t);
      timers = [];
      const u = current;
      queue.length = 0;
      current = null;
      synth.speaking = false;
      // Chrome reports a cancelled utterance as an 'interrupted' error.
      if (u) fire(u, 'error', { error: 'interrupted' });
    },
    pause() {},
    resume() {},
    addEventListener() {},
    removeEventListener() {},
  };

  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  Object.defineProperty(window, 'SpeechSynthesisUtterance', { value: FakeUtterance, configurable: true });
}

/**
 * A stand-in for the browser's speech recognition (Chrome's webkitSpeechRecognition): start()
 * "hears" `text` and reports it as one final result. Counts starts in `window.__heard`.
 */
export function installFakeRecognition(text: string): void {
  const w = window as unknown as { __heard: number; webkitSpeechRecognition: unknown; SpeechRecognition: unknown };
  w.__heard = 0;
  class FakeRecognition {
    lang = '';
    interimResults = false;
    continuous = false;
    onresult: ((e: unknown) => void) | null = null;
    onend: (() => void) | null = null;
    onerror: (() => void) | null = null;
    start() {
      w.__heard++;
      setTimeout(() => {
        const result = Object.assign([{ transcript: text, confidence: 0.9 }], { isFinal: true });
        this.onresult?.({ resultIndex: 0, results: [result] });
        this.onend?.();
      }, 100);
    }
    stop() {
      this.onend?.();
    }
  }
  Object.defineProperty(window, 'SpeechRecognition', { value: FakeRecognition, configurable: true });
  Object.defineProperty(window, 'webkitSpeechRecognition', { value: FakeRecognition, configurable: true });
}
