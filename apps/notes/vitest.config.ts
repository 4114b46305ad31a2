import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The end-to-end files start servers and the CLI against one MariaDB; one file at a time.
    fileParallelism: false,
  },
});
