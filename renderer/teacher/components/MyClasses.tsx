// "My classes": the strip of classes above the dashboard. Every class opened here keeps running
// (its own live link and join QR code) while another is on screen, so a teacher with two groups
// switches between them freely. With the admin token (the desktop app is the machine's admin) it
// lists every class on the server and can create one; with a teacher's link, just that class.
import { useState } from 'preact/hooks';
import type { ClassSession } from '../lib/class-session.js';
import { useModel } from './hooks.js';
import { Icon } from './Icon.js';

export interface ClassTab {
  classId: string;
  name: string;
  /** Null until the class is first opened here. */
  session: ClassSession | null;
}

export function MyClasses({
  tabs,
  current,
  onPick,
  onCreate,
  onRename,
}: {
  tabs: ClassTab[];
  current: string;
  onPick: (classId: string) => void;
  /** Null when this token cannot create classes (a teacher's link). */
  onCreate: ((name: string) => Promise<string | null>) | null;
  onRename: (name: string) => Promise<string | null>;
}) {
  const [editing, setEditing] = useState<'create' | 'rename' | null>(null);
  const currentName = tabs.find((t) => t.classId === current)?.name ?? '';
  return (
    <nav class="my-classes" aria-label="My classes">
      <span class="muted my-classes-title">My classes</span>
      {tabs.map((t) => (
        <ClassButton key={t.classId} tab={t} on={t.classId === current} onPick={() => onPick(t.classId)} />
      ))}
      {editing ? (
        <NameForm
          // A new form when the name it starts from changes: its own state never lags the prop
          // (an effect copying the prop in ran after paint, and could undo what was just typed).
          key={`${editing}:${currentName}`}
          label={editing === 'create' ? 'New class name' : 'Class name'}
          initial={editing === 'create' ? '' : currentName}
          action={editing === 'create' ? 'Create' : 'Rename'}
          onCancel={() => setEditing(null)}
          onSubmit={async (name) => {
            const error = await (editing === 'create' ? onCreate!(name) : onRename(name));
            if (error === null) setEditing(null);
            return error;
          }}
        />
      ) : (
        <>
          <button type="button" class="btn btn-small" onClick={() => setEditing('rename')}>
            Rename
          </button>
          {onCreate && (
            <button type="button" class="btn btn-small" onClick={() => setEditing('create')}>
              + New class
            </button>
          )}
        </>
      )}
    </nav>
  );
}

/** One class: its name, and once opened here, how many tablets are in and how many hands are up. */
function ClassButton({ tab, on, onPick }: { tab: ClassTab; on: boolean; onPick: () => void }) {
  return tab.session ? (
    <RunningClassButton tab={tab} session={tab.session} on={on} onPick={onPick} />
  ) : (
    <button type="button" class="tab class-tab" data-class-id={tab.classId} onClick={onPick}>
      {tab.name}
    </button>
  );
}

function RunningClassButton({
  tab,
  session,
  on,
  onPick,
}: {
  tab: ClassTab;
  session: ClassSession;
  on: boolean;
  onPick: () => void;
}) {
  useModel(session.model);
  const students = [...session.model.students.values()];
  const online = students.filter((s) => s.status !== 'offline').length;
  const hands = students.filter((s) => s.handRaised).length;
  return (
    <button
      type="button"
      class={`tab class-tab ${on ? 'tab-on' : ''}`}
      aria-current={on ? 'page' : undefined}
      data-class-id={tab.classId}
      onClick={onPick}
    >
      {tab.name}
      {session.model.classroom && (
        <span class="muted small" data-testid="class-online">
          {' '}
          · {online}
        </span>
      )}
      {hands > 0 && (
        <span class="count" title={`${hands} ${hands === 1 ? 'hand' : 'hands'} up`} data-testid="class-hands">
          <Icon name="hand" size={14} /> {hands}
        </span>
      )}
    </button>
  );
}

function NameForm({
  label,
  initial,
  action,
  onSubmit,
  onCancel,
}: {
  label: string;
  initial: string;
  action: string;
  onSubmit: (name: string) => Promise<string | null>;
  onCancel: () => void;
}) {
  const [name, setName] = useState(initial);
  const [error, setError] = useState('');
  return (
    <form
      class="field-inline my-classes-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setError((await onSubmit(name.trim())) ?? '');
      }}
    >
      <input aria-label={label} value={name} maxLength={80} onInput={(e) => setName(e.currentTarget.value)} />
      <button type="submit" class="btn btn-small btn-primary" disabled={!name.trim()}>
        {action}
      </button>
      <button type="button" class="btn btn-small" onClick={onCancel}>
        Cancel
      </button>
      {error && (
        <span class="form-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
