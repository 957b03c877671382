// The admin token. The server prints the dashboard link as /teacher/#token=...: the fragment never
// reaches the server's logs, and we move it into sessionStorage (gone when the window closes) and
// clear it from the address bar at once, so it is not left in history or on a projected screen.
import { desktop } from './desktop.js';

const KEY = 'readerai.adminToken';

/** Takes the token out of the URL fragment, if it is there. */
export function takeTokenFromUrl(): void {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (token === null) return;
  if (token) sessionStorage.setItem(KEY, token);
  history.replaceState(null, '', location.pathname + location.search);
}

/** The stored token, else the desktop app's (its main process started the server). */
export async function findToken(): Promise<string | null> {
  takeTokenFromUrl();
  const stored = sessionStorage.getItem(KEY);
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
  sessionStorage.setItem(KEY, token.trim());
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
}
