// Chapter XHTML to paragraphs, and each id'd element to the words it holds, by the one tokeniser.
import { describe, expect, it } from 'vitest';
import { BookText } from '../../../../../server/books/epub/chapters.js';
import { splitWords } from '../../../../../server/books/words.js';

describe('BookText', () => {
  it('maps ids to inclusive word ranges across chapters, agreeing with splitWords', () => {
    const b = new BookText();
    b.addChapter(
      'a.xhtml',
      '<html><head><title>No</title></head><body><h1 id="h">Chapter  One</h1>' +
        '<p><span id="w0">The</span> <span id="w1">keeper</span> <em>lit</em> it.</p>' +
        '<script>x()</script></body></html>',
    );
    b.addChapter(
      'b.xhtml',
      '<html><body><section id="all"><p id="p1">Morning came.</p><p>Then noon.</p></section></body></html>',
    );
    expect(b.paragraphs).toEqual(['Chapter One', 'The keeper lit it.', 'Morning came.', 'Then noon.']);
    expect(splitWords(b.text)).toEqual([
      'Chapter',
      'One',
      'The',
      'keeper',
      'lit',
      'it.',
      'Morning',
      'came.',
      'Then',
      'noon.',
    ]);
    expect(b.range('a.xhtml#h')).toEqual({ start: 0, end: 1 });
    expect(b.range('a.xhtml#w1')).toEqual({ start: 3, end: 3 });
    expect(b.range('b.xhtml#p1')).toEqual({ start: 6, end: 7 });
    // An element holding several paragraphs holds all their words.
    expect(b.range('b.xhtml#all')).toEqual({ start: 6, end: 9 });
    expect(b.range('a.xhtml#nowhere')).toBeUndefined();
  });
});
