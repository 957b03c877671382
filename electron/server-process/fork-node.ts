// Runs the server with plain Node through child_process.fork: what `npm start` does where Electron
// is not installed, and what the supervisor tests use in place of Electron's utilityProcess. The
// server sees `process.send` instead of `process.parentPort`; the messages are the same. Only ever
// run from plain Node: from Electron, fork would start the Electron binary as Node, which the
// packaged app's RunAsNode fuse forbids (electron-builder.yml leaves this file out of the app).
import { fork } from 'node:child_process';
import type { ForkServer } from './supervisor.js';
import { SERVER_NODE_FLAGS } from '../../server/node-flags.js';

export function forkWithNode(modulePath: string, args: readonly string[] = []): ForkServer {
  return (env) => {
    const child = fork(modulePath, [...args], {
      env,
      execArgv: [...SERVER_NODE_FLAGS],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return {
      postMessage: (msg) => {
        if (child.connected) child.send(msg);
      },
      kill: () => {
        child.kill('SIGKILL');
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
