import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Real servers, real bundles: starting a worker (webpack bundle) takes seconds on two cores.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    projects: [
      { extends: true, test: { name: 'suite', include: ['test/**/*.test.{ts,tsx}'], exclude: ['test/clock-ahead.test.ts', 'test/cluster/**'], globalSetup: ['test/global-setup.ts'] } },
      // The pure, date-heavy tests again with the clock moved a year ahead (see test/calendar-dates.test.ts).
      { extends: true, test: { name: 'clock+1y', include: ['test/domain-*.test.ts', 'test/public-holidays.test.ts', 'test/clock-ahead.test.ts'], setupFiles: ['test/support/clock-ahead.ts'] } },
      // Against a real Temporal server built from Go modules (PostgreSQL persistence, SQL visibility): see test/cluster/global-setup.ts.
      { extends: true, test: { name: 'cluster', include: ['test/cluster/**/*.test.ts'], globalSetup: ['test/cluster/global-setup.ts'] } },
    ],
  },
});
