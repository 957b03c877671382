// `npm run serve [-- flags]`: builds the project, then runs the server in this same process (so the
// Node flags in package.json apply to it and Ctrl-C or SIGTERM reach it directly, with no wrapper
// in between). `--help` prints the flags without building first: the table is read from the
// TypeScript source with tsx, which is quick, instead of waiting for a full build.
// Plain JavaScript because it runs before anything is compiled.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);

if (args.includes('--help')) {
  const { tsImport } = await import('tsx/esm/api');
  const { USAGE } = await tsImport('./config.ts', import.meta.url);
  console.log(USAGE);
  process.exit(0);
}

// npm tells its scripts where its own entry point is; that runs the same on every platform
// (a bare `npm` needs a shell on Windows).
const npm = process.env.npm_execpath;
const build = npm
  ? spawnSync(process.execPath, [npm, 'run', 'build'], { stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
if (build.status !== 0) {
  console.error(build.error ? `The build could not run: ${build.error.message}` : 'The build failed (see above).');
  process.exit(build.status ?? 1);
}
await import('../dist/server/main.js');
