// The book on the page. Words are rendered once per book (and window); the highlight moves by
// toggling a class on one span, not by re-rendering thousands of words for every spoken word.
import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Book } from '../../../shared/protocol/index.js';
import type { Session } from '../session/session.js';

/** Books longer than this are shown a stretch at a time, so cheap tablets stay quick. */
const WINDOW_WORDS = 4000;

export function BookText({
  session,
  book,
  lineFocus,
}: {
  session: Session;
  book: Book;
  lineFocus: boolean;
}): JSX.Element {
  const root = useRef<HTMLDivElement>(null);
  const band = useRef<HTMLDivElement>(null);
  const [range, setRange] = useState(() => windowAround(book, session.wordIdx));
  const current = useRef<HTMLElement | null>(null);

  useEffect(() => setRange(windowAround(book, session.wordIdx)), [book]);

  useLayoutEffect(() => {
    const el = root.current!;
    const spans = el.querySelectorAll<HTMLElement>('[data-i]');
    const byIdx = new Map<number, HTMLElement>();
    for (const s of spans) byIdx.set(Number(s.dataset.i), s);
    session.onWord((i) => {
      const next = byIdx.get(i);
      if (!next) {
        if (i < range[0] || i >= range[1]) setRange(windowAround(book, i));
        return;
      }
      current.current?.classList.remove('now');
      current.current?.removeAttribute('aria-current');
      next.classList.add('now');
      next.setAttribute('aria-current', 'true');
      current.current = next;
      placeBand(band.current, next);
      keepInView(next);
    });
    return () => session.onWord(null);
  }, [book, range]);

  // The line-focus band follows the text when the layout changes (size, font, rotation).
  useEffect(() => {
    const again = () => current.current && placeBand(band.current, current.current);
    again();
    addEventListener('resize', again);
    return () => removeEventListener('resize', again);
  }, [lineFocus]);

  // The same vnode object back: Preact skips diffing the words while only the highlight moves.
  const words = useMemo(() => renderWords(book, range[0], range[1]), [book, range[0], range[1]]);

  const onTap = (e: MouseEvent) => {
    const t = (e.target as HTMLElement).closest<HTMLElement>('[data-i]');
    if (t) session.define(Number(t.dataset.i));
  };

  // Keyboards and switch access: arrows move word by word, Enter or Space looks the word up.
  const onKey = (e: KeyboardEvent) => {
    const i = session.wordIdx;
    if (e.key === 'ArrowRight') session.seek(Math.min(book.words.length - 1, i + 1));
    else if (e.key === 'ArrowLeft') session.seek(Math.max(0, i - 1));
    else if (e.key === 'Enter' || e.key === ' ') session.define(i);
    else return;
    e.preventDefault();
  };

  return (
    <div
      class={`book ${lineFocus ? 'focus-on' : ''}`}
      ref={root}
      onClick={onTap}
      onKeyDown={onKey}
      tabIndex={0}
      aria-describedby="book-keys"
    >
      <p id="book-keys" class="sr">
        Tap a word, or use the arrow keys and Enter, to hear what it means.
      </p>
      {range[0] > 0 && (
        <button class="more" type="button" onClick={() => session.seek(Math.max(0, range[0] - 1))}>
          Show the part before
        </button>
      )}
      {words}
      {range[1] < book.words.length && (
        <button class="more" type="button" onClick={() => session.seek(range[1])}>
          Show what comes next
        </button>
      )}
      <div class="line-band" ref={band} aria-hidden="true" />
    </div>
  );
}

function renderWords(book: Book, from: number, to: number): JSX.Element[] {
  const paragraphs: JSX.Element[] = [];
  const starts = [...book.paragraphStarts, book.words.length];
  for (let p = 0; p + 1 < starts.length; p++) {
    const a = Math.max(starts[p]!, from);
    const b = Math.min(starts[p + 1]!, to);
    if (a >= b) continue;
    const words: (JSX.Element | string)[] = [];
    for (let i = a; i < b; i++) {
      words.push(
        <span class="w" data-i={i}>
          {book.words[i]}
        </span>,
        ' ',
      );
    }
    paragraphs.push(<p key={a}>{words}</p>);
  }
  return paragraphs;
}

/** Word range to render: the whole book when short, else a window around the reading place. */
function windowAround(book: Book, i: number): [number, number] {
  const n = book.words.length;
  if (n <= WINDOW_WORDS) return [0, n];
  const startWord = Math.max(0, i - WINDOW_WORDS / 4);
  // Snap to paragraph starts so no paragraph is cut in half.
  const a = [...book.paragraphStarts].reverse().find((p) => p <= startWord) ?? 0;
  const b = book.paragraphStarts.find((p) => p >= a + WINDOW_WORDS) ?? n;
  return [a, b];
}

function placeBand(band: HTMLDivElement | null, word: HTMLElement): void {
  if (!band) return;
  band.style.top = `${word.offsetTop - 6}px`;
  band.style.height = `${word.offsetHeight + 12}px`;
}

/** Scrolls gently when the word leaves the calm middle of the screen (clear of the bars). */
function keepInView(word: HTMLElement): void {
  const r = word.getBoundingClientRect();
  const h = innerHeight;
  if (r.top >= h * 0.18 && r.bottom <= h * 0.68) return;
  const reduce = matchMedia('(prefers-reduced-motion: reduce)').matches;
  scrollBy({ top: r.top - h * 0.35, behavior: reduce ? 'auto' : 'smooth' });
}
