import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { findChromium } from './chromium.js';

/**
 * The app icons the web manifest lists, drawn from public/icon.svg by Chromium:
 * `pnpm --filter @harmony/web exec tsx scripts/icons.ts`. The PNGs are committed; run this
 * again after changing the SVG.
 */
const publicDir = join(import.meta.dirname, '..', 'public');
const svg = readFileSync(join(publicDir, 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: findChromium(), args: ['--no-sandbox'] });
const page = await browser.newPage();

async function render(file: string, size: number, maskable: boolean) {
  await page.setViewportSize({ width: size, height: size });
  // A maskable icon fills its square; launchers cut it to their own shape, keeping the middle 80 %.
  const body = maskable
    ? `<div style="width:${size}px;height:${size}px;background:#5865f2;display:grid;place-items:center">
         <div style="width:${size * 0.8}px;height:${size * 0.8}px">${svg}</div></div>`
    : svg;
  await page.setContent(
    `<style>html,body{margin:0;background:transparent}svg{display:block;width:100%;height:100%}</style>
     <div style="width:${size}px;height:${size}px">${body}</div>`,
  );
  writeFileSync(join(publicDir, file), await page.screenshot({ omitBackground: true }));
}

await render('pwa-192.png', 192, false);
await render('pwa-512.png', 512, false);
await render('pwa-maskable-512.png', 512, true);
await render('apple-touch-icon.png', 180, true);
await browser.close();
