import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/setup/globalSetup.ts'],
    // GPU tests share one Vite server; each file drives its own Chromium. Two cores: two workers.
    maxWorkers: 2,
    reporters: ['default', './tests/setup/summaryReporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
