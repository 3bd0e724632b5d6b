import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import {
  createGuild,
  type Guild,
  openChannel,
  type Person,
  post,
  rest,
  shot,
  signUp,
  stackInfo,
} from './helpers.js';

// Issue 15, "Members", "Audit log" and "Reports": an owner, a moderator and a member in three
// browser contexts; each step checks what the other people see, live.

/** Live means within a second; the margin is for this shared 2-core machine. */
const LIVE = { timeout: 5000 };

/** KICK_MEMBERS | BAN_MEMBERS | VIEW_AUDIT_LOG | MANAGE_MESSAGES | MANAGE_NICKNAMES | MODERATE_MEMBERS. */
const MODERATOR_BITS = 2 + 4 + 128 + 8192 + 134217728 + 1099511627776;

async function profileId(person: Person): Promise<string> {
  const rows = (await rest(person, `profiles?select=id&username=eq.${person.username}`)) as { id: string }[];
  return rows[0]?.id as string;
}

/** PATCHes rows through the REST API as the service role (what an admin script would send). */
async function asServiceRole(path: string, body: unknown) {
  const { url, serviceKey } = await stackInfo();
  const res = await fetch(`${url}/rest/v1/${path}`, {
    method: 'PATCH',
    headers: {
      apikey: serviceKey,
      authorization: `Bearer ${serviceKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
}

/** A guild owned by `owner` where `moderator` holds a Moderator role and the others are plain members. */
async function moderatedGuild(owner: Person, moderator: Person, members: Person[], name: string) {
  const guild = await createGuild(owner, name, [moderator, ...members]);
  const roleId = (await rest(owner, 'rpc/create_role', {
    method: 'POST',
    body: {
      p_server_id: guild.serverId,
      p_name: 'Moderator',
      p_permissions: MODERATOR_BITS,
      p_color: 0x2ecc71,
    },
  })) as string;
  await rest(owner, 'rpc/assign_role', {
    method: 'POST',
    body: { p_server_id: guild.serverId, p_profile_id: await profileId(moderator), p_role_id: roleId },
  });
  return guild;
}

/** Serious and critical accessibility violations inside `selector` (axe-core). */
async function audit(page: Page, selector: string): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).include(selector).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const memberList = (page: Page) => page.getByRole('complementary', { name: 'Members' });
const rail = (page: Page) => page.getByRole('navigation', { name: 'Servers' });
const toast = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });

async function openSettingsTab(page: Page, tab: string) {
  await page.getByRole('button', { name: 'Server settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Server settings' });
  await dialog.getByRole('tab', { name: tab }).click();
  return dialog;
}

test('a moderator times out, kicks and bans from the profile card; the member sees each live', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const ada = await signUp(browser, 'modowner');
  const mia = await signUp(browser, 'modmia');
  const bob = await signUp(browser, 'modbob');
  const name = `Mod Guild ${Date.now().toString(36)}`;
  const guild: Guild = await moderatedGuild(ada, mia, [bob], name);
  await post(bob, guild, 'general', 'hello from bob');
  for (const person of [ada, mia, bob]) await openChannel(person, guild, 'general');

  // The profile card from a message author: name, roles, joined date, mutual servers.
  const message = mia.page.getByRole('article', { name: `${bob.username}: hello from bob` });
  await message.getByRole('button', { name: bob.username, exact: true }).click();
  const card = mia.page.getByRole('dialog', { name: `Profile of ${bob.username}` });
  await expect(card).toContainText(`@${bob.username}`);
  await expect(card).toContainText('Member since');
  await expect(card.getByRole('list', { name: 'Mutual servers' })).toContainText(name);
  await shot(mia.page, 'moderation-profile-card');
  expect(await audit(mia.page, '.member-popover')).toEqual([]);

  // Timeout from the card's "…" menu: Bob's composer is disabled with a countdown, live.
  await card.getByRole('button', { name: `More actions for ${bob.username}` }).click();
  await card.getByRole('menuitem', { name: `Time out ${bob.username}` }).click();
  const timeoutDialog = mia.page.getByRole('dialog', { name: `Time out ${bob.username}` });
  await timeoutDialog.getByLabel('5 minutes').check();
  await timeoutDialog.getByLabel('Reason (shown in the audit log)').fill('calm down');
  expect(await audit(mia.page, '.moderation-dialog')).toEqual([]);
  await timeoutDialog.getByRole('button', { name: 'Time out' }).click();
  await expect(toast(mia.page, `${bob.username} was timed out for 5 minutes.`)).toBeVisible();
  await expect(
    bob.page.getByText(/You are timed out\. You can send messages again in [45]:\d\d\./),
  ).toBeVisible(LIVE);
  await expect(bob.page.getByLabel('Message #general')).toBeHidden();
  await shot(bob.page, 'moderation-timed-out-composer');

  // Lifted from the member list's right-click menu: the composer comes back live.
  await memberList(mia.page)
    .getByRole('button', { name: new RegExp(`^${bob.username},`) })
    .click({ button: 'right' });
  await mia.page.getByRole('menuitem', { name: 'Remove timeout' }).click();
  await expect(bob.page.getByLabel('Message #general')).toBeEditable(LIVE);

  // A short timeout ends by itself: the composer re-enables on expiry, without a reload.
  // timeout_member's shortest length is 60 s, so the service role sets a 6 s one directly.
  await asServiceRole(`server_members?server_id=eq.${guild.serverId}&profile_id=eq.${await profileId(bob)}`, {
    timed_out_until: new Date(Date.now() + 6000).toISOString(),
  });
  await expect(bob.page.getByText(/You are timed out/)).toBeVisible(LIVE);
  await expect(bob.page.getByLabel('Message #general')).toBeEditable({ timeout: 12_000 });

  // The owner is out of reach: the menu says why instead of offering moderation.
  await memberList(mia.page)
    .getByRole('button', { name: new RegExp(`^${ada.username},`) })
    .click({ button: 'right' });
  await expect(mia.page.getByText('The server owner cannot be moderated.')).toBeVisible();
  await expect(mia.page.getByRole('menuitem', { name: `Kick ${ada.username}` })).toHaveCount(0);
  await mia.page.keyboard.press('Escape');

  // Kick with a reason: the server leaves Bob's rail with a notice; the others' member lists follow.
  await memberList(mia.page)
    .getByRole('button', { name: new RegExp(`^${bob.username},`) })
    .click({ button: 'right' });
  await shot(mia.page, 'moderation-member-menu');
  expect(await audit(mia.page, '.member-popover')).toEqual([]);
  await mia.page.getByRole('menuitem', { name: `Kick ${bob.username}` }).click();
  const kickDialog = mia.page.getByRole('dialog', { name: `Kick ${bob.username} from the server` });
  await kickDialog.getByLabel('Reason (shown in the audit log)').fill('rude');
  await kickDialog.getByRole('button', { name: 'Kick' }).click();
  await expect(rail(bob.page).getByRole('button', { name })).toBeHidden(LIVE);
  await expect(toast(bob.page, `You are no longer a member of ${name}.`)).toBeVisible();
  await expect(memberList(ada.page)).not.toContainText(bob.username, LIVE);

  // Back with an invite, then banned from his message's author menu, deleting the last hour.
  const code = (await rest(ada, 'rpc/create_invite', {
    method: 'POST',
    body: { p_server_id: guild.serverId },
  })) as string;
  await rest(bob, 'rpc/join_server_by_invite', { method: 'POST', body: { p_code: code } });
  await expect(rail(bob.page).getByRole('button', { name })).toBeVisible(LIVE);
  await post(bob, guild, 'general', 'buy my coins');
  await expect(ada.page.getByRole('log', { name: 'Messages' })).toContainText('buy my coins', LIVE);
  await message.getByRole('button', { name: bob.username, exact: true }).click({ button: 'right' });
  await mia.page.getByRole('menuitem', { name: `Ban ${bob.username}` }).click();
  const banDialog = mia.page.getByRole('dialog', { name: `Ban ${bob.username}` });
  await banDialog.getByLabel('Delete their messages').selectOption({ label: 'Previous hour' });
  await banDialog.getByLabel('Reason (shown in the audit log)').fill('spam');
  await banDialog.getByRole('button', { name: 'Ban' }).click();
  await expect(toast(bob.page, `You were banned from ${name}.`)).toBeVisible(LIVE);
  await expect(rail(bob.page).getByRole('button', { name })).toBeHidden();
  await expect(ada.page.getByRole('log', { name: 'Messages' })).not.toContainText('buy my coins', LIVE);
  await expect(ada.page.getByRole('log', { name: 'Messages' })).not.toContainText('hello from bob');

  // The owner's bans list shows the ban (after a reload) and lifts it.
  await ada.page.reload();
  const bans = await openSettingsTab(ada.page, 'Bans');
  await expect(bans).toContainText(bob.username);
  await expect(bans).toContainText('Reason: spam');
  await bans.getByRole('button', { name: `Unban ${bob.username}` }).click();
  await expect(bans).toContainText('Nobody is banned from this server.');

  // The audit log has each step with actor, target and reason.
  await bans.getByRole('tab', { name: 'Audit log' }).click();
  await expect(bans).toContainText(`${ada.username} unbanned ${bob.username}`);
  await expect(bans).toContainText(`${mia.username} banned ${bob.username}`);
  await expect(bans).toContainText(`${mia.username} kicked ${bob.username}`);
  await expect(bans).toContainText('Reason: rude');
  await expect(bans).toContainText(`${mia.username} timed out ${bob.username}`);
  await bans.getByLabel('Action').selectOption({ label: 'Member kicked' });
  await expect(bans.locator('.audit-list > li')).toHaveCount(1);
  await shot(ada.page, 'moderation-audit-log');
  for (const person of [ada, mia, bob]) expect(person.failures).toEqual([]);
});

test('a member reports a message; a moderator resolves it from the queue; the reporter is told', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const ada = await signUp(browser, 'repowner');
  const mia = await signUp(browser, 'repmia');
  const bob = await signUp(browser, 'repbob');
  const eve = await signUp(browser, 'repeve');
  await eve.page.close();
  const name = `Report Guild ${Date.now().toString(36)}`;
  const guild = await moderatedGuild(ada, mia, [bob, eve], name);
  await post(eve, guild, 'general', 'cheap coins here');
  for (const person of [mia, bob]) await openChannel(person, guild, 'general');

  // Mia keeps the (empty) queue open while Bob reports Eve's message from its toolbar.
  const settings = await openSettingsTab(mia.page, 'Reports');
  await expect(settings).toContainText('No open reports. All clear.');
  const message = bob.page.getByRole('article', { name: `${eve.username}: cheap coins here` });
  await message.hover();
  await message.getByRole('button', { name: 'Report message' }).click();
  const report = bob.page.getByRole('dialog', { name: `Report a message by ${eve.username}` });
  await report.getByLabel('Spam or scam').check();
  await report.getByLabel('Anything else moderators should know (optional)').fill('posts this everywhere');
  expect(await audit(bob.page, '.moderation-dialog')).toEqual([]);
  await shot(bob.page, 'moderation-report-dialog');
  await report.getByRole('button', { name: 'Send report' }).click();
  await expect(toast(bob.page, 'Thank you. Your report was sent to the moderators.')).toBeVisible();
  // Twice is refused with a sentence, not a database error.
  await bob.page.mouse.move(0, 0);
  await message.hover();
  await message.getByRole('button', { name: 'Report message' }).click();
  await report.getByLabel('Harassment or bullying').check();
  await report.getByRole('button', { name: 'Send report' }).click();
  await expect(report.getByRole('alert')).toHaveText('You already reported this message.');
  await report.getByRole('button', { name: 'Close' }).click();

  // The report reaches Mia's queue live, with the message as it read; opened in context.
  const item = settings.getByRole('listitem', { name: `Report about ${eve.username}` });
  await expect(item).toContainText(`${bob.username} reported a message by ${eve.username} in #general`, LIVE);
  await expect(item).toContainText('Spam or scam');
  await expect(item).toContainText('cheap coins here');
  await shot(mia.page, 'moderation-reports-queue');
  expect(await audit(mia.page, '.modal')).toEqual([]);
  await item.getByRole('button', { name: 'Open the message in #general' }).click();
  await expect(settings).toBeHidden();
  await expect(mia.page.getByRole('article', { name: `${eve.username}: cheap coins here` })).toBeVisible();

  // Resolved by deleting the message: gone for Bob live, and Bob is told.
  const again = await openSettingsTab(mia.page, 'Reports');
  const open = again.getByRole('listitem', { name: `Report about ${eve.username}` });
  await open.getByLabel('Note for the audit log (optional)').fill('scam link');
  await open.getByRole('button', { name: 'Delete message' }).click();
  await expect(toast(mia.page, 'Report handled: message deleted.')).toBeVisible();
  await expect(again).toContainText('No open reports. All clear.');
  await expect(bob.page.getByRole('log', { name: 'Messages' })).not.toContainText('cheap coins here', LIVE);
  await expect(bob.page.getByRole('button', { name: /^Notifications, 1 unread/ })).toBeVisible(LIVE);
  await bob.page.getByRole('button', { name: /^Notifications/ }).click();
  await expect(bob.page.getByRole('region', { name: 'Notifications' })).toContainText(
    `The moderators of ${name} reviewed your report and took action. Thank you.`,
  );

  // The resolved list and the audit log keep the outcome.
  await again.getByLabel('Show').selectOption({ label: 'Resolved' });
  await expect(again.getByRole('listitem', { name: `Report about ${eve.username}` })).toContainText(
    `${mia.username}: message deleted — scam link`,
  );
  await again.getByRole('tab', { name: 'Audit log' }).click();
  await expect(again).toContainText(
    `${mia.username} resolved a report about ${eve.username}: deleted the message`,
  );
  await expect(again).toContainText(`${mia.username} deleted a message by ${eve.username} in #general`);
  await shot(mia.page, 'moderation-audit-report');

  // Kick, timeout and ban from the queue ask first, in the member menu's dialogs, the reason
  // prefilled from the report; closing the dialog leaves the report open.
  await rest(bob, 'rpc/report_member', {
    method: 'POST',
    body: { p_server_id: guild.serverId, p_profile_id: await profileId(eve), p_reason: 'harassment' },
  });
  await again.getByRole('tab', { name: 'Reports' }).click();
  await again.getByLabel('Show').selectOption({ label: 'Open' });
  const aboutEve = again.getByRole('listitem', { name: `Report about ${eve.username}` });
  await aboutEve.getByRole('button', { name: 'Kick' }).click();
  const kick = mia.page.getByRole('dialog', { name: `Kick ${eve.username} from the server` });
  await expect(kick.getByLabel('Reason (shown in the audit log)')).toHaveValue(
    'Report: Harassment or bullying',
  );
  await kick.getByRole('button', { name: 'Close' }).click();
  await expect(kick).toBeHidden();
  await aboutEve.getByRole('button', { name: 'Time out' }).click();
  const timeout = mia.page.getByRole('dialog', { name: `Time out ${eve.username}` });
  await expect(timeout.getByLabel('Reason (shown in the audit log)')).toHaveValue(
    'Report: Harassment or bullying',
  );
  await timeout.getByLabel('1 hour').check();
  await shot(mia.page, 'moderation-report-timeout-confirm');
  await timeout.getByRole('button', { name: 'Time out' }).click();
  await expect(toast(mia.page, `${eve.username} was timed out for 1 hour.`)).toBeVisible();
  await expect(again).toContainText('No open reports. All clear.', LIVE);
  await again.getByRole('tab', { name: 'Audit log' }).click();
  await expect(again).toContainText(
    `${mia.username} resolved a report about ${eve.username}: timed the member out`,
  );
  await expect(again).toContainText('Report: Harassment or bullying');

  // Bob, a plain member, has no queue: the database answers his direct call with a clean 403.
  const denied = await rest(bob, 'rpc/list_reports', {
    method: 'POST',
    body: { p_server_id: guild.serverId },
  }).catch((e: Error) => e.message);
  expect(denied).toMatch(/list_reports: 403 .*"code":"42501"/);
  for (const person of [mia, bob]) expect(person.failures).toEqual([]);
});
