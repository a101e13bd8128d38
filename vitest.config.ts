import { configDefaults, defineConfig } from 'vitest/config';

/** Tests of several hubs sharing one PostgreSQL. */
const MULTI_HUB = ['test/integration/multi-hub.test.ts', 'test/reliability/failover.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
    // Loads jest-dom and Testing Library's cleanup only in files that run under jsdom.
    setupFiles: ['test/support/dom-setup.ts'],
    projects: [
      // Several hubs need a PostgreSQL to share: the multi-hub tests run only in the `postgres` project.
      { extends: true, test: { name: 'pglite', include: ['test/**/*.test.{ts,tsx}'], exclude: [...configDefaults.exclude, ...MULTI_HUB] } },
      // Given a PostgreSQL server to create databases on (CI starts one), the tests of a whole hub
      // run again with the hub on PostgreSQL (see startTestHub); the embedded store's own tests do not.
      ...(process.env.TEST_DATABASE_URL
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: ['test/integration/**/*.test.ts', 'test/reliability/exactly-once.test.ts', ...MULTI_HUB],
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
