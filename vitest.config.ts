import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['nodes/src/**/*.test.ts', 'server/src/**/*.test.ts', 'workflows/**/*.test.ts'],
    globalSetup: ['server/src/db/testing/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: test files that start worker processes must not starve each other.
    maxWorkers: 2,
  },
});
