import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
    // Loads jest-dom and Testing Library's cleanup only in files that run under jsdom.
    setupFiles: ['test/support/dom-setup.ts'],
  },
});
