// Shown when this browser has no token yet for the dashboard or IT's school view (never opened here
// with the link the server printed, or a teacher's link from the school view) or the server refused
// it. After one visit with the link the token is kept (lib/token.ts), so this screen is for the
// first visit and for a token that changed.
import { useState } from 'preact/hooks';

export function SignIn({
  refused,
  onToken,
  page = 'the dashboard',
}: {
  refused: boolean;
  onToken: (token: string) => void;
  page?: 'the dashboard' | 'the school view';
}) {
  const [token, setToken] = useState('');
  return (
    <div class="signin">
      <form
        class="card signin-card"
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) onToken(token.trim());
        }}
      >
        <h1>ReaderAI Classroom</h1>
        {refused ? (
          <p class="form-error" role="alert">
            {page === 'the dashboard'
              ? "The server did not accept this dashboard's key. It may have been restarted with a new one."
              : 'The server did not accept this key for the school view: it may have been restarted with a new one, ' +
                "or it is a teacher's link (the school view needs the admin token)."}
          </p>
        ) : (
          <p>
            Open {page} once with the link ReaderAI printed when it started (it ends in <code>#token=…</code>), or paste
            the admin token here. After that, this browser opens {page} by itself.
          </p>
        )}
        <label class="field">
          <span>Admin token</span>
          <input type="password" autocomplete="off" value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        </label>
        <p class="muted small">
          For IT: the token is also in the file <code>admin-token</code> in ReaderAI's data folder.
        </p>
        <button type="submit" class="btn btn-primary" disabled={!token.trim()}>
          Open {page}
        </button>
      </form>
    </div>
  );
}
