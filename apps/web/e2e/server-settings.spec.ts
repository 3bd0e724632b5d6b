import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import {
  createGuild,
  openChannel,
  openServerMenuItem,
  type Person,
  PNG,
  post,
  rest,
  shot,
  signUp,
} from './helpers.js';

/** Live means within a second; the margin is for this shared 2-core machine. */
const LIVE = { timeout: 4000 };

const rail = (page: Page) => page.getByRole('navigation', { name: 'Servers' });
const railItem = (page: Page, name: string) => rail(page).getByRole('button', { name, exact: true });
const dialog = (page: Page, name: string | RegExp) => page.getByRole('dialog', { name });

async function axe(page: Page, what: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).include('dialog').analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${what}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function openSettings(person: Person, tab: string) {
  await person.page.getByRole('button', { name: 'Server settings' }).click();
  await dialog(person.page, 'Server settings').getByRole('tab', { name: tab }).click();
}

async function closeDialog(page: Page) {
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
}

const serverMenu = (person: Person, item: string) => openServerMenuItem(person.page, item);

const profileOf = async (person: Person) =>
  ((await rest(person, `profiles?select=id&username=eq.${person.username}`)) as { id: string }[])[0]?.id;

test('owner settings reach members live: rename, icon, invites, transfer, deletion', async ({ browser }) => {
  const ada = await signUp(browser, 'setown');
  const bob = await signUp(browser, 'setbob');
  const guild = await createGuild(ada, 'Settings Guild', [bob]);
  await openChannel(ada, guild, 'general');
  await openChannel(bob, guild, 'general');
  const problems: string[] = [];

  // Rename and icon: Bob's rail and sidebar follow without a reload.
  await openSettings(ada, 'Overview');
  const settings = dialog(ada.page, 'Server settings');
  await settings.getByLabel('Server name', { exact: true }).fill('Renamed Guild');
  await settings.getByRole('button', { name: 'Save changes' }).click();
  await expect(railItem(bob.page, 'Renamed Guild')).toBeVisible(LIVE);
  await expect(
    bob.page.getByRole('complementary', { name: 'Channels' }).getByRole('heading', { level: 2 }),
  ).toHaveText('Renamed Guild');
  await settings
    .getByLabel('Upload icon')
    .setInputFiles({ name: 'icon.png', mimeType: 'image/png', buffer: PNG });
  await expect(settings.getByText('Icon updated')).toBeVisible();
  await expect(railItem(bob.page, 'Renamed Guild').locator('img')).toHaveAttribute(
    'src',
    /server-icons/,
    LIVE,
  );
  await expect(settings.getByLabel('Default notification level for members')).toHaveValue('mentions');
  problems.push(...(await axe(ada.page, 'overview')));
  await shot(ada.page, 'server-settings-overview');

  // Invites: one use, one hour, temporary membership; Carol joins with it.
  await settings.getByRole('tab', { name: 'Invites' }).click();
  await settings.getByLabel('Expire after').selectOption({ label: '1 hour' });
  await settings.getByLabel('Max number of uses').selectOption({ label: '1 use' });
  await settings.getByLabel('Temporary membership').check();
  await settings.getByRole('button', { name: 'Create invite' }).click();
  const link = await settings.getByLabel('New invite link').inputValue();
  const code = link.split('/').pop() as string;
  const row = settings.getByRole('listitem').filter({ hasText: code });
  await expect(row).toContainText('0/1 uses');
  await expect(row).toContainText('temporary');
  problems.push(...(await axe(ada.page, 'invites')));
  await shot(ada.page, 'server-settings-invites');

  const carol = await signUp(browser, 'setcarol');
  await carol.page.getByRole('button', { name: 'Join a server' }).click();
  await carol.page.getByLabel('Invite link or code').fill(link);
  await carol.page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(railItem(carol.page, 'Renamed Guild')).toBeVisible();
  // Used up: nobody else gets in with it.
  const dave = await signUp(browser, 'setdave');
  await expect(
    rest(dave, 'rpc/join_server_by_invite', { method: 'POST', body: { p_code: code } }),
  ).rejects.toThrow(/used up/);

  // A temporary member who signs out is no longer a member.
  const carolId = await profileOf(carol);
  await carol.page.getByRole('button', { name: 'User settings' }).click();
  await carol.page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(carol.page.getByRole('button', { name: 'Need an account? Sign up' })).toBeVisible();
  await expect
    .poll(async () => (await rest(ada, `server_members?select=profile_id&profile_id=eq.${carolId}`)).length)
    .toBe(0);

  // Another invite, revoked: it stops working at once.
  await settings.getByRole('button', { name: 'Create invite' }).click();
  const revokedCode = (await settings.getByLabel('New invite link').inputValue()).split('/').pop() as string;
  await settings.getByRole('button', { name: `Revoke invite ${revokedCode}` }).click();
  await expect(settings.getByRole('listitem').filter({ hasText: revokedCode })).toHaveCount(0);
  await expect(
    rest(dave, 'rpc/join_server_by_invite', { method: 'POST', body: { p_code: revokedCode } }),
  ).rejects.toThrow(/404/);

  // Bob (no Manage Server) has no settings button; the database refuses him anyway (403).
  await expect(bob.page.getByRole('button', { name: 'Server settings' })).toHaveCount(0);
  await expect(
    rest(bob, 'rpc/update_server', { method: 'POST', body: { p_server_id: guild.serverId, p_name: 'Mine' } }),
  ).rejects.toThrow(/403/);
  await expect(
    rest(bob, 'rpc/delete_server', { method: 'POST', body: { p_server_id: guild.serverId } }),
  ).rejects.toThrow(/403.*only the owner/);

  // The owner cannot leave before handing the server over: a clear sentence.
  await closeDialog(ada.page);
  await serverMenu(ada, 'Leave server');
  await expect(dialog(ada.page, 'Leave Renamed Guild')).toContainText(
    'You own Renamed Guild. Transfer ownership to another member',
  );
  await closeDialog(ada.page);

  // Transfer to Bob, confirmed.
  await openSettings(ada, 'Overview');
  await settings.getByLabel('Transfer ownership to').selectOption({ label: bob.username });
  await settings.getByRole('button', { name: 'Transfer ownership' }).click();
  await expect(settings.getByRole('alert')).toContainText(`${bob.username} will own Renamed Guild`);
  await settings.getByRole('button', { name: 'Yes, transfer ownership' }).click();
  await expect(ada.page.getByText(`${bob.username} now owns Renamed Guild.`)).toBeVisible();
  // Bob sees he may now manage it, live.
  await expect(bob.page.getByRole('button', { name: 'Server settings' })).toBeVisible(LIVE);

  // Bob deletes it, typing its name; Ada's rail loses it live, with a notice.
  await openSettings(bob, 'Overview');
  const bobSettings = dialog(bob.page, 'Server settings');
  const remove = bobSettings.getByRole('button', { name: 'Delete server' });
  await bobSettings.getByLabel('Type the server name to delete it').fill('Renamed');
  await expect(remove).toBeDisabled();
  await bobSettings.getByLabel('Type the server name to delete it').fill('Renamed Guild');
  await shot(bob.page, 'server-settings-delete');
  await remove.click();
  await expect(railItem(ada.page, 'Renamed Guild')).toHaveCount(0, LIVE);
  await expect(ada.page.getByText('Renamed Guild was deleted by its owner.')).toBeVisible();
  await expect(ada.page.getByText('You are no longer a member of Renamed Guild.')).toHaveCount(0);
  await expect(railItem(bob.page, 'Renamed Guild')).toHaveCount(0);
  await shot(ada.page, 'server-deleted-notice');
  await ada.page.reload();
  await expect(rail(ada.page)).toBeVisible();
  await expect(railItem(ada.page, 'Renamed Guild')).toHaveCount(0);

  expect(problems).toEqual([]);
  for (const person of [ada, bob, carol, dave]) expect(person.failures).toEqual([]);
});

