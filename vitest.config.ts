import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
    // Loads jest-dom and Testing Library's cleanup only in files that run under jsdom.
    setupFiles: ['test/support/dom-setup.ts'],
    projects: [
      { extends: true, test: { name: 'pglite', include: ['test/**/*.test.{ts,tsx}'] } },
      // Given a PostgreSQL server to create databases on (CI starts one), the tests of a whole hub
      // run again with the hub on PostgreSQL (see startTestHub); the embedded store's own tests do not.
      ...(process.env.TEST_DATABASE_URL
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: ['test/integration/**/*.test.ts', 'test/reliability/exactly-once.test.ts'],
                // These do not start a hub through startTestHub: the embedded store's own tests, the CLI's (a data folder), and the demo hub's.
                exclude: ['autovacuum', 'embedded-store', 'webhook-deliverer', 'cli', 'product-cli', 'demo-bot', 'demo-platforms', 'platform-cli'].map((name) => `test/integration/${name}.test.ts`),
                env: { BATON_TEST_STORE: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
