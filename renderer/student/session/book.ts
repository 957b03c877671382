// The open book and its read-aloud: loads a book over HTTP, keeps one narrator for it, and says
// where the reading is (to the progress and to the page's highlighter).
import type { Book } from '../../../shared/protocol/index.js';
import { Narrator } from '../narration/narrator.js';
import { AudioNarrator } from '../narration/audio-narrator.js';
import { audioOffsets } from '../narration/timing.js';
import { stopSaying } from '../narration/say.js';
import { fetchSoon } from './http.js';
import type { Credentials } from './join-api.js';
import type { StudentStore } from './state.js';

export interface BookReaderOptions {
  store: StudentStore;
  /** The tablet's credentials: a narrated book's audio needs a pass for them. */
  credentials(): Credentials | null;
  /** The current word changed (narration, a tap, a restore). */
  moved(bookId: string, wordIdx: number, audioTs: number, playing: boolean): void;
  /** The read-aloud started or stopped. */
  playing(playing: boolean): void;
}

export class BookReader {
  /** The book's own audio when it is narrated, else the tablet's voice. */
  private narrator: Narrator | AudioNarrator | null = null;
  private offsets: Float64Array = new Float64Array(1);
  private wordListener: ((wordIdx: number) => void) | null = null;

  constructor(private readonly o: BookReaderOptions) {}

  /** Opens the book at a word; a book that does not load leaves the one shown (or says so). */
  async open(bookId: string, wordIdx: number, audioTs?: number): Promise<void> {
    const s = this.o.store;
    let book = s.get().book;
    if (book?.id !== bookId) {
      try {
        const res = await fetchSoon(`/api/books/${encodeURIComponent(bookId)}`);
        if (!res.ok) throw new Error(String(res.status));
        book = (await res.json()) as Book;
      } catch {
        if (!s.get().book) s.set({ bookError: "The book didn't load yet. We'll try again when we're connected." });
        return;
      }
      this.narrator?.destroy();
      this.offsets = audioOffsets(book.words);
      const onPlaying = (playing: boolean) => {
        s.set({ playing });
        this.o.playing(playing);
      };
      const onFinished = () => s.set({ notice: 'The end! You read the whole book. Well done!' });
      const clips = book.narration?.clips ?? [];
      if (clips.length > 0) await this.audioPass();
      this.narrator =
        clips.length > 0
          ? new AudioNarrator({
              words: book.words,
              clips,
              onWord: (i) => this.moved(i),
              onPlaying,
              onFinished,
              onAudioError: (retry) => void this.audioPass().then(retry),
            })
          : new Narrator({
              words: book.words,
              paragraphStarts: book.paragraphStarts,
              synth: typeof speechSynthesis === 'undefined' ? null : speechSynthesis,
              lang: document.documentElement.lang || 'en',
              onWord: (i) => this.moved(i),
              onPlaying,
              onMode: (mode) => s.set({ mode }),
              onFinished,
            });
      s.set({ mode: clips.length > 0 ? 'audio' : this.narrator instanceof Narrator ? this.narrator.mode : 'voice' });
      this.narrator.setRate(s.get().prefs.rate);
      s.set({ book, bookError: '', playing: false });
    }
    const n = this.narrator!;
    // A narrated book resumes at the saved point of its audio, not just at the word.
    if (n instanceof AudioNarrator && audioTs !== undefined && audioTs > 0) n.seekAudio(audioTs);
    else n.seek(Math.min(wordIdx, Math.max(0, book.words.length - 1)));
  }

  /** A pass for the audio of this class's books (a cookie the <audio> element sends by itself). */
  private async audioPass(): Promise<void> {
    const creds = this.o.credentials();
    if (!creds) return;
    await fetchSoon('/api/audio/pass', {
      method: 'POST',
      headers: { authorization: `Bearer ${creds.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ classId: creds.sessionId }),
    }).catch(() => undefined);
  }

  /** The current word changed (narration, a tap, a restore). */
  moved(wordIdx: number): void {
    const book = this.o.store.get().book;
    if (!book) return;
    const n = this.narrator;
    const audioTs = n instanceof AudioNarrator ? n.audioTs : (this.offsets[wordIdx] ?? 0);
    this.o.moved(book.id, wordIdx, audioTs, this.playing);
    this.wordListener?.(wordIdx);
  }

  /** The page's highlighter; called with the current word now and on every change. */
  onWord(listener: ((wordIdx: number) => void) | null): void {
    this.wordListener = listener;
    if (listener && this.narrator) listener(this.narrator.position);
  }

  /** The current word (0 before a book is open). */
  get position(): number {
    return this.narrator?.position ?? 0;
  }

  get playing(): boolean {
    return this.narrator?.playing ?? false;
  }

  play(from?: number): void {
    this.o.store.set({ notice: '' });
    // An answer or a meaning being read aloud stops here, before the book's voice starts, so the
    // panel closing after this does not stop the book instead.
    stopSaying();
    this.narrator?.play(from);
  }

  pause(): void {
    this.narrator?.pause();
  }

  seek(wordIdx: number): void {
    this.narrator?.seek(wordIdx);
  }

  setRate(rate: number): void {
    this.narrator?.setRate(rate);
  }
}
