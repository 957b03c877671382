// The open book and its read-aloud: loads a book over HTTP, keeps one narrator for it, and says
// where the reading is (to the progress and to the page's highlighter).
import type { Book } from '../../../shared/protocol/index.js';
import { Narrator } from '../narration/narrator.js';
import { audioOffsets } from '../narration/timing.js';
import { stopSaying } from '../narration/say.js';
import { fetchSoon } from './http.js';
import type { StudentStore } from './state.js';

export interface BookReaderOptions {
  store: StudentStore;
  /** The current word changed (narration, a tap, a restore). */
  moved(bookId: string, wordIdx: number, audioTs: number, playing: boolean): void;
  /** The read-aloud started or stopped. */
  playing(playing: boolean): void;
}

export class BookReader {
  private narrator: Narrator | null = null;
  private offsets: Float64Array = new Float64Array(1);
  private wordListener: ((wordIdx: number) => void) | null = null;

  constructor(private readonly o: BookReaderOptions) {}

  /** Opens the book at a word; a book that does not load leaves the one shown (or says so). */
  async open(bookId: string, wordIdx: number): Promise<void> {
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
      this.narrator = new Narrator({
        words: book.words,
        paragraphStarts: book.paragraphStarts,
        synth: typeof speechSynthesis === 'undefined' ? null : speechSynthesis,
        lang: document.documentElement.lang || 'en',
        onWord: (i) => this.moved(i),
        onPlaying: (playing) => {
          s.set({ playing });
          this.o.playing(playing);
        },
        onMode: (mode) => s.set({ mode }),
        onFinished: () => s.set({ notice: 'The end! You read the whole book. Well done!' }),
      });
      this.narrator.setRate(s.get().prefs.rate);
      s.set({ book, bookError: '', playing: false });
    }
    this.narrator!.seek(Math.min(wordIdx, Math.max(0, book.words.length - 1)));
  }

  /** The current word changed (narration, a tap, a restore). */
  moved(wordIdx: number): void {
    const book = this.o.store.get().book;
    if (!book) return;
    this.o.moved(book.id, wordIdx, this.offsets[wordIdx] ?? 0, this.playing);
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
