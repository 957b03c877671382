// A Vite plugin that finishes the student app's service worker (renderer/student/offline/sw.ts):
// once the bundle is known it writes into the worker the list of files the student page needs (the
// page, its scripts and styles, and the fonts those styles use) and a build id hashed from them,
// so every build that changes the app gets a new worker and a new cache. Used by
// renderer/vite.config.ts:
//
//   swShell({ page: 'student', worker: 'sw' })   // rollup input names
import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';

/** The parts of a Rollup output file used here. */
export interface OutputFile {
  type: 'chunk' | 'asset';
  fileName: string;
  name?: string;
  isEntry?: boolean;
  code?: string;
  source?: string | Uint8Array;
  imports?: string[];
  dynamicImports?: string[];
  viteMetadata?: { importedCss: Set<string>; importedAssets: Set<string> };
}

/** Fonts named in a style sheet (Vite also lists them among a chunk's imported assets). */
const FONT_URL = /url\(\s*["']?\/(assets\/[^"')]+\.woff2)["']?\s*\)/g;

/** The page's own files, as absolute paths, the page first. */
export function shellFiles(bundle: Record<string, OutputFile>, page: string): string[] {
  const entry = Object.values(bundle).find((f) => f.type === 'chunk' && f.isEntry && f.name === page);
  if (!entry) throw new Error(`sw-shell: no entry chunk named "${page}"`);
  const files = new Set<string>();
  const visit = (fileName: string) => {
    const f = bundle[fileName];
    // .woff is the fallback for browsers without woff2, none of which has service workers.
    if (!f || files.has(fileName) || fileName.endsWith('.woff')) return;
    files.add(fileName);
    for (const next of [
      ...(f.imports ?? []),
      ...(f.dynamicImports ?? []),
      ...(f.viteMetadata?.importedCss ?? []),
      ...(f.viteMetadata?.importedAssets ?? []),
    ])
      visit(next);
    if (fileName.endsWith('.css')) {
      const css = typeof f.source === 'string' ? f.source : new TextDecoder().decode(f.source);
      for (const m of css.matchAll(FONT_URL)) visit(m[1]!);
    }
  };
  visit(entry.fileName);
  return ['/', ...[...files].sort().map((f) => `/${f}`)];
}

export function swShell(o: { page: string; worker: string }): Plugin {
  return {
    name: 'readerai-sw-shell',
    apply: 'build',
    // After Vite's own plugins, which add the HTML pages to the bundle.
    enforce: 'post',
    generateBundle(_options, output) {
      const bundle = output as unknown as Record<string, OutputFile>;
      const shell = shellFiles(bundle, o.page);
      const html = bundle['index.html'];
      if (!html?.source) return this.error('sw-shell: the student page (index.html) is not in the bundle yet');
      // The page is not hashed by name, so its text goes into the id too.
      const build = createHash('sha256').update(JSON.stringify(shell)).update(html.source).digest('hex').slice(0, 16);
      const sw = Object.values(bundle).find((f) => f.type === 'chunk' && f.isEntry && f.name === o.worker);
      if (!sw?.code) return this.error(`sw-shell: no worker chunk named "${o.worker}"`);
      const code = sw.code
        .replace('__READERAI_BUILD__', build)
        .replace(/(["'`])__READERAI_SHELL__\1/, JSON.stringify(JSON.stringify(shell)));
      if (code.includes('__READERAI_')) return this.error('sw-shell: the worker has placeholders left');
      sw.code = code;
      console.log(`[sw-shell] build ${build}: ${shell.length} file(s) kept for offline reload`);
    },
  };
}
