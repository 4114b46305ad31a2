import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The suites mostly wait for CLI subprocesses to start; two files at a time use both cores.
    // Each file has its own database prefix (or folder), so they do not meet.
    maxWorkers: 2,
  },
});
