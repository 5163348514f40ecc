import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Lets the worker read its RPC replies between synchronous tests (see the file).
    setupFiles: ['tests/setup/yield-event-loop.ts'],
    // Says once why the PostgreSQL tests are skipped when DATABASE_URL is unset.
    globalSetup: ['tests/postgres/global-setup.ts'],
    // Machines are shared and have two cores: keep the pool small and timeouts generous,
    // since some tests index real corpora.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    typecheck: {
      enabled: true,
      include: ['tests/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
})
