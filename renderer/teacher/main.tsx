// The teacher dashboard's entry: find the admin token, then show the dashboard (or, without a
// usable token, the sign-in screen). Everything the dashboard does goes through one TeacherApi,
// one LiveLink and one ClassModel, made here and handed down.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import '@fontsource/atkinson-hyperlegible/400.css';
import '@fontsource/atkinson-hyperlegible/700.css';
import './teacher.css';
import { TeacherApi } from './lib/api.js';
import { ClassModel } from './lib/model.js';
import { LiveLink, type LinkState } from './lib/live.js';
import { findToken, forgetToken, saveToken } from './lib/token.js';
import { App } from './components/App.js';
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

/** One signed-in dashboard: its API client, live link and model live as long as the token. */
function Session({ token, onRefused }: { token: string; onRefused: () => void }) {
  const [link, setLink] = useState<LinkState>({ kind: 'connecting' });
  const parts = useMemo(() => {
    const api = new TeacherApi(token, onRefused);
    const model = new ClassModel();
    const live = new LiveLink({ ticket: api.ticket, onFrame: (f) => model.apply(f), onState: setLink });
    return { api, model, live };
  }, [token]);
  useEffect(() => {
    parts.live.start();
    return () => parts.live.stop();
  }, [parts]);
  useEffect(() => {
    if (link.kind === 'signed-out') onRefused();
  }, [link.kind]);
  return <App api={parts.api} model={parts.model} link={link} onRetry={() => parts.live.retryNow()} />;
}

render(<Root />, document.getElementById('app')!);
