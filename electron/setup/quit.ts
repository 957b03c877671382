// Quitting waits for the server's graceful shutdown (bounded by the supervisor) so SQLite is
// flushed and closed and tablets get a clean 1001 close, then lets the app exit.
import { app } from 'electron';
import type { ServerSupervisor } from '../server-process/supervisor.js';
import type { ClassPower } from './power.js';

export function setupQuit(deps: {
  supervisor: Pick<ServerSupervisor, 'stop'>;
  power: ClassPower;
  log: (line: string) => void;
}): void {
  let stopping: Promise<void> | null = null;
  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    stopping ??= deps.supervisor
      .stop()
      .then((result) => deps.log(`server stop on quit: ${result}`))
      .finally(() => {
        stopped = true;
        deps.power.setClassLive(false);
        app.quit();
      });
  });
  // The window is the app: closing it ends the class server too (on macOS as well).
  app.on('window-all-closed', () => app.quit());
  // Ctrl+C in `npm start`, or a service manager stopping the app: same graceful path.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
}
