// The installer configuration, checked offline: electron-builder.yml against electron-builder's
// own JSON schema, then a real `electron-builder --dir` run for Linux x64 against a stand-in
// Electron distribution (a fake executable: Electron cannot be downloaded here), and a look
// inside the produced app.asar. Needs `npm run build` first (npm test does it).
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { load as loadYaml } from 'js-yaml';
import { extractFile, listPackage, statFile } from '@electron/asar';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONFIG_FILE = join(ROOT, 'electron-builder.yml');
const config = loadYaml(readFileSync(CONFIG_FILE, 'utf8')) as Record<string, unknown>;
const BUILT =
  existsSync(join(ROOT, 'dist', 'electron', 'main.js')) &&
  existsSync(join(ROOT, 'dist', 'electron', 'packaging', 'after-pack.js'));

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's own schema", () => {
    const schema = JSON.parse(
      readFileSync(join(ROOT, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'),
    ) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    // The schema marks hook options that may be functions with a non-standard keyword.
    ajv.addKeyword({ keyword: 'typeof', validate: (type: string, data: unknown) => typeof data === type });
    const validate = ajv.compile(schema);
    expect(validate(config), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('names the resources it points at, and they exist', () => {
    const win = config.win as { icon: string };
    const mac = config.mac as { icon: string; entitlements: string; entitlementsInherit: string };
    const linux = config.linux as { icon: string };
    const nsis = config.nsis as { include: string };
    for (const file of [
      win.icon,
      mac.icon,
      mac.entitlements,
      mac.entitlementsInherit,
      linux.icon,
      nsis.include,
      'build/icon.png',
    ]) {
      expect(existsSync(join(ROOT, file)), file).toBe(true);
    }
    const ico = readFileSync(join(ROOT, win.icon));
    expect(ico.readUInt16LE(2)).toBe(1); // icon resource
    expect(ico.readUInt8(6 + 16 * (ico.readUInt16LE(4) - 1))).toBe(0); // last entry is 256 px
    expect(readFileSync(join(ROOT, mac.icon)).subarray(0, 4).toString()).toBe('icns');
  });

  it('the NSIS script adds the firewall rule on per-machine installs and removes it on uninstall', () => {
    const nsh = readFileSync(join(ROOT, 'build', 'installer.nsh'), 'utf8');
    expect(nsh).toMatch(
      new RegExp(
        String.raw`!macro customInstall[\s\S]*\$installMode == "all"[\s\S]*` +
          String.raw`netsh advfirewall firewall add rule name="\$\{READERAI_FIREWALL_RULE\}" dir=in action=allow ` +
          String.raw`program="\$INSTDIR\\\$\{APP_EXECUTABLE_FILENAME\}"`,
      ),
    );
    expect(nsh).toMatch(
      /!macro customUnInstall[\s\S]*netsh advfirewall firewall delete rule name="\$\{READERAI_FIREWALL_RULE\}"/,
    );
    expect(nsh).not.toMatch(/profile=[a-z,]*public/);
  });

  it('the example machine configuration has only known settings', async () => {
    const { machineLayers } = await import('../server/config.js');
    const file = join(ROOT, 'build', 'config.example.json');
    const layers = machineLayers(JSON.parse(readFileSync(file, 'utf8')), file);
    expect(Object.keys(layers.preset).length + Object.keys(layers.locked).length).toBeGreaterThan(0);
  });
});

describe.runIf(BUILT)('electron-builder --dir with a stand-in Electron', () => {
  let work: string;
  let appDir: string;
  let asar: string;
  let log = '';
  const FAKE_ADDON = Buffer.from('stand-in for the Electron-ABI better_sqlite3.node\n');

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'readerai-packaging-'));
    // What electron-builder copies for an "unpacked Electron distribution".
    const dist = join(work, 'electron-dist');
    mkdirSync(join(dist, 'resources'), { recursive: true });
    mkdirSync(join(dist, 'locales'), { recursive: true });
    writeFileSync(join(dist, 'electron'), '#!/bin/sh\necho "stand-in Electron"\n');
    chmodSync(join(dist, 'electron'), 0o755);
    writeFileSync(join(dist, 'locales', 'en-US.pak'), '');
    writeFileSync(join(dist, 'LICENSE'), 'stand-in');
    writeFileSync(join(dist, 'version'), '42.11.18');
    writeFileSync(join(work, 'electron-abi.node'), FAKE_ADDON);

    const output = join(work, 'out');
    const testConfig = {
      ...config,
      electronDist: dist,
      electronVersion: '42.11.18',
      npmRebuild: false,
      directories: { ...(config.directories as object), output },
    };
    const configFile = join(work, 'electron-builder.json');
    writeFileSync(configFile, JSON.stringify(testConfig));

    const cli = join(ROOT, 'node_modules', 'electron-builder', 'cli.js');
    const child = spawn(
      process.execPath,
      [cli, '--linux', 'dir', '--x64', '--config', configFile, '--publish', 'never'],
      {
        cwd: ROOT,
        env: { ...process.env, READERAI_ELECTRON_SQLITE_BINDING: join(work, 'electron-abi.node'), CI: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr.on('data', (c: Buffer) => (log += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(timer);
    if (code !== 0) throw new Error(`electron-builder exited ${code}:\n${log}`);
    appDir = join(output, 'linux-unpacked');
    asar = join(appDir, 'resources', 'app.asar');
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('lays out the app with the renamed executable and an asar', () => {
    expect(existsSync(join(appDir, 'readerai-classroom')), log).toBe(true);
    expect(existsSync(asar)).toBe(true);
  });

  it('packages the compiled app and renderer, with main pointing at the shell', () => {
    const files = new Set(listPackage(asar, { isPack: false }).map((f) => f.replaceAll('\\', '/')));
    for (const f of [
      '/dist/electron/main.js',
      '/dist/electron/preload.cjs',
      '/dist/electron/setup/window.js',
      '/dist/server/main.js',
    ]) {
      expect(files.has(f), f).toBe(true);
    }
    if (existsSync(join(ROOT, 'dist', 'renderer', 'index.html'))) {
      expect(files.has('/dist/renderer/index.html')).toBe(true);
      expect(files.has('/dist/renderer/teacher/index.html')).toBe(true);
    }
    const pkg = JSON.parse(extractFile(asar, 'package.json').toString()) as { main: string; devDependencies?: unknown };
    expect(pkg.main).toBe('dist/electron/main.js');
    expect(files.has(`/${pkg.main}`)).toBe(true);
    // Sources, tests, source maps and build-time tools stay out.
    const unwanted = [...files].filter(
      (f) =>
        /^\/(electron|server|renderer|test|bench|build)\//.test(f) ||
        f.endsWith('.map') ||
        f.startsWith('/dist/electron/launcher/') ||
        f.startsWith('/dist/electron/packaging/') ||
        f.includes('/node_modules/better-sqlite3/deps/'),
    );
    expect(unwanted).toEqual([]);
  });

  it('contains production dependencies and no development-only package', () => {
    const files = listPackage(asar, { isPack: false }).map((f) => f.replaceAll('\\', '/'));
    const packages = new Set(
      files.map((f) => /^\/node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(f)?.[1]).filter(Boolean),
    );
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.entries(lock.packages)
      .filter(([path, info]) => info.dev && /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.test(path))
      .map(([path]) => path.slice('node_modules/'.length));
    expect(devOnly).toContain('electron');
    expect(devOnly.filter((name) => packages.has(name))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const dep of Object.keys(pkg.dependencies)) expect(packages.has(dep), dep).toBe(true);
  });

  it("unpacks better-sqlite3's addon and replaces it with the Electron-ABI build", () => {
    const inAsar = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    expect(statFile(asar, inAsar)).toMatchObject({ unpacked: true });
    const unpacked = join(appDir, 'resources', 'app.asar.unpacked', inAsar);
    expect(readFileSync(unpacked)).toEqual(FAKE_ADDON);
    // The project's own Node build is untouched.
    expect(readFileSync(join(ROOT, inAsar)).equals(FAKE_ADDON)).toBe(false);
  });
});
