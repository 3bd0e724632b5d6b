import { expect, test } from '@playwright/test';
import { CONTROL, createGuild, expectMessagesOnce, openChannel, post, signUp } from './helpers.js';

// Item 1: the open channel keeps receiving, exactly once and in order, whatever happened to the page.
test('the open channel stays live through reload, offline, a hidden tab and a stack restart', async ({
  browser,
}) => {
  const ada = await signUp(browser, 'live');
  const bob = await signUp(browser, 'lively');
  const guild = await createGuild(ada, 'Live Guild', [bob]);
  await openChannel(bob, guild, 'general');
  const sent: string[] = [];
  const send = async (prefix: string, count: number) => {
    for (let i = 1; i <= count; i++) {
      const text = `${prefix} ${i}`;
      await post(ada, guild, 'general', text);
      sent.push(text);
    }
  };

  // After a reload, messages sent later arrive live.
  await bob.page.reload();
  await expect(bob.page.getByRole('heading', { name: 'general', exact: true })).toBeVisible();
  await expect(bob.page.getByRole('log', { name: 'Messages' })).toBeVisible();
  await send('m after reload', 3);
  await expectMessagesOnce(bob.page, 'm ', sent, 3000);

  // Offline: what was sent meanwhile is caught up once back online.
  await bob.page.context().setOffline(true);
  await send('m while offline', 3);
  await bob.page.context().setOffline(false);
  await expectMessagesOnce(bob.page, 'm ', sent);
  await send('m back online', 2);
  await expectMessagesOnce(bob.page, 'm ', sent, 3000);

  // A hidden tab (the browser may throttle it): messages sent meanwhile appear once it is visible.
  await setVisibility(bob.page, 'hidden');
  await send('m while hidden', 3);
  await setVisibility(bob.page, 'visible');
  await expectMessagesOnce(bob.page, 'm ', sent);

  // A stack restart: the socket drops and comes back; nothing is lost or doubled.
  await fetch(`${CONTROL}/restart`, { method: 'POST' });
  await send('m after restart', 3);
  await expectMessagesOnce(bob.page, 'm ', sent, 30_000);
  await send('m settled', 2);
  await expectMessagesOnce(bob.page, 'm ', sent, 5000);
});

async function setVisibility(page: import('@playwright/test').Page, state: 'hidden' | 'visible') {
  await page.evaluate((value) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => value });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => value === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}
