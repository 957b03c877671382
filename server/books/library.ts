// The books a class can read: the bundled stories plus what the teacher imports. Books are small
// (a long novel is a few MB of text), so the library keeps each book's words in memory once,
// shared by every student and by the question context.
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';
import { STORIES } from './stories.js';
import { splitWords } from './words.js';

export interface LoadedBook {
  id: string;
  title: string;
  words: string[];
  /** Indexes into words where a paragraph starts (for display only). */
  paragraphStarts: number[];
  builtin: boolean;
}

export class Library {
  private readonly books = new Map<string, LoadedBook>();

  constructor(
    private readonly store: Store,
    now = Date.now(),
  ) {
    for (const story of STORIES) store.upsertBook({ ...story, builtin: true }, now);
    for (const row of store.books()) this.books.set(row.id, load(row.id, row.title, row.text, row.builtin));
  }

  /** The book a new classroom starts with. */
  get defaultBookId(): string {
    return STORIES[0]!.id;
  }

  get(id: string): LoadedBook | undefined {
    return this.books.get(id);
  }

  list(): { id: string; title: string; wordCount: number; builtin: boolean }[] {
    return [...this.books.values()].map((b) => ({
      id: b.id,
      title: b.title,
      wordCount: b.words.length,
      builtin: b.builtin,
    }));
  }

  /** Adds a teacher's book; the text's blank lines separate paragraphs. */
  add(title: string, text: string, now = Date.now()): LoadedBook {
    const slug = title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40);
    const id = `${slug || 'book'}-${randomBytes(3).toString('hex')}`;
    this.store.upsertBook({ id, title, text, builtin: false }, now);
    const book = load(id, title, text, false);
    this.books.set(id, book);
    return book;
  }
}

function load(id: string, title: string, text: string, builtin: boolean): LoadedBook {
  const words: string[] = [];
  const paragraphStarts: number[] = [];
  for (const paragraph of text.split(/\n\s*\n/u)) {
    const w = splitWords(paragraph);
    if (w.length === 0) continue;
    paragraphStarts.push(words.length);
    for (const word of w) words.push(word);
  }
  return { id, title, words, paragraphStarts, builtin };
}
