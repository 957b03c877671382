// `npm start` (after the build): the desktop app where Electron's binary is installed, otherwise
// the headless server, which prints the dashboard address, so the command always does something
// useful. Runs under plain Node.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkWithNode } from '../server-process/fork-node.js';
import { ServerSupervisor } from '../server-process/supervisor.js';
import { findElectronBinary, hasDisplay } from './electron-binary.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const serverArgs = process.argv.slice(2);

function main(): void {
  const electron = findElectronBinary(root);
  if (!electron.found) return runHeadless(`Electron's binary is not installed here: ${electron.reason}.`);
  if (!hasDisplay()) return runHeadless('There is no display (DISPLAY/WAYLAND_DISPLAY unset) for the desktop window.');
  runDesktop(electron.path);
}

function runDesktop(binary: string): void {
  // Electron runs the app here, never as plain Node (the packaged app's RunAsNode fuse is off too).
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const app = spawn(binary, [join(root, 'dist', 'electron', 'main.js')], { stdio: 'inherit', env });
  // The app quits gracefully on these (it stops the server first); pass them on.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.kill(signal));
  app.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function runHeadless(why: string): void {
  console.log(`${why}\nRunning the classroom server without the desktop window instead (as \`npm run serve\` does).`);
  const supervisor = new ServerSupervisor({
    fork: forkWithNode(join(root, 'dist', 'server', 'main.js'), serverArgs),
    env: () => process.env,
    log: (line) => console.error(`[start] ${line}`),
  });
  // The server prints its addresses itself (its output is this terminal's), so nothing here
  // repeats them.
  supervisor.on('status', (status) => {
    if (status.state === 'failed') {
      console.error(`The server could not start: ${status.reason}`);
      process.exit(1);
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      void supervisor.stop().then(() => process.exit(0));
    });
  }
  supervisor.start();
}

main();
