// The Content-Security-Policy the Electron session adds to every response from the dashboard's
// origin. The server sends its own policy too; the browser enforces both, so this is a floor that
// holds even if a server response forgets it. Only the local server's own scripts may run.

export function dashboardCsp(dashboardOrigin: string): string {
  const { host, protocol } = new URL(dashboardOrigin);
  const socket = `${protocol === 'https:' ? 'wss' : 'ws'}://${host}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Preact sets style attributes; no inline <script> is allowed.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' data: blob:",
    `connect-src 'self' ${socket}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** For the window's own status pages (data: URLs): no script at all. */
export const STATUS_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'";
