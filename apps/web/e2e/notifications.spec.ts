import { writeFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { createGuild, openChannel, rest, shot, signUp } from './helpers.js';

const LIVE = { timeout: 5000 };

/** The tab goes to the background, as when the user switches to another tab or window. */
async function setHidden(page: Page, hidden: boolean) {
  await page.evaluate((value) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (value ? 'hidden' : 'visible'),
    });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/** Titles and bodies of the notifications the service worker's registration shows. */
const shownNotifications = (page: Page) =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications()).map((n) => `${n.title} | ${n.body}`);
  });

// Issue 19, the client: service worker, desktop notification and badges for a mention while the
// tab is hidden, the presence heartbeat, and push registration failing calmly in Chromium.
test('a mention in a hidden tab: desktop notification, title and icon badge; push unavailable said calmly', async ({
  browser,
  baseURL,
}) => {
  const ada = await signUp(browser, 'ntfada');
  const bob = await signUp(browser, 'ntfbob');
  const guild = await createGuild(ada, 'Notify Guild', [bob]);
  await bob.page.context().grantPermissions(['notifications'], { origin: baseURL });
  await openChannel(bob, guild, 'general');
  await expect(bob.page).toHaveTitle('Harmony');

  // The service worker is registered and active (it shows the notifications).
  await expect
    .poll(
      () => bob.page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state),
      LIVE,
    )
    .toBe('activated');

  // Bob switches away; Ada mentions him in the channel he left open.
  await setHidden(bob.page, true);
  const bobId = (await rest(bob, `profiles?select=id&username=eq.${bob.username}`))[0].id as string;
  await rest(ada, 'messages', {
    method: 'POST',
    body: { channel_id: guild.channels.general, content: `lunch, <@${bobId}>?` },
  });
  await expect
    .poll(() => shownNotifications(bob.page), LIVE)
    .toEqual([`${ada.username} mentioned you in #general | lunch, @${bob.username}?`]);
  await expect(bob.page).toHaveTitle('(1) Harmony', LIVE);
  const icon = bob.page.locator('link[rel="icon"]');
  await expect(icon).toHaveAttribute('href', /^data:image\/png;base64,/);

  // A Web Push from apps/server (delivered to the worker as DevTools does): shown with its title,
  // body and tag; the payload is send-push's PushPayload.
  const cdp = await bob.page.context().newCDPSession(bob.page);
  const registrationId = new Promise<string>((resolve) =>
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const live = registrations.find((r) => !r.isDeleted);
      if (live) resolve(live.registrationId);
    }),
  );
  await cdp.send('ServiceWorker.enable');
  const push = {
    origin: new URL(baseURL ?? '').origin,
    registrationId: await registrationId,
    data: JSON.stringify({
      notificationId: '00000000-0000-4000-8000-000000000001',
      type: 'direct_message',
      title: ada.username,
      body: 'are you there?',
      url: '/#/channels/@me/00000000-0000-4000-8000-000000000002',
      tag: '00000000-0000-4000-8000-000000000002',
      icon: null,
      timestamp: Date.now(),
      serverId: null,
      channelId: '00000000-0000-4000-8000-000000000002',
      messageId: null,
    }),
  };
  // A push delivered through DevTools was once not shown on a loaded CI machine; delivering again
  // is safe (the same tag replaces, so the user never sees two).
  await expect(async () => {
    await cdp.send('ServiceWorker.deliverPushMessage', push);
    await expect
      .poll(() => shownNotifications(bob.page), { timeout: 4000 })
      .toContain(`${ada.username} | are you there?`);
  }).toPass({ timeout: 20_000 });
  await cdp.detach();

  // A reload (on the DM home, so #general stays unread): the count comes from the server, and
  // the heartbeat tells the database Bob is here.
  await bob.page.goto('/#/channels/@me');
  const heartbeat = bob.page.waitForRequest((r) => r.url().includes('/rest/v1/rpc/touch_presence'));
  await bob.page.reload();
  await heartbeat;
  await expect(bob.page).toHaveTitle('(1) Harmony', LIVE);
  await expect(icon).toHaveAttribute('href', /^data:image\/png;base64,/);
  await shot(bob.page, 'notifications-title-badge');
  const badge = (await icon.getAttribute('href'))?.split(',')[1] ?? '';
  writeFileSync('test-results/screenshots/notifications-favicon.png', Buffer.from(badge, 'base64'));

  // Reading #general clears the title and the icon.
  await openChannel(bob, guild, 'general');
  await expect(bob.page).toHaveTitle('Harmony', LIVE);
  await expect(icon).toHaveAttribute('href', /\/icon\.svg$/);

  // User settings → Notifications: turning push on cannot work in this Chromium (no push
  // service); the page says so calmly and keeps desktop notifications.
  await bob.page.getByRole('button', { name: 'User settings' }).click();
  const section = bob.page.getByRole('region', { name: 'Notifications' });
  await expect(
    section.getByRole('checkbox', { name: 'Play a sound for mentions and direct messages' }),
  ).toBeChecked();
  await expect(section.getByText('None yet.')).toBeVisible();
  await section.getByRole('button', { name: 'Enable notifications on this device' }).click();
  await expect(section.getByRole('status')).toContainText(
    'Push notifications are not available in this browser',
    {
      timeout: 20_000,
    },
  );
  await expect(section.getByRole('alert')).toHaveCount(0);
  await expect(section.getByText('None yet.')).toBeVisible();
  await section.scrollIntoViewIfNeeded();
  await section.screenshot({ path: 'test-results/screenshots/notifications-settings.png' });
  const { violations } = await new AxeBuilder({ page: bob.page }).include('.device-notifications').analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

  // The sound setting is kept on this device.
  await section.getByRole('checkbox', { name: 'Play a sound for mentions and direct messages' }).uncheck();
  expect(await bob.page.evaluate(() => localStorage.getItem('harmony.notification-sound'))).toBe('off');
  expect([...ada.failures, ...bob.failures]).toEqual([]);
});
