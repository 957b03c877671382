// Shown when the page has no admin token (opened without the link the server printed) or the
// server refused it. The token is in the data folder's admin-token file and in the server's output.
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
            Open the dashboard with the link ReaderAI printed when it started (it ends in <code>#token=…</code>), or
            paste the admin token here.
          </p>
        )}
        <label class="field">
          <span>Admin token</span>
          <input type="password" autocomplete="off" value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        </label>
        <p class="muted small">
          It is in the file <code>admin-token</code> in ReaderAI's data folder.
        </p>
        <button type="submit" class="btn btn-primary" disabled={!token.trim()}>
          Open the dashboard
        </button>
      </form>
    </div>
  );
}
