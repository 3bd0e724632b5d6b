import { expect, type Page, test } from '@playwright/test';
import { createGuild, openChannel, rest, signIn, signUp } from './helpers.js';

const LIVE = { timeout: 2500 };
const channelLink = (page: Page, name: string) =>
  page.getByRole('complementary', { name: 'Channels' }).getByRole('button', { name, exact: true });
const railItem = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Servers' }).getByRole('button', { name, exact: true });

// Item 3: unread markers and mention counts of channels and servers not on screen update live,
// and clear when read on another device.
test('unread markers and mention counts update live and clear when read elsewhere', async ({ browser }) => {
  const ada = await signUp(browser, 'unr');
  const bob = await signUp(browser, 'unrbob');
  const guild = await createGuild(ada, 'Unread Guild', [bob]);
  const other = await createGuild(ada, 'Other Place', [bob]);
  guild.channels.random = (await rest(ada, 'rpc/create_channel', {
    method: 'POST',
    body: { p_server_id: guild.serverId, p_name: 'random', p_type: 'text' },
  })) as string;
  await openChannel(bob, guild, 'general');
  const random = channelLink(bob.page, 'random');
  await expect(random).toBeVisible();
  await expect(random).toHaveAccessibleDescription('');

  // A message in another channel of the open server: marked unread.
  await rest(ada, 'messages', {
    method: 'POST',
    body: { channel_id: guild.channels.random, content: 'psst' },
  });
  await expect(random).toHaveAccessibleDescription('Unread messages', LIVE);
  await expect(random).toHaveClass(/unread/);

  // A mention there: counted, in the sidebar and the server rail.
  const me = (await rest(bob, `profiles?select=id&username=eq.${bob.username}`))[0].id as string;
  await rest(ada, 'messages', {
    method: 'POST',
    body: { channel_id: guild.channels.random, content: `hey <@${me}>` },
  });
  await expect(random).toHaveAccessibleDescription('1 mention', LIVE);

  // While Bob looks at another server, the first one's rail icon counts for him.
  await openChannel(bob, other, 'general');
  await rest(ada, 'messages', {
    method: 'POST',
    body: { channel_id: guild.channels.random, content: `again <@${me}>` },
  });
  await expect(railItem(bob.page, 'Unread Guild')).toHaveAccessibleDescription('2 mentions', LIVE);
  await expect(railItem(bob.page, 'Other Place')).toHaveAccessibleDescription('');
  await rest(ada, 'messages', {
    method: 'POST',
    body: { channel_id: guild.channels.general, content: 'hi all' },
  });
  await expect(railItem(bob.page, 'Unread Guild')).toHaveAccessibleDescription('2 mentions');

  // Bob reads #random on his phone: this window clears without a reload.
  const phone = await signIn(browser, bob, { width: 360, height: 740 });
  await openChannel(phone, guild, 'random');
  await expect(phone.page.getByRole('log', { name: 'Messages' })).toContainText('again');
  await expect(railItem(bob.page, 'Unread Guild')).toHaveAccessibleDescription('Unread messages', LIVE);
  await openChannel(phone, guild, 'general');
  await expect(railItem(bob.page, 'Unread Guild')).toHaveAccessibleDescription('', LIVE);
  await openChannel(bob, guild, 'general');
  await expect(random).toHaveAccessibleDescription('');
});
