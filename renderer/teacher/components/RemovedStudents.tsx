// Students removed from the lesson: the class keeps their records (the report has them). Each can
// be put back on the roster (the Undo of Remove) or deleted for good.
import { useEffect, useState } from 'preact/hooks';
import type { StudentView } from '../../../shared/protocol/index.js';
import { useDashboard } from './context.js';
import { ConfirmDelete } from './ConfirmDelete.js';

export function RemovedStudents() {
  const { api, act, model, notify } = useDashboard();
  const [removed, setRemoved] = useState<StudentView[]>([]);
  const [deleting, setDeleting] = useState<StudentView | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    api.removedStudents().then(
      (list) => live && setRemoved(list),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [model.studentsVersion, version]);
  if (removed.length === 0) return null;
  const putBack = async (s: StudentView) => {
    const ok = await act('put the student back', () => api.student(s.id, 'put-back'));
    if (ok) notify(`${s.name} is back in the class.`);
    setVersion((v) => v + 1);
  };
  return (
    <details class="removed" data-testid="removed-students">
      <summary>
        Removed from the lesson <span class="count">{removed.length}</span>
      </summary>
      <p class="muted small">Their reading and questions are kept, and are in the report, until you delete them.</p>
      <ul class="removed-list">
        {removed.map((s) => (
          <li key={s.id}>
            <span class="removed-name">{s.name}</span>
            <button type="button" class="link-btn" onClick={() => void putBack(s)}>
              Put back
            </button>
            <button type="button" class="link-btn" onClick={() => setDeleting(s)}>
              Delete…
            </button>
          </li>
        ))}
      </ul>
      {deleting && (
        <ConfirmDelete
          student={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={() => setVersion((v) => v + 1)}
        />
      )}
    </details>
  );
}
