import config from '../playwright.config.js';

/**
 * Chromium as playwright.config.ts launches it, plus fake capture devices and WebRTC over the
 * loopback interface (shared/reference/feasibility.md §10), for the specs that send real media.
 */
export const mediaLaunchOptions = {
  ...config.use?.launchOptions,
  args: [
    ...(config.use?.launchOptions?.args ?? []),
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection',
  ],
};
