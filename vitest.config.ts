import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['./packages/db/src/testing/global-setup.ts'],
    projects: ['packages/*', 'apps/*', 'db_schema'],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
