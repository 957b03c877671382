// The readability of the offline dictionary's meanings (testkit/meanings.ts), printed for this tree
// and, with --ref, for the dictionary at a git commit (e.g. before a change).
//
//   npx tsx bench/meanings.ts              the dictionary in this tree
//   npx tsx bench/meanings.ts --ref main   also the one at a git commit
//   ... --rows                             every word's meaning (both, with --ref)
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measure, type Define, type Measured, type Summary } from '../testkit/meanings.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

type DictionaryModule = { OfflineDictionary: new () => { define: Define; close(): Promise<void> } };

async function measureModule(mod: DictionaryModule): Promise<{ rows: Measured[]; summary: Summary }> {
  const dictionary = new mod.OfflineDictionary();
  try {
    return await measure((w, p, s) => dictionary.define(w, p, s));
  } finally {
    await dictionary.close();
  }
}

/** The server/llm folder at a commit, copied beside this tree (gitignored) so its imports resolve. */
async function atCommit(ref: string): Promise<DictionaryModule> {
  const dir = join(ROOT, `.readerai-ref-${ref.replace(/[^\w.-]/g, '_')}`);
  rmSync(dir, { recursive: true, force: true });
  const git = (...args: string[]) => execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' });
  for (const path of git('ls-tree', '-r', '--name-only', ref, 'server/llm', 'shared').split('\n').filter(Boolean)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), git('show', `${ref}:${path}`));
  }
  return (await import(pathToFileURL(join(dir, 'server/llm/wordnet.ts')).href)) as DictionaryModule;
}

function report(label: string, s: Summary): void {
  console.log(
    `${label}: ${s.defined}/${s.words} defined; median grade ${s.medianGrade}; median length ${s.medianLength} ` +
      `characters (longest ${s.maxLength}); ${s.withHardWords} with a word outside Dale-Chall; ` +
      `${s.withQuotes} with quotation marks`,
  );
}

async function main(): Promise<void> {
  const refAt = process.argv.indexOf('--ref');
  const ref = refAt > 0 ? process.argv[refAt + 1] : undefined;
  const now = await measureModule(await import('../server/llm/wordnet.js'));
  if (ref) {
    const before = await measureModule(await atCommit(ref));
    report(`at ${ref}`, before.summary);
    if (process.argv.includes('--rows'))
      for (const [i, r] of now.rows.entries())
        console.log(`${r.word}\n  was: ${before.rows[i]?.text}\n  now: ${r.text}`);
  } else if (process.argv.includes('--rows')) {
    for (const r of now.rows) console.log(`${r.word} (${r.grade.toFixed(1)}): ${r.text}`);
  }
  report('this tree', now.summary);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
