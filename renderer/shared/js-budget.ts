// A Vite plugin that measures each page's JavaScript as a browser would download it (the entry
// chunk and every chunk it imports, gzipped), prints the figures, and fails the build when a page
// is over its budget. Used by renderer/vite.config.ts:
//
//   jsBudget({ student: 60 * 1024 })   // keys are the rollup input names
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

interface ChunkLike {
  type: 'chunk';
  name: string;
  isEntry: boolean;
  code: string;
  imports: string[];
  dynamicImports: string[];
}

export interface PageWeight {
  page: string;
  files: string[];
  gzipBytes: number;
  budgetBytes: number | undefined;
}

/** gzipped bytes of an entry and everything it loads (static and lazy imports alike). */
export function measurePages(bundle: Record<string, { type: string }>): PageWeight[] {
  const chunks = Object.entries(bundle).filter(
    (e): e is [string, ChunkLike & { type: string }] => e[1].type === 'chunk',
  );
  const byFile = new Map(chunks);
  const out: PageWeight[] = [];
  for (const [file, chunk] of chunks) {
    if (!chunk.isEntry) continue;
    const seen = new Set<string>();
    const visit = (f: string) => {
      if (seen.has(f)) return;
      const c = byFile.get(f);
      if (!c) return;
      seen.add(f);
      for (const i of [...c.imports, ...c.dynamicImports]) visit(i);
    };
    visit(file);
    const gzipBytes = [...seen].reduce((sum, f) => sum + gzipSync(byFile.get(f)!.code, { level: 9 }).length, 0);
    out.push({ page: chunk.name, files: [...seen], gzipBytes, budgetBytes: undefined });
  }
  return out;
}

export function jsBudget(budgets: Record<string, number>): Plugin {
  return {
    name: 'readerai-js-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const w of measurePages(bundle)) {
        const budget = budgets[w.page];
        const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
        const line =
          `[js-budget] ${w.page}: ${kb(w.gzipBytes)} gzipped JavaScript` +
          `${budget ? ` (budget ${kb(budget)})` : ''} in ${w.files.length} file(s)`;
        // Printed on every build so the figure is visible in CI logs, not only when it fails.
        console.log(line);
        if (budget !== undefined && w.gzipBytes > budget)
          this.error(`${line}: over budget by ${kb(w.gzipBytes - budget)}`);
      }
    },
  };
}
