// The teacher dashboard's entry: find the token (the admin token, or a class's teacher token from
// its link), then show the dashboard (or, without a usable token, the sign-in screen). Each class
// shown runs as a ClassSession (its TeacherApi, LiveLink and ClassModel), made here and handed down.
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import '@fontsource/atkinson-hyperlegible/400.css';
import '@fontsource/atkinson-hyperlegible/700.css';
import './styles/index.css';
import type { ClassSummary } from '../../shared/protocol/index.js';
import { AdminApi } from '../admin/api.js';
import { ApiError } from './lib/api.js';
import { ClassSession } from './lib/class-session.js';
import { desktop } from './lib/desktop.js';
import type { LinkState } from './lib/live.js';
import { findToken, forgetToken, saveToken } from './lib/token.js';
import { App } from './components/App.js';
import { MyClasses, type ClassTab } from './components/MyClasses.js';
import { SignIn } from './components/SignIn.js';

type Auth = { kind: 'looking' } | { kind: 'none'; refused: boolean } | { kind: 'token'; token: string };

function Root() {
  const [auth, setAuth] = useState<Auth>({ kind: 'looking' });
  useEffect(() => {
    void findToken().then((token) => setAuth(token ? { kind: 'token', token } : { kind: 'none', refused: false }));
  }, []);
  if (auth.kind === 'looking') return <p class="boot">Starting the dashboard…</p>;
  if (auth.kind === 'none') {
    return (
      <SignIn
        refused={auth.refused}
        onToken={(token) => {
          saveToken(token);
          setAuth({ kind: 'token', token });
        }}
      />
    );
  }
  return (
    <Session
      key={auth.token}
      token={auth.token}
      onRefused={() => {
        forgetToken();
        setAuth({ kind: 'none', refused: true });
      }}
    />
  );
}

/**
 * One signed-in dashboard. With the admin token it runs "My classes" over every class on the
 * server (each class opened keeps its own live link); with a teacher's link, that one class.
 */
function Session({ token, onRefused }: { token: string; onRefused: () => void }) {
  const admin = useMemo(() => new AdminApi(token, onRefused), [token]);
  // null until we know whether this token may list the classes (the admin token) or not.
  const [list, setList] = useState<ClassSummary[] | null | 'own'>(null);
  const [current, setCurrent] = useState<string>(OWN);
  const sessions = useRef(new Map<string, ClassSession>());
  /** The class's session, started on first use (a class never opened here costs no socket). */
  const sessionFor = (classId: string) => {
    let session = sessions.current.get(classId);
    if (!session) {
      session = new ClassSession(token, classId === OWN ? null : classId, onRefused);
      sessions.current.set(classId, session);
    }
    session.start();
    return session;
  };

  const refresh = async (): Promise<void> => {
    try {
      const all = (await admin.classes()).filter((c) => !c.archived);
      // Until one is picked (or when the one on screen is gone): the first class.
      setCurrent((c) => (all.some((x) => x.classId === c) ? c : (all[0]?.classId ?? OWN)));
      setList(all);
    } catch (err) {
      // A teacher's link (403), or IT's API out of reach: the token's own class (the live link
      // retries by itself if the server is away). A refused token has gone to sign-in already.
      if (!(err instanceof ApiError && err.status === 401)) setList((l) => (l === null ? 'own' : l));
    }
  };
  useEffect(() => {
    void refresh();
    return () => {
      for (const session of sessions.current.values()) session.stop();
    };
  }, [admin]);

  const session = list === null ? null : sessionFor(list === 'own' ? OWN : current);
  const link = useLink(session);
  useClassesLive([...sessions.current.values()]);
  useEffect(() => {
    if (link?.kind === 'signed-out') onRefused();
  }, [link?.kind]);
  if (!session || !link) return <p class="boot">Starting the dashboard…</p>;

  const tabs: ClassTab[] =
    list === 'own' || list === null
      ? [{ classId: OWN, name: session.model.classroom?.name ?? 'My class', session }]
      : list.map((c) => ({ classId: c.classId, name: c.name, session: sessions.current.get(c.classId) ?? null }));
  const failure = (err: unknown) => (err as Error).message;
  const switcher = (
    <MyClasses
      tabs={tabs}
      current={list === 'own' ? OWN : current}
      onPick={setCurrent}
      onCreate={
        list === 'own'
          ? null
          : async (name) => {
              try {
                const made = await admin.create({ name });
                await refresh();
                setCurrent(made.classId);
                return null;
              } catch (err) {
                return failure(err);
              }
            }
      }
      onRename={async (name) => {
        try {
          session.model.setClassroom(await session.api.rename(name));
          if (list !== 'own') await refresh();
          return null;
        } catch (err) {
          return failure(err);
        }
      }}
    />
  );
  return (
    <App
      key={current}
      api={session.api}
      model={session.model}
      link={link}
      onRetry={() => session.retryNow()}
      switcher={switcher}
    />
  );
}

/** The key of the one class a teacher's link opens. */
const OWN = '';

/** The live link state of the class on screen. */
function useLink(session: ClassSession | null): LinkState | null {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!session) return;
    const unsubscribe = session.subscribe(() => setTick((n) => n + 1));
    // The link may have changed between this render and the effect (a fast SNAPSHOT on a busy
    // machine): render once more, or the page would say "Connecting…" until the next change.
    setTick((n) => n + 1);
    return unsubscribe;
  }, [session]);
  return session?.link ?? null;
}

/** Tells the desktop app whether any class is live (it keeps the computer awake meanwhile). */
function useClassesLive(sessions: ClassSession[]): void {
  const [live, setLive] = useState(false);
  useEffect(() => {
    const check = () =>
      setLive(sessions.some((s) => [...s.model.students.values()].some((st) => st.status !== 'offline')));
    const unsubscribe = sessions.map((s) => s.model.subscribe(check));
    check();
    return () => unsubscribe.forEach((u) => u());
  }, [sessions.length]);
  const told = useRef<boolean | null>(null);
  useEffect(() => {
    const api = desktop();
    if (!api || told.current === live) return;
    told.current = live;
    void api.setClassLive(live).catch(() => {});
  }, [live]);
}

render(<Root />, document.getElementById('app')!);