test('every member: mutes and levels drive the badges, nickname, leaving', async ({ browser }) => {
  const ada = await signUp(browser, 'muteown');
  const bob = await signUp(browser, 'mutebob');
  const guild = await createGuild(ada, 'Mute Guild', [bob]);
  const elsewhere = await createGuild(bob, 'Bob Place');
  const bobId = (await profileOf(bob)) as string;
  const mention = `<@${bobId}>`;
  const guildItem = railItem(bob.page, 'Mute Guild');
  await openChannel(ada, guild, 'general');

  // Not muted: a message marks the server unread.
  await openChannel(bob, elsewhere, 'general');
  await post(ada, guild, 'general', 'hello before the mute');
  await expect(guildItem).toHaveAccessibleDescription('Unread messages', LIVE);

  // Bob mutes the server for an hour: no unread marker; mentions still count; no notification.
  await openChannel(bob, guild, 'general');
  await serverMenu(bob, 'Notification settings');
  const settings = dialog(bob.page, 'Notifications for Mute Guild');
  await settings.getByRole('button', { name: 'For 1 hour' }).click();
  await expect(settings.getByText(/^Muted until /)).toBeVisible();
  expect(await axe(bob.page, 'notification settings')).toEqual([]);
  await shot(bob.page, 'server-notification-settings');
  await closeDialog(bob.page);
  await openChannel(bob, elsewhere, 'general');
  await expect(guildItem).toHaveAccessibleDescription('');
  await post(ada, guild, 'general', 'quiet message');
  await post(ada, guild, 'general', `psst ${mention}`);
  await expect(guildItem).toHaveAccessibleDescription('1 mention', LIVE);
  await expect(guildItem).toHaveClass(/muted/);
  await expect(guildItem).not.toHaveClass(/unread/);
  expect(await rest(bob, 'notifications?select=id')).toEqual([]);

  // Level "Nothing" on the server: mentions stop counting too; after a reload as well.
  await openChannel(bob, guild, 'general');
  await serverMenu(bob, 'Notification settings');
  await settings.getByRole('radio', { name: 'Nothing' }).click();
  await expect(settings.getByRole('radio', { name: 'Nothing' })).toBeChecked();
  await settings.getByRole('button', { name: 'Unmute server' }).click();
  await closeDialog(bob.page);
  await openChannel(bob, elsewhere, 'general');
  await post(ada, guild, 'general', `again ${mention}`);
  await expect(guildItem).toHaveAccessibleDescription('Unread messages', LIVE);
  await bob.page.reload();
  await expect(guildItem).toHaveAccessibleDescription('Unread messages');

  // Back to the default, then the channel muted until turned off (from the channel header).
  await openChannel(bob, guild, 'general');
  await serverMenu(bob, 'Notification settings');
  await settings.getByRole('radio', { name: /^Server default/ }).click();
  await expect(settings.getByRole('radio', { name: /^Server default/ })).toBeChecked();
  await closeDialog(bob.page);
  await bob.page.getByRole('button', { name: 'Channel notification settings' }).click();
  await dialog(bob.page, 'Notifications for #general')
    .getByRole('button', { name: 'Until I turn it back on' })
    .click();
  await expect(dialog(bob.page, 'Notifications for #general')).toContainText(
    'Muted until you turn it back on.',
  );
  await closeDialog(bob.page);
  await expect(bob.page.getByRole('button', { name: 'Channel muted: notification settings' })).toBeVisible();
  await openChannel(bob, elsewhere, 'general');
  await post(ada, guild, 'general', 'into a muted channel');
  await post(ada, guild, 'general', `and a mention ${mention}`);
  await expect(guildItem).toHaveAccessibleDescription('1 mention', LIVE);
  await bob.page.reload();
  await expect(guildItem).toHaveAccessibleDescription('1 mention');

  // A nickname: Ada's member list shows it live.
  await openChannel(bob, guild, 'general');
  await serverMenu(bob, 'Change nickname');
  await dialog(bob.page, 'Nickname in Mute Guild').getByLabel('Nickname').fill('Bobby Tables');
  await dialog(bob.page, 'Nickname in Mute Guild').getByRole('button', { name: 'Save' }).click();
  const adaMembers = ada.page.getByRole('complementary', { name: 'Members' });
  await expect(adaMembers.getByText('Bobby Tables')).toBeVisible(LIVE);

  // Leaving, confirmed: gone from Bob's rail and from Ada's member list, live.
  await serverMenu(bob, 'Leave server');
  await dialog(bob.page, 'Leave Mute Guild').getByRole('button', { name: 'Leave server' }).click();
  await expect(guildItem).toHaveCount(0);
  await expect(adaMembers.getByText('Bobby Tables')).toHaveCount(0, LIVE);
  await shot(bob.page, 'server-left');

  for (const person of [ada, bob]) expect(person.failures).toEqual([]);
});
