// The students: a count per status (each a filter), raised hands, and a windowed list of rows
// with name, status, book, progress and last activity. Student names are shown as text only.
import { useMemo, useState } from 'preact/hooks';
import type { StudentView } from '../../../shared/protocol/index.js';
import { ago, percent, plural } from '../lib/format.js';
import { useDashboard } from './context.js';
import { useBooks } from './books.js';
import { useNow } from './hooks.js';
import { STATUS_ORDER, StatusBadge, statusLabel } from './StatusBadge.js';
import { VirtualList } from './VirtualList.js';
import { ConfirmDelete } from './ConfirmDelete.js';
import { RemovedStudents } from './RemovedStudents.js';
import { StudentDialog } from './StudentDialog.js';
import { FilterChip } from './FilterChip.js';
import { Icon } from './Icon.js';

type Sort = 'name' | 'status' | 'progress' | 'activity';
type Filter = StudentView['status'] | 'all' | 'hands';

const ROW_HEIGHT = 52;

// One collator for every comparison (localeCompare with options builds one per call, which is slow
// when 2,000 names are re-sorted several times a second); numeric puts "Reader 2" before "Reader 10".
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
const byName = (a: StudentView, b: StudentView) => collator.compare(a.name, b.name);
const SORTS: Record<Sort, (a: StudentView, b: StudentView) => number> = {
  name: byName,
  status: (a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || byName(a, b),
  progress: (a, b) => b.progress - a.progress || byName(a, b),
  activity: (a, b) => b.lastActivity - a.lastActivity || byName(a, b),
};

export function StudentPanel() {
  const { model } = useDashboard();
  const [sort, setSort] = useState<Sort>('name');
  const [filter, setFilter] = useState<Filter>('all');
  const [query, setQuery] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<StudentView | null>(null);
  const now = useNow(5_000);
  const { title } = useBooks();

  const { counts, hands, noReload, shown } = useMemo(() => {
    const counts = { reading: 0, paused: 0, asking: 0, idle: 0, offline: 0 } as Record<StudentView['status'], number>;
    const hands: StudentView[] = [];
    const noReload: StudentView[] = [];
    const q = query.trim().toLocaleLowerCase();
    const shown: StudentView[] = [];
    for (const s of model.students.values()) {
      counts[s.status]++;
      if (s.handRaised) hands.push(s);
      if (cannotReloadOffline(s)) noReload.push(s);
      const passes = filter === 'all' || (filter === 'hands' ? s.handRaised : s.status === filter);
      if (passes && (q === '' || s.name.toLocaleLowerCase().includes(q))) shown.push(s);
    }
    shown.sort(SORTS[sort]);
    hands.sort(byName);
    noReload.sort(byName);
    return { counts, hands, noReload, shown };
  }, [model.studentsVersion, sort, filter, query]);

  const total = model.students.size;
  const open = openId ? model.students.get(openId) : undefined;
  const classBook = model.classroom?.bookId;

  return (
    <section class="card students" aria-labelledby="students-title">
      <div class="card-head">
        <h2 id="students-title">
          Students{' '}
          <span class="count" data-testid="student-count">
            {total}
          </span>
        </h2>
        <div class="filters" role="group" aria-label="Show students">
          <FilterChip on={filter === 'all'} onClick={() => setFilter('all')} label="All" n={total} />
          {STATUS_ORDER.map((s) => (
            <FilterChip
              key={s}
              on={filter === s}
              onClick={() => setFilter(filter === s ? 'all' : s)}
              label={statusLabel(s)}
              n={counts[s]}
              tone={s}
            />
          ))}
        </div>
      </div>
      {hands.length > 0 && <HandsUp hands={hands} onShow={() => setFilter('hands')} />}
      {noReload.length > 0 && <NoOfflineReload students={noReload} />}
      <div class="list-tools">
        <input
          type="search"
          class="search"
          placeholder="Find a student"
          aria-label="Find a student by name"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <label class="field-inline">
          <span class="muted">Sort</span>
          <select value={sort} onChange={(e) => setSort(e.currentTarget.value as Sort)}>
            <option value="name">Name</option>
            <option value="status">Status</option>
            <option value="progress">Progress</option>
            <option value="activity">Last active</option>
          </select>
        </label>
      </div>
      <div class="student-header" aria-hidden="true">
        <span>Name</span>
        <span>Status</span>
        <span>Book and progress</span>
        <span>Last active</span>
        <span />
      </div>
      <VirtualList
        class="student-list"
        label="Students"
        items={shown}
        rowHeight={ROW_HEIGHT}
        keyOf={(s) => s.id}
        empty={
          <p class="empty">
            {total === 0
              ? 'No one has joined yet. Put the QR code on the projector, and students appear here as they join.'
              : 'No student matches.'}
          </p>
        }
        row={(s) => (
          <StudentRow
            s={s}
            now={now}
            bookTitle={s.bookId === classBook ? null : title(s.bookId)}
            onOpen={() => setOpenId(s.id)}
          />
        )}
      />
      <RemovedStudents />
      {open && (
        <StudentDialog
          student={open}
          bookTitle={title(open.bookId)}
          onClose={() => setOpenId(null)}
          onDelete={() => {
            setOpenId(null);
            setDeleting(open);
          }}
        />
      )}
      {deleting && <ConfirmDelete student={deleting} onClose={() => setDeleting(null)} />}
    </section>
  );
}

function HandsUp({ hands, onShow }: { hands: StudentView[]; onShow: () => void }) {
  const { api, act } = useDashboard();
  return (
    <div class="hands" role="region" aria-label="Raised hands">
      <button type="button" class="hands-title" onClick={onShow}>
        <Icon name="hand" /> {plural(hands.length, 'hand')} up
      </button>
      <ul class="hands-list">
        {hands.slice(0, 12).map((s) => (
          <li key={s.id} class="hand">
            <span class="hand-name">{s.name}</span>
            <button
              type="button"
              class="link-btn"
              aria-label={`Lower ${s.name}'s hand`}
              onClick={() => void act('lower the hand', () => api.student(s.id, 'lower-hand'))}
            >
              Lower
            </button>
          </li>
        ))}
        {hands.length > 12 && <li class="muted">and {hands.length - 12} more</li>}
      </ul>
    </div>
  );
}

type NoReload = Exclude<StudentView['offlineReload'], 'ready' | null>;
const cannotReloadOffline = (s: StudentView): s is StudentView & { offlineReload: NoReload } =>
  s.offlineReload !== null && s.offlineReload !== 'ready';

/** Why a tablet cannot reopen the page without the server (the tag's hint; the IT guide has the fix). */
const NO_OFFLINE_RELOAD: Record<NoReload, string> = {
  no_https:
    'If the Wi-Fi drops, reloading the page on this tablet shows an error until it is back: ' +
    'the class runs on plain http (HTTPS lets tablets keep the book).',
  unsupported: "If the Wi-Fi drops, reloading the page on this tablet shows an error: its browser can't keep the app.",
  failed:
    "If the Wi-Fi drops, reloading the page on this tablet shows an error: it couldn't save the app for offline use.",
};

/** The tablets that would lose the book if reloaded while the server is away, named. */
function NoOfflineReload({ students }: { students: StudentView[] }) {
  const plainHttp = students.every((s) => s.offlineReload === 'no_https');
  return (
    <p class="no-offline-reload" role="note">
      <span aria-hidden="true">⚠</span> {plural(students.length, 'tablet')} can't reopen the book if the Wi-Fi drops
      {plainHttp ? ' (the class runs on plain http; HTTPS fixes it, see the IT guide)' : ''}:{' '}
      {students
        .slice(0, 12)
        .map((s) => s.name)
        .join(', ')}
      {students.length > 12 ? ` and ${students.length - 12} more` : ''}.
    </p>
  );
}

function StudentRow({
  s,
  now,
  bookTitle,
  onOpen,
}: {
  s: StudentView;
  now: number;
  bookTitle: string | null;
  onOpen: () => void;
}) {
  return (
    <div class={`student-row ${s.status === 'offline' ? 'row-offline' : ''}`} data-student-id={s.id}>
      <span class="student-name">
        {s.handRaised && (
          <span class="hand-icon" title="Hand raised" role="img" aria-label="Hand raised">
            <Icon name="hand" size={18} />
          </span>
        )}
        <span class="name-text">{s.name}</span>
        {s.blocked && (
          <span class="tag tag-blocked">
            <Icon name="block" /> Blocked
          </span>
        )}
        {cannotReloadOffline(s) && (
          <span
            class="tag tag-warn"
            role="img"
            aria-label="No offline reload"
            title={NO_OFFLINE_RELOAD[s.offlineReload]}
          >
            ⚠
          </span>
        )}
      </span>
      <StatusBadge status={s.status} />
      <span class="progress-cell">
        <span
          class="progress"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(s.progress * 100)}
          aria-label={`${s.name}'s progress`}
        >
          <span class="progress-fill" style={{ width: percent(s.progress) }} />
        </span>
        <span class="progress-text">
          {percent(s.progress)}
          {bookTitle && <span class="muted"> · {bookTitle}</span>}
        </span>
      </span>
      <span class="muted last-active">{ago(s.lastActivity, now)}</span>
      <button
        type="button"
        class="btn-icon"
        aria-label={`Actions for ${s.name}`}
        title="Details and actions"
        onClick={onOpen}
      >
        ⋯
      </button>
    </div>
  );
}
