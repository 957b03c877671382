// Runs the server in an Electron utilityProcess: a Node process that Electron starts and owns (it
// ends with the app, shows up under the app's name, and talks over process.parentPort). Its output
// goes to the app's log file, and to the terminal too when one is attached (`npm start`).
import { utilityProcess } from 'electron';
import type { LogFile } from './log-file.js';
import { SERVER_NODE_FLAGS } from '../../server/node-flags.js';
import type { ForkServer } from './supervisor.js';

export function forkWithUtilityProcess(modulePath: string, options: { log: LogFile; echo: boolean }): ForkServer {
  return (env) => {
    const child = utilityProcess.fork(modulePath, [], {
      env,
      execArgv: [...SERVER_NODE_FLAGS],
      serviceName: 'ReaderAI Classroom server',
      stdio: 'pipe',
    });
    for (const output of [child.stdout, child.stderr]) {
      output?.on('data', (chunk: Buffer) => {
        options.log.stream.write(chunk);
        if (options.echo) process.stdout.write(chunk);
      });
    }
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
