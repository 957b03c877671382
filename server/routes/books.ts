import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Book, BookSummary, ErrorCode } from '../../shared/protocol/index.js';
import { DomainError } from '../errors.js';

const BookParams = Type.Object({ id: Type.String() });

/** The library, readable by tablets: GET /api/books and GET /api/books/:id. */
const books: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/books', { schema: { response: { 200: Type.Array(BookSummary) } } }, async () =>
    app.library.list().map(({ id, title, wordCount }) => ({ id, title, wordCount })),
  );

  app.get('/api/books/:id', { schema: { params: BookParams, response: { 200: Book } } }, async (req, reply) => {
    const book = app.library.get(req.params.id);
    if (!book) throw new DomainError(ErrorCode.NOT_FOUND, `No book "${req.params.id.slice(0, 64)}".`);
    // Every tablet in the class fetches the same book; let it keep it.
    reply.header('Cache-Control', 'private, max-age=3600');
    return { id: book.id, title: book.title, words: book.words, paragraphStarts: book.paragraphStarts };
  });
};

export default books;
