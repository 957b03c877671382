// Shown when this browser has no admin token yet (the dashboard was never opened here with the link
// the server printed) or the server refused it. After one visit with the link the token is kept
// (lib/token.ts), so this screen is for the first visit and for a token that changed.
import { useState } from 'preact/hooks';

export function SignIn({ refused, onToken }: { refused: boolean; onToken: (token: string) => void }) {
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
            The server did not accept this dashboard's key. It may have been restarted with a new one.
          </p>
        ) : (
          <p>
            Open the dashboard once with the link ReaderAI printed when it started (it ends in <code>#token=…</code>
            ), or paste the admin token here. After that, this browser opens the dashboard by itself.
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
          Open the dashboard
        </button>
      </form>
    </div>
  );
}
