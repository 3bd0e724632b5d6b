import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/**
 * Two complete Harmony instances on one machine for federation.spec.ts: each its own
 * database, stack, apps/server and web origin, A on 127.0.0.1 and B on 127.0.0.2. Ports come
 * from the environment (A: E2E_WEB_PORT…, B: E2E_B_WEB_PORT…) with defaults apart from the
 * main suite's, so both configs can run on one machine.
 */
const instances = {
  a: {
    host: process.env.E2E_WEB_HOST ?? '127.0.0.1',
    web: process.env.E2E_WEB_PORT ?? '5221',
    stack: process.env.E2E_STACK_PORT ?? '54421',
    control: process.env.E2E_CONTROL_PORT ?? '5220',
    previewSite: process.env.E2E_PREVIEW_SITE_PORT ?? '5222',
  },
  b: {
    host: process.env.E2E_B_WEB_HOST ?? '127.0.0.2',
    web: process.env.E2E_B_WEB_PORT ?? '5231',
    stack: process.env.E2E_B_STACK_PORT ?? '54431',
    control: process.env.E2E_B_CONTROL_PORT ?? '5230',
    previewSite: process.env.E2E_B_PREVIEW_SITE_PORT ?? '5232',
  },
};
type Instance = (typeof instances)['a'];
const origin = (instance: Instance) => `http://${instance.host}:${instance.web}`;

// What the spec and e2e/helpers.ts read (the test workers inherit this environment).
Object.assign(process.env, {
  E2E_CONTROL_PORT: instances.a.control,
  E2E_B_ORIGIN: origin(instances.b),
  E2E_B_CONTROL_PORT: instances.b.control,
});

const server = (instance: Instance) => ({
  command: 'tsx scripts/e2e-server.ts',
  url: origin(instance),
  timeout: 180_000,
  reuseExistingServer: false,
  stdout: 'pipe' as const,
  stderr: 'pipe' as const,
  env: {
    E2E_WEB_HOST: instance.host,
    E2E_WEB_PORT: instance.web,
    E2E_STACK_PORT: instance.stack,
    E2E_CONTROL_PORT: instance.control,
    E2E_PREVIEW_SITE_PORT: instance.previewSite,
    FEDERATION_ORIGIN: origin(instance),
    // Only here: both instances live on loopback addresses over plain http.
    FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
  },
});

export default defineConfig({
  ...base,
  testDir: './e2e',
  // One test of its own, not the main suite's projects.
  projects: undefined,
  testIgnore: [],
  testMatch: 'federation.spec.ts',
  use: { ...base.use, baseURL: origin(instances.a) },
  webServer: [server(instances.a), server(instances.b)],
});
