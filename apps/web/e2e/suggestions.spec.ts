import { expect, test } from '@playwright/test';
import { createGuild, openChannel, signUp } from './helpers.js';

// Item 5: @mention, #channel and :emoji: suggestions work from the keyboard.
test('suggestions are picked with Tab, Enter and the arrow keys, and Escape dismisses them', async ({
  browser,
}) => {
  const ada = await signUp(browser, 'sug');
  const bob = await signUp(browser, 'sugbob');
  const guild = await createGuild(ada, 'Suggest Guild', [bob]);
  await openChannel(ada, guild, 'general');
  await openChannel(bob, guild, 'general');
  const composer = bob.page.getByLabel('Message #general');
  const options = bob.page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option');
  const bobLog = ada.page.getByRole('log', { name: 'Messages' });

  // @: the arrow keys move, Enter picks; Ada sees the mention by name.
  await composer.pressSequentially(`hey @${ada.username.slice(0, 3)}`);
  await expect(options.first()).toBeVisible();
  // The box points screen readers at the list and at the option in focus.
  const listId = await bob.page.getByRole('listbox', { name: 'Suggestions' }).getAttribute('id');
  await expect(composer).toHaveAttribute('aria-controls', listId ?? 'a listbox id');
  await composer.press('ArrowDown');
  await composer.press('ArrowUp');
  const selected = options.filter({ hasText: ada.username }).first();
  await expect(selected).toHaveAttribute('aria-selected', 'true');
  await expect(composer).toHaveAttribute(
    'aria-activedescendant',
    (await selected.getAttribute('id')) ?? 'an option id',
  );
  await composer.press('Enter');
  await expect(composer).toHaveValue(`hey @${ada.username} `);
  await composer.press('Enter');
  await expect(bobLog.getByRole('article', { name: new RegExp(`^${bob.username}: hey <@`) })).toContainText(
    `@${ada.username}`,
  );

  // #: Tab picks the channel; Ada sees #general as a channel mention, not an id.
  await composer.pressSequentially('see #gen');
  await expect(options.first()).toContainText('#general');
  await composer.press('Tab');
  await expect(composer).toHaveValue('see #general ');
  await composer.press('Enter');
  await expect(bobLog.getByText('#general', { exact: true })).toBeVisible();

  // :: two letters bring emoji; Enter inserts the emoji itself.
  await composer.pressSequentially('party :tad');
  await expect(options.first()).toContainText(':tada:');
  await composer.press('Enter');
  await expect(composer).toHaveValue('party 🎉 ');

  // Escape dismisses without picking; the next Enter sends the text as typed.
  await composer.pressSequentially('@');
  await expect(options.first()).toBeVisible();
  await composer.press('Escape');
  await expect(options).toHaveCount(0);
  await composer.press('Enter');
  await expect(bobLog.getByRole('img', { name: '🎉' })).toBeVisible();

  // :shortcode: typed in full becomes the emoji on send.
  await composer.fill('so funny :joy:');
  await composer.press('Enter');
  await expect(bobLog.getByRole('article', { name: `${bob.username}: so funny 😂` })).toBeVisible();
});
