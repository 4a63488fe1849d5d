import { defineConfig } from 'vitest/config';

// The fast suite (`npm test`): unit and small integration tests, no Docker, no browser, no big
// logs. The real-component suite is vitest.itg.config.ts (`npm run test:itg`).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['test/support/cleanTemp.ts'],
    // GitHub's workflow parser imports its JSON schema without an import attribute, as bundlers allow: let vite load it.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
    coverage: { provider: 'v8', include: ['src/**/*.ts'], reporter: ['text-summary', 'json-summary'], reportsDirectory: 'coverage' },
  },
});
