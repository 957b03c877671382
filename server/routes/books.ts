import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Book, BookSummary, ErrorCode } from '../../shared/protocol/index.js';
import { DomainError } from '../errors.js';

const BookParams = Type.Object({ id: Type.String() });

/** The library, readable by tablets: GET /api/books and GET /api/books/:id (with a narrated book's clips). */
const books: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/books', { schema: { response: { 200: Type.Array(BookSummary) } } }, async () => app.library.list());

  app.get('/api/books/:id', { schema: { params: BookParams, response: { 200: Book } } }, async (req, reply) => {
    const book = app.library.get(req.params.id);
    if (!book) throw new DomainError(ErrorCode.NOT_FOUND, `No book "${req.params.id.slice(0, 64)}".`);
    // Every tablet in the class fetches the same book; let it keep it.
    reply.header('Cache-Control', 'private, max-age=3600');
    const base = { id: book.id, title: book.title, words: book.words, paragraphStarts: book.paragraphStarts };
    if (book.clips.length === 0) return base;
    const audio = `/api/audio/${encodeURIComponent(book.id)}/`;
    const clips = book.clips.map((c) => ({
      src: audio + c.file,
      begin: c.begin,
      end: c.end,
      wordStart: c.wordStart,
      wordEnd: c.wordEnd,
    }));
    return { ...base, narration: { clips } };
  });
};

export default books;
