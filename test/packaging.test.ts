// The installer configuration, checked offline: electron-builder.yml against electron-builder's
// own JSON schema, the afterPack check of better-sqlite3's binary, then a real `electron-builder
// --dir` run for Linux x64 against a stand-in Electron distribution (a shell script: Electron
// cannot be downloaded here), and a look inside the produced app.asar and executable.
// The stand-in cannot carry Electron's real fuse wire; it carries a hand-made one in the same
// layout (sentinel, version 1, length, one byte per fuse at Electron's defaults), so the run proves
// electron-builder flips the fuses electron-builder.yml sets, not that Electron 45 obeys them.
// Needs `npm run build` first (npm test does it).
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { load as loadYaml } from 'js-yaml';
import { extractFile, listPackage, statFile } from '@electron/asar';
import electronBuilder, { type AfterPackContext, type Arch } from 'electron-builder';
import afterPack, { UNPACKED_PREBUILDS } from '../electron/packaging/after-pack.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONFIG_FILE = join(ROOT, 'electron-builder.yml');
const config = loadYaml(readFileSync(CONFIG_FILE, 'utf8')) as Record<string, unknown>;
const BUILT =
  existsSync(join(ROOT, 'dist', 'electron', 'main.js')) &&
  existsSync(join(ROOT, 'dist', 'electron', 'packaging', 'after-pack.js'));
const ELECTRON_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

// Electron's fuse wire: this marker, a version byte (1), a length byte, then one byte per fuse
// ('1' on, '0' off) in this order, named as electron-builder's electronFuses options.
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSES = [
  'runAsNode',
  'enableCookieEncryption',
  'enableNodeOptionsEnvironmentVariable',
  'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation',
  'onlyLoadAppFromAsar',
  'loadBrowserProcessSpecificV8Snapshot',
  'grantFileProtocolExtraPrivileges',
] as const;
/** Electron's own defaults, as an unflipped binary has them. */
const DEFAULT_FUSES = '10110001';

function readFuses(binary: Buffer): Record<string, boolean> {
  const at = binary.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length;
  expect(binary[at]).toBe(1);
  expect(binary[at + 1]).toBe(FUSES.length);
  return Object.fromEntries(FUSES.map((name, i) => [name, String.fromCharCode(binary[at + 2 + i]!) === '1']));
}

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

  it('sets the fuses for the signed builds', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it("keeps only the building platform's and arch's better-sqlite3 binary, unpacked", () => {
    expect(config.files).toContain('!**/node_modules/better-sqlite3/prebuilds/!(${platform}-${arch}).node');
    expect(config.asarUnpack).toEqual(['**/node_modules/better-sqlite3/prebuilds/*.node']);
    // Per-platform files rules would be copied on their own, undoing the top-level ones.
    for (const os of ['win', 'mac', 'linux']) expect(config[os], os).not.toHaveProperty('files');
  });

  it('the example machine configuration has only known settings', async () => {
    const { machineLayers } = await import('../server/config.js');
    const file = join(ROOT, 'build', 'config.example.json');
    const layers = machineLayers(JSON.parse(readFileSync(file, 'utf8')), file);
    expect(Object.keys(layers.preset).length + Object.keys(layers.locked).length).toBeGreaterThan(0);
  });
});

