// A question in full: the student's words, the answer so far, and the teacher's own answer box
// (for a question waiting on them, or to replace an answer they do not like).
import { useState } from 'preact/hooks';
import type { FeedItem } from '../../../shared/protocol/index.js';
import { clock } from '../lib/format.js';
import { useDashboard } from './context.js';
import { Modal } from './Modal.js';
import { HideAnswerButton, QuestionState } from './QuestionParts.js';
import { Icon } from './Icon.js';

const ANSWER_MAX = 4000;

export function QuestionDialog({ q, onClose }: { q: FeedItem; onClose: () => void }) {
  const { api, act, notify } = useDashboard();
  const waiting = q.status === 'waiting_teacher';
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [writing, setWriting] = useState(waiting);
  const send = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    setSending(true);
    const ok = await act('send the answer', () => api.answer(q.id, text.trim()));
    setSending(false);
    if (ok) {
      notify(`Answer sent to ${q.studentName}.`);
      onClose();
    }
  };
  return (
    <Modal title={`${q.studentName} asked`} onClose={onClose} wide>
      <div class="q-meta">
        <span class="muted">{clock(q.askedAt)}</span>
        <QuestionState q={q} />
        {q.flag && (
          <span class="tag tag-flag">
            <Icon name="flag" /> AI answer withheld: {q.flag}
          </span>
        )}
        {q.hidden && <span class="tag">Hidden from the student</span>}
      </div>
      <blockquote class="q-text">{q.questionText}</blockquote>
      {q.answer && (
        <>
          <h3 class="subhead">Answer</h3>
          <p class="a-text">{q.answer}</p>
        </>
      )}
      {writing ? (
        <form class="answer-form" onSubmit={send}>
          <label class="field">
            <span>{waiting ? 'Your answer' : 'Your answer (replaces the one above on the tablet)'}</span>
            <textarea
              rows={4}
              maxLength={ANSWER_MAX}
              value={text}
              onInput={(e) => setText(e.currentTarget.value)}
              placeholder="Write a short answer the student can read."
              autoFocus
            />
          </label>
          <div class="modal-actions">
            <span class="muted small">
              {text.length > ANSWER_MAX - 200 ? `${ANSWER_MAX - text.length} characters left` : ''}
            </span>
            <span class="spacer" />
            <button type="button" class="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" class="btn btn-primary" disabled={sending || !text.trim()}>
              Send answer
            </button>
          </div>
        </form>
      ) : (
        <div class="modal-actions">
          {q.status === 'answered' && <HideAnswerButton q={q} onDone={onClose} />}
          <button type="button" class="btn" onClick={() => setWriting(true)}>
            <Icon name="pencil" /> Answer it yourself
          </button>
          <span class="spacer" />
          <button type="button" class="btn" onClick={onClose}>
            Close
          </button>
        </div>
      )}
    </Modal>
  );
}
