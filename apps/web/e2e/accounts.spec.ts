import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, expect, type Page, test } from '@playwright/test';
import {
  CONTROL,
  createGuild,
  latestMail,
  mailCode,
  mailLink,
  openChannel,
  PASSWORD,
  post,
  rest,
  shot,
  signUp,
  stackInfo,
  uniqueName,
} from './helpers.js';

/** Every flow of the account lifecycle, over mail read from the local inbox's JSON API. */

async function expectAccessible(page: Page, screen: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
}

async function freshPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
  await page.goto('/');
  return page;
}

const signedIn = (page: Page) =>
  expect(page.getByRole('navigation', { name: 'Servers' })).toBeVisible({ timeout: 20_000 });

/** RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s) from a base32 secret, `steps` periods from now. */
function totp(secret: string, steps = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase())
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => Number.parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + steps));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

async function openUserSettings(page: Page) {
  await page.getByRole('button', { name: 'User settings' }).click();
  await expect(page.getByRole('heading', { name: 'Email and password' })).toBeVisible();
}

test('sign-up confirmation link, password recovery, magic link and code sign-in', async ({ browser }) => {
  const username = uniqueName('newbie');
  const email = `${username}@example.test`;

  // Sign-up with confirmations on: "check your inbox", then the mail's link lands signed in.
  const page = await freshPage(browser);
  await page.getByRole('button', { name: 'Need an account? Sign up' }).click();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  await shot(page, 'accounts-check-inbox');
  await expectAccessible(page, 'check inbox');
  await page.goto(mailLink(await latestMail(email, { subject: /Confirm your email/ })));
  await signedIn(page);
  await expect(page.getByText('Your email address is confirmed.')).toBeVisible();

  // Forgot password: the recovery link lands on "Choose a new password".
  const recovering = await freshPage(browser);
  await recovering.getByRole('button', { name: 'Forgot password?' }).click();
  await recovering.getByLabel('Email', { exact: true }).fill(email);
  await expectAccessible(recovering, 'forgot password');
  await recovering.getByRole('button', { name: 'Send reset email' }).click();
  await expect(recovering.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
  await recovering.goto(mailLink(await latestMail(email, { subject: /Reset your password/ })));
  await expect(recovering.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await shot(recovering, 'accounts-new-password');
  await expectAccessible(recovering, 'new password');
  const newPassword = `${PASSWORD} again`;
  await recovering.getByLabel('New password', { exact: true }).fill(newPassword);
  await recovering.getByRole('button', { name: 'Save password' }).click();
  await signedIn(recovering);

  // A used link does not work twice: the landing says so in words.
  const replay = await freshPage(browser);
  const used = await latestMail(email, { subject: /Reset your password/ });
  await replay.goto(mailLink(used));
  await expect(replay.getByRole('alert')).toHaveText(
    'This link or code has expired or was already used. Ask for a new one.',
  );

  // Sign in with a magic link…
  const linked = await freshPage(browser);
  await linked.getByRole('button', { name: 'Sign in with an email link or code' }).click();
  await linked.getByLabel('Email', { exact: true }).fill(email);
  await linked.getByRole('button', { name: 'Email me a link' }).click();
  await expect(linked.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
  const magic = await latestMail(email, { subject: /sign-in link/ });
  await linked.goto(mailLink(magic));
  await signedIn(linked);

  // …or with the 6-digit code of a new one, typed in the same tab; then the new password works.
  const coded = await freshPage(browser);
  await coded.getByRole('button', { name: 'Sign in with an email link or code' }).click();
  await coded.getByLabel('Email', { exact: true }).fill(email);
  await coded.getByRole('button', { name: 'Email me a link' }).click();
  const codeMail = await latestMail(email, { subject: /sign-in link/, after: magic.id });
  await coded.getByLabel('Code from the email').fill(mailCode(codeMail));
  await coded.getByRole('button', { name: 'Continue' }).click();
  await signedIn(coded);

  const password = await freshPage(browser);
  await password.getByLabel('Email', { exact: true }).fill(email);
  await password.getByLabel('Password').fill(newPassword);
  await password.getByRole('button', { name: 'Sign in', exact: true }).click();
  await signedIn(password);
});

test('an invited person lands signed in, chooses a username and password, then signs in with it', async ({
  browser,
}) => {
  const email = `${uniqueName('invitee')}@example.test`;
  const username = uniqueName('chosen');

  // The service role invites by mail (what an admin's backend does with supabase-js's inviteUserByEmail).
  const { url, serviceKey } = await stackInfo();
  const invited = await fetch(`${url}/auth/v1/invite`, {
    method: 'POST',
    headers: {
      apikey: serviceKey,
      authorization: `Bearer ${serviceKey}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ email }),
  });
  expect(invited.status).toBe(200);
  const { id: userId } = (await invited.json()) as { id: string };

  // The mail's link lands signed in, on the account set-up step (no password yet, a made-up username).
  const page = await freshPage(browser);
  await page.goto(mailLink(await latestMail(email, { subject: /invited/i })));
  await expect(page.getByRole('heading', { name: 'Welcome to Harmony' })).toBeVisible({ timeout: 20_000 });
  await shot(page, 'accounts-invite-welcome');
  await expectAccessible(page, 'invite welcome');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await signedIn(page);

  // A new device: the chosen password signs in, as the chosen username.
  const again = await freshPage(browser);
  await again.getByLabel('Email').fill(email);
  await again.getByLabel('Password').fill(PASSWORD);
  await again.getByRole('button', { name: 'Sign in', exact: true }).click();
  await signedIn(again);
  const profiles = await fetch(`${url}/rest/v1/profiles?select=username&user_id=eq.${userId}`, {
    headers: { apikey: serviceKey, authorization: `Bearer ${serviceKey}` },
  });
  expect(await profiles.json()).toEqual([{ username }]);
});

test('email change confirmed from both inboxes, reauthenticated password change, backup authenticator', async ({
  browser,
}) => {
  const person = await signUp(browser, 'mover');
  const { page } = person;
  const newEmail = `${uniqueName('moved')}@example.test`;

  // Email change: pending until both addresses confirm.
  await openUserSettings(page);
  await page.getByLabel('New email').fill(newEmail);
  await page.getByRole('button', { name: 'Change email' }).click();
  await expect(page.getByText(`Waiting to change to ${newEmail}`)).toBeVisible();
  await shot(page, 'accounts-email-pending');
  await expectAccessible(page, 'account settings');
  await page.goto(mailLink(await latestMail(person.email)));
  await expect(page.getByText('Now open the link we sent to your other email address')).toBeVisible();
  await page.goto(mailLink(await latestMail(newEmail)));
  await expect(page.getByText('Your email address is changed.')).toBeVisible();
  await openUserSettings(page);
  await expect(page.getByText(`Email: ${newEmail}`)).toBeVisible();

  // An old session (signed in over a day ago) must prove itself with a mailed code.
  await fetch(`${CONTROL}/age-sessions?email=${encodeURIComponent(newEmail)}`, { method: 'POST' });
  const form = page.getByRole('form', { name: 'Change password' });
  await form.getByLabel('Current password').fill(PASSWORD);
  await form.getByLabel('New password', { exact: true }).fill(`${PASSWORD} 2`);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByRole('alert')).toHaveText(
    `For your security, enter the code we just emailed to ${newEmail}.`,
  );
  const reauth = await latestMail(newEmail, { subject: /verification code/ });
  await form.getByLabel('Code from the email').fill(mailCode(reauth));
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByRole('status')).toHaveText('Your password is changed.');

  // Two-factor: an authenticator app, then a backup one.
  await page.getByRole('button', { name: 'Set up authenticator app' }).click();
  const secretOf = async () => (await page.locator('.mfa-secret').textContent())?.trim() ?? '';
  const first = await secretOf();
  await page.getByLabel('6-digit code').fill(totp(first));
  await page.getByRole('button', { name: 'Verify and turn on' }).click();
  await expect(page.getByText('Two-factor authentication is on.')).toBeVisible();
  await page.getByRole('button', { name: 'Add a backup authenticator app' }).click();
  const backup = await secretOf();
  expect(backup).not.toBe(first);
  await shot(page, 'accounts-mfa-backup');
  await page.getByLabel('6-digit code').fill(totp(backup));
  await page.getByRole('button', { name: 'Verify and turn on' }).click();
  await expect(page.getByText('Backup authenticator app added.')).toBeVisible();
  await expect(page.getByText('Backup authenticator app', { exact: true })).toBeVisible();

  // Signing in elsewhere asks for a code; the backup app's works.
  const other = await freshPage(browser);
  await other.getByLabel('Email', { exact: true }).fill(newEmail);
  await other.getByLabel('Password').fill(`${PASSWORD} 2`);
  await other.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(other.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible();
  await other.getByLabel('Code', { exact: true }).fill(totp(backup, 1));
  await other.getByRole('button', { name: 'Verify' }).click();
  await signedIn(other);

  // Removing the first app keeps the backup (the session is AAL2).
  page.once('dialog', (dialog) => void dialog.accept());
  await page
    .getByRole('listitem')
    .filter({ hasText: /^Authenticator app/ })
    .getByRole('button', { name: 'Remove' })
    .click();
  await expect(page.getByText('Authenticator app removed.')).toBeVisible();
});

test('data export, then account deletion leaves "Deleted user" on the messages', async ({ browser }) => {
  const owner = await signUp(browser, 'keeper');
  const leaver = await signUp(browser, 'leaver');
  const guild = await createGuild(owner, 'Stay here', [leaver]);
  await post(leaver, guild, 'general', 'words that outlive me');
  const home = await createGuild(leaver, 'Leaver home');

  // Export: a JSON of what they own.
  await openUserSettings(leaver.page);
  const downloading = leaver.page.waitForEvent('download');
  await leaver.page.getByRole('button', { name: 'Download my data' }).click();
  const file = await (await downloading).path();
  const data = JSON.parse(await readFile(file, 'utf8'));
  expect(data.profile.username).toBe(leaver.username);
  expect(data.messages.map((m: { content: string }) => m.content)).toContain('words that outlive me');
  expect(data.memberships.map((m: { server: string }) => m.server).sort()).toEqual([
    'Leaver home',
    'Stay here',
  ]);
  expect(JSON.stringify(data)).not.toContain(owner.email);

  // Owning a server blocks deletion, naming it.
  const danger = leaver.page.getByRole('region', { name: 'Delete account' });
  await expect(danger.getByText('transfer or delete the servers you own')).toBeVisible();
  await expect(danger.getByRole('listitem')).toHaveText(['Leaver home']);
  await shot(leaver.page, 'accounts-delete-blocked');
  await rest(leaver, 'rpc/delete_server', { method: 'POST', body: { p_server_id: home.serverId } });
  await leaver.page.reload();
  await openUserSettings(leaver.page);

  // A wrong password is refused in words; the right one deletes the account.
  await danger.getByLabel('Password').fill('not my password');
  leaver.page.on('dialog', (dialog) => void dialog.accept());
  await danger.getByRole('button', { name: 'Delete account' }).click();
  await expect(danger.getByRole('alert')).toHaveText('The password is not correct.');
  await expectAccessible(leaver.page, 'delete account');
  await shot(leaver.page, 'accounts-delete');
  await danger.getByLabel('Password').fill(PASSWORD);
  await danger.getByRole('button', { name: 'Delete account' }).click();
  await expect(leaver.page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();
  await expect(leaver.page.getByRole('status')).toHaveText('Your account is deleted.');

  // The other member still reads the message, from "Deleted user".
  await openChannel(owner, guild, 'general');
  await expect(
    owner.page.getByRole('article').filter({ hasText: 'words that outlive me' }).getByText('Deleted user'),
  ).toBeVisible();
  await shot(owner.page, 'accounts-deleted-author');
  // The account is gone: its password signs nobody in.
  const again = await freshPage(browser);
  await again.getByLabel('Email', { exact: true }).fill(leaver.email);
  await again.getByLabel('Password').fill(PASSWORD);
  await again.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(again.getByRole('alert')).toHaveText('The email or password is not correct.');
});
