// Builds both web apps into dist/renderer, served by the embedded server:
//   index.html          the student tablet app (/ and /join?code=...)
//   teacher/index.html  the teacher dashboard (/teacher/)
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: false,
  build: {
    outDir: here('../dist/renderer'),
    emptyOutDir: true,
    // Cheap classroom tablets and older Chromebooks run browsers a few years old.
    target: ['chrome87', 'safari14', 'firefox78'],
    rollupOptions: {
      input: {
        student: here('index.html'),
        teacher: here('teacher/index.html'),
      },
    },
  },
});
