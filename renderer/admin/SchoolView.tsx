// IT's school view: every class with its teacher's link (and its QR code), code, students connected
// and lesson state; the whole server's capacity; creating one class or many from a CSV; archiving;
// deleting with a confirmation (which erases); what is kept about each child. Refreshed every few seconds.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CapacityView, ClassSummary, CreatedClass, ServerView } from '../../shared/protocol/index.js';
import { ApiError } from '../teacher/lib/api.js';
import { saveBlob } from '../teacher/lib/download.js';
import { count, spacedCode } from '../teacher/lib/format.js';
import { Modal } from '../teacher/components/Modal.js';
import { QrCode } from '../teacher/components/QrCode.js';
import type { AdminApi } from './api.js';
import { classesFromCsv, linksCsv } from './bulk.js';
import { KeptRecords } from './KeptRecords.js';

const REFRESH_MS = 3000;

export function SchoolView({ api, onRefused }: { api: AdminApi; onRefused: () => void }) {
  const [classes, setClasses] = useState<ClassSummary[] | null>(null);
  const [capacity, setCapacity] = useState<CapacityView | null>(null);
  const [server, setServer] = useState<ServerView | null>(null);
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');
  const [showLink, setShowLink] = useState<ClassSummary | null>(null);
  const [deleting, setDeleting] = useState<ClassSummary | null>(null);

  const refresh = useCallback(async () => {
    try {
      const [list, cap] = await Promise.all([api.classes(), api.capacity()]);
      setClasses(list);
      setCapacity(cap);
      setError('');
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) onRefused();
      else setError((err as Error).message);
    }
  }, [api]);

  useEffect(() => {
    void api
      .server()
      .then(setServer)
      .catch(() => {});
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  /** Runs one action, then shows the list as the server now has it. */
  const act = async (what: string, action: () => Promise<unknown>, done?: string) => {
    try {
      await action();
      if (done) setMessage(done);
    } catch (err) {
      setMessage(`Could not ${what}: ${(err as Error).message}`);
    }
    await refresh();
  };

  return (
    <div class="shell">
      <header class="topbar">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            R
          </span>
          <span class="brand-name">ReaderAI Classroom — School view</span>
        </div>
        <span class="spacer" />
        <a class="btn" href="/teacher/">
          Teacher dashboard
        </a>
      </header>
      {server?.warnings.map((w) => (
        <div key={w} class="banner banner-warn" role="alert" data-testid="server-warning">
          {w}
        </div>
      ))}
      {error && (
        <div class="banner banner-error" role="alert">
          {error}
        </div>
      )}
      <main class="content admin-content" id="main">
        <CapacitySummary capacity={capacity} classes={classes} />
        <section class="card" aria-labelledby="classes-title">
          <div class="card-head">
            <h2 id="classes-title">Classes</h2>
            {classes && <span class="count">{classes.length}</span>}
          </div>
          {message && (
            <p class="admin-message" role="status">
              {message}
            </p>
          )}
          {classes === null ? (
            <p class="empty">
              <span class="spinner" aria-hidden="true" /> Loading…
            </p>
          ) : (
            <ClassTable
              classes={classes}
              onShowLink={setShowLink}
              onArchive={(c) =>
                void act(
                  c.archived ? 'restore the class' : 'archive the class',
                  () => api.archive(c.classId, !c.archived),
                  c.archived ? `${c.name} is back.` : `${c.name} is archived; its records are kept.`,
                )
              }
              onDelete={setDeleting}
            />
          )}
        </section>
        <div class="admin-forms">
          <CreateOne
            api={api}
            onMade={(c) => void act('refresh', async () => {}, `Made ${c.name}: code ${c.classCode}.`)}
          />
          <CreateMany api={api} onDone={() => void refresh()} />
        </div>
        {server && <KeptRecords server={server} />}
      </main>
      {showLink && <TeacherLink summary={showLink} api={api} onClose={() => setShowLink(null)} />}
      {deleting && (
        <Modal title={`Delete ${deleting.name}?`} onClose={() => setDeleting(null)}>
          <p>
            The class, its {count(deleting.students)} students, their reading and their questions are erased from this
            computer for good; its tablets forget them the next time they connect. Archive it instead to keep the
            records.
          </p>
          <div class="modal-actions">
            <span class="spacer" />
            <button type="button" class="btn" onClick={() => setDeleting(null)}>
              Keep it
            </button>
            <button
              type="button"
              class="btn btn-danger"
              onClick={() => {
                const c = deleting;
                setDeleting(null);
                void act('delete the class', () => api.remove(c.classId), `${c.name} is deleted.`);
              }}
            >
              Delete for good
            </button>
          </div>
        </Modal>
      )}
    </div>
  );
}

function CapacitySummary({ capacity, classes }: { capacity: CapacityView | null; classes: ClassSummary[] | null }) {
  const lessons = classes?.filter((c) => c.lessonOpen).length ?? 0;
  return (
    <section class="card admin-capacity" aria-label="The whole server" data-testid="server-capacity">
      <div class="facts facts-compact">
        <div>
          <span class="muted">Students connected</span>
          <strong>{capacity ? count(capacity.students) : '…'}</strong>
        </div>
        <div>
          <span class="muted">Room for</span>
          <strong>{capacity?.headroom == null ? 'not measured yet' : `${count(capacity.headroom)} more`}</strong>
        </div>
        <div>
          <span class="muted">Runs out first</span>
          <strong>{capacity?.binding ?? '—'}</strong>
        </div>
        <div>
          <span class="muted">Lessons open</span>
          <strong>{lessons}</strong>
        </div>
      </div>
    </section>
  );
}

function ClassTable({
  classes,
  onShowLink,
  onArchive,
  onDelete,
}: {
  classes: ClassSummary[];
  onShowLink: (c: ClassSummary) => void;
  onArchive: (c: ClassSummary) => void;
  onDelete: (c: ClassSummary) => void;
}) {
  return (
    <table class="admin-table">
      <thead>
        <tr>
          <th scope="col">Class</th>
          <th scope="col">Teacher</th>
          <th scope="col">Code</th>
          <th scope="col">Students connected</th>
          <th scope="col">Lesson</th>
          <th scope="col">AI answers</th>
          <th scope="col">Teacher link</th>
          <th scope="col" aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {classes.map((c) => (
          <tr key={c.classId} data-class-id={c.classId} class={c.archived ? 'archived' : ''}>
            <th scope="row">{c.name}</th>
            <td>{c.teacherName || <span class="muted">—</span>}</td>
            <td class="mono">{spacedCode(c.classCode)}</td>
            <td data-testid="connected">
              {count(c.studentsConnected)} <span class="muted">of {count(c.students)}</span>
            </td>
            <td data-testid="lesson">
              {c.archived ? (
                <span class="tag tag-quiet">Archived</span>
              ) : c.lessonOpen ? (
                <span class="tag tag-open">Lesson open</span>
              ) : (
                <span class="tag">No lesson</span>
              )}
            </td>
            <td data-testid="ai">{c.aiAnswers ? 'On' : <span class="muted">Off</span>}</td>
            <td>
              <button type="button" class="btn btn-small" onClick={() => onShowLink(c)}>
                Show link
              </button>
            </td>
            <td class="admin-actions">
              <button type="button" class="btn btn-small" onClick={() => onArchive(c)}>
                {c.archived ? 'Restore' : 'Archive'}
              </button>
              <button type="button" class="btn btn-small btn-danger-quiet" onClick={() => onDelete(c)}>
                Delete
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The teacher's link, with a QR code to open it on their own laptop or phone. */
function TeacherLink({ summary, api, onClose }: { summary: ClassSummary; api: AdminApi; onClose: () => void }) {
  const [link, setLink] = useState(summary.teacherUrl);
  return (
    <Modal title={`Teacher link: ${summary.name}`} onClose={onClose}>
      <QrCode text={link} label={`QR code of the teacher link for ${summary.name}`} class="admin-qr" />
      <p class="join-url" data-testid="teacher-url">
        {link}
      </p>
      <p class="muted small">
        Whoever has this link runs this class: hand it to its teacher only. A new link stops the old one at once.
      </p>
      <div class="modal-actions">
        <button
          type="button"
          class="btn"
          onClick={async () => {
            const fresh = await api.newTeacherLink(summary.classId).catch(() => null);
            if (fresh) setLink(fresh.teacherUrl);
          }}
        >
          New link
        </button>
        <span class="spacer" />
        <button type="button" class="btn btn-primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Modal>
  );
}

function CreateOne({ api, onMade }: { api: AdminApi; onMade: (c: CreatedClass) => void }) {
  const [name, setName] = useState('');
  const [teacherName, setTeacherName] = useState('');
  const [error, setError] = useState('');
  return (
    <form
      class="card admin-form"
      aria-labelledby="create-one"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          const made = await api.create({ name, teacherName });
          setName('');
          setTeacherName('');
          setError('');
          onMade(made);
        } catch (err) {
          setError((err as Error).message);
        }
      }}
    >
      <h2 id="create-one">New class</h2>
      <label class="field">
        <span>Class name</span>
        <input value={name} required maxLength={80} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span>Teacher</span>
        <input value={teacherName} maxLength={80} onInput={(e) => setTeacherName(e.currentTarget.value)} />
      </label>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn btn-primary" disabled={!name.trim()}>
        Create class
      </button>
    </form>
  );
}

function CreateMany({ api, onDone }: { api: AdminApi; onDone: () => void }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState<(CreatedClass & { teacherName: string })[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  return (
    <form
      class="card admin-form"
      aria-labelledby="create-many"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const done: (CreatedClass & { teacherName: string })[] = [];
        const failed: string[] = [];
        // One at a time, in order: a row the server refuses is reported and the rest still made.
        for (const [i, row] of classesFromCsv(text).entries()) {
          try {
            done.push({ ...(await api.create(row)), teacherName: row.teacherName ?? '' });
          } catch (err) {
            failed.push(`Row ${i + 1} (${row.name || 'no name'}): ${(err as Error).message}`);
          }
        }
        setMade(done);
        setProblems(failed);
        setBusy(false);
        if (failed.length === 0) setText('');
        onDone();
      }}
    >
      <h2 id="create-many">Many classes from a CSV</h2>
      <p class="muted small">
        One class a line: <code>class name, teacher name</code>. A first line naming the columns is skipped.
      </p>
      <label class="field">
        <span>CSV file</span>
        <input
          type="file"
          accept=".csv,text/csv,text/plain"
          onChange={async (e) => {
            const file = e.currentTarget.files?.[0];
            if (file) setText(await file.text());
          }}
        />
      </label>
      <label class="field">
        <span>Or paste the lines</span>
        <textarea rows={5} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      {problems.map((p) => (
        <p key={p} class="form-error" role="alert">
          {p}
        </p>
      ))}
      {made.length > 0 && (
        <p role="status" data-testid="bulk-result">
          Made {made.length} {made.length === 1 ? 'class' : 'classes'}.{' '}
          <button
            type="button"
            class="link-btn"
            onClick={() =>
              saveBlob(new Blob([linksCsv(made)], { type: 'text/csv;charset=utf-8' }), 'readerai-teacher-links.csv')
            }
          >
            Download their teacher links (CSV)
          </button>
        </p>
      )}
      <button type="submit" class="btn btn-primary" disabled={busy || !text.trim()}>
        {busy ? 'Creating…' : 'Create classes'}
      </button>
    </form>
  );
}
