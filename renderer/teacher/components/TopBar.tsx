// The bar across the top: which screen, whether the dashboard is live, the report, and the lesson
// (start it, or end it).
import { useState } from 'preact/hooks';
import type { LinkState } from '../lib/live.js';
import { saveBlob } from '../lib/download.js';
import { clock } from '../lib/format.js';
import { AiBadge } from './AiBadge.js';
import { useDashboard } from './context.js';
import { Modal } from './Modal.js';
import { Icon } from './Icon.js';

export type Tab = 'class' | 'library' | 'settings';

const TABS: { id: Tab; label: string }[] = [
  { id: 'class', label: 'Class' },
  { id: 'library', label: 'Books' },
  { id: 'settings', label: 'Settings' },
];

export function TopBar({
  tab,
  onTab,
  link,
  onRetry,
}: {
  tab: Tab;
  onTab: (t: Tab) => void;
  link: LinkState;
  onRetry: () => void;
}) {
  const { model } = useDashboard();
  const room = model.classroom;
  const [ending, setEnding] = useState(false);
  return (
    <header class="topbar">
      <div class="brand">
        <span class="brand-mark" aria-hidden="true">
          R
        </span>
        <span class="brand-name">ReaderAI Classroom</span>
      </div>
      <nav class="tabs" aria-label="Screens">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            class={`tab ${tab === t.id ? 'tab-on' : ''}`}
            aria-current={tab === t.id ? 'page' : undefined}
            onClick={() => onTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </nav>
      <div class="session-info">
        {room && (
          <>
            <span class="session-book" title="The book assigned to the class">
              {room.bookTitle}
            </span>
            <span class="muted">{room.lessonOpen ? `lesson since ${clock(room.startedAt)}` : 'no lesson now'}</span>
          </>
        )}
      </div>
      <AiBadge />
      <LinkPill link={link} onRetry={onRetry} />
      <ExportButton />
      {room && !room.lessonOpen ? (
        <StartLessonButton />
      ) : (
        <button type="button" class="btn btn-danger-quiet" disabled={!room} onClick={() => setEnding(true)}>
          End lesson
        </button>
      )}
      {ending && <EndLessonDialog onClose={() => setEnding(false)} />}
    </header>
  );
}

function LinkPill({ link, onRetry }: { link: LinkState; onRetry: () => void }) {
  if (link.kind === 'live') {
    return (
      <span class="tag pill tag-ok" role="status" data-link="live">
        <span class="dot" aria-hidden="true" /> Live
      </span>
    );
  }
  if (link.kind === 'reconnecting') {
    return (
      <span class="tag pill tag-warn" role="status" data-link="reconnecting">
        <span class="spinner" aria-hidden="true" /> Reconnecting…
        <button type="button" class="link-btn" onClick={onRetry}>
          Try now
        </button>
      </span>
    );
  }
  return (
    <span class="tag pill" role="status" data-link={link.kind}>
      <span class="spinner" aria-hidden="true" /> Connecting…
    </span>
  );
}

function ExportButton() {
  const { api, act } = useDashboard();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      class="btn"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        const report = await act('export the report', () => api.reportCsv());
        if (report) saveBlob(report.blob, report.filename);
        setBusy(false);
      }}
    >
      <Icon name="download" /> Export report
    </button>
  );
}

function StartLessonButton() {
  const { api, model, act, notify } = useDashboard();
  return (
    <button
      type="button"
      class="btn btn-primary"
      onClick={async () => {
        const view = await act('start the lesson', () => api.lesson(true));
        if (view) {
          model.setClassroom(view);
          notify(`Lesson started. Students join with code ${view.classCode}.`);
        }
      }}
    >
      Start lesson
    </button>
  );
}

function EndLessonDialog({ onClose }: { onClose: () => void }) {
  const { api, model, act, notify } = useDashboard();
  const online = [...model.students.values()].filter((s) => s.status !== 'offline').length;
  return (
    <Modal title="End this lesson?" onClose={onClose}>
      <p>
        Every tablet is told the lesson has ended and leaves the book ({online} connected now). The class keeps its
        students, where each one is, and their questions; they come back with the same code at the next lesson.
      </p>
      <p class="muted">Export the report first if you want this lesson's reading minutes and questions.</p>
      <div class="modal-actions">
        <ExportButton />
        <span class="spacer" />
        <button type="button" class="btn" onClick={onClose}>
          Keep lesson going
        </button>
        <button
          type="button"
          class="btn btn-danger"
          onClick={async () => {
            const view = await act('end the lesson', () => api.lesson(false));
            if (view) {
              model.setClassroom(view);
              notify('Lesson ended. The class and its students are kept for next time.');
            }
            onClose();
          }}
        >
          End lesson
        </button>
      </div>
    </Modal>
  );
}
