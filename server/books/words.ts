// How a book becomes words: the text split on white space, punctuation kept with its word, so
// `wordIdx` means the same thing on the tablet (highlighting), on the server (question context)
// and in the database (progress). EPUB import uses the spans to tie a narration clip's text to
// word indices with this same split, so the two can never disagree.
export function splitWords(text: string): string[] {
  return wordSpans(text).map((s) => s.word);
}

export interface WordSpan {
  word: string;
  /** Character offsets of the word in the text: [start, end). */
  start: number;
  end: number;
}

export function wordSpans(text: string): WordSpan[] {
  const out: WordSpan[] = [];
  for (const m of text.matchAll(/\S+/gu)) out.push({ word: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}
