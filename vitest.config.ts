import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One temporary folder per run, removed at its end (test/support/temp-root.ts).
    globalSetup: ['test/support/temp-root.ts'],
    // PGlite boots a WASM Postgres per test file; give slow CI machines room.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more forks than that only thrash.
    maxWorkers: 2,
  },
});
