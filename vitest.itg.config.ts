import { defineConfig } from 'vitest/config';

// The real-component suite (`npm run test:itg`): a Docker engine, headless Chromium, the SARIF
// Multitool on big logs, the bundled action. Slow by nature; `.ci/run` runs it after the fast one.
export default defineConfig({
  test: {
    include: ['test/**/*.test.itg.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    pool: 'forks',
    setupFiles: ['test/support/cleanTemp.ts'],
    // Two cores: one heavy file at a time keeps the engine and the validator from starving each other.
    maxWorkers: 1,
    coverage: { provider: 'v8', include: ['src/**/*.ts'], reporter: ['text-summary', 'json-summary'], reportsDirectory: 'coverage-itg' },
  },
});
