// Finds Electron's binary the way the electron package itself does (path.txt names it under
// dist/), by looking at files only: requiring 'electron' from Node would try to download it.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ElectronBinary = { found: true; path: string; version: string } | { found: false; reason: string };

const EXECUTABLE: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'electron',
  win32: 'electron.exe',
  darwin: 'Electron.app/Contents/MacOS/Electron',
};

export function findElectronBinary(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): ElectronBinary {
  const pkgDir = join(root, 'node_modules', 'electron');
  const pkgJson = join(pkgDir, 'package.json');
  if (!existsSync(pkgJson)) return { found: false, reason: 'the electron package is not installed (npm install)' };
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;

  let binary: string;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const name = EXECUTABLE[platform];
    if (!name) return { found: false, reason: `Electron does not run on ${platform}` };
    binary = join(env.ELECTRON_OVERRIDE_DIST_PATH, name);
  } else {
    const pathTxt = join(pkgDir, 'path.txt');
    if (!existsSync(pathTxt)) {
      return {
        found: false,
        reason:
          "Electron's binary was never downloaded: node_modules/electron/path.txt is missing " +
          '(run `npx install-electron`)',
      };
    }
    binary = join(pkgDir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  }
  if (!existsSync(binary)) return { found: false, reason: `Electron's binary ${binary} is missing` };
  if (platform !== 'win32') {
    try {
      accessSync(binary, constants.X_OK);
    } catch {
      return { found: false, reason: `Electron's binary ${binary} is not executable` };
    }
  }
  return { found: true, path: binary, version };
}

/** Electron needs a display on Linux; over SSH or in CI there is none. */
export function hasDisplay(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): boolean {
  return platform !== 'linux' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}
