// A question before a step that cannot be undone: what it does, "Keep it", and the step itself.
import type { ComponentChildren } from 'preact';
import { Modal } from './Modal.js';

export function Confirm({
  title,
  action,
  onClose,
  onConfirm,
  children,
}: {
  title: string;
  /** The button that takes the step ("Delete for good"). */
  action: string;
  onClose: () => void;
  onConfirm: () => void;
  children: ComponentChildren;
}) {
  return (
    <Modal title={title} onClose={onClose}>
      {children}
      <div class="modal-actions">
        <span class="spacer" />
        <button type="button" class="btn" onClick={onClose}>
          Keep it
        </button>
        <button type="button" class="btn btn-danger" onClick={onConfirm}>
          {action}
        </button>
      </div>
    </Modal>
  );
}
