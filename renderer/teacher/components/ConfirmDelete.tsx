// Deleting a student is not removing one: it erases their record from the computer, so it asks first.
import type { StudentView } from '../../../shared/protocol/index.js';
import { useDashboard } from './context.js';
import { Confirm } from './Confirm.js';

export function ConfirmDelete({
  student: s,
  onClose,
  onDeleted,
}: {
  student: Pick<StudentView, 'id' | 'name'>;
  onClose: () => void;
  onDeleted?: () => void;
}) {
  const { api, act, notify } = useDashboard();
  const erase = async () => {
    onClose();
    const ok = await act('delete the student', () => api.deleteStudent(s.id).then(() => true));
    if (!ok) return;
    notify(`${s.name}'s record is deleted.`);
    onDeleted?.();
  };
  return (
    <Confirm
      title={`Delete ${s.name}'s record?`}
      action="Delete for good"
      onClose={onClose}
      onConfirm={() => void erase()}
    >
      <p>
        Their name, reading and questions are erased from this computer for good, and their tablet forgets them the next
        time it connects. To take them out of the lesson and keep their record, use <em>Remove</em> instead.
      </p>
    </Confirm>
  );
}
