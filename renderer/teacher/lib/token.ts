// The admin token. The server prints the dashboard link as /teacher/#token=...: the fragment never
// reaches the server's logs, and we move it into localStorage and clear it from the address bar at
// once, so it is not left in history or on a projected screen. localStorage (not sessionStorage):
// opening /teacher/ again in the same browser, after the window was closed, goes straight to the
// dashboard. It is this origin's storage only: other sites and other browser profiles never see
// it, and the server still asks for the token on every call (there is no "no token on loopback").
import { desktop } from './desktop.js';

const KEY = 'readerai.adminToken';

/** Takes the token out of the URL fragment, if it is there. */
function takeTokenFromUrl(): string | null {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token')?.trim();
  if (token === undefined) return null;
  history.replaceState(null, '', location.pathname + location.search);
  if (!token) return null;
  saveToken(token);
  return token;
}

/** The stored token, else the desktop app's (its main process started the server). */
export async function findToken(): Promise<string | null> {
  const stored = takeTokenFromUrl() ?? read();
  if (stored) return stored;
  const session = await desktop()
    ?.getAdminSession()
    .catch(() => null);
  if (session?.adminToken) {
    saveToken(session.adminToken);
    return session.adminToken;
  }
  return null;
}

export function saveToken(token: string): void {
  try {
    localStorage.setItem(KEY, token.trim());
  } catch {
    // Storage disabled: the dashboard works for this visit and asks again next time.
  }
}

/** The server refused it (a new token after a reinstall, say): ask again instead of retrying it. */
export function forgetToken(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // As above.
  }
}

function read(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}
