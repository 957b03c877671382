// Reads a book the teacher picked (.txt or .epub) into a title and plain text, in the page: the
// server's import takes text (POST /api/teacher/books), and paragraphs are separated by blank
// lines. EPUBs are zip files: META-INF/container.xml names the package (OPF) file, whose spine
// lists the chapters in reading order; each chapter is XHTML, read with DOMParser (which never
// runs scripts or loads images) and reduced to its paragraphs' text.
import { unzipSync, strFromU8 } from 'fflate';

export interface BookFile {
  title: string;
  text: string;
}

/** Largest text the server accepts (server/routes/teacher.ts). */
export const MAX_TEXT_CHARS = 5_000_000;

export async function readBookFile(file: File): Promise<BookFile> {
  const stem =
    file.name
      .replace(/\.[^.]+$/, '')
      .replace(/[_-]+/g, ' ')
      .trim() || 'Untitled';
  const isEpub = /\.epub$/i.test(file.name) || file.type === 'application/epub+zip';
  const book = isEpub
    ? readEpub(new Uint8Array(await file.arrayBuffer()), stem)
    : { title: stem, text: tidy(await file.text()) };
  if (!/\S/.test(book.text)) throw new Error(`"${file.name}" has no text to read.`);
  if (book.text.length > MAX_TEXT_CHARS)
    throw new Error(`"${file.name}" is too long (over ${MAX_TEXT_CHARS.toLocaleString()} characters).`);
  return book;
}

/** Line endings and runs of blank lines made regular; paragraphs stay separated by one blank line. */
function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\n[ \t]*\n(\s*\n)*/g, '\n\n')
    .trim();
}

export function readEpub(data: Uint8Array, fallbackTitle: string): BookFile {
  let files: Record<string, Uint8Array>;
  try {
    // Images and fonts are skipped: only the XML parts are unpacked.
    files = unzipSync(data, { filter: (f) => /\.(xml|opf|x?html?)$/i.test(f.name) });
  } catch {
    throw new Error('This EPUB file could not be opened (it is not a valid zip file).');
  }
  const read = (path: string) => {
    const bytes = files[path];
    return bytes ? strFromU8(bytes) : null;
  };
  const container = read('META-INF/container.xml');
  const opfPath = container && xml(container).querySelector('rootfile')?.getAttribute('full-path');
  const opfText = opfPath ? read(opfPath) : null;
  if (!opfPath || !opfText)
    throw new Error('This EPUB file has no package document (META-INF/container.xml is missing or wrong).');
  const opf = xml(opfText);
  const title = opf.getElementsByTagNameNS('*', 'title')[0]?.textContent?.trim() || fallbackTitle;
  const hrefs = new Map<string, string>();
  for (const item of Array.from(opf.getElementsByTagNameNS('*', 'item'))) {
    const id = item.getAttribute('id');
    const href = item.getAttribute('href');
    if (id && href) hrefs.set(id, resolvePath(opfPath, href));
  }
  const chapters: string[] = [];
  for (const ref of Array.from(opf.getElementsByTagNameNS('*', 'itemref'))) {
    // linear="no" marks asides (footnotes, answer keys) that are not part of the reading order.
    if (ref.getAttribute('linear') === 'no') continue;
    const path = hrefs.get(ref.getAttribute('idref') ?? '');
    const chapter = path ? read(path) : null;
    if (chapter) chapters.push(paragraphs(chapter).join('\n\n'));
  }
  return { title, text: chapters.filter((c) => c !== '').join('\n\n') };
}

function xml(text: string): Document {
  return new DOMParser().parseFromString(text, 'application/xml');
}

/** An href in the OPF is relative to the OPF's folder and may be percent-encoded. */
function resolvePath(opfPath: string, href: string): string {
  const url = new URL(href, `http://epub/${opfPath}`);
  return decodeURIComponent(url.pathname.slice(1));
}

const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'dd',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'td',
  'th',
  'tr',
  'ul',
]);
const SKIPPED = new Set(['script', 'style', 'head', 'nav', 'rt', 'rp']);

/** The text of each block element, in order; inline elements and line breaks join their text. */
export function paragraphs(xhtml: string): string[] {
  let doc = new DOMParser().parseFromString(xhtml, 'application/xhtml+xml');
  // Not every EPUB is well-formed XHTML; the HTML parser forgives what XML does not.
  if (doc.getElementsByTagName('parsererror').length > 0) doc = new DOMParser().parseFromString(xhtml, 'text/html');
  const out: string[] = [];
  let current = '';
  const flush = () => {
    const text = current.replace(/\s+/g, ' ').trim();
    if (text) out.push(text);
    current = '';
  };
  const walk = (node: Node) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === Node.TEXT_NODE || child.nodeType === Node.CDATA_SECTION_NODE) {
        current += child.nodeValue ?? '';
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        const tag = (child as Element).localName.toLowerCase();
        if (SKIPPED.has(tag)) continue;
        if (tag === 'br') current += ' ';
        else if (BLOCKS.has(tag)) {
          flush();
          walk(child);
          flush();
        } else walk(child);
      }
    }
  };
  walk(doc.body ?? doc.documentElement);
  flush();
  return out;
}
