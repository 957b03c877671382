// electron-builder afterPack hook (electron-builder.yml): after the app is laid out and before the
// fuses are flipped and it is signed, check that better-sqlite3's addon for the package's own
// platform and arch is unpacked beside app.asar, and that it is the only one. better-sqlite3 13 is
// a Node-API addon with one prebuilt binary per platform-arch in its prebuilds/ folder, loaded by
// Node and Electron alike; a `files` rule keeps the others out. That rule knows only the building
// machine's platform, and a target without a prebuilt binary (ia32, armv7l, universal) would install
// and then fail at the first start: so a cross build or such a target stops here instead.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import electronBuilder, { type AfterPackContext } from 'electron-builder';

export const UNPACKED_PREBUILDS = ['app.asar.unpacked', 'node_modules', 'better-sqlite3', 'prebuilds'];

/** The prebuilt binary better-sqlite3 loads on this target (its lib/binding.js naming). */
export function prebuildName(electronPlatformName: string, arch: string): string {
  const platform = electronPlatformName === 'mas' ? 'darwin' : electronPlatformName;
  return `${platform}-${arch}.node`;
}

export default function afterPack(context: AfterPackContext): void {
  const dir = join(context.packager.getResourcesDir(context.appOutDir), ...UNPACKED_PREBUILDS);
  const wanted = prebuildName(context.electronPlatformName, electronBuilder.Arch[context.arch]);
  const present = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.node')) : [];
  if (!present.includes(wanted)) {
    throw new Error(
      `better-sqlite3 has no binary for this target: ${join(dir, wanted)} is missing ` +
        `(found: ${present.join(', ') || 'none'}). Build on the target operating system, for an arch ` +
        'better-sqlite3 ships a prebuild for, and check asarUnpack and files in electron-builder.yml.',
    );
  }
  const others = present.filter((f) => f !== wanted);
  if (others.length > 0) {
    throw new Error(
      `${dir} holds other platforms' binaries besides ${wanted}: ${others.join(', ')}. ` +
        'Check the files rules in electron-builder.yml.',
    );
  }
  console.log(`  • better-sqlite3 ${wanted} unpacked, and no other platform's binary`);
}
