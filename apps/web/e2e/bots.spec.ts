import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { createGuild, openChannel, shot, signUp } from './helpers.js';

const LIVE = { timeout: 10_000 };
const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Channels' });

async function axe(page: Page, what: string, include = 'dialog') {
  const { violations } = await new AxeBuilder({ page }).include(include).analyze();
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${what}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
}

test('a webhook made in channel settings posts live to both members; its old URL is refused', async ({
  browser,
}) => {
  const ada = await signUp(browser, 'hook');
  const bob = await signUp(browser, 'hookbob');
  const guild = await createGuild(ada, 'Hook Guild', [bob]);
  await openChannel(ada, guild, 'general');
  await openChannel(bob, guild, 'general');

  await sidebar(ada.page).getByRole('button', { name: 'Edit channel general', exact: true }).click();
  const dialog = ada.page.getByRole('dialog', { name: 'Edit channel' });
  await dialog.getByLabel('Webhook name').fill('Deploys');
  await dialog.getByRole('button', { name: 'Create webhook' }).click();
  const urlField = dialog.getByLabel(/Webhook URL/);
  await expect(urlField).toHaveValue(/\/api\/webhooks\/[0-9a-f-]{36}\/hwh_[0-9a-f]{64}$/);
  const url = await urlField.inputValue();
  await expect(dialog.getByRole('list', { name: 'Webhooks of this channel' })).toContainText('Deploys');
  await axe(ada.page, 'webhooks');
  await shot(ada.page, 'bots-webhook-created');

  // A service outside the browser posts, as it would to Discord.
  const sent = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      content: 'build 42 passed',
      username: 'CI',
      embeds: [
        {
          title: 'Build 42',
          description: 'all green',
          color: 0x57f287,
          fields: [{ name: 'Branch', value: 'main' }],
        },
      ],
    }),
  });
  expect(sent.status).toBe(204);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await ada.page.keyboard.press('Escape');
  for (const person of [ada, bob]) {
    const message = person.page.getByRole('article', { name: 'CI: build 42 passed' });
    await expect(message).toBeVisible(LIVE);
    await expect(message.locator('.bot-tag')).toHaveText('WEBHOOK');
    await expect(message.locator('.message-embed')).toContainText('Build 42');
  }
  await shot(bob.page, 'bots-webhook-message');

  // A new URL: the old one is refused with Discord's error.
  await sidebar(ada.page).getByRole('button', { name: 'Edit channel general', exact: true }).click();
  await dialog.getByRole('button', { name: 'New URL for Deploys' }).click();
  await expect(dialog.getByLabel(/Webhook URL/)).not.toHaveValue(url);
  const old = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ content: 'from the old URL' }),
  });
  expect(old.status).toBe(401);
  expect(await old.json()).toEqual({ message: 'Invalid Webhook Token', code: 50027 });

  // After a reload the message is still there, under the webhook's name.
  await bob.page.reload();
  await expect(bob.page.getByRole('article', { name: 'CI: build 42 passed' })).toBeVisible();
  expect(ada.failures).toEqual([]);
  expect(bob.failures).toEqual([]);
});
