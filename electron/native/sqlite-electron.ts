// better-sqlite3 is a native addon compiled for one ABI. Tests and the headless server run it
// under Node (node_modules/better-sqlite3, untouched), the desktop app under Electron, whose ABI
// differs. So the Electron build lives apart: a copy of the package in .readerai-electron/,
// rebuilt there with @electron/rebuild (a prebuilt binary when one exists for the pinned Electron,
// else compiled with Electron's headers). The server loads it through READERAI_SQLITE_BINDING
// (`npm start`), and the packaging hook copies it into the installer (after-pack.ts).
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RebuildOptions } from '@electron/rebuild';

export interface ElectronTarget {
  electronVersion: string;
  platform: NodeJS.Platform;
  arch: string;
}

export type Rebuild = (options: RebuildOptions) => Promise<void>;

const readVersion = (packageJson: string): string =>
  (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;

/** The Electron version installed in node_modules (read from its package.json, never required). */
export function installedElectronVersion(root: string): string | null {
  const file = join(root, 'node_modules', 'electron', 'package.json');
  return existsSync(file) ? readVersion(file) : null;
}

/** One folder per better-sqlite3 version × Electron version × platform × arch. */
export function electronSqliteDir(root: string, target: ElectronTarget): string {
  const sqliteVersion = readVersion(join(root, 'node_modules', 'better-sqlite3', 'package.json'));
  const name = `better-sqlite3-${sqliteVersion}-electron-${target.electronVersion}-${target.platform}-${target.arch}`;
  return join(root, '.readerai-electron', name);
}

export function electronSqliteBinding(root: string, target: ElectronTarget): string {
  return join(
    electronSqliteDir(root, target),
    'node_modules',
    'better-sqlite3',
    'build',
    'Release',
    'better_sqlite3.node',
  );
}

const electronRebuild: Rebuild = async (options) => {
  const { rebuild } = await import('@electron/rebuild');
  await rebuild(options);
};

/** Returns the Electron-ABI binding for the target, building it first if needed (needs the network). */
export async function buildElectronSqlite(
  root: string,
  target: ElectronTarget,
  rebuild: Rebuild = electronRebuild,
): Promise<string> {
  const binding = electronSqliteBinding(root, target);
  if (existsSync(binding)) return binding;
  const dir = electronSqliteDir(root, target);
  const source = join(root, 'node_modules', 'better-sqlite3');
  const copy = join(dir, 'node_modules', 'better-sqlite3');
  mkdirSync(dirname(copy), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'readerai-electron-native', private: true }, null, 2),
  );
  // The sources only: the Node build in build/ must not be mistaken for an Electron one.
  cpSync(source, copy, { recursive: true, filter: (path) => path !== join(source, 'build') });
  await rebuild({
    buildPath: dir,
    projectRootPath: dir,
    electronVersion: target.electronVersion,
    platform: target.platform,
    arch: target.arch,
    onlyModules: ['better-sqlite3'],
    force: true,
  });
  if (!existsSync(binding)) throw new Error(`@electron/rebuild finished but ${binding} is missing.`);
  return binding;
}
