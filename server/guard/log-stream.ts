// Where the server's log goes: stdout, one synchronous write per line, and a line that cannot be
// written (a full disk under a redirect, a pipe nobody reads, journald away) is dropped and the
// shortage reported. Pino's default stream would raise those as errors the process has to survive.
import { writeSync } from 'node:fs';
import type { Pressure } from './pressure.js';
import { resourceOf } from './resource.js';

export function logStream(pressure: Pick<Pressure, 'report'>, fd = 1): { write(line: string): void } {
  return {
    write(line: string): void {
      const bytes = Buffer.from(line);
      try {
        for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
      } catch (err) {
        pressure.report(resourceOf(err));
      }
    },
  };
}
