// Session-wide protections for the dashboard window: our Content-Security-Policy on every response
// from the dashboard's origin (in addition to the server's own), and no browser permissions
// (camera, geolocation, notifications...) except writing to the clipboard (copy the join link).
import type { Session } from 'electron';
import { dashboardCsp } from '../security/csp.js';
import { originOf } from '../security/origin.js';

const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

export function setupSessionSecurity(session: Session, dashboardOrigin: () => string | null): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const origin = dashboardOrigin();
    if (origin === null || originOf(details.url) !== origin) {
      callback({});
      return;
    }
    callback({ responseHeaders: withCsp(details.responseHeaders ?? {}, dashboardCsp(origin)) });
  });
  session.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(ALLOWED_PERMISSIONS.has(permission)),
  );
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
}

/** Adds our policy next to any the server sent (the browser enforces every policy it gets). */
export function withCsp(headers: Record<string, string | string[]>, policy: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const existing: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const values = Array.isArray(value) ? value : [value];
    if (name.toLowerCase() === 'content-security-policy') existing.push(...values);
    else out[name] = values;
  }
  out['Content-Security-Policy'] = [...existing, policy];
  return out;
}
