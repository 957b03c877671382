// A book the teacher picked (.txt or .epub). A text file is read in the page into a title and
// plain text (paragraphs separated by blank lines) and sent as JSON; an EPUB is sent as it is
// (POST /api/teacher/books, application/epub+zip), because the server reads EPUBs: text-only and
// narrated ones go through one tokeniser there, so the narration's word indices agree.

export type BookFile =
  { kind: 'text'; title: string; text: string } | { kind: 'epub'; title: string; file: File; sizeMb: number };

/** Largest text the server accepts (server/routes/teacher.ts). */
export const MAX_TEXT_CHARS = 5_000_000;

export async function readBookFile(file: File): Promise<BookFile> {
  const stem =
    file.name
      .replace(/\.[^.]+$/, '')
      .replace(/[_-]+/g, ' ')
      .trim() || 'Untitled';
  if (/\.epub$/i.test(file.name) || file.type === 'application/epub+zip')
    return { kind: 'epub', title: stem, file, sizeMb: file.size / 1048576 };
  const text = tidy(await file.text());
  if (!/\S/.test(text)) throw new Error(`"${file.name}" has no text to read.`);
  if (text.length > MAX_TEXT_CHARS)
    throw new Error(`"${file.name}" is too long (over ${MAX_TEXT_CHARS.toLocaleString()} characters).`);
  return { kind: 'text', title: stem, text };
}

/** Line endings and runs of blank lines made regular; paragraphs stay separated by one blank line. */
function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\n[ \t]*\n(\s*\n)*/g, '\n\n')
    .trim();
}
