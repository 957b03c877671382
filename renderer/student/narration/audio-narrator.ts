// Read-aloud from a narrated book's own audio (EPUB 3 Media Overlays). The highlight follows the
// audio's real position: every animation frame reads currentTime (timeupdate fires only every
// 250 ms or so, too coarse for one word) and finds the clip and word there. Speed changes keep the
// narrator's pitch (preservesPitch). The next clips' files are fetched ahead while one plays, so a
// Wi-Fi hiccup does not stop the voice; the audio URLs never change, so the browser's cache (and
// the service worker's, where it runs) keeps what was fetched.
import type { NarrationClip } from '../../../shared/protocol/index.js';
import { clamp, ReadAloud } from './read-aloud.js';
import { clipAtTime, clipOfWord, offsetOfWord, timeline, wordInClip, type Timeline } from './timeline.js';

export interface AudioNarratorOptions {
  words: readonly string[];
  clips: readonly NarrationClip[];
  onWord(wordIdx: number): void;
  onPlaying(playing: boolean): void;
  onFinished?(): void;
  /** The audio failed to load (an expired pass, the server away): the session can renew and retry. */
  onAudioError?(retry: () => void): void;
}

/** How many clips' files to fetch ahead of the one playing. */
const AHEAD = 3;
/** A clip that starts where the last ended in the same file plays on without a seek. */
const JOIN_GAP_S = 0.05;

export class AudioNarrator extends ReadAloud {
  private readonly t: Timeline;
  private readonly audio = new Audio();
  private clip = 0;
  private frame = 0;
  private readonly fetched = new Set<string>();
  private retried = false;
  /** A saved timeline position to start from (a resume, a pause): until the child moves. */
  private resumeAt: number | null = null;

  constructor(private readonly o: AudioNarratorOptions) {
    super((i) => o.onWord(i));
    this.t = timeline(o.clips);
    this.audio.preload = 'auto';
    this.audio.preservesPitch = true;
    this.audio.addEventListener('error', () => {
      if (!this.isPlaying) return;
      const resume = this.pos;
      this.stop();
      if (this.retried || !o.onAudioError) return;
      this.retried = true;
      o.onAudioError(() => this.play(resume));
    });
  }

  /** Where the voice is on the book's whole narration timeline, in seconds. */
  get audioTs(): number {
    const c = this.o.clips[this.clip];
    if (!c) return 0;
    const inClip = this.audio.src.endsWith(c.src) ? this.audio.currentTime - c.begin : 0;
    return this.t.starts[this.clip]! + Math.min(Math.max(0, inClip), c.end - c.begin);
  }

  /** Plays from a word; with none, from where it paused or was restored (to the syllable). */
  play(from?: number): void {
    const saved = this.resumeAt;
    this.resumeAt = null;
    if (from === undefined && saved !== null) return this.playAt(saved);
    this.cancelFrame();
    const word = from ?? this.pos;
    this.clip = clipOfWord(this.t, word);
    this.start(offsetOfWord(this.t, this.clip, word, this.o.words));
  }

  /** Starts at a position on the timeline (a saved audioTs). */
  private playAt(ts: number): void {
    this.cancelFrame();
    this.clip = clipAtTime(this.t, ts);
    this.start(Math.max(0, ts - this.t.starts[this.clip]!));
  }

  /** The word at a saved timeline position, to show before playing. */
  seekAudio(ts: number): void {
    const i = clipAtTime(this.t, ts);
    this.clip = i;
    this.moveTo(wordInClip(this.t, i, Math.max(0, ts - this.t.starts[i]!), this.o.words));
    this.resumeAt = ts;
  }

  pause(): void {
    if (!this.isPlaying) return;
    this.resumeAt = this.audioTs;
    this.stop();
  }

  seek(wordIdx: number): void {
    this.resumeAt = null;
    if (this.isPlaying) this.play(wordIdx);
    else this.moveTo(clamp(wordIdx, 0, this.o.words.length - 1));
  }

  setRate(rate: number): void {
    this.rateNow = rate;
    this.audio.playbackRate = rate;
  }

  destroy(): void {
    this.stop();
    this.audio.removeAttribute('src');
    this.audio.load();
  }

  private start(offset: number): void {
    const c = this.o.clips[this.clip];
    if (!c) return this.finish();
    this.load(c, c.begin + offset);
    this.isPlaying = true;
    this.o.onPlaying(true);
    this.audio.playbackRate = this.rateNow;
    this.audio.play().catch(() => {
      // Refused (no user gesture yet) or failed to load: the error listener handles the latter.
      if (this.isPlaying) this.stop();
    });
    this.fetchAhead();
    this.tick();
  }

  private load(c: NarrationClip, at: number): void {
    if (!this.audio.src.endsWith(c.src)) this.audio.src = c.src;
    this.audio.currentTime = at;
  }

  private tick = (): void => {
    this.frame = 0;
    if (!this.isPlaying) return;
    const c = this.o.clips[this.clip]!;
    const now = this.audio.currentTime;
    if (now >= c.end || this.audio.ended) {
      const next = this.o.clips[this.clip + 1];
      if (!next) return this.finish();
      this.clip++;
      // Contiguous clips in one file (the usual case) play on; anything else seeks.
      if (next.src !== c.src || Math.abs(next.begin - c.end) > JOIN_GAP_S) {
        this.load(next, next.begin);
        void this.audio.play().catch(() => undefined);
      }
      this.fetchAhead();
    } else if (now >= c.begin) {
      this.moveTo(wordInClip(this.t, this.clip, now - c.begin, this.o.words));
    }
    this.frame = requestAnimationFrame(this.tick);
  };

  /**
   * This clip's and the next clips' files, whole, into the HTTP cache (and the service worker's)
   * before they are needed; the <audio> element's own Range requests are then served from there.
   */
  private fetchAhead(): void {
    for (const c of this.o.clips.slice(this.clip, this.clip + 1 + AHEAD)) {
      if (this.fetched.has(c.src)) continue;
      this.fetched.add(c.src);
      void fetch(c.src, { credentials: 'same-origin' })
        .then((r) => r.arrayBuffer())
        .catch(() => this.fetched.delete(c.src));
    }
  }

  private finish(): void {
    this.stop();
    this.o.onFinished?.();
  }

  private stop(): void {
    this.cancelFrame();
    this.audio.pause();
    if (this.isPlaying) {
      this.isPlaying = false;
      this.o.onPlaying(false);
    }
  }

  private cancelFrame(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }
}
