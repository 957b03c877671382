// The build step that finishes the student app's service worker (renderer/shared/sw-shell.ts):
// the worker keeps exactly the student page's files, and its build id, which names its cache,
// changes whenever any of them does, so an update never serves the old code from the cache.
import { describe, expect, it } from 'vitest';
import { shellFiles, swShell, type OutputFile } from '../../../../renderer/shared/sw-shell.js';

const WORKER = `const BUILD='__READERAI_BUILD__';const SHELL=JSON.parse("__READERAI_SHELL__");`;

function bundle(studentJs = 'assets/student-AAAA.js'): Record<string, OutputFile> {
  return {
    'index.html': { type: 'asset', fileName: 'index.html', source: `<script src="/${studentJs}"></script>` },
    [studentJs]: {
      type: 'chunk',
      fileName: studentJs,
      name: 'student',
      isEntry: true,
      code: '',
      imports: ['assets/socket-BBBB.js'],
      dynamicImports: [],
      viteMetadata: {
        importedCss: new Set(['assets/student-CCCC.css']),
        importedAssets: new Set(['assets/font-DDDD.woff2', 'assets/font-EEEE.woff']),
      },
    },
    'assets/socket-BBBB.js': { type: 'chunk', fileName: 'assets/socket-BBBB.js', name: 'socket', code: '' },
    'assets/student-CCCC.css': {
      type: 'asset',
      fileName: 'assets/student-CCCC.css',
      source: 'body{font-family:x}@font-face{src:url(/assets/font-FFFF.woff2) format("woff2")}',
    },
    'assets/font-DDDD.woff2': { type: 'asset', fileName: 'assets/font-DDDD.woff2', source: new Uint8Array() },
    'assets/font-FFFF.woff2': { type: 'asset', fileName: 'assets/font-FFFF.woff2', source: new Uint8Array() },
    'assets/teacher-GGGG.js': { type: 'chunk', fileName: 'assets/teacher-GGGG.js', name: 'teacher', isEntry: true },
    'sw.js': { type: 'chunk', fileName: 'sw.js', name: 'sw', isEntry: true, code: WORKER },
  };
}

/** Runs the plugin's generateBundle on a bundle; returns the worker's code. */
function finish(b: Record<string, OutputFile>): string {
  const plugin = swShell({ page: 'student', worker: 'sw' });
  const hook = plugin.generateBundle as (this: unknown, options: unknown, output: unknown) => void;
  const errors: string[] = [];
  hook.call({ error: (m: string) => errors.push(m) }, {}, b);
  expect(errors).toEqual([]);
  return b['sw.js']!.code!;
}

describe('sw-shell', () => {
  it("lists the page and the files it loads (woff2 fonts from its styles), not the teacher's", () => {
    expect(shellFiles(bundle(), 'student')).toEqual([
      '/',
      '/assets/font-DDDD.woff2',
      '/assets/font-FFFF.woff2',
      '/assets/socket-BBBB.js',
      '/assets/student-AAAA.js',
      '/assets/student-CCCC.css',
    ]);
  });

  it('writes the list and a build id into the worker; a changed file gives a new id', () => {
    const code = finish(bundle());
    const id = /BUILD='([0-9a-f]{16})'/.exec(code)?.[1];
    expect(id).toBeDefined();
    const shell = JSON.parse(JSON.parse(/JSON\.parse\((".*")\)/.exec(code)![1]!) as string) as string[];
    expect(shell).toContain('/assets/student-AAAA.js');
    expect(code).not.toContain('__READERAI_');

    const updated = finish(bundle('assets/student-ZZZZ.js'));
    expect(/BUILD='([0-9a-f]{16})'/.exec(updated)?.[1]).not.toBe(id);
    expect(finish(bundle())).toBe(code);
  });
});
