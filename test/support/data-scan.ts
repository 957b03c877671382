// A byte scan of a data folder: whether any file in it (database, WAL, shared memory, logs,
// anything) still holds a marker, as UTF-8 bytes. The erasure tests use it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Which of `needles` appear, as UTF-8 bytes, in any file under `dir` (database, WAL, logs, anything). */
export function foundIn(dir: string, needles: readonly string[]): string[] {
  const found = new Set<string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      let bytes: Buffer;
      try {
        if (statSync(path).isDirectory()) {
          walk(path);
          continue;
        }
        bytes = readFileSync(path);
      } catch {
        continue; // a file that went between the listing and the read (a WAL being reset)
      }
      for (const n of needles) if (bytes.includes(Buffer.from(n, 'utf8'))) found.add(n);
    }
  };
  walk(dir);
  return [...found];
}
