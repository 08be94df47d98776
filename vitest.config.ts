import { defineConfig } from 'vitest/config';

/**
 * One `vitest run` runs everything: fast unit/integration tests in parallel, then the real-browser
 * end-to-end tests one file at a time (each starts Chromium and the real API server).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // a throwaway PostgreSQL for the server tests' PostgreSQL variants
          globalSetup: ['test/helpers/pg-global-setup.ts'],
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: ['test/e2e/**', '**/node_modules/**'],
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          // the presence test's two API processes share one PostgreSQL
          globalSetup: ['test/helpers/pg-global-setup.ts'],
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
