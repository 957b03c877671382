// A sorted text file searched in place: WordNet's index files are sorted by their first field, so
// a key is found by binary search over byte offsets (about twenty small reads), and a line is read
// at the byte offset an index gives. Nothing is loaded into memory but an open file handle.
import { open, type FileHandle } from 'node:fs/promises';
import { Lru } from './lru.js';

interface Line {
  start: number;
  text: string;
  next: number;
}

/** A text file read line by line at byte offsets, opened on first use. */
export class LineFile {
  /**
   * Lines found at search midpoints. Every search passes the same first dozen midpoints, so a
   * small cache saves most reads (a few hundred short strings per file).
   */
  private readonly probes = new Lru<number, Line | undefined>(512);
  private handle: Promise<{ fh: FileHandle; size: number }> | undefined;

  constructor(private readonly path: string) {}

  private file(): Promise<{ fh: FileHandle; size: number }> {
    this.handle ??= open(this.path, 'r').then(async (fh) => ({ fh, size: (await fh.stat()).size }));
    return this.handle;
  }

  /** The line starting at byte `start` (without its newline), and where the next line starts. */
  async lineAt(start: number): Promise<{ text: string; next: number } | undefined> {
    const { fh, size } = await this.file();
    if (start >= size) return undefined;
    let length = 1024;
    for (;;) {
      const buf = Buffer.alloc(Math.min(length, size - start));
      const { bytesRead } = await fh.read(buf, 0, buf.length, start);
      const nl = buf.subarray(0, bytesRead).indexOf(10);
      if (nl >= 0) return { text: buf.toString('utf8', 0, nl), next: start + nl + 1 };
      if (start + bytesRead >= size) return { text: buf.toString('utf8', 0, bytesRead), next: size };
      length *= 4;
    }
  }

  /** The first line starting at or after byte `pos`. */
  private async lineFrom(pos: number): Promise<Line | undefined> {
    if (pos === 0) {
      const line = await this.lineAt(0);
      return line && { start: 0, ...line };
    }
    // One read usually holds the end of the line `pos - 1` is in and the whole next line.
    const { fh, size } = await this.file();
    const buf = Buffer.alloc(Math.min(1024, size - pos + 1));
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos - 1);
    const skip = buf.subarray(0, bytesRead).indexOf(10);
    if (skip < 0) {
      const rest = await this.lineAt(pos - 1);
      return rest && this.lineFrom(rest.next);
    }
    const start = pos + skip;
    const end = buf.subarray(skip + 1, bytesRead).indexOf(10);
    if (end >= 0) return { start, text: buf.toString('utf8', skip + 1, skip + 1 + end), next: start + end + 1 };
    const line = await this.lineAt(start);
    return line && { start, ...line };
  }

  /** In a file sorted by byte order: the first line whose first field is `key` or after it. */
  private async lowerBound(key: string): Promise<{ text: string; next: number } | undefined> {
    const { size } = await this.file();
    let lo = 0;
    let hi = size;
    // Invariant: every line starting before lo sorts before key; the line wanted starts at lo or
    // at the first line start in [lo, hi] (none start between a probe and the line it found).
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      let line = this.probes.get(mid);
      if (!line) {
        line = await this.lineFrom(mid);
        this.probes.set(mid, line);
      }
      if (!line || line.start >= hi) {
        hi = mid;
        continue;
      }
      if (firstField(line.text) < key) lo = line.next;
      else hi = mid;
    }
    return this.lineAt(lo);
  }

  /** In a file sorted by byte order: the line whose first field is exactly `key`. */
  async find(key: string): Promise<string | undefined> {
    const line = await this.lowerBound(key);
    return line && firstField(line.text) === key ? line.text : undefined;
  }

  /** In a file sorted by byte order: the lines whose first field starts with `prefix` (at most `max`). */
  async withPrefix(prefix: string, max: number): Promise<string[]> {
    const found: string[] = [];
    let line = await this.lowerBound(prefix);
    while (line && found.length < max && line.text.startsWith(prefix)) {
      found.push(line.text);
      line = await this.lineAt(line.next);
    }
    return found;
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (h) await (await h).fh.close();
  }
}

function firstField(text: string): string {
  const space = text.indexOf(' ');
  return space < 0 ? text : text.slice(0, space);
}
