// Narrated EPUB 3 fixtures, made by the tests and by the bench (--audio): each word is synthesised
// on its own with espeak-ng and the words joined with sox into one MP3, so every word's start and
// end in the audio is known exactly (the sum of the WAV durations before it). The book has a
// word-level paragraph (one <par> per word) and a phrase-level one (one <par> for the whole
// sentence), packed as an EPUB 3 whose chapter names its Media Overlay.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';

export const WORD_LEVEL = ['The', 'little', 'fox', 'jumped', 'over', 'a', 'sleepy', 'dog.'];
export const PHRASE = ['Then', 'everybody', 'laughed', 'together.'];

export interface Narrated {
  /** Every word of the book, in order (what GET /api/books/:id must list). */
  words: string[];
  /** Seconds into the MP3 where each word starts and ends. */
  times: { start: number; end: number }[];
  mp3: Buffer;
}

/** Speaks the words one by one into `dir` and joins them; needs espeak-ng and sox with MP3 write. */
export function synthesise(dir: string, words = [...WORD_LEVEL, ...PHRASE]): Narrated {
  const wavs: string[] = [];
  const times: { start: number; end: number }[] = [];
  let t = 0;
  words.forEach((word, i) => {
    const raw = join(dir, `raw-${i}.wav`);
    const wav = join(dir, `w-${i}.wav`);
    execFileSync('espeak-ng', ['-s', '150', '-w', raw, word.replace(/[^\p{L}]/gu, '')]);
    // One rate and channel layout for every piece, so sox can join them.
    execFileSync('sox', [raw, '-r', '22050', '-c', '1', wav]);
    const seconds = Number(execFileSync('soxi', ['-D', wav]).toString().trim());
    times.push({ start: t, end: t + seconds });
    t += seconds;
    wavs.push(wav);
  });
  const mp3 = join(dir, 'narration.mp3');
  execFileSync('sox', [...wavs, '-C', '64', mp3]);
  return { words, times, mp3: readFileSync(mp3) };
}

export interface EpubParts {
  /** Replace or add files (path -> content) before zipping. */
  files?: Record<string, string | Uint8Array>;
  audioType?: string;
  smil?: string;
}

/** The EPUB's files, ready for zipSync; `parts` lets a test make it broken or hostile. */
export function epubFiles(n: Narrated, parts: EpubParts = {}): Record<string, Uint8Array> {
  const words = WORD_LEVEL.map((w, i) => `<span id="w${i}">${w}</span>`).join(' ');
  const chapter = `<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Chapter</title></head>
<body>
<p>${words}</p>
<p><span id="s1">${PHRASE.join(' ')}</span></p>
</body></html>`;
  const fmt = (s: number) => `${s.toFixed(3)}s`;
  const par = (id: string, begin: number, end: number) =>
    `<par><text src="ch1.xhtml#${id}"/>` +
    `<audio src="audio/narration.mp3" clipBegin="${fmt(begin)}" clipEnd="${fmt(end)}"/></par>`;
  const pars = WORD_LEVEL.map((_, i) => par(`w${i}`, n.times[i]!.start, n.times[i]!.end));
  pars.push(par('s1', n.times[WORD_LEVEL.length]!.start, n.times[n.times.length - 1]!.end));
  const smil = `<?xml version="1.0" encoding="utf-8"?>
<smil xmlns="http://www.w3.org/ns/SMIL" version="3.0"><body><seq>${pars.join('\n')}</seq></body></smil>`;
  const opf = `<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>The Sleepy Dog</dc:title></metadata>
<manifest>
<item id="ch1" href="ch1.xhtml" media-type="application/xhtml+xml" media-overlay="ov1"/>
<item id="ov1" href="ch1.smil" media-type="application/smil+xml"/>
<item id="audio" href="audio/narration.mp3" media-type="${parts.audioType ?? 'audio/mpeg'}"/>
</manifest>
<spine><itemref idref="ch1"/></spine>
</package>`;
  const files: Record<string, string | Uint8Array> = {
    mimetype: 'application/epub+zip',
    'META-INF/container.xml':
      '<?xml version="1.0"?><container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0">' +
      '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>' +
      '</container>',
    'OEBPS/content.opf': opf,
    'OEBPS/ch1.xhtml': chapter,
    'OEBPS/ch1.smil': parts.smil ?? smil,
    'OEBPS/audio/narration.mp3': n.mp3,
    ...parts.files,
  };
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? strToU8(v) : v]));
}

export function zipEpub(files: Record<string, Uint8Array>): Buffer<ArrayBuffer> {
  return Buffer.from(zipSync(files));
}
