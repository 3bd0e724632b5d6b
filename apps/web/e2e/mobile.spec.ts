import { expect, test } from '@playwright/test';
import { shot, signUp } from './helpers.js';

test('works on a 360 px wide screen', async ({ browser }) => {
  const ada = await signUp(browser, 'narrow', { width: 360, height: 740 });
  await shot(ada.page, 'mobile-home');
  await ada.page.getByRole('button', { name: 'Create a server' }).click();
  await ada.page.getByLabel('Server name').fill('Pocket');
  await ada.page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(ada.page.getByRole('heading', { name: 'general', exact: true })).toBeVisible();
  const composer = ada.page.getByLabel('Message #general');
  await composer.fill('small screens too');
  await composer.press('Enter');
  await expect(ada.page.getByRole('log', { name: 'Messages' })).toContainText('small screens too');
  // Nothing forces sideways scrolling.
  const overflow = await ada.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(ada.page, 'mobile-chat');
  // The header keeps search and the bell; the less used actions are in its "…" menu.
  await expect(ada.page.getByRole('button', { name: 'Pinned messages' })).toBeHidden();
  await ada.page.getByRole('button', { name: 'More channel actions' }).click();
  const more = ada.page.getByRole('menu', { name: 'Channel actions' });
  await expect(more.getByRole('menuitem')).toHaveText([
    'Pinned messages',
    'Channel notification settings',
    'Show member list',
  ]);
  await shot(ada.page, 'mobile-channel-actions');
  await more.getByRole('menuitem', { name: 'Pinned messages' }).click();
  await expect(ada.page.getByRole('dialog', { name: /Pinned messages/ })).toBeVisible();
  await ada.page.keyboard.press('Escape');
  await expect(ada.page.getByRole('dialog')).toBeHidden();
  // The composer uses the whole width; a tap on a message shows its toolbar, a tap elsewhere hides it.
  const width = await composer.evaluate((el) => (el.closest('.composer') as HTMLElement).offsetWidth);
  expect(width).toBeGreaterThan(360 - 56 - 4);
  const message = ada.page.getByRole('article', { name: /small screens too/ });
  const toolbar = message.getByRole('toolbar', { name: 'Message actions' });
  await expect(toolbar).toBeHidden();
  // On the text: the author's name and avatar open their profile card instead.
  await message.getByText('small screens too').tap();
  await expect(toolbar).toBeVisible();
  await ada.page.getByRole('heading', { name: 'general', exact: true }).tap();
  await expect(toolbar).toBeHidden();
  // The channel list is one tap away and closes again on choosing a channel.
  await ada.page.getByRole('button', { name: 'Channels' }).click();
  await expect(ada.page.getByRole('complementary', { name: 'Channels' })).toBeVisible();
  await shot(ada.page, 'mobile-channels');
  await ada.page.getByRole('button', { name: 'general', exact: true }).click();
  await expect(ada.page.getByRole('complementary', { name: 'Channels' })).toBeHidden();
});
