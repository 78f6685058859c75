import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // The tests' own servers (HTTP, SMTP, PostgreSQL, MariaDB) listen on loopback, which
    // Junction refuses by default: allowed here, as an administrator would allow an
    // internal system, for the test processes and every Junction they start.
    env: { JUNCTION_OUTBOUND_ALLOW: '127.0.0.0/8,::1' },
    hookTimeout: 60_000,
    // Two cores: test files that start worker processes must not starve each other.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['nodes/src/**/*.test.ts', 'server/src/**/*.test.ts', 'workflows/**/*.test.ts', 'editor/e2e/**/*.test.ts', 'docs/**/*.test.ts', 'scripts/**/*.test.ts'],
          globalSetup: ['server/src/db/testing/global-setup.ts', 'editor/e2e/global-setup.ts'],
          setupFiles: ['server/src/testing/outbound.ts'],
          // What a browser shows can take a moment on a loaded machine: waits give it 10 s.
          expect: { poll: { timeout: 10_000, interval: 50 } },
        },
      },
      // The editor's component and store tests, in happy-dom (see editor/vite.config.ts).
      'editor/vite.config.ts',
      {
        extends: true,
        test: {
          name: 'faults',
          include: ['faults/**/*.test.ts'],
          // After every other project, on its own: the fault suite starts dozens of Junction
          // processes for minutes; beside other tests it would push them past their time limits.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
