// The book library: what the class can read, which book is assigned, importing a new one from a
// .txt file (read in the page, sent as text) or an .epub (sent as it is: the server reads it, with
// its narration when it has one), and deleting an imported one after asking.
import { useState } from 'preact/hooks';
import type { BookSummary } from '../../../shared/protocol/index.js';
import { readBookFile, type BookFile } from '../lib/book-file.js';
import { count } from '../lib/format.js';
import { useDashboard } from './context.js';
import { useBooks } from './books.js';
import { Confirm } from './Confirm.js';

export function LibraryView() {
  const { api, model, act, notify } = useDashboard();
  const { books, reload } = useBooks();
  const [deleting, setDeleting] = useState<BookSummary | null>(null);
  const assigned = model.classroom?.bookId;
  const assign = async (book: BookSummary) => {
    const view = await act('assign the book', () => api.assignBook(book.id));
    if (view) {
      model.setClassroom(view);
      notify(`"${book.title}" is now the class's book. Tablets switch to it.`);
    }
  };
  return (
    <div class="page">
      <section class="card" aria-labelledby="import-title">
        <h2 id="import-title">Add a book</h2>
        <ImportForm
          onAdded={async (book, andAssign) => {
            await reload();
            if (andAssign) await assign(book);
          }}
        />
      </section>
      <section class="card" aria-labelledby="library-title">
        <h2 id="library-title">
          Library <span class="count">{books.length}</span>
        </h2>
        <ul class="book-list" data-testid="book-list">
          {books.map((b) => (
            <li key={b.id} class={`book ${b.id === assigned ? 'book-assigned' : ''}`} data-book-id={b.id}>
              <span class="book-title">{b.title}</span>
              <span class="muted">{count(b.wordCount)} words</span>
              {b.narrated && <span class="tag">narrated</span>}
              <span class="spacer" />
              {b.id === assigned ? (
                <span class="tag tag-ok">✓ Assigned to the class</span>
              ) : (
                <>
                  <button type="button" class="btn btn-small" onClick={() => void assign(b)}>
                    Assign to class
                  </button>
                  {!b.builtin && (
                    <button
                      type="button"
                      class="btn btn-small btn-danger-quiet"
                      aria-label={`Delete ${b.title}`}
                      onClick={() => setDeleting(b)}
                    >
                      Delete…
                    </button>
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      </section>
      {deleting && <ConfirmDeleteBook book={deleting} onClose={() => setDeleting(null)} onDeleted={reload} />}
    </div>
  );
}

/** Deleting a book takes it from every class on this server, with its audio: it asks first. */
function ConfirmDeleteBook({
  book,
  onClose,
  onDeleted,
}: {
  book: BookSummary;
  onClose: () => void;
  onDeleted: () => Promise<void>;
}) {
  const { api, act, notify } = useDashboard();
  const erase = async () => {
    onClose();
    // The server refuses a book another class is reading, and says which: act shows that.
    const ok = await act('delete the book', () => api.deleteBook(book.id).then(() => true));
    if (!ok) return;
    notify(`"${book.title}" is deleted from the library.`);
    await onDeleted();
  };
  return (
    <Confirm
      title={`Delete "${book.title}"?`}
      action="Delete the book"
      onClose={onClose}
      onConfirm={() => void erase()}
    >
      <p>
        It goes from the library of every class on this computer{book.narrated ? ', with its narration audio' : ''}.
      </p>
    </Confirm>
  );
}

function ImportForm({ onAdded }: { onAdded: (book: BookSummary, andAssign: boolean) => Promise<void> }) {
  const { api, act, notify } = useDashboard();
  const [file, setFile] = useState<BookFile | null>(null);
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A new key empties the file input after a book was added.
  const [inputKey, setInputKey] = useState(0);
  const pick = async (input: HTMLInputElement) => {
    const chosen = input.files?.[0];
    setError(null);
    setFile(null);
    if (!chosen) return;
    try {
      const book = await readBookFile(chosen);
      setFile(book);
      setTitle(book.title);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const add = async (andAssign: boolean) => {
    if (!file) return;
    setBusy(true);
    let book: (BookSummary & { narrated?: boolean }) | undefined;
    if (file.kind === 'epub') {
      // The server's refusal (a broken EPUB, audio tablets cannot play, too large) is the answer.
      book = await api.importEpub(file.file).catch((err: unknown) => {
        setError((err as Error).message);
        return undefined;
      });
    } else book = await act('add the book', () => api.importBook(title.trim() || file.title, file.text));
    if (book) {
      const narrated = book.narrated ? ', with narration' : '';
      notify(`Added "${book.title}" (${count(book.wordCount)} words${narrated}).`);
      setFile(null);
      setInputKey((k) => k + 1);
      await onAdded(book, andAssign);
    }
    setBusy(false);
  };
  const words = file?.kind === 'text' ? file.text.split(/\s+/).filter(Boolean).length : 0;
  return (
    <div class="import">
      <label class="file-drop">
        <input
          key={inputKey}
          type="file"
          accept=".txt,.epub,text/plain,application/epub+zip"
          onChange={(e) => void pick(e.currentTarget)}
          data-testid="book-file"
        />
        <span>
          <strong>Choose a file</strong> — plain text (.txt) or EPUB without copy protection; an EPUB 3 with narration
          (Media Overlays, MP3 or AAC audio) reads aloud with its own voice. Blank lines separate paragraphs.
        </span>
      </label>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {file && (
        <div class="import-preview">
          {file.kind === 'text' ? (
            <>
              <label class="field">
                <span>Title</span>
                <input
                  type="text"
                  maxLength={200}
                  value={title}
                  onInput={(e) => setTitle(e.currentTarget.value)}
                  data-testid="book-title"
                />
              </label>
              <p class="muted small">
                {count(words)} words. Starts: “{file.text.slice(0, 160).replace(/\s+/g, ' ')}…”
              </p>
            </>
          ) : (
            <p class="muted small" data-testid="epub-chosen">
              EPUB, {file.sizeMb.toFixed(1)} MB: the server reads its title, text and narration when you add it.
            </p>
          )}
          <div class="button-row">
            <button
              type="button"
              class="btn btn-primary"
              disabled={busy || !title.trim()}
              onClick={() => void add(false)}
            >
              Add to library
            </button>
            <button type="button" class="btn" disabled={busy || !title.trim()} onClick={() => void add(true)}>
              Add and assign to class
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
