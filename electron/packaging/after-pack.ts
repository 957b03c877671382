// electron-builder afterPack hook (electron-builder.yml): after the app is laid out and before it
// is signed, put the Electron-ABI build of better-sqlite3 in place of the Node build that was
// copied from node_modules. electron-builder's own rebuild (npmRebuild) is off because it rebuilds
// the project's node_modules in place, which would break the Node build that tests and the
// headless server use. READERAI_ELECTRON_SQLITE_BINDING may name a ready-made Electron-ABI addon
// (a CI step that built it, or the offline packaging test); otherwise it is built here.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import electronBuilder, { type AfterPackContext } from 'electron-builder';
import { buildElectronSqlite, installedElectronVersion } from '../native/sqlite-electron.js';

export const UNPACKED_ADDON = [
  'app.asar.unpacked',
  'node_modules',
  'better-sqlite3',
  'build',
  'Release',
  'better_sqlite3.node',
];

export default async function afterPack(context: AfterPackContext): Promise<void> {
  const { packager } = context;
  const target = join(packager.getResourcesDir(context.appOutDir), ...UNPACKED_ADDON);
  if (!existsSync(target)) {
    throw new Error(`better-sqlite3's addon is not unpacked at ${target}: check asarUnpack in electron-builder.yml.`);
  }
  const arch = electronBuilder.Arch[context.arch];
  if (arch === 'universal') throw new Error('Universal macOS builds are not supported; build x64 and arm64.');
  const electronVersion = packager.config.electronVersion ?? installedElectronVersion(packager.projectDir);
  if (!electronVersion) throw new Error('Cannot tell which Electron version is being packaged.');
  const platform = (
    context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName
  ) as NodeJS.Platform;
  const source =
    process.env.READERAI_ELECTRON_SQLITE_BINDING ||
    (await buildElectronSqlite(packager.projectDir, { electronVersion, platform, arch }));
  copyFileSync(source, target);
  console.log(`  • better-sqlite3 for Electron ${electronVersion} ${platform}-${arch} ← ${source}`);
}
