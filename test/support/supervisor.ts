// What the tests of the Electron shell's server supervisor share: the real server it can run, and
// a wait for a status.
import { fileURLToPath } from 'node:url';
import type { ServerStatus, ServerSupervisor } from '../../electron/server-process/supervisor.js';

/** The built server (`npm run build`), as the desktop app forks it. */
export const REAL_SERVER = fileURLToPath(new URL('../../dist/server/main.js', import.meta.url));

/** Resolves with the first status matching `pred`, the current one included; rejects after `ms`. */
export function waitFor(s: ServerSupervisor, pred: (st: ServerStatus) => boolean, ms = 15_000): Promise<ServerStatus> {
  if (pred(s.status)) return Promise.resolve(s.status);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no matching status within ${ms} ms (last: ${JSON.stringify(s.status)})`)),
      ms,
    );
    const onStatus = (st: ServerStatus) => {
      if (!pred(st)) return;
      clearTimeout(timer);
      s.off('status', onStatus);
      resolve(st);
    };
    s.on('status', onStatus);
  });
}
