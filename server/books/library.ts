// The books a class can read: the bundled stories plus what the teacher imports. Books are small
// (a long novel is a few MB of text), so the library keeps each book's words in memory once,
// shared by every student and by the question context. A narrated book's audio lives in its own
// folder under the data folder (books/<id>/); the database keeps the clips that point into it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { DomainError } from '../errors.js';
import type { Store } from '../store/store.js';
import { importEpub, type StoredClip } from './epub/import.js';
import { STORIES } from './stories.js';
import { saveUpload } from './upload.js';
import { splitWords } from './words.js';
import type { Readable } from 'node:stream';

export interface LoadedBook {
  id: string;
  title: string;
  words: string[];
  /** Indexes into words where a paragraph starts (for display only). */
  paragraphStarts: number[];
  builtin: boolean;
  /** The narration's clips in reading order; empty for a book read by the tablet's own voice. */
  clips: StoredClip[];
}

/** The names the importer gives audio files: a content hash and the format. */
const AUDIO_FILE = /^[0-9a-f]{32}\.(mp3|m4a)$/;

export class Library {
  private readonly books = new Map<string, LoadedBook>();
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    /** Where narrated books keep their audio: one folder per book. */
    readonly folder: string,
    now = Date.now(),
  ) {
    mkdirSync(folder, { recursive: true });
    // An import cut short by a crash or power cut left its folder: nothing points into it.
    for (const name of readdirSync(folder)) {
      if (name.startsWith('.incoming-')) rmSync(join(folder, name), { recursive: true, force: true });
    }
    for (const story of STORIES) store.upsertBook({ ...story, builtin: true }, now);
    this.reload();
  }

  /** Told after this process added or deleted a book (other socket workers must hear it). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Takes in the books another socket worker added or deleted (the database is shared). */
  reload(): void {
    const ids = new Set<string>();
    for (const row of this.store.books()) {
      ids.add(row.id);
      if (this.books.has(row.id)) continue;
      const clips = row.narration ? (JSON.parse(row.narration) as StoredClip[]) : [];
      this.books.set(row.id, load(row.id, row.title, row.text, row.builtin, clips));
    }
    for (const id of this.books.keys()) if (!ids.has(id)) this.books.delete(id);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** The book a new classroom starts with. */
  get defaultBookId(): string {
    return STORIES[0]!.id;
  }

  get(id: string): LoadedBook | undefined {
    return this.books.get(id);
  }

  list(): { id: string; title: string; wordCount: number; builtin: boolean; narrated: boolean }[] {
    return [...this.books.values()].map((b) => ({
      id: b.id,
      title: b.title,
      wordCount: b.words.length,
      builtin: b.builtin,
      narrated: b.clips.length > 0,
    }));
  }

  /** Adds a teacher's book; the text's blank lines separate paragraphs. */
  add(title: string, text: string, now = Date.now()): LoadedBook {
    const id = newId(title);
    this.store.upsertBook({ id, title, text, builtin: false }, now);
    const book = load(id, title, text, false, []);
    this.books.set(id, book);
    this.changed();
    return book;
  }

  /**
   * Imports an EPUB from the request body. Everything is written inside one new folder under the
   * library's (the upload, then the audio), which becomes the book's folder only once the whole
   * book has been read; any refusal removes it, so a bad file changes nothing.
   */
  async importEpub(body: Readable, o: { maxBytes: number; fallbackTitle: string }): Promise<LoadedBook> {
    const incoming = join(this.folder, `.incoming-${randomBytes(6).toString('hex')}`);
    await mkdir(incoming, { recursive: true });
    try {
      const upload = join(incoming, '.upload.epub');
      await saveUpload(body, upload, o.maxBytes);
      const imported = await importEpub(upload, incoming, o);
      await rm(upload);
      const id = newId(imported.title);
      const narration = imported.clips.length > 0 ? JSON.stringify(imported.clips) : null;
      await rename(incoming, join(this.folder, id));
      try {
        this.store.upsertBook(
          { id, title: imported.title, text: imported.text, builtin: false, narration },
          Date.now(),
        );
      } catch (err) {
        await rm(join(this.folder, id), { recursive: true, force: true });
        throw err;
      }
      const book = load(id, imported.title, imported.text, false, imported.clips);
      this.books.set(id, book);
      this.changed();
      return book;
    } finally {
      await rm(incoming, { recursive: true, force: true });
    }
  }

  /** Deletes an imported book and its audio. The stories that ship with the app stay. */
  async delete(id: string, inUseBy: string[]): Promise<void> {
    const book = this.books.get(id);
    if (!book) throw new DomainError(ErrorCode.NOT_FOUND, `No book "${id.slice(0, 64)}".`);
    if (book.builtin)
      throw new DomainError(ErrorCode.CONFLICT, 'The stories that come with ReaderAI cannot be deleted.');
    if (inUseBy.length > 0) {
      throw new DomainError(
        ErrorCode.CONFLICT,
        `"${book.title}" is the book of ${inUseBy.join(', ')}; assign another book there first.`,
      );
    }
    this.store.deleteBook(id);
    this.books.delete(id);
    this.changed();
    await rm(join(this.folder, id), { recursive: true, force: true });
  }

  /** The file of one of a book's audio clips, or undefined when the book has no such audio. */
  audioFile(id: string, file: string): { folder: string; file: string } | undefined {
    const book = this.books.get(id);
    if (!book || !AUDIO_FILE.test(file) || !book.clips.some((c) => c.file === file)) return undefined;
    return { folder: join(this.folder, id), file };
  }
}

function newId(title: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  return `${slug || 'book'}-${randomBytes(3).toString('hex')}`;
}

function load(id: string, title: string, text: string, builtin: boolean, clips: StoredClip[]): LoadedBook {
  const words: string[] = [];
  const paragraphStarts: number[] = [];
  for (const paragraph of text.split(/\n\s*\n/u)) {
    const w = splitWords(paragraph);
    if (w.length === 0) continue;
    paragraphStarts.push(words.length);
    for (const word of w) words.push(word);
  }
  return { id, title, words, paragraphStarts, builtin, clips };
}
