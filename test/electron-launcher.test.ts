// `npm start`'s launcher: finding Electron's binary from its files, and the headless fallback run
// for real against dist/ when it has been built.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary, hasDisplay } from '../electron/launcher/electron-binary.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const START = join(ROOT, 'dist', 'electron', 'launcher', 'start.js');
const SERVER = join(ROOT, 'dist', 'server', 'main.js');

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'readerai-launcher-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, content: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

describe('findElectronBinary', () => {
  it('explains each way Electron can be missing', () => {
    expect(findElectronBinary(root, {}, 'linux')).toEqual({
      found: false,
      reason: expect.stringMatching(/electron package is not installed/),
    });
    write('node_modules/electron/package.json', '{"version":"45.5.0"}');
    expect(findElectronBinary(root, {}, 'linux')).toEqual({
      found: false,
      reason: expect.stringMatching(/path\.txt is missing/),
    });
    write('node_modules/electron/path.txt', 'electron');
    expect(findElectronBinary(root, {}, 'linux')).toEqual({
      found: false,
      reason: expect.stringMatching(/dist\/electron is missing/),
    });
  });

  it.skipIf(process.platform === 'win32')('finds the binary path.txt names, only if executable', () => {
    write('node_modules/electron/package.json', '{"version":"45.5.0"}');
    write('node_modules/electron/path.txt', 'electron\n');
    write('node_modules/electron/dist/electron', '#!/bin/sh\n');
    expect(findElectronBinary(root, {}, 'linux')).toMatchObject({
      found: false,
      reason: expect.stringMatching(/not executable/),
    });
    chmodSync(join(root, 'node_modules/electron/dist/electron'), 0o755);
    expect(findElectronBinary(root, {}, 'linux')).toEqual({
      found: true,
      path: join(root, 'node_modules/electron/dist/electron'),
      version: '45.5.0',
    });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH like the electron package does', () => {
    write('node_modules/electron/package.json', '{"version":"45.5.0"}');
    write('custom/electron.exe', '');
    expect(findElectronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: join(root, 'custom') }, 'win32')).toEqual({
      found: true,
      path: join(root, 'custom', 'electron.exe'),
      version: '45.5.0',
    });
  });

  it('needs a display on Linux only', () => {
    expect(hasDisplay({}, 'linux')).toBe(false);
    expect(hasDisplay({ DISPLAY: ':0' }, 'linux')).toBe(true);
    expect(hasDisplay({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe(true);
    expect(hasDisplay({}, 'win32')).toBe(true);
  });
});

describe.runIf(existsSync(START) && existsSync(SERVER))('npm start without Electron', () => {
  it('says so, runs the headless server, prints the URLs once, and stops on SIGINT', async () => {
    const child = spawn(process.execPath, [START], {
      env: {
        ...process.env,
        // Point at a folder without Electron, whatever this machine has installed.
        ELECTRON_OVERRIDE_DIST_PATH: join(root, 'no-electron'),
        READERAI_PORT: '0',
        READERAI_HOST: '127.0.0.1',
        READERAI_DATA_DIR: join(root, 'data'),
        READERAI_MACHINE_CONFIG: join(root, 'no-machine-config.json'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 40_000;
    while (!/Teacher dashboard:\s+(http\S+)/.test(out) && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = /Teacher dashboard:\s+(http\S+)/.exec(out)?.[1];
    expect(out).toMatch(/Electron's binary is not installed here: Electron's binary .* is missing/);
    expect(url, out).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/teacher\/#token=/);
    const res = await fetch(url!, { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBeLessThan(500);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    // The server's own block says it all, once: the launcher does not print the addresses again.
    expect(out.split(url!).length - 1, out).toBe(1);
    expect(out.match(/Students join at/g), out).toHaveLength(1);
    expect(readdirSync(join(root, 'data')).length).toBeGreaterThan(0);
  });
});
