import { expect, test } from '@playwright/test';
import { createGuild, openChannel, rest, signUp } from './helpers.js';

// Item 7: the pins panel shows mentions as names, never raw ids; pinning leaves a system line.
test('pinned messages show mentions by name for the other member', async ({ browser }) => {
  const ada = await signUp(browser, 'pin');
  const bob = await signUp(browser, 'pinbob');
  const guild = await createGuild(ada, 'Pin Guild', [bob]);
  const bobId = (await rest(bob, `profiles?select=id&username=eq.${bob.username}`))[0].id as string;
  await rest(ada, 'messages', {
    method: 'POST',
    body: {
      channel_id: guild.channels.general,
      content: `agenda for <@${bobId}> in <#${guild.channels.general}>`,
    },
  });
  await openChannel(ada, guild, 'general');
  await openChannel(bob, guild, 'general');

  const message = ada.page.getByRole('article', { name: /agenda for/ });
  await message.hover();
  await message.getByRole('button', { name: 'Pin', exact: true }).click();
  await expect(bob.page.getByRole('article', { name: /agenda for/ })).toHaveClass(/pinned/);

  // The pin leaves a system line for everyone, whose link opens the pins panel.
  const notice = bob.page.getByRole('article', { name: /pinned a message/ });
  await expect(notice).toContainText('pinned a message to this channel.');
  await notice.getByRole('button', { name: 'See all pinned messages' }).click();
  const pins = bob.page.getByRole('dialog', { name: 'Pinned messages' });
  await expect(pins).toContainText(`agenda for @${bob.username} in #general`);
  await expect(pins).not.toContainText('<@');
  await expect(pins).not.toContainText(bobId);
});