describe("afterPack's check of better-sqlite3's binary", () => {
  const { x64, arm64, ia32 } = electronBuilder.Arch;
  let appOutDir: string;
  const context = (arch: Arch, electronPlatformName = 'linux') =>
    ({
      appOutDir,
      arch,
      electronPlatformName,
      packager: { getResourcesDir: (dir: string) => join(dir, 'resources') },
    }) as unknown as AfterPackContext;
  const unpack = (...names: string[]) => {
    const dir = join(appOutDir, 'resources', ...UNPACKED_PREBUILDS);
    mkdirSync(dir, { recursive: true });
    for (const name of names) writeFileSync(join(dir, name), 'addon');
  };

  beforeAll(() => {
    appOutDir = mkdtempSync(join(tmpdir(), 'readerai-afterpack-'));
  });
  afterAll(() => rmSync(appOutDir, { recursive: true, force: true }));

  it('fails the build when nothing was unpacked', () => {
    expect(() => afterPack(context(x64))).toThrow(
      /no binary for this target: .*linux-x64\.node is missing \(found: none\)/,
    );
  });

  it("fails the build for a target better-sqlite3 has no binary for, or another platform's", () => {
    unpack('linux-x64.node');
    expect(() => afterPack(context(ia32))).toThrow(/linux-ia32\.node is missing \(found: linux-x64\.node\)/);
    expect(() => afterPack(context(arm64, 'darwin'))).toThrow(/darwin-arm64\.node is missing/);
  });

  it('passes with exactly the target binary, and fails when another one came along', () => {
    expect(() => afterPack(context(x64))).not.toThrow();
    unpack('win32-x64.node');
    expect(() => afterPack(context(x64))).toThrow(/other platforms' binaries besides linux-x64\.node: win32-x64\.node/);
  });
});

describe.runIf(BUILT)('electron-builder --dir with a stand-in Electron', () => {
  let work: string;
  let appDir: string;
  let asar: string;
  let log = '';

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'readerai-packaging-'));
    // What electron-builder copies for an "unpacked Electron distribution".
    const dist = join(work, 'electron-dist');
    mkdirSync(join(dist, 'resources'), { recursive: true });
    mkdirSync(join(dist, 'locales'), { recursive: true });
    const fuseWire = Buffer.concat([
      Buffer.from(FUSE_SENTINEL),
      Buffer.from([1, FUSES.length]),
      Buffer.from(DEFAULT_FUSES),
    ]);
    writeFileSync(
      join(dist, 'electron'),
      Buffer.concat([Buffer.from('#!/bin/sh\necho "stand-in Electron"\nexit 0\n'), fuseWire]),
    );
    chmodSync(join(dist, 'electron'), 0o755);
    writeFileSync(join(dist, 'locales', 'en-US.pak'), '');
    writeFileSync(join(dist, 'LICENSE'), 'stand-in');
    writeFileSync(join(dist, 'version'), ELECTRON_VERSION);

    const output = join(work, 'out');
    const testConfig = {
      ...config,
      electronDist: dist,
      electronVersion: ELECTRON_VERSION,
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
        env: { ...process.env, CI: 'true' },
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
      // Worker threads the server starts: the AI relay and the WAL checkpointer.
      '/dist/server/llm/relay-worker.js',
      '/dist/server/store/checkpoint-worker.js',
      '/dist/server/worker-url.js',
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
        /^\/(electron|server|renderer|test|testkit|bench|build)\//.test(f) ||
        f.startsWith('/dist/bench/') ||
        f.startsWith('/dist/testkit/') ||
        f.endsWith('.map') ||
        f.startsWith('/dist/electron/launcher/') ||
        f.startsWith('/dist/electron/packaging/') ||
        f.includes('/node_modules/better-sqlite3/deps/') ||
        f.includes('/node_modules/better-sqlite3/src/') ||
        f.endsWith('/node_modules/better-sqlite3/binding.gyp'),
    );
    expect(unwanted).toEqual([]);
  });

  it('contains production dependencies and no development-only package', () => {
    const files = listPackage(asar, { isPack: false }).map((f) => f.replaceAll('\\', '/'));
    const packages = new Set(
      files.map((f) => /^\/node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(f)?.[1]).filter(Boolean),
    );
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; version?: string }>;
    };
    // name@version of every package in the lock, at any depth: electron-builder flattens the tree,
    // so a production package nested in node_modules (p-retry's retry 0.13) may be packed at the
    // top, where the lock has a development-only package of the same name (retry 0.12).
    const entries = Object.entries(lock.packages).flatMap(([path, info]) => {
      const name = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(path)?.[1];
      return name && info.version ? [{ id: `${name}@${info.version}`, name, dev: info.dev === true }] : [];
    });
    const prod = new Set(entries.filter((e) => !e.dev).map((e) => e.id));
    const devOnly = new Set(entries.filter((e) => e.dev && !prod.has(e.id)).map((e) => e.id));
    expect([...devOnly].some((id) => id.startsWith('electron@'))).toBe(true);
    const packed = [...packages].map((name) => {
      const manifest = JSON.parse(extractFile(asar, `node_modules/${name}/package.json`).toString()) as {
        version: string;
      };
      return `${name}@${manifest.version}`;
    });
    expect(packed.filter((id) => devOnly.has(id))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const dep of Object.keys(pkg.dependencies)) expect(packages.has(dep), dep).toBe(true);
  });

  it("carries better-sqlite3's linux-x64 binary only, unpacked and unchanged", () => {
    const inAsar = 'node_modules/better-sqlite3/prebuilds/linux-x64.node';
    expect(statFile(asar, inAsar)).toMatchObject({ unpacked: true });
    const unpacked = join(appDir, 'resources', 'app.asar.unpacked', inAsar);
    expect(readFileSync(unpacked).equals(readFileSync(join(ROOT, inAsar)))).toBe(true);
    const prebuilds = listPackage(asar, { isPack: false })
      .map((f) => f.replaceAll('\\', '/'))
      .filter((f) => f.startsWith('/node_modules/better-sqlite3/prebuilds/'));
    expect(prebuilds).toEqual(['/node_modules/better-sqlite3/prebuilds/linux-x64.node']);
    expect(readdirSync(join(appDir, 'resources', ...UNPACKED_PREBUILDS))).toEqual(['linux-x64.node']);
    expect(log).toContain('better-sqlite3 linux-x64.node unpacked, and no other platform');
  });

  it('ships no Electron code that starts a child process (RunAsNode is off: only utilityProcess works)', () => {
    const shell = listPackage(asar, { isPack: false })
      .map((f) => f.replaceAll('\\', '/'))
      .filter((f) => f.startsWith('/dist/electron/') && f.endsWith('.js'));
    expect(shell).toContain('/dist/electron/server-process/fork-utility.js');
    const forking = shell.filter((f) =>
      /node:child_process|['"]child_process['"]/.test(extractFile(asar, f.slice(1)).toString()),
    );
    expect(forking).toEqual([]);
  });

  it('flips the fuses electron-builder.yml sets in the executable, and leaves the others as they were', () => {
    const fuses = readFuses(readFileSync(join(appDir, 'readerai-classroom')));
    const set = config.electronFuses as Record<string, boolean>;
    FUSES.forEach((name, i) => {
      expect(fuses[name], name).toBe(set[name] ?? DEFAULT_FUSES[i] === '1');
    });
    expect(fuses).toMatchObject({
      runAsNode: false,
      onlyLoadAppFromAsar: true,
      enableNodeOptionsEnvironmentVariable: false,
    });
  });
});
