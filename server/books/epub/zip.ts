// The EPUB's zip, read with yauzl from the uploaded file on disk: the central directory is read
// once, and each entry is inflated only when asked for, with its size checked as it streams
// (yauzl's validateEntrySizes), so a zip bomb is refused after at most `maxBytes` of output.
// Entry names are only ever looked up, never used as paths: nothing is written where an entry's
// name points (audio is written under a name the importer chooses).
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ErrorCode } from '../../../shared/protocol/codes.js';
import { DomainError } from '../../errors.js';

/** More entries than any real book has (a novel with audio per chapter is a few hundred). */
const MAX_ENTRIES = 20_000;
/** Deflate at its best is about 1000:1; more than that is a bomb, not a book. */
const MAX_RATIO = 1000;

export function badBook(message: string): DomainError {
  return new DomainError(ErrorCode.BAD_BOOK, message);
}

export class EpubZip {
  private constructor(
    private readonly zip: ZipFile,
    private readonly entries: Map<string, Entry>,
  ) {}

  /** Opens the zip and checks its directory: sizes declared, names safe, no bomb ratios. */
  static async open(file: string, maxTotalBytes: number): Promise<EpubZip> {
    const zip = await new Promise<ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, z) =>
        err ? reject(badBook('This file is not an EPUB (it is not a valid zip file).')) : resolve(z),
      ),
    );
    const entries = new Map<string, Entry>();
    let total = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        zip.on('entry', (e: Entry) => {
          if (entries.size >= MAX_ENTRIES) return reject(badBook(`This EPUB has more than ${MAX_ENTRIES} files.`));
          total += e.uncompressedSize;
          if (total > maxTotalBytes) return reject(badBook('This EPUB unpacks to more than the size limit allows.'));
          if (e.compressedSize > 0 && e.uncompressedSize / e.compressedSize > MAX_RATIO)
            return reject(badBook(`"${e.fileName.slice(0, 100)}" in this EPUB is compressed suspiciously well.`));
          if (!e.fileName.endsWith('/')) entries.set(e.fileName, e);
          zip.readEntry();
        });
        zip.on('end', resolve);
        // yauzl refuses absolute names, "..", and sizes that disagree with the directory.
        zip.on('error', (err: Error) => reject(badBook(`This EPUB is damaged (${err.message}).`)));
        zip.readEntry();
      });
    } catch (err) {
      zip.close();
      throw err;
    }
    return new EpubZip(zip, entries);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** A text entry (XML, XHTML, SMIL), at most `maxBytes`, as UTF-8. */
  async text(name: string, maxBytes: number): Promise<string> {
    const chunks: Buffer[] = [];
    await damaged(name, async () =>
      pipeline(await this.stream(name, maxBytes), async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) chunks.push(chunk);
      }),
    );
    return Buffer.concat(chunks).toString('utf8');
  }

  /** The first bytes of an entry, to check what it really is. */
  async head(name: string, bytes: number): Promise<Buffer> {
    const s = await this.stream(name, Number.MAX_SAFE_INTEGER);
    const chunks: Buffer[] = [];
    let got = 0;
    await damaged(name, async () => {
      for await (const chunk of s as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        got += chunk.length;
        if (got >= bytes) break;
      }
    });
    s.destroy();
    return Buffer.concat(chunks).subarray(0, bytes);
  }

  /** Streams an entry into `dest` (a path the caller chose), passing each chunk to `onChunk`. */
  async copy(name: string, dest: string, onChunk: (chunk: Buffer) => void): Promise<void> {
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        onChunk(chunk);
        done(null, chunk);
      },
    });
    const source = await this.stream(name, Number.MAX_SAFE_INTEGER);
    await damaged(name, () => pipeline(source, tap, createWriteStream(dest, { flags: 'wx' })));
  }

  close(): void {
    this.zip.close();
  }

  private async stream(name: string, maxBytes: number): Promise<Readable> {
    const entry = this.entries.get(name);
    if (!entry) throw badBook(`This EPUB lists "${name.slice(0, 100)}", but the file is not in it.`);
    if (entry.uncompressedSize > maxBytes)
      throw badBook(`"${name.slice(0, 100)}" in this EPUB is too large (over ${Math.round(maxBytes / 1024)} KB).`);
    const s = await new Promise<Readable>((resolve, reject) =>
      this.zip.openReadStream(entry, (err, r) =>
        err ? reject(badBook(`"${name.slice(0, 100)}" in this EPUB is damaged (${err.message}).`)) : resolve(r),
      ),
    );
    return s;
  }
}

/** A size that disagrees with the directory, or a broken deflate stream, is the file's fault. */
async function damaged<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw badBook(`"${name.slice(0, 100)}" in this EPUB is damaged (${(err as Error).message}).`);
  }
}
