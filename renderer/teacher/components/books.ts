// Book titles for the student list and the library, fetched from GET /api/books and again when a
// book the dashboard has not seen turns up (the teacher just imported one).
import { useEffect, useState } from 'preact/hooks';
import type { BookSummary } from '../../../shared/protocol/index.js';
import { useDashboard } from './context.js';

export function useBooks(): { books: BookSummary[]; reload: () => Promise<void>; title: (id: string) => string } {
  const { api, model } = useDashboard();
  const [books, setBooks] = useState<BookSummary[]>([]);
  const reload = async () => {
    const list = await api.books().catch(() => null);
    if (list) setBooks(list);
  };
  const assigned = model.classroom?.bookId;
  useEffect(() => {
    if (books.length === 0 || (assigned && !books.some((b) => b.id === assigned))) void reload();
  }, [assigned]);
  return {
    books,
    reload,
    title: (id) => books.find((b) => b.id === id)?.title ?? (id === assigned ? model.classroom!.bookTitle : id),
  };
}
