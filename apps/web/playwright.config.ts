import { defineConfig } from '@playwright/test';
import { findChromium } from './scripts/chromium';

// Ports come from the environment (E2E_WEB_PORT, E2E_STACK_PORT, E2E_CONTROL_PORT) so two runs can share a machine.
const webPort = Number(process.env.E2E_WEB_PORT ?? 5199);

/**
 * Specs that restart the shared stack, or send media between three browsers, run after the
 * others. One worker: two at a time saved ~2 of 12 minutes but made live-delivery timings
 * flaky on 2 loaded cores (moderation.spec's live report queue, once in three full runs).
 */
const ALONE = [
  'chat.spec.ts',
  'live-delivery.spec.ts',
  'profile-live.spec.ts',
  'dm-call.spec.ts',
  'group-call.spec.ts',
];
/** Two instances of its own: playwright.federation.config.ts. */
const FEDERATION = 'federation.spec.ts';

/** Debian's Chromium, with the flags this closed-network machine needs. */
export default defineConfig({
  testDir: './e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  workers: 1,
  projects: [
    { name: 'shared', testIgnore: [FEDERATION, ...ALONE] },
    { name: 'alone', testMatch: ALONE, dependencies: ['shared'] },
  ],
  reporter: [['list'], ['./e2e/summary-reporter.ts']],
  outputDir: './test-results',
  use: {
    baseURL: `http://127.0.0.1:${webPort}`,
    browserName: 'chromium',
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: findChromium() ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    command: 'tsx scripts/e2e-server.ts',
    url: `http://127.0.0.1:${webPort}`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
