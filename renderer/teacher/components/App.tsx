// The dashboard's frame: the top bar (tabs, connection, report, end class), the current tab, and
// the messages the teacher must see (alerts from the server, results of their own actions).
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TeacherApi } from '../lib/api.js';
import type { LinkState } from '../lib/live.js';
import type { ClassModel } from '../lib/model.js';
import { desktop, type ServerStatus } from '../lib/desktop.js';
import { DashboardContext, type Dashboard } from './context.js';
import { useModel } from './hooks.js';
import { TopBar, type Tab } from './TopBar.js';
import { ClassView } from './ClassView.js';
import { LibraryView } from './LibraryView.js';
import { SettingsView } from './SettingsView.js';
import { Notices, type Notice } from './Notices.js';

export interface AppProps {
  api: TeacherApi;
  model: ClassModel;
  link: LinkState;
  onRetry: () => void;
  /** "My classes", shown under the top bar. */
  switcher: ComponentChildren;
}

export function App({ api, model, link, onRetry, switcher }: AppProps) {
  useModel(model);
  const [tab, setTab] = useState<Tab>('class');
  const [notices, setNotices] = useState<Notice[]>([]);
  const nextId = useRef(1);
  const serverStatus = useDesktopServerStatus();

  const notify = useCallback((message: string, tone: Notice['tone'] = 'info') => {
    const id = nextId.current++;
    // Two at most: a quick run of actions should not bury the feed under messages.
    setNotices((list) => [...list.slice(-1), { id, message, tone }]);
    setTimeout(() => setNotices((list) => list.filter((n) => n.id !== id)), tone === 'error' ? 10_000 : 4_000);
  }, []);

  const dashboard = useMemo<Dashboard>(
    () => ({
      api,
      model,
      notify,
      async act(what, action) {
        try {
          return await action();
        } catch (err) {
          notify(`Could not ${what}: ${(err as Error).message}`, 'error');
          return undefined;
        }
      },
    }),
    [api, model, notify],
  );

  return (
    <DashboardContext.Provider value={dashboard}>
      <div class="shell">
        <TopBar tab={tab} onTab={setTab} link={link} onRetry={onRetry} />
        {switcher}
        {serverStatus && serverStatus.state !== 'running' && <ServerStatusBanner status={serverStatus} />}
        <main class="content" id="main">
          {tab === 'class' && <ClassView />}
          {tab === 'library' && <LibraryView />}
          {tab === 'settings' && <SettingsView />}
        </main>
        <Notices notices={notices} alerts={model.alerts} />
      </div>
    </DashboardContext.Provider>
  );
}

/** In the desktop app, the main process says when the server restarts or fails. */
function useDesktopServerStatus(): ServerStatus | null {
  const [status, setStatus] = useState<ServerStatus | null>(null);
  useEffect(() => desktop()?.onServerStatus(setStatus), []);
  return status;
}

function ServerStatusBanner({ status }: { status: ServerStatus }) {
  const text =
    status.state === 'restarting'
      ? `The classroom server stopped (${status.reason}); restarting it. Tablets will reconnect on their own.`
      : status.state === 'failed'
        ? `The classroom server could not start: ${status.reason}`
        : status.state === 'starting'
          ? 'Starting the classroom server…'
          : 'The classroom server is stopping.';
  return (
    <div class={`banner ${status.state === 'failed' ? 'banner-error' : 'banner-warn'}`} role="status">
      {text}
    </div>
  );
}
