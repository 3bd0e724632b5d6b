import { expect, test } from '@playwright/test';
import { CONTROL, openServerMenuItem, rest, shot, signUp } from './helpers.js';

test('two people chat in real time, from sign-up to reconnect', async ({ browser }) => {
  const ada = await signUp(browser, 'ada');
  const bob = await signUp(browser, 'bob');
  await shot(ada.page, 'empty-workspace');

  // Ada creates a server and invites Bob.
  await ada.page.getByRole('button', { name: 'Create a server' }).click();
  await ada.page.getByLabel('Server name').fill('E2E Guild');
  await ada.page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(ada.page.getByRole('heading', { name: 'general', exact: true })).toBeVisible();
  await openServerMenuItem(ada.page, 'Invite people');
  const link = await ada.page.getByLabel('Invite link').inputValue();
  await ada.page.getByRole('button', { name: 'Close' }).click();
  expect(link).toMatch(/#\/invite\/[A-Za-z0-9]{6,16}$/);

  await bob.page.goto(link.replace(/^https?:\/\/[^/]+/, ''));
  await bob.page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(bob.page.getByRole('heading', { name: 'general', exact: true })).toBeVisible();

  // Messages both ways.
  await ada.page.getByLabel('Message #general').fill('hello bob');
  await ada.page.getByLabel('Message #general').press('Enter');
  await expect(bob.page.getByRole('log', { name: 'Messages' })).toContainText('hello bob');
  await bob.page.getByLabel('Message #general').fill(`hi @${ada.username}!`);
  await bob.page.getByLabel('Message #general').press('Enter');
  await expect(ada.page.getByRole('log', { name: 'Messages' })).toContainText('hi @');
  await shot(ada.page, 'chat');

  // Emoji: one from the picker in a message, one as a reaction that Bob sees counted.
  await ada.page.getByRole('button', { name: 'Emoji', exact: true }).click();
  await ada.page.getByLabel('Search emoji').fill('tada');
  await ada.page.getByRole('dialog', { name: 'Emoji' }).getByRole('button', { name: 'party popper' }).click();
  await ada.page.getByLabel('Message #general').press('Enter');
  // Emoji show as Twemoji images, the character as their text alternative.
  await expect(
    bob.page.getByRole('log', { name: 'Messages' }).getByRole('img', { name: '🎉' }),
  ).toBeVisible();
  const bobGreeting = ada.page.getByRole('article', { name: new RegExp(`^${bob.username}: hi`) });
  await bobGreeting.hover();
  await bobGreeting.getByRole('button', { name: 'Add reaction' }).click();
  await ada.page.getByLabel('Search emoji').fill('fire');
  await ada.page
    .getByRole('dialog', { name: 'Emoji' })
    .getByRole('button', { name: 'fire', exact: true })
    .click();
  await expect(bob.page.getByRole('button', { name: '🔥 1' })).toBeVisible();

  // Typing and presence.
  await bob.page.getByLabel('Message #general').pressSequentially('typing…');
  await expect(ada.page.getByText(`${bob.username} is typing…`)).toBeVisible();
  await bob.page.getByLabel('Message #general').fill('');
  await expect(ada.page.getByRole('complementary', { name: 'Members' })).toContainText(bob.username);
  await expect(
    ada.page.getByRole('complementary', { name: 'Members' }).getByText('Online:').first(),
  ).toBeAttached();

  // Edit and delete propagate.
  const adaMessage = ada.page.getByRole('article', { name: `${ada.username}: hello bob` });
  await adaMessage.hover();
  await adaMessage.getByRole('button', { name: 'Edit' }).click();
  await ada.page.getByLabel('Edit message').fill('hello bob (fixed)');
  await ada.page.getByLabel('Edit message').press('Enter');
  await expect(bob.page.getByRole('log', { name: 'Messages' })).toContainText('hello bob (fixed)');
  await expect(bob.page.getByRole('log', { name: 'Messages' })).toContainText('(edited)');
  const edited = ada.page.getByRole('article', { name: `${ada.username}: hello bob (fixed)` });
  await edited.hover();
  await edited.getByRole('button', { name: 'Delete' }).click();
  await ada.page
    .getByRole('dialog', { name: 'Delete message' })
    .getByRole('button', { name: 'Delete' })
    .click();
  // Deleted messages disappear for everyone, without a placeholder.
  await expect(bob.page.getByRole('log', { name: 'Messages' })).not.toContainText('hello bob (fixed)');

  // A private channel: Bob, without VIEW_CHANNEL there, never sees it.
  const server = (await rest(ada, 'servers?select=id&name=eq.E2E%20Guild'))[0] as { id: string };
  await ada.page.getByRole('button', { name: 'Create channel in Text Channels' }).click();
  await ada.page.getByLabel('Channel name').fill('secret');
  await ada.page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(ada.page.getByRole('heading', { name: 'secret', exact: true })).toBeVisible();
  const secret = (await rest(ada, `channels?select=id&server_id=eq.${server.id}&name=eq.secret`))[0] as {
    id: string;
  };
  await rest(ada, 'rpc/set_channel_overwrite', {
    method: 'POST',
    body: {
      p_channel_id: secret.id,
      p_target_type: 'role',
      p_target_id: server.id,
      p_allow: 0,
      p_deny: 1024,
    },
  });
  await ada.page.getByLabel('Message #secret').fill('for admins only');
  await ada.page.getByLabel('Message #secret').press('Enter');
  await bob.page.reload();
  await expect(bob.page.getByRole('heading', { name: 'general', exact: true })).toBeVisible();
  await expect(bob.page.getByRole('complementary', { name: 'Channels' })).not.toContainText('secret');
  const seen = await rest(bob, `messages?select=id&channel_id=eq.${secret.id}`);
  expect(seen).toEqual([]);

  // An attachment, uploaded by Bob, displayed for Ada.
  await ada.page.getByRole('button', { name: 'general', exact: true }).click();
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  );
  await bob.page
    .getByLabel('Attach files')
    .setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png });
  await expect(bob.page.getByRole('list', { name: 'Attachments' })).toContainText('Ready');
  await bob.page.getByLabel('Message #general').press('Enter');
  await expect(ada.page.getByRole('img', { name: 'dot.png' })).toBeVisible();

  // The stack restarts; what Bob sends while Ada reconnects shows up for her, once.
  await fetch(`${CONTROL}/restart`, { method: 'POST' });
  const generalId = (await rest(bob, `channels?select=id&server_id=eq.${server.id}&name=eq.general`))[0] as {
    id: string;
  };
  await rest(bob, 'messages', {
    method: 'POST',
    body: { channel_id: generalId.id, content: 'sent during the outage' },
  });
  await expect(ada.page.getByRole('log', { name: 'Messages' })).toContainText('sent during the outage', {
    timeout: 30_000,
  });
  await expect(ada.page.getByText('sent during the outage')).toHaveCount(1);
  await shot(ada.page, 'after-reconnect');
});
