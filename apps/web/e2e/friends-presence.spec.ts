import { expect, test } from '@playwright/test';
import { createGuild, openChannel, rest, shot, signIn, signUp } from './helpers.js';

// Item 4: the friends list and the member list agree on who is online, live.
test('friends show the same live status as the member list', async ({ browser }) => {
  const ada = await signUp(browser, 'frnd');
  const bob = await signUp(browser, 'frndbob');
  const guild = await createGuild(ada, 'Friendly', [bob]);
  await rest(ada, 'rpc/send_friend_request', { method: 'POST', body: { p_username: bob.username } });
  const [request] = (await rest(bob, 'friend_requests?select=id')) as { id: string }[];
  await rest(bob, 'rpc/accept_friend_request', { method: 'POST', body: { p_request_id: request?.id } });

  await openChannel(bob, guild, 'general');
  const members = bob.page.getByRole('complementary', { name: 'Members' });
  await expect(members.getByRole('listitem').filter({ hasText: ada.username })).toContainText('Online');

  await bob.page.getByRole('button', { name: 'Direct messages' }).click();
  await bob.page.getByRole('button', { name: 'Friends', exact: true }).click();
  const online = bob.page.getByRole('list', { name: 'Online friends' });
  await expect(online.getByRole('listitem').filter({ hasText: ada.username })).toContainText('Online');

  // Ada leaves: she goes offline in both places, without a reload.
  await ada.page.context().close();
  await expect(bob.page.getByText('None of your friends are online.')).toBeVisible({ timeout: 15_000 });
  await bob.page.getByRole('tab', { name: 'All' }).click();
  await expect(
    bob.page
      .getByRole('list', { name: 'All friends' })
      .getByRole('listitem')
      .filter({ hasText: ada.username }),
  ).toContainText('Offline');
});

// Friends who share no server still see each other's live status: on the friends presence topic.
test('a friend in no shared server shows Online live, after a reload, and Offline when she leaves', async ({
  browser,
}) => {
  const ada = await signUp(browser, 'lonely');
  const bob = await signUp(browser, 'lonelybob');
  await bob.page.getByRole('button', { name: 'Direct messages' }).click();
  await bob.page.getByRole('button', { name: 'Friends', exact: true }).click();
  await rest(ada, 'rpc/send_friend_request', { method: 'POST', body: { p_username: bob.username } });
  const [request] = (await rest(bob, 'friend_requests?select=id')) as { id: string }[];
  await rest(bob, 'rpc/accept_friend_request', { method: 'POST', body: { p_request_id: request?.id } });

  const onlineAda = bob.page
    .getByRole('list', { name: 'Online friends' })
    .getByRole('listitem')
    .filter({ hasText: ada.username });
  // The friendship is new: Bob's page learns of it live and of Ada's presence with it.
  await expect(onlineAda).toContainText('Online', { timeout: 15_000 });
  await bob.page.reload();
  await expect(onlineAda).toContainText('Online', { timeout: 15_000 });
  await shot(bob.page, 'friends-online-no-shared-server');

  // Ada closes her page: offline for Bob, live, on both tabs.
  await ada.page.context().close();
  await expect(bob.page.getByText('None of your friends are online.')).toBeVisible({ timeout: 15_000 });
  await bob.page.getByRole('tab', { name: 'All' }).click();
  const allAda = bob.page.getByRole('list', { name: 'All friends' }).getByRole('listitem').filter({
    hasText: ada.username,
  });
  await expect(allAda).toContainText('Offline');
  // And back: she signs in again and Bob sees her online without a reload.
  const adaBack = await signIn(browser, ada);
  await expect(allAda).toContainText('Online', { timeout: 15_000 });

  // Ada removes Bob from her friends: she leaves Bob's list live, status and all, and stays gone
  // after his reload (the friends presence topic no longer admits him: a stack test).
  await adaBack.page.getByRole('button', { name: 'Direct messages' }).click();
  await adaBack.page.getByRole('button', { name: 'Friends', exact: true }).click();
  await adaBack.page.getByRole('tab', { name: 'All' }).click();
  adaBack.page.once('dialog', (dialog) => void dialog.accept());
  await adaBack.page.getByRole('button', { name: /^Remove .+ from friends$/ }).click();
  await expect(adaBack.page.getByText('No friends yet. Add someone by username.')).toBeVisible();
  await expect(allAda).toHaveCount(0);
  await expect(bob.page.getByText('No friends yet. Add someone by username.')).toBeVisible();
  await bob.page.reload();
  await expect(bob.page.getByText(/None of your friends are online\.|No friends yet\./)).toBeVisible({
    timeout: 15_000,
  });
  await expect(onlineAda).toHaveCount(0);
});

// Bug: accepting (or declining) a request left its notification unread, so the bell kept a badge.
test('a friend request’s badge goes once it is answered, on both of Bob’s tabs and after a reload', async ({
  browser,
}) => {
  const ada = await signUp(browser, 'asker');
  const bob = await signUp(browser, 'askedbob');
  const bobOtherTab = await bob.page.context().newPage();
  await bobOtherTab.goto('/');
  const bell = (page: typeof bob.page) =>
    page.getByRole('button', { name: /^Notifications(, \d+ unread)?$/ });
  await rest(ada, 'rpc/send_friend_request', { method: 'POST', body: { p_username: bob.username } });
  for (const page of [bob.page, bobOtherTab])
    await expect(bell(page)).toHaveAccessibleName('Notifications, 1 unread', { timeout: 10_000 });

  await bob.page.getByRole('button', { name: 'Friends', exact: true }).click();
  await bob.page.getByRole('tab', { name: /^Pending/ }).click();
  await bob.page.getByRole('button', { name: 'Accept' }).click();
  for (const page of [bob.page, bobOtherTab])
    await expect(bell(page)).toHaveAccessibleName('Notifications', { timeout: 4000 });
  await bobOtherTab.reload();
  await expect(bell(bobOtherTab)).toHaveAccessibleName('Notifications');
  // Ada is told, and her "accepted" notification is hers to read.
  await expect(bell(ada.page)).toHaveAccessibleName('Notifications, 1 unread', { timeout: 4000 });
  await shot(bob.page, 'friend-request-answered');
  expect([...ada.failures, ...bob.failures]).toEqual([]);
});
