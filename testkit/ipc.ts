// Waiting for a child process to say something over its IPC channel (the server says it listens).
import type { ChildProcess } from 'node:child_process';

/** Resolves with the first IPC message of `type`; rejects if the child exits or time runs out. */
export function waitForMessage<T extends { type: string }>(
  child: ChildProcess,
  type: string,
  timeoutMs: number,
  output: () => string = () => '',
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`no ${type} from pid ${child.pid} within ${timeoutMs} ms\n${output()}`)),
      timeoutMs,
    );
    const onMessage = (m: { type?: string; message?: string }) => {
      if (m?.type === type) done(null, m as T);
      else if (m?.type === 'server-error') done(new Error(`server failed: ${m.message}\n${output()}`));
    };
    const onExit = (code: number | null) =>
      done(new Error(`pid ${child.pid} exited (${code}) before ${type}\n${output()}`));
    function done(err: Error | null, m?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(m!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
