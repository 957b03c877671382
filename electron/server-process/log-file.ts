// One append-only log file for the desktop app (the server's output and the shell's own lines),
// so IT has something to read when a classroom reports a problem. Rotated once at start when big.
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

const ROTATE_AT_BYTES = 10 * 1024 * 1024;

export interface LogFile {
  readonly path: string;
  readonly stream: WriteStream;
  /** Writes one timestamped line from the shell itself. */
  line(text: string): void;
}

export function openLogFile(path: string, echo: NodeJS.WritableStream | null = null): LogFile {
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path) && statSync(path).size > ROTATE_AT_BYTES) renameSync(path, `${path}.1`);
  const stream = createWriteStream(path, { flags: 'a' });
  return {
    path,
    stream,
    line(text) {
      const entry = `${new Date().toISOString()} [desktop] ${text}\n`;
      stream.write(entry);
      echo?.write(entry);
    },
  };
}
