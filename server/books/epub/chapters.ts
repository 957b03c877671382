// The book's text from its chapters (XHTML): the text of each block element is a paragraph, and
// the words are split by the same tokeniser every book uses (server/books/words.ts). While
// walking, every element with an id remembers which words it holds, so a narration clip that
// points at "chapter.xhtml#w12" becomes word indices that agree with the tablet's.
import { wordSpans } from '../words.js';
import { readXml } from './xml.js';

const BLOCKS = new Set(
  (
    'address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr ' +
    'li ol p pre section table td th tr ul body'
  ).split(' '),
);
const SKIPPED = new Set(['script', 'style', 'head', 'nav', 'rt', 'rp']);

/** Inclusive word indices, as narration clips carry them. */
export interface WordRange {
  start: number;
  end: number;
}

export class BookText {
  readonly paragraphs: string[] = [];
  private words = 0;
  /** "path#id" -> the words the element holds (absent when it holds none). */
  private readonly ranges = new Map<string, WordRange>();

  get wordCount(): number {
    return this.words;
  }

  /** The words of an element named by a narration clip's text src ("path#id"). */
  range(ref: string): WordRange | undefined {
    return this.ranges.get(ref);
  }

  get text(): string {
    return this.paragraphs.join('\n\n');
  }

  addChapter(path: string, xhtml: string): void {
    let current = '';
    /** Marks in the paragraph being built: an id's start or end at a character offset. */
    let marks: { ref: string; at: number; side: 'start' | 'end' }[] = [];
    const open: { ref: string | null; block: boolean }[] = [];
    let skipping = 0;
    const starts = new Map<string, number>();

    const flush = () => {
      const spans = wordSpans(current);
      const base = this.words;
      for (const m of marks) {
        if (m.side === 'start') {
          // The first word that ends after the mark (a word split by a tag belongs to both sides).
          const i = spans.findIndex((s) => s.end > m.at);
          starts.set(m.ref, base + (i < 0 ? spans.length : i));
        } else {
          let j = -1;
          for (let k = 0; k < spans.length && spans[k]!.start < m.at; k++) j = k;
          const start = starts.get(m.ref);
          const end = base + j;
          if (start !== undefined && start <= end) this.ranges.set(m.ref, { start, end });
        }
      }
      if (spans.length > 0) {
        this.paragraphs.push(spans.map((s) => s.word).join(' '));
        this.words += spans.length;
      }
      current = '';
      marks = [];
    };

    readXml(xhtml, {
      open: (name, a) => {
        if (skipping > 0 || SKIPPED.has(name)) {
          skipping++;
          return;
        }
        const block = BLOCKS.has(name);
        if (block) flush();
        if (name === 'br') current += ' ';
        const ref = a.id ? `${path}#${a.id}` : null;
        if (ref) marks.push({ ref, at: current.length, side: 'start' });
        open.push({ ref, block });
      },
      text: (t) => {
        if (skipping === 0) current += t;
      },
      close: () => {
        if (skipping > 0) {
          skipping--;
          return;
        }
        const el = open.pop();
        if (!el) return;
        if (el.ref) marks.push({ ref: el.ref, at: current.length, side: 'end' });
        if (el.block) flush();
      },
    });
    flush();
  }
}
