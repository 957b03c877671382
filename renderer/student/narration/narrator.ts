// Read-aloud for the book: speaks from a word onwards, one sentence at a time, and says which word
// is being spoken so the page can light it up.
//
// Three ways the highlight can follow the voice, picked per tablet as it goes:
//  - 'voice':       the voice sends word-boundary events; each one names the word (charIndex).
//  - 'voice-timed': the voice speaks but sends no boundaries; a timer estimates each word from its
//                   length, and the end of each sentence puts the highlight back in step.
//  - 'silent':      no voice works here (none installed, speech blocked): the words light up at a
//                   comfortable reading pace so the child can still read along.
// Pausing cancels and later restarts from the highlighted word, because pause()/resume() are
// unreliable (Chrome on Android cancels on pause; Chrome drops long utterances).
import { chunkAt, wordAtChar, type Chunk } from './chunks.js';
import { wordMs } from './timing.js';
import { pickVoice } from './voices.js';
import { clamp, ReadAloud } from './read-aloud.js';

/** 'audio': a narrated book plays its own recording (narration/audio-narrator.ts). */
export type NarrationMode = 'voice' | 'voice-timed' | 'silent' | 'audio';

export interface NarratorOptions {
  words: readonly string[];
  paragraphStarts: readonly number[];
  /** window.speechSynthesis, or null where the browser has none. */
  synth: SpeechSynthesis | null;
  lang?: string;
  onWord(wordIdx: number): void;
  onPlaying(playing: boolean): void;
  onMode?(mode: NarrationMode): void;
  /** Read to the last word. */
  onFinished?(): void;
  /** The voice had not started this long after speak(): treat it as missing. */
  startTimeoutMs?: number;
}

export class Narrator extends ReadAloud {
  /** Bumped on every start/stop so events from a cancelled utterance are ignored. */
  private run = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  private modeNow: NarrationMode;
  /** Set once a boundary event arrived: from then on the estimate timer is not needed. */
  private boundariesSeen = false;

  constructor(private readonly o: NarratorOptions) {
    super((i) => o.onWord(i));
    this.modeNow = o.synth ? 'voice' : 'silent';
  }

  get mode(): NarrationMode {
    return this.modeNow;
  }

  /** Starts reading at `from` (default: the current word). */
  play(from = this.pos): void {
    this.halt();
    this.pos = clamp(from, 0, Math.max(0, this.o.words.length - 1));
    this.isPlaying = true;
    this.o.onPlaying(true);
    this.o.onWord(this.pos);
    this.speakFrom(this.pos);
  }

  /** Stops; the highlighted word stays the current one, so play() resumes right there. */
  pause(): void {
    if (!this.isPlaying) return;
    this.halt();
    this.isPlaying = false;
    this.o.onPlaying(false);
  }

  /** Moves to a word; keeps reading from there if it was reading. */
  seek(wordIdx: number): void {
    if (this.isPlaying) this.play(wordIdx);
    else {
      this.pos = clamp(wordIdx, 0, Math.max(0, this.o.words.length - 1));
      this.o.onWord(this.pos);
    }
  }

  setRate(rate: number): void {
    this.rateNow = rate;
    if (this.isPlaying) this.play(this.pos);
  }

  destroy(): void {
    this.halt();
    this.isPlaying = false;
  }

  private halt(): void {
    this.run++;
    this.clearTimers();
    // Also clears anything left queued (a meaning read aloud, a cancelled sentence).
    const synth = this.o.synth;
    if (this.modeNow !== 'silent' && synth && (synth.speaking || synth.pending)) synth.cancel();
  }

  private clearTimers(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.watchdog !== null) clearTimeout(this.watchdog);
    this.timer = this.watchdog = null;
  }

  private setMode(mode: NarrationMode): void {
    if (mode === this.modeNow) return;
    this.modeNow = mode;
    this.o.onMode?.(mode);
  }

  private speakFrom(from: number): void {
    if (from >= this.o.words.length) {
      this.isPlaying = false;
      this.o.onPlaying(false);
      this.o.onFinished?.();
      return;
    }
    const chunk = chunkAt(this.o.words, this.o.paragraphStarts, from);
    if (this.modeNow === 'silent' || !this.o.synth) this.stepSilently(chunk, from, this.run);
    else this.speakChunk(this.o.synth, chunk, this.run);
  }

  private speakChunk(synth: SpeechSynthesis, chunk: Chunk, run: number): void {
    const u = new SpeechSynthesisUtterance(chunk.text);
    u.rate = this.rateNow;
    u.lang = this.o.lang ?? 'en';
    const voice = pickVoice(synth, u.lang);
    if (voice) u.voice = voice;
    let started = false;
    const live = () => run === this.run;
    u.addEventListener('start', () => {
      if (!live()) return;
      started = true;
      if (this.watchdog !== null) clearTimeout(this.watchdog);
      // Until this voice has shown it sends boundaries, estimate; the first boundary stops it.
      if (!this.boundariesSeen) this.stepTimed(chunk, chunk.start, run);
    });
    u.addEventListener('boundary', (e) => {
      if (!live() || (e.name && e.name !== 'word')) return;
      if (!this.boundariesSeen) {
        this.boundariesSeen = true;
        if (this.timer !== null) clearTimeout(this.timer);
        this.timer = null;
      }
      this.setMode('voice');
      this.moveTo(wordAtChar(chunk, e.charIndex));
    });
    u.addEventListener('end', () => {
      if (!live()) return;
      this.clearTimers();
      this.pos = chunk.end;
      if (chunk.end < this.o.words.length) this.o.onWord(chunk.end);
      this.speakFrom(chunk.end);
    });
    u.addEventListener('error', (e) => {
      if (!live()) return;
      const err = e.error;
      // Our own cancel() reports these; anything else means the voice cannot speak here.
      if (err === 'interrupted' || err === 'canceled') return;
      this.fallBackToSilent(started ? this.pos : chunk.start);
    });
    // Headless browsers and tablets with no voice installed accept speak() and then do nothing.
    this.watchdog = setTimeout(() => {
      if (live() && !started) this.fallBackToSilent(chunk.start);
    }, this.o.startTimeoutMs ?? 2500);
    synth.speak(u);
  }

  private fallBackToSilent(from: number): void {
    this.run++;
    this.clearTimers();
    this.o.synth?.cancel();
    this.setMode('silent');
    this.speakFrom(from);
  }

  /** The voice is speaking `chunk` but says nothing about where: estimate, never past the chunk. */
  private stepTimed(chunk: Chunk, i: number, run: number): void {
    this.setMode('voice-timed');
    this.moveTo(i);
    if (i + 1 >= chunk.end) return; // the 'end' event moves on
    this.timer = setTimeout(
      () => {
        if (run === this.run) this.stepTimed(chunk, i + 1, run);
      },
      wordMs(this.o.words[i]!) / this.rateNow,
    );
  }

  /** No voice: light up each word for as long as it would take to say it. */
  private stepSilently(chunk: Chunk, i: number, run: number): void {
    this.moveTo(i);
    this.timer = setTimeout(
      () => {
        if (run !== this.run) return;
        if (i + 1 < chunk.end) this.stepSilently(chunk, i + 1, run);
        else {
          this.pos = chunk.end;
          this.speakFrom(chunk.end);
        }
      },
      wordMs(this.o.words[i]!) / this.rateNow,
    );
  }
}
