import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { createGuild, openChannel, rest, shot, signUp } from './helpers.js';

/** SEND_MESSAGES_IN_THREADS (bit 38), as the API takes permission masks. */
const SEND_MESSAGES_IN_THREADS = (1n << 38n).toString();

const panel = (page: Page) => page.getByRole('complementary', { name: 'Thread', exact: true });
const summary = (page: Page) =>
  page
    .getByRole('article', { name: /Shall we plan the release/ })
    .getByRole('button', { name: /Release plan/ });

// Issue 20, threads: Ada starts a thread from a message; Bob sees it, opens it and replies, live
// both ways; unread and mention marks for the thread in the sidebar; Ada archives it and Bob sees
// that; Cy (no SEND_MESSAGES_IN_THREADS, on a phone) reads it with a read-only composer.
test('a thread from a message, live for everyone in the channel', async ({ browser }) => {
  // Three people sign up by mail and act in turn: more than the default minute on a busy machine.
  test.setTimeout(150_000);
  const [ada, bob, cy] = await Promise.all([
    signUp(browser, 'thrada'),
    signUp(browser, 'thrbob'),
    signUp(browser, 'thrcy', { width: 390, height: 844 }),
  ]);
  const guild = await createGuild(ada, 'Thread Guild', [bob, cy]);
  const [adaId, cyId] = await Promise.all(
    [ada, cy].map(
      async (p) => (await rest(p, `profiles?select=id&username=eq.${p.username}`))[0].id as string,
    ),
  );
  await rest(ada, 'rpc/set_channel_overwrite', {
    method: 'POST',
    body: {
      p_channel_id: guild.channels.general,
      p_target_type: 'member',
      p_target_id: cyId,
      p_allow: 0,
      p_deny: SEND_MESSAGES_IN_THREADS,
    },
  });
  await rest(ada, 'messages', {
    method: 'POST',
    body: { channel_id: guild.channels.general, content: 'Shall we plan the release?' },
  });
  const threadId = async () =>
    (await rest(bob, `channels?select=id&parent_id=eq.${guild.channels.general}&name=eq.Release%20plan`))[0]
      .id as string;
  await openChannel(ada, guild, 'general');
  await openChannel(bob, guild, 'general');

  // Ada: the message's toolbar → Create thread; the name starts as the message's text.
  const starter = ada.page.getByRole('article', { name: /Shall we plan the release/ });
  // The toolbar shows on hover; hovered again should the page have re-rendered meanwhile.
  await expect(async () => {
    await starter.hover();
    await starter.getByRole('button', { name: 'Create thread' }).click({ timeout: 2000 });
  }).toPass();
  const form = ada.page.getByRole('complementary', { name: 'Create thread' });
  await expect(form.getByLabel('Thread name')).toHaveValue('Shall we plan the release?');
  await form.getByLabel('Thread name').fill('Release plan');
  await form.getByLabel('Archive after inactivity').selectOption({ label: '1 week' });
  await form.getByRole('button', { name: 'Create thread' }).click();
  await expect(panel(ada.page).getByRole('heading', { name: 'Release plan' })).toBeVisible();

  // Bob sees the thread appear under the message, live.
  await expect(summary(bob.page)).toContainText('0 messages');

  await panel(ada.page).getByRole('textbox', { name: 'Message Release plan' }).fill('I will draft the notes');
  await panel(ada.page).getByRole('textbox', { name: 'Message Release plan' }).press('Enter');
  await expect(summary(bob.page)).toContainText('1 message — last just now');

  await summary(bob.page).click();
  const bobPanel = panel(bob.page);
  await expect(bobPanel.getByRole('article', { name: /I will draft the notes/ })).toBeVisible();
  await bobPanel.getByRole('textbox', { name: 'Message Release plan' }).fill('I can take the changelog');
  await bobPanel.getByRole('textbox', { name: 'Message Release plan' }).press('Enter');

  // Ada sees the reply in her open thread, and the count under the starter message.
  await expect(panel(ada.page).getByRole('article', { name: /I can take the changelog/ })).toBeVisible();
  await expect(summary(ada.page)).toContainText('2 messages');
  await bobPanel.getByRole('button', { name: 'Participants' }).click();
  await expect(bobPanel.getByRole('region', { name: 'Participants' })).toContainText(ada.username);
  await shot(ada.page, 'threads-ada-panel');
  await shot(bob.page, 'threads-bob-panel');

  // Ada follows the thread (she started it): it sits under #general with its unread marks.
  await panel(ada.page).getByRole('button', { name: 'Close' }).click();
  await rest(bob, 'messages', {
    method: 'POST',
    body: { channel_id: await threadId(), content: `<@${adaId}> can you review?` },
  });
  const sidebarThread = ada.page
    .getByRole('complementary', { name: 'Channels' })
    .getByRole('list', { name: 'Threads' })
    .getByRole('button', { name: /Release plan/ });
  await expect(sidebarThread).toHaveClass(/unread/);
  await expect(sidebarThread).toHaveAccessibleDescription('1 mention');
  await shot(ada.page, 'threads-ada-sidebar-unread');
  await sidebarThread.click();
  await expect(panel(ada.page).getByRole('article', { name: /can you review/ })).toBeVisible();
  await expect(sidebarThread).not.toHaveClass(/unread/);

  // Ada archives it: Bob's open thread says so, live.
  await panel(ada.page).getByRole('button', { name: 'Archive thread' }).click();
  await expect(bobPanel.getByText('Archived', { exact: true })).toBeVisible();
  await expect(bobPanel.getByRole('status').filter({ hasText: 'This thread is archived' })).toBeVisible();
  await expect(summary(bob.page)).toContainText('Archived');
  await expect(sidebarThread).toBeHidden();

  // The panel passes an accessibility audit (its composer included).
  const { violations } = await new AxeBuilder({ page: bob.page }).include('.thread-panel').analyze();
  expect(
    violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
  ).toEqual([]);

  // Cy, on a phone, reads the thread over the whole screen but may not post in it.
  await openChannel(cy, guild, 'general');
  await summary(cy.page).click();
  const cyPanel = panel(cy.page);
  await expect(cyPanel.getByRole('article', { name: /I can take the changelog/ })).toBeVisible();
  await expect(
    cyPanel.getByRole('status').filter({ hasText: 'You do not have permission to send messages' }),
  ).toBeVisible();
  await expect(cyPanel.getByRole('textbox', { name: /^Message/ })).toHaveCount(0);
  const box = await cyPanel.boundingBox();
  expect(box?.width).toBe(390);
  await shot(cy.page, 'threads-cy-phone-readonly');

  // After a reload Bob still finds it, archived, in the channel's thread list.
  await bob.page.reload();
  await expect(summary(bob.page)).toContainText('3 messages');
  await bob.page.getByRole('button', { name: 'Threads' }).click();
  const list = bob.page.getByRole('complementary', { name: 'Threads' });
  await expect(list).toContainText('No active threads yet.');
  await list.getByRole('button', { name: 'Archived' }).click();
  await list.getByRole('button', { name: /Release plan/ }).click();
  await expect(panel(bob.page).getByText('Archived', { exact: true })).toBeVisible();
  await shot(bob.page, 'threads-bob-after-reload');

  // A link to the thread itself (notifications, pushes) opens its channel with the thread beside it.
  await bob.page.goto(`/#/channels/${guild.serverId}/${await threadId()}`);
  await expect(bob.page.getByRole('heading', { name: 'general', exact: true })).toBeVisible();
  await expect(panel(bob.page).getByRole('heading', { name: 'Release plan' })).toBeVisible();

  // Ada (the owner manages threads) locks it: Bob may no longer post, live.
  await panel(ada.page).getByRole('button', { name: 'Lock thread' }).click();
  await expect(
    panel(bob.page).getByRole('status').filter({ hasText: 'This thread is locked.' }),
  ).toBeVisible();
  await expect(panel(bob.page).getByRole('textbox', { name: 'Message Release plan' })).toHaveCount(0);

  for (const person of [ada, bob, cy]) expect(person.failures).toEqual([]);
});
