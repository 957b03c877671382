// The last line of defence: an error nobody caught, thrown from a timer, a callback or an event
// without a listener. One that passes (a resource ran out, a connection broke, another program
// holds the database) is logged, a few times a minute at most, and the server keeps serving:
// every tablet would otherwise lose the lesson over one failed call. Anything else means the
// process may be in a state nobody planned for, so it exits with code 1 and whatever runs it
// starts it again (the desktop supervisor; for `npm run serve`, the service unit in deploy/).
import { writeSync } from 'node:fs';
import { LogThrottle } from './log-throttle.js';
import type { Pressure } from './pressure.js';
import { errorCode, isTransient, resourceOf } from './resource.js';

export interface LastResortOptions {
  pressure: Pick<Pressure, 'report'>;
  /** How the process ends (tests keep theirs). */
  exit?: (code: number) => void;
}

export function installLastResort(o: LastResortOptions): void {
  const throttle = new LogThrottle();
  const exit = o.exit ?? ((code: number) => process.exit(code));
  const handle = (err: unknown, origin: string): void => {
    if (isTransient(err)) {
      o.pressure.report(resourceOf(err));
      const { log, suppressed } = throttle.take(errorCode(err) ?? '');
      const more = suppressed > 0 ? ` (${suppressed} more like it since the last line)` : '';
      if (log) writeLine(`ReaderAI keeps running after an ${origin}: ${describe(err)}${more}`);
      return;
    }
    writeLine(`ReaderAI is stopping after an ${origin}, to be started again clean:\n${stackOf(err)}`);
    exit(1);
  };
  process.on('uncaughtException', (err, origin) =>
    handle(err, origin === 'uncaughtException' ? 'uncaught exception' : origin),
  );
  process.on('unhandledRejection', (reason) => handle(reason, 'unhandled rejection'));
  // Log streams fail too (a full disk under a redirect, a closed pipe): a lost line is not a crash.
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (err) => o.pressure.report(resourceOf(err)));
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function stackOf(err: unknown): string {
  return err instanceof Error ? (err.stack ?? describe(err)) : String(err);
}

/** Straight to stderr: the error being handled may be that the usual streams cannot write. */
function writeLine(line: string): void {
  try {
    writeSync(2, line + '\n');
  } catch {
    // stderr itself is gone: there is nobody left to tell.
  }
}
