import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { createGuild, openChannel, shot, signUp } from './helpers.js';

// The local site the pages come from: the e2e server lets apps/server's outbound guard reach
// 127.0.0.1 on this port only (OUTBOUND_ALLOWED_HOSTS in scripts/e2e-server.ts).
const SITE_PORT = Number(process.env.E2E_PREVIEW_SITE_PORT ?? 5197);
const SITE = `http://127.0.0.1:${SITE_PORT}`;
const LIVE = { timeout: 20_000 };
// A reload on a loaded shared machine: names and messages may take a while.
const RELOADED = { timeout: 30_000 };

const ARTICLE = `<!doctype html><html><head><title>Fallback</title>
<meta property="og:type" content="article">
<meta property="og:title" content="Harmony ships link previews">
<meta property="og:description" content="Pages linked in chat now show a card with their title, summary and picture.">
<meta property="og:site_name" content="Harmony News">
<meta property="og:image" content="/cover.png">
<meta name="theme-color" content="#57f287">
</head><body>Article</body></html>`;

let site: Server;
const siteRequests: { path: string; headers: IncomingHttpHeaders }[] = [];

test.beforeAll(async () => {
  const cover = readFileSync(join(import.meta.dirname, '..', 'public', 'pwa-512.png'));
  site = createServer((req, res) => {
    siteRequests.push({ path: req.url ?? '', headers: req.headers });
    if (req.url === '/article') res.writeHead(200, { 'content-type': 'text/html' }).end(ARTICLE);
    else if (req.url === '/cover.png') res.writeHead(200, { 'content-type': 'image/png' }).end(cover);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => site.listen(SITE_PORT, '127.0.0.1', resolve));
});
test.afterAll(async () => {
  await new Promise((resolve) => site?.close(resolve));
});

test('a link preview appears live for both members, images come from our server, the author removes it for everyone', async ({
  browser,
}) => {
  test.setTimeout(120_000); // two sign-ups, a background fetch, two reloads and an axe audit on a shared machine
  const ada = await signUp(browser, 'link');
  const bob = await signUp(browser, 'linkbob');
  const guild = await createGuild(ada, 'Link Guild', [bob]);
  await openChannel(ada, guild, 'general');
  await openChannel(bob, guild, 'general');
  // Nobody's browser ever talks to the linked site.
  const browserHits: string[] = [];
  for (const person of [ada, bob]) {
    person.page.on('request', (request) => {
      if (request.url().startsWith(SITE)) browserHits.push(request.url());
    });
  }

  const link = `${SITE}/article`;
  await ada.page.getByLabel('Message #general').fill(`Read this: ${link}`);
  await ada.page.getByLabel('Message #general').press('Enter');

  const name = `${ada.username}: Read this: ${link}`;
  for (const person of [ada, bob]) {
    const embed = person.page.getByRole('article', { name }).getByTestId('link-embed');
    await expect(embed).toBeVisible(LIVE);
    await expect(embed.getByRole('link', { name: 'Harmony ships link previews' })).toHaveAttribute(
      'href',
      link,
    );
    await expect(embed).toContainText('Harmony News');
    await expect(embed).toContainText('Pages linked in chat now show a card');
    const image = embed.locator('img');
    await expect(image).toHaveAttribute('src', /^\/api\/media\/previews\/[0-9a-f-]{36}$/);
    await expect(image).toHaveAttribute('width', '512');
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(512);
  }
  // Only Ada, the author, may remove it.
  const bobEmbed = bob.page.getByRole('article', { name }).getByTestId('link-embed');
  await expect(bobEmbed.getByRole('button', { name: 'Remove link previews' })).toHaveCount(0);
  await shot(bob.page, 'link-previews-embed');
  const { violations } = await new AxeBuilder({ page: bob.page })
    .include('[data-testid="link-embed"]')
    .analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

  // Bob turns previews off for himself (User settings → Link previews); Ada still sees hers.
  await bob.page.getByRole('button', { name: 'User settings' }).click();
  const settings = bob.page.getByRole('dialog', { name: 'User settings' });
  const toggle = settings.getByRole('checkbox', { name: 'Show previews of links posted in chat' });
  await expect(toggle).toBeChecked();
  await toggle.uncheck();
  await expect(toggle).not.toBeChecked();
  await bob.page.keyboard.press('Escape');
  await expect(bobEmbed).toHaveCount(0);
  await bob.page.reload();
  await expect(bob.page.getByRole('article', { name })).toBeVisible(RELOADED);
  await expect(bobEmbed).toHaveCount(0);
  await bob.page.getByRole('button', { name: 'User settings' }).click();
  await toggle.check();
  await bob.page.keyboard.press('Escape');
  await expect(bobEmbed).toBeVisible();

  const adaEmbed = ada.page.getByRole('article', { name }).getByTestId('link-embed');
  await adaEmbed.hover();
  await adaEmbed.getByRole('button', { name: 'Remove link previews' }).click();
  await expect(bobEmbed).toHaveCount(0, LIVE);
  await expect(adaEmbed).toHaveCount(0);

  // After a reload the message is there, still without its preview.
  await bob.page.reload();
  await expect(bob.page.getByRole('article', { name })).toBeVisible(RELOADED);
  await expect(bob.page.getByRole('article', { name }).getByTestId('link-embed')).toHaveCount(0);
  await shot(bob.page, 'link-previews-removed');

  expect(browserHits).toEqual([]);
  expect(siteRequests.map((r) => r.path).sort()).toEqual(['/article', '/cover.png']);
  for (const request of siteRequests) expect(request.headers['user-agent']).toMatch(/HarmonyLinkPreview/);
  expect(ada.failures).toEqual([]);
  expect(bob.failures).toEqual([]);
});
