import { expect, type Page, test } from '@playwright/test';
import {
  createGuild,
  expectMessagesOnce,
  openChannel,
  type Person,
  removeOverride,
  rest,
  setOverride,
  signUp,
} from './helpers.js';

async function say(person: Person, text: string, sent: string[]) {
  const composer = person.page.getByLabel('Message #lounge');
  await composer.fill(text);
  await composer.press('Enter');
  sent.push(text);
}

const lounge = (page: Page) =>
  page.getByRole('complementary', { name: 'Channels' }).getByRole('button', { name: 'lounge', exact: true });

// The long way round: reload, offline, losing and regaining access; both sides see every message once, in order.
test('two people keep one exact conversation through reload, offline and a permission change', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const ada = await signUp(browser, 'trip');
  const bob = await signUp(browser, 'tripbob');
  const guild = await createGuild(ada, 'Journey Guild', [bob]);
  guild.channels.lounge = (await rest(ada, 'rpc/create_channel', {
    method: 'POST',
    body: { p_server_id: guild.serverId, p_name: 'lounge', p_type: 'text' },
  })) as string;
  await openChannel(ada, guild, 'lounge');
  await openChannel(bob, guild, 'lounge');
  const sent: string[] = [];
  const bothSeeAll = async (timeout?: number) => {
    await expectMessagesOnce(bob.page, 'j ', sent, timeout);
    await expectMessagesOnce(ada.page, 'j ', sent, timeout);
  };

  await say(ada, 'j 1 hello', sent);
  await say(bob, 'j 2 hi', sent);
  await say(ada, 'j 3 how are you', sent);
  await bothSeeAll();

  await bob.page.reload();
  await expect(bob.page.getByLabel('Message #lounge')).toBeVisible();
  await say(ada, 'j 4 after your reload', sent);
  await say(bob, 'j 5 got it', sent);
  await bothSeeAll();

  await bob.page.context().setOffline(true);
  await say(ada, 'j 6 while you were away', sent);
  await say(ada, 'j 7 still away?', sent);
  await bob.page.context().setOffline(false);
  await bothSeeAll();

  // Ada hides #lounge from Bob, talks, then lets him back in: he catches up on all of it.
  await setOverride(ada, 'lounge', `@${bob.username}`, 'View channels', 'Deny');
  await expect(bob.page.getByRole('main')).toContainText('You no longer have access to this channel.');
  await expect(lounge(bob.page)).toBeHidden();
  await say(ada, 'j 8 said while you could not see', sent);
  await removeOverride(ada, 'lounge', `@${bob.username}`);
  await expect(lounge(bob.page)).toBeVisible();
  await lounge(bob.page).click();
  await bothSeeAll();
  await say(bob, 'j 9 back again', sent);
  await say(ada, 'j 10 welcome back', sent);
  await bothSeeAll();
  expect([...bob.failures, ...ada.failures]).toEqual([]);
});
