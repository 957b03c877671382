// IT's school view: find the admin token (the link the server printed ends in #token=…), then show
// every class on the server; without a usable token, the sign-in screen.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import '@fontsource/atkinson-hyperlegible/400.css';
import '@fontsource/atkinson-hyperlegible/700.css';
import '../teacher/styles/index.css';
import './admin.css';
import { findToken, forgetToken, saveToken } from '../teacher/lib/token.js';
import { SignIn } from '../teacher/components/SignIn.js';
import { AdminApi } from './api.js';
import { SchoolView } from './SchoolView.js';

type Auth = { kind: 'looking' } | { kind: 'none'; refused: boolean } | { kind: 'token'; token: string };

function Root() {
  const [auth, setAuth] = useState<Auth>({ kind: 'looking' });
  useEffect(() => {
    void findToken().then((token) => setAuth(token ? { kind: 'token', token } : { kind: 'none', refused: false }));
  }, []);
  const refused = () => {
    forgetToken();
    setAuth({ kind: 'none', refused: true });
  };
  const api = useMemo(() => (auth.kind === 'token' ? new AdminApi(auth.token, refused) : null), [auth]);
  if (auth.kind === 'looking') return <p class="boot">Starting the school view…</p>;
  if (auth.kind === 'none' || !api) {
    return (
      <SignIn
        page="the school view"
        refused={auth.kind === 'none' && auth.refused}
        onToken={(token) => {
          saveToken(token);
          setAuth({ kind: 'token', token });
        }}
      />
    );
  }
  return <SchoolView api={api} onRefused={refused} />;
}

render(<Root />, document.getElementById('app')!);
