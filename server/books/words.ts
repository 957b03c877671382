// How a book becomes words: the text split on white space, punctuation kept with its word, so
// `wordIdx` means the same thing on the tablet (highlighting), on the server (question context)
// and in the database (progress).
export function splitWords(text: string): string[] {
  return text.split(/\s+/u).filter((w) => w.length > 0);
}
