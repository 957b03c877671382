// A child's record across the class's lessons (GET /api/teacher/students/:id/history):
// reading time and words per lesson, the books, each question with its answer, the words looked
// up, and their own CSV. Shown in the student dialog; read when the dialog opens.
import { useEffect, useState } from 'preact/hooks';
import type { ChildHistory as History } from '../../../shared/protocol/index.js';
import { saveBlob } from '../lib/download.js';
import { count, plural } from '../lib/format.js';
import { useDashboard } from './context.js';
import { Icon } from './Icon.js';

const day = (at: number) => new Date(at).toLocaleDateString(undefined, { dateStyle: 'medium' });
const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

export function ChildHistory({ studentId }: { studentId: string }) {
  const { api, act } = useDashboard();
  const [history, setHistory] = useState<History | null>(null);
  useEffect(() => {
    void act('load the child’s history', () => api.history(studentId)).then((h) => h && setHistory(h));
  }, [studentId]);
  if (!history) return <p class="muted small">Loading their history…</p>;
  const download = async () => {
    const report = await act('export the child’s report', () => api.reportCsv(studentId));
    if (report) saveBlob(report.blob, report.filename);
  };
  return (
    <section class="child-history" data-testid="child-history">
      <h3 class="subhead">Across {plural(history.lessons.length, 'lesson')}</h3>
      <p class="small">
        {minutes(history.readMs)} read, {count(history.wordsRead)} words, {plural(history.questions, 'question')},{' '}
        {plural(history.lookups, 'word')} looked up
        {history.books.length > 0 && <>; books: {history.books.join(', ')}</>}
      </p>
      <ol class="lesson-list">
        {history.lessons
          .slice()
          .reverse()
          .map((l) => (
            <li key={l.lessonId} data-lesson={l.lessonId}>
              <strong>{day(l.startedAt)}</strong>
              {l.endedAt === null && <span class="tag tag-open">now</span>}
              <span class="muted">
                {minutes(l.readMs)}, {count(l.wordsRead)} words{l.books.length > 0 && <> in {l.books.join(', ')}</>}
              </span>
              {l.questions.length > 0 && (
                <ul class="mini-feed">
                  {l.questions.map((q) => (
                    <li key={q.askedAt}>
                      {q.questionText} <span class="muted">→ {q.answer ? q.answer : 'not answered yet'}</span>
                    </li>
                  ))}
                </ul>
              )}
              {l.lookups.length > 0 && <p class="small muted">Looked up: {l.lookups.map((k) => k.word).join(', ')}</p>}
            </li>
          ))}
      </ol>
      <button type="button" class="btn btn-small" onClick={() => void download()}>
        <Icon name="download" /> Their report (CSV)
      </button>
    </section>
  );
}
