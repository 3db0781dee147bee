import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'web/src/**/*.test.ts', 'tests/integration/**/*.test.ts', 'eval/**/*.test.ts'],
    environment: 'node',
    // PGlite boots in ~1s per instance; tests share one per file and create their own tenants.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
