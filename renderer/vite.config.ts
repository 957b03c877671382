// Builds the three web apps into dist/renderer, served by the embedded server:
//   index.html          the student tablet app (/ and /join?code=...)
//   teacher/index.html  the teacher dashboard (/teacher/)
//   admin/index.html    IT's school view (/admin/, this machine only)
//   sw.js               the student app's service worker (offline reload over HTTPS), at the root
//                       so its scope is the whole site, and not hashed so browsers find updates
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { jsBudget } from './shared/js-budget.js';
import { swShell } from './shared/sw-shell.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: false,
  // Preact's automatic JSX runtime (tsconfig says the same for type-checking).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // The student app must stay light for cheap tablets on busy school Wi-Fi (issue 4).
  plugins: [jsBudget({ student: 60 * 1024 }), swShell({ page: 'student', worker: 'sw' })],
  build: {
    outDir: here('../dist/renderer'),
    emptyOutDir: true,
    // Cheap classroom tablets and older Chromebooks run browsers a few years old.
    target: ['chrome87', 'safari14', 'firefox78'],
    rolldownOptions: {
      input: {
        student: here('index.html'),
        teacher: here('teacher/index.html'),
        admin: here('admin/index.html'),
        sw: here('student/offline/sw.ts'),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
});
