// Runs the server in an Electron utilityProcess: a Node process that Electron starts and owns (it
// ends with the app, shows up under the app's name, and talks over process.parentPort).
import { utilityProcess } from 'electron';
import type { ForkServer } from './supervisor.js';

export function forkWithUtilityProcess(modulePath: string, args: readonly string[] = []): ForkServer {
  return (env) => {
    const child = utilityProcess.fork(modulePath, [...args], {
      env,
      serviceName: 'ReaderAI Classroom server',
      stdio: 'inherit',
    });
    return {
      postMessage: (msg) => child.postMessage(msg),
      kill: () => {
        child.kill();
      },
      onMessage: (listener) => {
        child.on('message', listener);
      },
      onExit: (listener) => {
        child.once('exit', (code) => listener(code));
      },
    };
  };
}
