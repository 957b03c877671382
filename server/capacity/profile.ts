// The per-student figures the last benchmark measured on this machine. `npm run bench` writes this
// file into the data folder; the server reads it so the headroom model has measured figures before
// enough students are connected to measure them live.
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { MeasuredProfile } from './model.js';

export const PROFILE_FILE = 'capacity-profile.json';

export interface ProfileFile extends MeasuredProfile {
  /** Epoch ms of the benchmark. */
  measuredAt: number;
  /** Students the benchmark held connected. */
  students: number;
  /** Where the full results are (bench-results/...json), for people. */
  results: string;
}

export function profilePath(dataDir: string): string {
  return join(dataDir, PROFILE_FILE);
}

/** The profile in `dataDir`, or null if there is none or it does not look like one. */
export function readProfile(dataDir: string): ProfileFile | null {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(profilePath(dataDir), 'utf8'));
  } catch {
    return null;
  }
  const p = json as Partial<ProfileFile>;
  const positive = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  if (!positive(p.bytesPerStudent) || !positive(p.coresPerStudent) || !positive(p.requestsPerStudentPerMinute))
    return null;
  if (p.sentBytesPerStudentPerSec !== undefined && !positive(p.sentBytesPerStudentPerSec)) return null;
  return p as ProfileFile;
}

/** Written whole then renamed, so a server reading it never sees half a file. */
export function writeProfile(dataDir: string, profile: ProfileFile): string {
  mkdirSync(dataDir, { recursive: true });
  const file = profilePath(dataDir);
  writeFileSync(file + '.tmp', JSON.stringify(profile, null, 2) + '\n');
  renameSync(file + '.tmp', file);
  return file;
}
