// One student up close: their figures, their questions, their history across lessons, and what
// the teacher can do about them (rename them to tell two of one name apart, remove, block).
import { useState } from 'preact/hooks';
import type { StudentView } from '../../../shared/protocol/index.js';
import type { StudentAction } from '../lib/api.js';
import { ago, clock, count, percent } from '../lib/format.js';
import { useDashboard } from './context.js';
import { Modal } from './Modal.js';
import { StatusBadge } from './StatusBadge.js';
import { Icon } from './Icon.js';
import { ChildHistory } from './ChildHistory.js';

export function StudentDialog({
  student: s,
  bookTitle,
  onClose,
  onDelete,
}: {
  student: StudentView;
  bookTitle: string;
  onClose: () => void;
  /** Delete… : the panel asks for a confirmation (ConfirmDelete) in place of this dialog. */
  onDelete: () => void;
}) {
  const { api, model, act, notify } = useDashboard();
  const questions = [...model.feed.values()]
    .filter((q) => q.studentId === s.id)
    .slice(-5)
    .reverse();
  const run = async (action: StudentAction, what: string, done: string) => {
    const ok = await act(what, () => api.student(s.id, action));
    if (ok) notify(done);
    if (ok && action === 'remove') onClose();
  };
  return (
    <Modal title={s.name} onClose={onClose}>
      <div class="student-detail">
        <StatusBadge status={s.status} />
        {s.handRaised && (
          <span class="tag">
            <Icon name="hand" /> Hand raised
          </span>
        )}
        {s.blocked && (
          <span class="tag tag-blocked">
            <Icon name="block" /> Blocked
          </span>
        )}
      </div>
      <RenameForm student={s} />
      <dl class="facts">
        <dt>Book</dt>
        <dd>{bookTitle}</dd>
        <dt>Progress</dt>
        <dd>
          {percent(s.progress)} (word {count(s.wordIdx)} of {count(s.wordCount)})
        </dd>
        <dt>Reading time</dt>
        <dd>{Math.round(s.readMs / 60_000)} min</dd>
        <dt>Words read</dt>
        <dd>{count(s.wordsRead)}</dd>
        <dt>Questions</dt>
        <dd>{s.questions}</dd>
        <dt>Last active</dt>
        <dd>{ago(s.lastActivity, Date.now())}</dd>
      </dl>
      {questions.length > 0 && (
        <>
          <h3 class="subhead">Recent questions</h3>
          <ul class="mini-feed">
            {questions.map((q) => (
              <li key={q.id}>
                <span class="muted">{clock(q.askedAt)}</span> {q.questionText}
              </li>
            ))}
          </ul>
        </>
      )}
      <ChildHistory studentId={s.id} />
      <div class="modal-actions">
        {s.handRaised && (
          <button
            type="button"
            class="btn"
            onClick={() => void run('lower-hand', 'lower the hand', `Lowered ${s.name}'s hand.`)}
          >
            <Icon name="hand" /> Lower hand
          </button>
        )}
        <button
          type="button"
          class="btn"
          onClick={() =>
            void run(
              'remove',
              'remove the student',
              `${s.name} was removed from the lesson; their record is kept (Put back undoes it).`,
            )
          }
        >
          Remove from lesson
        </button>
        {s.blocked ? (
          <button
            type="button"
            class="btn"
            onClick={() => void run('unblock', 'unblock the student', `${s.name} can join again.`)}
          >
            Unblock
          </button>
        ) : (
          <button
            type="button"
            class="btn btn-danger"
            onClick={() => void run('block', 'block the student', `${s.name} is blocked until you unblock them.`)}
          >
            <Icon name="block" /> Block
          </button>
        )}
        <button type="button" class="btn btn-danger-quiet" onClick={onDelete}>
          Delete…
        </button>
        <span class="spacer" />
        <button type="button" class="btn" onClick={onClose}>
          Close
        </button>
      </div>
      <p class="muted small">
        {'Remove: the tablet leaves the lesson and may join again; their record is kept ('}
        <em>Removed from the lesson</em> below the list puts them back). Block: this child is refused until you unblock
        them; another child with the same name is not. Delete: their record is erased from this computer.
      </p>
    </Modal>
  );
}

/** "Mia" and "Mia (2)" become "Mia B." and "Mia K."; the tablet shows the new name at once. */
function RenameForm({ student: s }: { student: StudentView }) {
  const { api, act, notify } = useDashboard();
  const [name, setName] = useState(s.name);
  const rename = async (e: Event) => {
    e.preventDefault();
    const before = s.name;
    const view = await act('rename the student', () => api.renameStudent(s.id, name));
    if (view) notify(`${before} is now ${view.name}.`);
  };
  return (
    <form class="field-inline rename" onSubmit={(e) => void rename(e)}>
      <label class="field-inline">
        <span class="muted">Name</span>
        <input value={name} maxLength={40} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <button type="submit" class="btn btn-small" disabled={name.trim() === '' || name.trim() === s.name}>
        <Icon name="pencil" /> Rename
      </button>
    </form>
  );
}
