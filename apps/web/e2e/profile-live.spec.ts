import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { CONTROL, createGuild, openChannel, type Person, PNG, post, shot, signUp } from './helpers.js';

/** Live means within a second; the margin is for this shared 2-core machine. */
const LIVE = { timeout: 4000 };

const settings = (page: Page) => page.getByRole('dialog', { name: 'User settings' });

async function rename(person: Person, displayName: string): Promise<void> {
  await person.page.getByRole('button', { name: 'User settings' }).click();
  await settings(person.page).getByLabel('Display name').fill(displayName);
  await settings(person.page).getByRole('button', { name: 'Save', exact: true }).click();
  await expect(settings(person.page).getByText('Saved')).toBeVisible();
  await settings(person.page).getByRole('button', { name: 'Close' }).click();
}

// Bug: a new name or picture reached nobody until they reloaded (no profile_update existed).
test('a new name and picture reach the other member live, after a reload, an offline spell and a stack restart', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const ada = await signUp(browser, 'profada');
  const bob = await signUp(browser, 'profbob');
  const guild = await createGuild(ada, 'Profile Guild', [bob]);
  await post(ada, guild, 'general', 'hello from ada');
  await openChannel(bob, guild, 'general');
  const members = bob.page.getByRole('complementary', { name: 'Members' });
  const adaLine = (name: string) => bob.page.getByRole('article', { name: `${name}: hello from ada` });
  await expect(adaLine(ada.username)).toBeVisible();

  // Live: the name on her message and in the member list, and her picture, without a reload.
  await rename(ada, 'Ada Lovelace');
  await expect(adaLine('Ada Lovelace')).toBeVisible(LIVE);
  await expect(members).toContainText('Ada Lovelace');
  await ada.page.getByRole('button', { name: 'User settings' }).click();
  await settings(ada.page)
    .getByLabel('Change avatar')
    .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG });
  await expect(settings(ada.page).getByText('Avatar updated')).toBeVisible();
  const { violations } = await new AxeBuilder({ page: ada.page }).include('dialog').analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  await shot(ada.page, 'profile-live-settings');
  await settings(ada.page).getByRole('button', { name: 'Close' }).click();
  const picture = adaLine('Ada Lovelace').locator('img').first();
  await expect(picture).toHaveAttribute('src', /avatars/, LIVE);
  await shot(bob.page, 'profile-live-bob');

  // After a reload: the same.
  await bob.page.reload();
  await expect(adaLine('Ada Lovelace')).toBeVisible();
  await expect(picture).toHaveAttribute('src', /avatars/);

  // An offline spell: a change made meanwhile shows once Bob is back.
  await bob.page.context().setOffline(true);
  await rename(ada, 'Ada King');
  await bob.page.context().setOffline(false);
  await expect(adaLine('Ada King')).toBeVisible({ timeout: 20_000 });
  await expect(members).toContainText('Ada King');

  // A stack restart: Bob's connection comes back and later changes arrive live again.
  await fetch(`${CONTROL}/restart`, { method: 'POST' });
  await rename(ada, 'Countess Lovelace');
  await expect(adaLine('Countess Lovelace')).toBeVisible({ timeout: 20_000 });
  await expect(members).toContainText('Countess Lovelace');
  expect([...ada.failures, ...bob.failures]).toEqual([]);
});
