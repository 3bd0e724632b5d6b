import { expect, type Page, test } from '@playwright/test';
import { createClient } from '@supabase/supabase-js';
import {
  createGuild,
  type Guild,
  openChannel,
  PASSWORD,
  type Person,
  rest,
  setOverride,
  signUp,
  stackInfo,
} from './helpers.js';

/** Live means within a second; the margin is for this shared 2-core machine. */
const LIVE = { timeout: 2500 };

const sidebar = (page: Page) => page.getByRole('complementary', { name: 'Channels' });
const channelLink = (page: Page, name: string) => sidebar(page).getByRole('button', { name, exact: true });

async function createChannel(owner: Person, guild: Guild, name: string) {
  guild.channels[name] = (await rest(owner, 'rpc/create_channel', {
    method: 'POST',
    body: { p_server_id: guild.serverId, p_name: name, p_type: 'text' },
  })) as string;
}

// Item 2: what an owner changes reaches the affected member's sidebar, composer and open view live.
test('permission changes reach the affected member live, with reasons instead of raw errors', async ({
  browser,
}) => {
  const ada = await signUp(browser, 'perm');
  const bob = await signUp(browser, 'permbob');
  const guild = await createGuild(ada, 'Perm Guild', [bob]);
  await createChannel(ada, guild, 'lounge');
  await openChannel(ada, guild, 'general');
  await openChannel(bob, guild, 'lounge');
  const composer = bob.page.getByLabel('Message #lounge');
  await expect(composer).toBeEditable();

  // A member override denying Send messages: the composer says why it is disabled.
  await setOverride(ada, 'lounge', `@${bob.username}`, 'Send messages', 'Deny');
  await expect(bob.page.getByText('You do not have permission to send messages in #lounge.')).toBeVisible(
    LIVE,
  );
  await expect(composer).toBeHidden();

  // @everyone loses View channels: the channel leaves the sidebar and the open view says so.
  await setOverride(ada, 'lounge', '@everyone', 'View channels', 'Deny');
  await expect(channelLink(bob.page, 'lounge')).toBeHidden(LIVE);
  await expect(bob.page.getByRole('main')).toContainText('You no longer have access to this channel.', LIVE);

  // A role that may see it, granted and then removed (through the API, as a bot would).
  const roleId = (await rest(ada, 'rpc/create_role', {
    method: 'POST',
    body: { p_server_id: guild.serverId, p_name: 'crew', p_permissions: 0, p_color: 0 },
  })) as string;
  await setOverride(ada, 'lounge', 'crew', 'View channels', 'Allow');
  await rest(ada, 'rpc/assign_role', {
    method: 'POST',
    body: { p_server_id: guild.serverId, p_profile_id: await profileId(bob), p_role_id: roleId },
  });
  await expect(channelLink(bob.page, 'lounge')).toBeVisible(LIVE);
  await rest(ada, 'rpc/remove_role', {
    method: 'POST',
    body: { p_server_id: guild.serverId, p_profile_id: await profileId(bob), p_role_id: roleId },
  });
  await expect(channelLink(bob.page, 'lounge')).toBeHidden(LIVE);

  // Opening the hidden channel's URL, from the app and after a reload: a clear message, no server error.
  await openChannel(bob, guild, 'general');
  const hiddenUrl = `/#/channels/${guild.serverId}/${guild.channels.lounge}`;
  for (const open of [() => bob.page.goto(hiddenUrl), () => bob.page.reload()]) {
    await open();
    await expect(bob.page.getByRole('main')).toContainText(
      'This channel does not exist or you do not have access to it.',
    );
  }

  // A kick: the server leaves Bob's rail and he is told, without a reload.
  await openChannel(bob, guild, 'general');
  await rest(ada, 'rpc/kick_member', {
    method: 'POST',
    body: { p_server_id: guild.serverId, p_profile_id: await profileId(bob) },
  });
  const rail = bob.page.getByRole('navigation', { name: 'Servers' });
  await expect(rail.getByRole('button', { name: 'Perm Guild' })).toBeHidden(LIVE);
  await expect(
    bob.page.getByRole('status').filter({ hasText: 'You are no longer a member of Perm Guild.' }),
  ).toBeVisible();

  // Back in through a new invite, then banned: the same, live.
  const code = (await rest(ada, 'rpc/create_invite', {
    method: 'POST',
    body: { p_server_id: guild.serverId },
  })) as string;
  await rest(bob, 'rpc/join_server_by_invite', { method: 'POST', body: { p_code: code } });
  await expect(rail.getByRole('button', { name: 'Perm Guild' })).toBeVisible(LIVE);
  await openChannel(bob, guild, 'general');
  await rest(ada, 'rpc/ban_member', {
    method: 'POST',
    body: { p_server_id: guild.serverId, p_profile_id: await profileId(bob) },
  });
  await expect(rail.getByRole('button', { name: 'Perm Guild' })).toBeHidden(LIVE);
  await expect(bob.page.getByRole('main')).not.toContainText('general');
  expect(bob.failures).toEqual([]);
});

// A deny made by another client straight through the API (a bot, a script), not by this app:
// the database's access_update reaches the member live.
test('a deny made outside the app reaches the member live, and so does its removal', async ({ browser }) => {
  const ada = await signUp(browser, 'extperm');
  const bob = await signUp(browser, 'extpermbob');
  const guild = await createGuild(ada, 'Ext Guild', [bob]);
  await createChannel(ada, guild, 'vault');
  await openChannel(bob, guild, 'vault');
  await expect(bob.page.getByLabel('Message #vault')).toBeEditable();

  const { url, anonKey } = await stackInfo();
  const script = createClient(url, anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  });
  const signIn = await script.auth.signInWithPassword({ email: ada.email, password: PASSWORD });
  expect(signIn.error).toBeNull();
  const target = {
    p_channel_id: guild.channels.vault,
    p_target_type: 'member',
    p_target_id: await profileId(bob),
  };
  const denied = await script.rpc('set_channel_overwrite', { ...target, p_allow: 0, p_deny: 1024 });
  expect(denied.error).toBeNull();
  await expect(channelLink(bob.page, 'vault')).toBeHidden(LIVE);
  await expect(bob.page.getByRole('main')).toContainText('You no longer have access to this channel.', LIVE);

  const restored = await script.rpc('delete_channel_overwrite', target);
  expect(restored.error).toBeNull();
  await expect(channelLink(bob.page, 'vault')).toBeVisible(LIVE);
  await script.auth.signOut();
  expect(bob.failures).toEqual([]);
});

async function profileId(person: Person): Promise<string> {
  const rows = (await rest(person, `profiles?select=id&username=eq.${person.username}`)) as { id: string }[];
  return rows[0]?.id as string;
}
