import { defineConfig } from 'vitest/config';

// Three projects: `unit` (test/unit/, pure code, no build, no server process, no browser: seconds,
// `npm run test:unit`), `integration` (the built server, real sockets, real browsers) and `load`
// (the 500-student bench smoke). The load run saturates both cores of a CI machine, and browser
// tests then miss their timeouts, so it runs alone after the others (groupOrder 1). Unit tests
// share threads and modules (no isolation per file): they keep no state in a module, and the tier
// takes half the time.
export default defineConfig({
  test: {
    // Tests start real servers, sockets and browsers; give them room on a shared 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], pool: 'threads', isolate: false } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', 'test/bench-smoke.test.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'load', include: ['test/bench-smoke.test.ts'], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
