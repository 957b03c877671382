// An uploaded EPUB (already on disk) becomes a book: its title, its text (paragraphs separated by
// blank lines, as every book is stored) and, when it has Media Overlays, its narration: clips in
// reading order with the word indices they voice, and the audio files they play, copied into
// `audioDir` under names of the importer's choosing (a hash of the content, so a URL never
// changes meaning). Anything wrong throws a DomainError before the library records anything.
import { createHash } from 'node:crypto';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode } from '../../../shared/protocol/codes.js';
import { DomainError } from '../../errors.js';
import { BookText } from './chapters.js';
import { readOverlay, type OverlayPar } from './overlay.js';
import { readPackage, type EpubPackage } from './package.js';
import { badBook, EpubZip } from './zip.js';

/** A clip as the library keeps it: `file` is the audio's name in the book's folder. */
export interface StoredClip {
  file: string;
  begin: number;
  end: number;
  wordStart: number;
  wordEnd: number;
}

export interface ImportedBook {
  title: string;
  text: string;
  clips: StoredClip[];
}

/** One chapter of XHTML; a whole long novel is a few MB. */
const MAX_CHAPTER_BYTES = 8 * 1024 * 1024;
/** One SMIL file: a word-level chapter is about 150 bytes a word. */
const MAX_SMIL_BYTES = 4 * 1024 * 1024;
const MAX_TEXT_CHARS = 5_000_000;

/** What every tablet schools use plays (iPad Safari, Chrome on Android and ChromeOS). */
const MP3 = { ext: 'mp3', magic: isMp3 };
const M4A = { ext: 'm4a', magic: isMp4 };
const PLAYABLE: Record<string, { ext: string; magic: (b: Buffer) => boolean }> = {
  'audio/mpeg': MP3,
  'audio/mp3': MP3,
  'audio/mp4': M4A,
  'audio/x-m4a': M4A,
  'audio/aac': M4A,
};

export async function importEpub(
  upload: string,
  audioDir: string,
  o: { maxBytes: number; fallbackTitle: string },
): Promise<ImportedBook> {
  const zip = await EpubZip.open(upload, o.maxBytes);
  try {
    const pkg = await readPackage(zip);
    const book = new BookText();
    const pars: OverlayPar[] = [];
    for (const id of pkg.spine) {
      const item = pkg.items.get(id);
      if (!item || !zip.has(item.path)) continue;
      book.addChapter(item.path, await zip.text(item.path, MAX_CHAPTER_BYTES));
      const smil = item.overlay ? pkg.items.get(item.overlay) : undefined;
      if (item.overlay && !smil) throw badBook(`Chapter "${item.path}" names a media overlay that is not listed.`);
      if (smil) pars.push(...readOverlay(smil.path, await zip.text(smil.path, MAX_SMIL_BYTES), pars.length));
    }
    const text = book.text;
    if (!/\S/.test(text)) throw badBook('This EPUB has no text to read.');
    if (text.length > MAX_TEXT_CHARS)
      throw badBook(`This EPUB's text is too long (over ${MAX_TEXT_CHARS} characters).`);
    const files = await copyAudio(zip, pkg, pars, audioDir);
    const clips = pars.map((p): StoredClip => {
      const words = book.range(p.text);
      if (!words)
        throw badBook(`A narration clip points at "${p.text.slice(0, 120)}", which holds no text in the book.`);
      return { file: files.get(p.audio)!, begin: p.begin, end: p.end, wordStart: words.start, wordEnd: words.end };
    });
    return { title: pkg.title || o.fallbackTitle, text, clips };
  } finally {
    zip.close();
  }
}

/** Each audio file the clips play, checked for a format every tablet plays and copied once. */
async function copyAudio(
  zip: EpubZip,
  pkg: EpubPackage,
  pars: OverlayPar[],
  audioDir: string,
): Promise<Map<string, string>> {
  const types = new Map<string, string>();
  for (const item of pkg.items.values()) types.set(item.path, item.mediaType);
  const files = new Map<string, string>();
  let n = 0;
  for (const path of new Set(pars.map((p) => p.audio))) {
    if (!zip.has(path)) throw badBook(`A narration clip plays "${path.slice(0, 120)}", which is not in the EPUB.`);
    const type = types.get(path) ?? '(not listed)';
    const format = PLAYABLE[type];
    if (!format) {
      throw new DomainError(
        ErrorCode.UNSUPPORTED_AUDIO,
        `The narration "${path.slice(0, 120)}" is ${type}, which not every classroom tablet plays (iPads cannot ` +
          'play OGG or Opus). Export the narration as MP3 or AAC (M4A) and import the EPUB again.',
      );
    }
    if (!format.magic(await zip.head(path, 12)))
      throw badBook(`"${path.slice(0, 120)}" is listed as ${type}, but its content is not that kind of audio.`);
    const hash = createHash('sha256');
    const part = join(audioDir, `.part-${n++}`);
    await zip.copy(path, part, (chunk) => hash.update(chunk));
    const name = `${hash.digest('hex').slice(0, 32)}.${format.ext}`;
    await rename(part, join(audioDir, name));
    files.set(path, name);
  }
  return files;
}

/** An ID3 tag, or straight into an MPEG audio frame (its 11-bit sync word). */
function isMp3(b: Buffer): boolean {
  return b.subarray(0, 3).toString('latin1') === 'ID3' || (b.length >= 2 && b[0] === 0xff && (b[1]! & 0xe0) === 0xe0);
}

function isMp4(b: Buffer): boolean {
  return b.length >= 8 && b.subarray(4, 8).toString('latin1') === 'ftyp';
}
