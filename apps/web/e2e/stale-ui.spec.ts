import { expect, test } from '@playwright/test';
import { createGuild, openChannel, signUp } from './helpers.js';

// Item 8: nothing stale stays on screen: typing, voice errors, the voice category's "+".
test('typing, voice errors and the voice "+" never leave stale state behind', async ({ browser }) => {
  const ada = await signUp(browser, 'stale');
  const bob = await signUp(browser, 'stalebob');
  const guild = await createGuild(ada, 'Stale Guild', [bob]);
  await openChannel(ada, guild, 'general');
  await openChannel(bob, guild, 'general');

  // Typing goes away as soon as Bob clears the box, and when his message arrives.
  const composer = bob.page.getByLabel('Message #general');
  const typing = ada.page.getByText(`${bob.username} is typing…`);
  await composer.pressSequentially('hmm');
  await expect(typing).toBeVisible();
  await composer.fill('');
  await composer.press('Backspace');
  await expect(typing).toBeHidden({ timeout: 1500 });
  await composer.pressSequentially('done');
  await expect(typing).toBeVisible();
  await composer.press('Enter');
  await expect(ada.page.getByRole('article', { name: `${bob.username}: done` })).toBeVisible();
  await expect(typing).toBeHidden({ timeout: 1000 });

  // A failed voice join (no LiveKit here): dismissing it clears the sidebar, Join is offered again.
  await ada.page.getByRole('button', { name: 'General', exact: true }).click();
  const voice = ada.page.getByRole('region', { name: 'Voice', exact: true });
  await expect(voice.getByRole('alert')).toBeVisible({ timeout: 20_000 });
  await voice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(voice).toBeHidden();
  await expect(ada.page.getByRole('button', { name: 'Join voice' })).toBeEnabled();

  // "+" beside Voice Channels starts a voice channel.
  await ada.page.getByRole('button', { name: 'Create channel in Voice Channels' }).click();
  await expect(ada.page.getByRole('radio', { name: 'Voice' })).toBeChecked();
  await ada.page.getByLabel('Channel name').fill('Lounge');
  await ada.page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(
    bob.page.getByRole('region', { name: 'Voice Channels' }).getByRole('button', { name: 'Lounge' }),
  ).toBeVisible();
});
