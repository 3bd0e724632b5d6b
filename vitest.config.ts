import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['./packages/db/src/testing/global-setup.ts'],
    projects: ['packages/*', 'apps/*', 'db_schema'],
    // Most test time waits on PostgreSQL and timers, not on the workers' CPU: three workers on
    // 2 cores finish the suite in ~2.3 instead of ~5.2 minutes (one worker per core).
    maxWorkers: Math.round(availableParallelism() * 1.5),
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
