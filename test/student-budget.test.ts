// The student app's JavaScript budget (60 KB gzipped, issue 4), measured on the built files the
// server sends: the page's module script and every module it preloads. The build checks the same
// budget (renderer/shared/js-budget.ts); this test also holds when someone builds without it.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../dist/renderer/', import.meta.url));
const BUDGET = 60 * 1024;

it('student app JavaScript is within 60 KB gzipped', () => {
  const html = readFileSync(join(ROOT, 'index.html'), 'utf8');
  const scripts = [
    ...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ].map((m) => m[1]!);
  expect(scripts.length).toBeGreaterThan(0);
  // Lazily imported chunks count too: follow import("./x.js") and static imports between chunks.
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const code = readFileSync(join(ROOT, path), 'utf8');
    for (const m of code.matchAll(/(?:from|import)\s*\(?\s*["']\.\/([^"']+\.js)["']/g)) visit(join('assets', m[1]!));
  };
  for (const s of scripts) visit(s.replace(/^\//, ''));
  const bytes = [...seen].reduce((sum, f) => sum + gzipSync(readFileSync(join(ROOT, f)), { level: 9 }).length, 0);
  console.log(
    `student app: ${(bytes / 1024).toFixed(1)} KB gzipped JavaScript in ${seen.size} file(s) ` +
      `(budget ${BUDGET / 1024} KB)`,
  );
  expect(bytes).toBeLessThanOrEqual(BUDGET);
});
