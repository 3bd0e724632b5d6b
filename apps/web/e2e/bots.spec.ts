import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { startBot } from '../../../examples/bot/src/bot.js';
import { createGuild, openChannel, rest, shot, signUp, stackInfo } from './helpers.js';

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
  test.setTimeout(120_000);
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

test('an application made in settings is added to a server by its invite link and posts as a bot', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const ada = await signUp(browser, 'botdev');
  const bob = await signUp(browser, 'botbob');
  const guild = await createGuild(ada, 'Bot Guild', [bob]);
  await openChannel(bob, guild, 'general');
  await openChannel(ada, guild, 'general');

  await ada.page.getByRole('button', { name: 'User settings' }).click();
  const settings = ada.page.getByRole('dialog', { name: 'User settings' });
  const form = settings.getByRole('form', { name: 'New application' });
  await form.getByLabel('Application name').fill('Helper');
  await form.getByLabel('Description').fill('Says hello');
  await form.getByRole('button', { name: 'Create application' }).click();
  const card = settings.getByRole('article', { name: 'Application Helper' });
  const tokenField = card.getByLabel(/Bot token/);
  await expect(tokenField).toHaveValue(/^hbot_[0-9a-f]{64}$/);
  const token = await tokenField.inputValue();
  await card.getByRole('checkbox', { name: 'Manage messages' }).check();
  const invite = await card.getByLabel('Invite link for Helper').inputValue();
  expect(invite).toMatch(/#\/bot\/[0-9a-f-]{36}\?permissions=\d+$/);
  await card.scrollIntoViewIfNeeded();
  await axe(ada.page, 'applications', '.applications');
  await shot(ada.page, 'bots-application');
  await ada.page.keyboard.press('Escape');

  // The invite link shows what the bot asks for; adding it gives it a role of its own.
  await ada.page.goto(invite.slice(invite.indexOf('#') - 1));
  const add = ada.page.getByRole('dialog', { name: 'Add a bot' });
  await expect(add).toContainText('Helper');
  await expect(add.getByRole('listitem')).toContainText([
    'View channels',
    'Send messages',
    'Manage messages',
  ]);
  await add.getByLabel('Add to server').selectOption({ label: 'Bot Guild' });
  await axe(ada.page, 'add bot');
  await shot(ada.page, 'bots-add-bot');
  await add.getByRole('button', { name: 'Add bot' }).click();
  await expect(add).toBeHidden();

  // The bot signs in with its token and posts through REST like any member.
  const { url, anonKey } = await stackInfo();
  const origin = new URL(ada.page.url()).origin;
  const exchanged = await fetch(`${origin}/api/bots/token`, {
    method: 'POST',
    headers: { authorization: `Bot ${token}` },
  });
  expect(exchanged.status).toBe(200);
  const { access_token } = (await exchanged.json()) as { access_token: string };
  const posted = await fetch(`${url}/rest/v1/messages`, {
    method: 'POST',
    headers: { apikey: anonKey, authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel_id: guild.channels.general, content: 'hello, I am a bot' }),
  });
  expect(posted.status).toBe(201);
  for (const person of [ada, bob]) {
    const message = person.page.getByRole('article', { name: 'Helper: hello, I am a bot' });
    await expect(message).toBeVisible(LIVE);
    await expect(message.locator('.bot-tag')).toHaveText('BOT');
  }
  await expect(bob.page.getByRole('complementary', { name: 'Members' }).locator('.bot-tag')).toHaveText(
    'BOT',
  );
  await shot(bob.page, 'bots-bot-message');
  expect(ada.failures).toEqual([]);
  expect(bob.failures).toEqual([]);
});

test('slash commands answered by the example bot: public reply live for both, ephemeral only for the invoker, then "did not respond"', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const ada = await signUp(browser, 'cmdada');
  const bob = await signUp(browser, 'cmdbob');
  const guild = await createGuild(ada, 'Command Guild', [bob]);
  const [created] = (await rest(ada, 'rpc/create_bot', {
    method: 'POST',
    body: { p_name: 'Example Bot' },
  })) as {
    bot_id: string;
    token: string;
  }[];
  await rest(ada, 'rpc/install_bot', {
    method: 'POST',
    body: {
      p_bot_id: created?.bot_id,
      p_server_id: guild.serverId,
      p_permissions: (1 << 10) | (1 << 11) | (1 << 13) | (1 << 16),
    },
  });
  const { url, anonKey } = await stackInfo();
  await openChannel(ada, guild, 'general');
  await openChannel(bob, guild, 'general');
  // The example bot runs in this process, as a bot author would run it.
  const bot = await startBot({
    supabaseUrl: url,
    anonKey,
    harmonyUrl: new URL(ada.page.url()).origin,
    token: created?.token as string,
  });
  try {
    const composer = bob.page.getByRole('textbox', { name: 'Message #general' });
    await composer.fill('/');
    const menu = bob.page.getByRole('listbox', { name: 'Commands' });
    // Moderators' /purge is not offered to bob.
    await expect(menu.getByRole('option')).toHaveText([/\/echo/, /\/ping/, /\/roll/]);
    await composer.press('ArrowDown');
    await expect(menu.getByRole('option', { name: /\/ping/ })).toHaveAttribute('aria-selected', 'true');
    await axe(bob.page, 'slash commands', '.composer');
    await shot(bob.page, 'bots-slash-menu');
    await composer.press('Enter');
    for (const person of [bob, ada]) {
      await expect(person.page.getByRole('article', { name: 'Example Bot: Pong!' })).toBeVisible(LIVE);
    }

    // Typed options; the private answer reaches bob only.
    await composer.fill('/ec');
    await composer.press('Enter');
    const form = bob.page.getByRole('form', { name: 'Options of /echo' });
    await form.getByLabel('text', { exact: true }).fill('a secret for bob');
    await form.getByLabel('private (optional)').selectOption('Yes');
    await axe(bob.page, 'command options', '.composer');
    await form.getByRole('button', { name: 'Send /echo' }).click();
    await expect(
      bob.page.getByRole('article', { name: /only you can see this.*a secret for bob/ }),
    ).toBeVisible(LIVE);
    await shot(bob.page, 'bots-ephemeral');
    await composer.fill('/roll');
    await composer.press('Enter');
    await bob.page
      .getByRole('form', { name: 'Options of /roll' })
      .getByRole('button', { name: 'Send /roll' })
      .click();
    await expect(ada.page.getByRole('article', { name: /Example Bot: 🎲 d6: \d/ })).toBeVisible(LIVE);
    await expect(ada.page.getByText('a secret for bob')).toHaveCount(0);
    await shot(ada.page, 'bots-ada-sees-public-only');
  } finally {
    await bot.stop();
  }

  // Nobody answers now: after 3 seconds bob is told.
  const composer = bob.page.getByRole('textbox', { name: 'Message #general' });
  await composer.fill('/pi');
  await composer.press('Enter');
  await expect(bob.page.getByRole('status').filter({ hasText: 'Example Bot did not respond.' })).toBeVisible(
    LIVE,
  );
  await shot(bob.page, 'bots-did-not-respond');

  await bob.page.reload();
  await expect(bob.page.getByRole('article', { name: 'Example Bot: Pong!' })).toBeVisible();
  await expect(bob.page.getByText('a secret for bob')).toHaveCount(0);
  expect(ada.failures).toEqual([]);
  expect(bob.failures).toEqual([]);
});
