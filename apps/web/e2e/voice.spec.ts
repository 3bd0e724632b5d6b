import { expect, test } from '@playwright/test';
import { rest, shot, signUp } from './helpers.js';

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
  // Dismissed: the panel goes and the channel offers to join again.
  await voice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(voice).toBeHidden();
  await expect(ada.page.getByRole('button', { name: 'Join voice' })).toBeEnabled();
  // The rest of the app keeps working.
  await ada.page.getByRole('button', { name: 'general', exact: true }).click();
  await ada.page.getByLabel('Message #general').fill('still here');
  await ada.page.getByLabel('Message #general').press('Enter');
  await expect(ada.page.getByRole('log', { name: 'Messages' })).toContainText('still here');
});

test('a DM call without microphone access says how to allow it, and nothing rings', async ({ browser }) => {
  const ada = await signUp(browser, 'nomic');
  const bob = await signUp(browser, 'nomicb');
  await rest(ada, 'rpc/send_friend_request', { method: 'POST', body: { p_username: bob.username } });
  const [request] = (await rest(bob, 'friend_requests?select=id')) as { id: string }[];
  await rest(bob, 'rpc/accept_friend_request', { method: 'POST', body: { p_request_id: request?.id } });
  const [bobProfile] = (await rest(bob, `profiles?select=id&username=eq.${bob.username}`)) as {
    id: string;
  }[];
  const dm = (await rest(ada, 'rpc/open_dm', {
    method: 'POST',
    body: { p_profile_id: bobProfile?.id },
  })) as string;
  // This browser has no fake devices and headless Chromium grants no microphone.
  await ada.page.context().clearPermissions();
  await ada.page.goto(`/#/channels/@me/${dm}`);
  await ada.page.getByRole('button', { name: 'Start a voice call' }).click();
  await expect(ada.page.getByRole('alert')).toHaveText(
    /^(Microphone access is blocked\. Click the icon at the left of the address bar, allow the microphone for this site, then try again\.|No microphone was found\. Plug one in, or choose another in your browser or system settings, then try again\.)$/,
  );
  await shot(ada.page, 'dm-call-no-microphone');
  await expect(bob.page.getByRole('alertdialog', { name: 'Incoming call' })).toBeHidden();
  await ada.page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(ada.page.getByRole('button', { name: 'Start a voice call' })).toBeEnabled();
});
