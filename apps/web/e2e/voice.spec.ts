import { expect, test } from '@playwright/test';
import { shot, signUp } from './helpers.js';

test('joining a voice channel without a reachable LiveKit server fails cleanly', async ({ browser }) => {
  const ada = await signUp(browser, 'vox');
  await ada.page.getByRole('button', { name: 'Create a server' }).click();
  await ada.page.getByLabel('Server name').fill('Voice Guild');
  await ada.page.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(ada.page.getByRole('heading', { name: 'general', exact: true })).toBeVisible();

  await ada.page.getByRole('button', { name: 'General', exact: true }).click();
  const voice = ada.page.getByRole('region', { name: 'Voice', exact: true });
  await expect(voice.getByRole('alert')).toHaveText(
    'The voice server is unreachable. Try again in a moment.',
    {
      timeout: 20_000,
    },
  );
  await expect(ada.page.getByRole('button', { name: 'Join voice' })).toBeEnabled();
  await shot(ada.page, 'voice-unreachable');
  // The rest of the app keeps working.
  await ada.page.getByRole('button', { name: 'general', exact: true }).click();
  await ada.page.getByLabel('Message #general').fill('still here');
  await ada.page.getByLabel('Message #general').press('Enter');
  await expect(ada.page.getByRole('log', { name: 'Messages' })).toContainText('still here');
});
