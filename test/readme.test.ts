// The docs must match the code: the IT guide's configuration table names every setting, variable
// and flag the server reads; the protocol page names every message type. The README is the front
// door to the pages by reader, so text moved between them must stay reachable: every relative
// link and anchor resolves, and every page's contents list is its headings.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SETTINGS, USAGE } from '../server/config.js';
import { ClientPayloads, ServerPayloads } from '../shared/protocol/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (page: string) => readFileSync(join(ROOT, page), 'utf8');
const DOCS = readdirSync(join(ROOT, 'docs'))
  .filter((file) => file.endsWith('.md'))
  .map((file) => `docs/${file}`);
/** Pages with a contents list; FINDINGS.md is a report, read top to bottom. */
const GUIDES = [...DOCS, 'CONTRIBUTING.md', 'SECURITY.md'];
const PAGES = ['README.md', ...GUIDES, 'bench/FINDINGS.md'];

/** Markdown with fenced blocks and inline code removed: what is left is prose, links and headings. */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, 'code');
}

/** Level-2 and level-3 headings (the contents list itself excepted), with GitHub's anchors. */
function headings(markdown: string): { level: number; anchor: string }[] {
  const seen = new Map<string, number>();
  const out: { level: number; anchor: string }[] = [];
  for (const line of markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '').split('\n')) {
    const m = /^(#{1,6}) (.+)$/.exec(line);
    if (!m) continue;
    const slug = m[2]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    const anchor = n === 0 ? slug : `${slug}-${n}`;
    if (m[2] !== 'Contents') out.push({ level: m[1]!.length, anchor });
  }
  return out;
}

describe('IT guide (docs/it.md)', () => {
  const guide = read('docs/it.md');
  it.each(Object.entries(SETTINGS))('documents the setting %s with its variable, flag and default', (key, spec) => {
    const row = guide.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
    expect(row, `no configuration row for ${key}`).toBeDefined();
    if (spec.env) expect(row).toContain(`\`${spec.env}\``);
    if ('flag' in spec && spec.flag) expect(row).toContain(`\`--${spec.flag}\``);
    if (spec.default !== '' && key !== 'dataDir') expect(row).toContain(`\`${spec.default}\``);
  });
});

describe('Wire protocol (docs/protocol.md)', () => {
  const protocol = read('docs/protocol.md');
  it.each([...Object.keys(ClientPayloads), ...Object.keys(ServerPayloads)])('documents the %s frame', (type) => {
    expect(protocol).toContain(`| \`${type}\` |`);
  });
});

describe('README', () => {
  const readme = read('README.md');
  it('stays under 200 lines', () => {
    expect(readme.split('\n').length).toBeLessThan(200);
  });

  it.each([...DOCS, 'CONTRIBUTING.md', 'SECURITY.md', 'bench/FINDINGS.md'])('links %s', (page) => {
    expect(readme).toContain(`](${page}`);
  });
});

describe('links and contents', () => {
  it.each(PAGES)('every relative link in %s resolves, anchors included', (page) => {
    const links = [...prose(read(page)).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    for (const link of links.filter((l) => !/^[a-z]+:/.test(l))) {
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path === '' ? page : relative(ROOT, join(ROOT, dirname(page), path));
      expect(existsSync(join(ROOT, target)), `${page}: ${link} (no file ${target})`).toBe(true);
      if (anchor !== undefined) {
        const anchors = headings(read(target)).map((h) => h.anchor);
        expect(anchors, `${page}: ${link} (no heading #${anchor} in ${target})`).toContain(anchor);
      }
    }
  });

  // A rebase that leaves "<<<<<<<" in a page still renders, so nothing else would notice it.
  it.each(PAGES)('%s has no merge-conflict markers', (page) => {
    expect(read(page)).not.toMatch(/^(?:<{7}|>{7}|={7})(?: |$)/m);
  });

  it.each(GUIDES)('%s has a contents list naming each of its sections', (page) => {
    const text = read(page);
    const toc = /^## Contents\n\n((?: *- \[.*\]\(#.*\)\n)+)/m.exec(text);
    expect(toc, `${page} has no "## Contents" list`).not.toBeNull();
    const listed = [...toc![1]!.matchAll(/\(#([^)]+)\)/g)].map((m) => m[1]);
    const sections = headings(text)
      .filter((h) => h.level === 2 || h.level === 3)
      .map((h) => h.anchor);
    expect(listed).toEqual(sections);
  });
});

describe('npm run serve', () => {
  it('starts the server with the same Node flags as every other launcher', async () => {
    const { SERVER_NODE_FLAGS } = await import('../server/node-flags.js');
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    // The launcher builds, then runs the server in its own process: the flags are its flags.
    expect(pkg.scripts.serve).toBe(`node ${SERVER_NODE_FLAGS.join(' ')} server/serve.mjs`);
    expect(read('server/serve.mjs')).toContain("await import('../dist/server/main.js')");
  });

  it('prints --help without building first', () => {
    // npm's entry point is somewhere that does not exist: a build would fail, so help that
    // prints and exits 0 was printed without one.
    const run = spawnSync(process.execPath, [join(ROOT, 'server/serve.mjs'), '--help'], {
      env: { ...process.env, npm_execpath: '/nonexistent/npm-cli.js' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${USAGE}\n`);
  });

  it('has a service unit for IT that runs the same, restarts it, and raises the descriptor limit', async () => {
    const { SERVER_NODE_FLAGS } = await import('../server/node-flags.js');
    const unit = read('deploy/readerai-classroom.service');
    const value = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(unit)?.[1];
    expect(value('ExecStart')).toBe(`/usr/bin/node ${SERVER_NODE_FLAGS.join(' ')} dist/server/main.js`);
    expect(value('Restart')).toBe('always');
    expect(Number(value('LimitNOFILE'))).toBeGreaterThanOrEqual(65_536);
    expect(read('docs/it.md')).toContain('deploy/readerai-classroom.service');
  });
});
