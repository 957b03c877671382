// ESLint: type-aware typescript-eslint over every TypeScript folder. Prettier owns layout (see .prettierrc.json), so
// eslint-config-prettier comes last and turns off any rule that would argue with it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier/flat';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Built, installed, generated or recorded: not ours to lint (test/fixtures holds plain-JS stand-ins, testkit/fixtures
  // recordings and a word list).
  globalIgnores([
    'dist/',
    'node_modules/',
    'bench-results/',
    'test/fixtures/',
    'testkit/fixtures/',
    'release/',
    'data/',
    'test-results/',
  ]),
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // tsconfig.json covers server, shared, electron, renderer, test, testkit, bench and the root *.ts configs;
        // this file is plain JS outside it.
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Numbers, and null/undefined in error texts (an exit code, a pid), print as meant in templates and with '+'.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowNullish: true }],
      '@typescript-eslint/restrict-plus-operands': ['error', { allowNumberAndString: true }],
      // JSX handlers run through act(), which reports a failure to the teacher: an async onClick loses nothing.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      // Same convention as tsc's noUnusedParameters: a leading underscore marks a name kept for its position.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // ws hands text frames over as Buffers (binaryType 'nodebuffer'); its RawData type also names ArrayBuffer.
      '@typescript-eslint/no-base-to-string': [
        'error',
        { ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', 'ArrayBuffer'] },
      ],
      // Off, each because it would mean a wide rewrite of code that is right as written:
      // ~240 `!` after indexes already bounds-checked (noUncheckedIndexedAccess makes them necessary).
      '@typescript-eslint/no-non-null-assertion': 'off',
      // ~230 `() => void x` and `(x) => f(x)` shorthands in handlers and callbacks.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // Declared types are trusted at the edges (wire frames, IPC, afterAll after a failed beforeAll), and narrowing
      // ignores awaits (`cancelled.aborted` changes while a call is pending): mostly false alarms here.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Fastify plugins, hooks and handlers are async by contract even when they await nothing.
      '@typescript-eslint/require-await': 'off',
      // Callbacks passed around (log.line, dictation.toggle, api.*) are closures declared with method syntax; none
      // uses `this`.
      '@typescript-eslint/unbound-method': 'off',
      // Settings layers are records keyed by setting name: deleting a key is how a layer forgets it.
      '@typescript-eslint/no-dynamic-delete': 'off',
      // The IPC channel map (electron/ipc/channels.ts) spells a channel with no reply as `result: void`.
      '@typescript-eslint/no-invalid-void-type': 'off',
      // @fastify/websocket hands over ws's WebSocket through its own declaration of the class.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // Typed fetch helpers (teacherApi<T>) name the reply's type at the call site.
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
    },
  },
  {
    // Electron 45 deprecates the synchronous safeStorage calls; moving to the async ones is a change of its own.
    files: ['electron/setup/secret-store.ts'],
    rules: { '@typescript-eslint/no-deprecated': 'off' },
  },
  {
    // `npm run serve`'s launcher: plain JS that Node runs before anything is compiled, outside every tsconfig.
    files: ['server/serve.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['test/**'],
    rules: {
      // vitest types its asymmetric matchers (expect.any, expect.stringMatching, ...) as any.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  prettier,
  {
    rules: {
      // Prettier cannot break a long string or template; this catches what it leaves (same width as .prettierrc.json).
      'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
);
