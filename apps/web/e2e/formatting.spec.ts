import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { createGuild, openChannel, shot, signUp } from './helpers.js';

const LIVE = { timeout: 15_000 };
/** 2021-04-20 12:00 UTC: 21:00 in Tokyo, where Bob's browser is. */
const NOON = 1618920000;

/** Bob reads in Tokyo (the machine runs on UTC): timestamps follow the viewer's time zone. */
async function inTokyo(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Asia/Tokyo' });
}

/** What Bob must see of Ada's message, live and after a reload. */
async function expectFormatted(page: Page) {
  const message = page.getByRole('article', { name: /Release notes/ });
  await expect(message.getByRole('heading', { level: 1, name: 'Release notes' })).toBeVisible(LIVE);
  await expect(message.locator('small.md-subtext')).toHaveText('posted with care');
  await expect(message.locator('blockquote.md-quote strong')).toHaveText('bold');
  await expect(message.locator('ul.md-list > li > ul.md-list > li')).toHaveText('nested');
  await expect(message.locator('ol.md-list > li')).toHaveText(['one', 'two']);
  await expect(message.locator('code').filter({ hasText: /^inline$/ })).toBeVisible();
  const docs = message.getByRole('link', { name: 'the docs' });
  await expect(docs).toHaveAttribute('href', 'https://example.com/docs');
  await expect(docs).toHaveAttribute('title', 'https://example.com/docs');

  // Timestamps: a date in the viewer's locale and zone, the full date as tooltip, never the raw token.
  const date = message.locator('time.md-timestamp').first();
  await expect(date).toHaveText('April 20, 2021');
  await expect(date).toHaveAttribute('title', /^Tuesday, April 20, 2021 at 9:00\sPM$/);
  await expect(message).not.toContainText('<t:');

  // The code block's tokens are coloured by the lazily loaded highlighter.
  const keyword = message.locator('pre.md-codeblock code.hljs .hljs-keyword').first();
  await expect(keyword).toHaveText('const', LIVE);
  const [keywordColour, plainColour] = await keyword.evaluate((el) => [
    getComputedStyle(el).color,
    getComputedStyle(el.closest('code') as Element).color,
  ]);
  expect(keywordColour).not.toBe(plainColour);
  await expect(message.locator('.hljs-comment')).toHaveText('// the answer');

  // Spoilers start hidden: a button, their text out of reach.
  await expect(message.getByRole('button', { name: 'Spoiler, press to reveal' })).toHaveCount(2);
  await expect(message.getByText('forty-two')).toHaveCSS('opacity', '0');
}

test('Bob sees each of Ada’s formatting constructs rendered live and after a reload', async ({ browser }) => {
  test.setTimeout(90_000); // two sign-ups, a reload and an axe audit on a shared machine
  const ada = await signUp(browser, 'fmt');
  const bob = await signUp(browser, 'fmtbob');
  const guild = await createGuild(ada, 'Format Guild', [bob]);
  await inTokyo(bob.page);
  await openChannel(ada, guild, 'general');
  await openChannel(bob, guild, 'general');

  const soon = Math.floor(Date.now() / 1000) - 3;
  const composer = ada.page.getByLabel('Message #general');
  await composer.fill(
    [
      '# Release notes',
      '-# posted with care',
      '> a quoted **bold** line',
      '- first',
      '  - nested',
      '1. one',
      '2. two',
      `read [the docs](https://example.com/docs) before <t:${NOON}:D>, sent <t:${soon}:R>`,
      'the answer is ||forty-two|| (||the butler did it||) and `inline` code',
      '```js',
      'const answer = 42; // the answer',
      '```',
    ].join('\n'),
  );
  await composer.press('Enter');
  await expect(ada.page.getByRole('article', { name: /^Sending: # Release notes/ })).toHaveCount(0, LIVE);

  await expectFormatted(bob.page);
  const message = bob.page.getByRole('article', { name: /Release notes/ });

  // The relative timestamp keeps counting while shown.
  const relative = message.locator('time.md-timestamp').nth(1);
  await expect(relative).toHaveText(/^\d+ seconds ago$/);
  const first = await relative.textContent();
  await expect(relative).not.toHaveText(first ?? '', LIVE);

  // One spoiler revealed by a click, the other from the keyboard.
  const spoilers = message.getByRole('button', { name: 'Spoiler, press to reveal' });
  await spoilers.first().click();
  await expect(message.locator('.md-spoiler.shown')).toHaveText('forty-two');
  await expect(message.getByText('forty-two')).toHaveCSS('opacity', '1');
  await spoilers.first().focus();
  await bob.page.keyboard.press('Enter');
  await expect(message.locator('.md-spoiler.shown')).toHaveText(['forty-two', 'the butler did it']);
  await expect(spoilers).toHaveCount(0);

  await shot(bob.page, 'formatting');
  const { violations } = await new AxeBuilder({ page: bob.page }).include('[role="log"]').analyze();
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);

  // After a reload: the same rendering, spoilers hidden again.
  await bob.page.reload();
  await expectFormatted(bob.page);
  await shot(bob.page, 'formatting-spoilers-hidden');
  expect([...ada.failures, ...bob.failures]).toEqual([]);
});
