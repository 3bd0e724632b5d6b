import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { CONTROL, type Instance, rest, shot, signUp, stackInfo } from './helpers.js';

/**
 * Two complete instances (playwright.federation.config.ts): A at the suite's base URL, B at
 * E2E_B_ORIGIN on another loopback address, each with its own database, stack and apps/server.
 */
const B_ORIGIN = process.env.E2E_B_ORIGIN ?? 'http://127.0.0.2:5231';
const B_CONTROL = `http://127.0.0.1:${process.env.E2E_B_CONTROL_PORT ?? 5230}`;
const B_HOST = new URL(B_ORIGIN).host;

/** Instance B: its own origin, stack and mail inbox. */
const B: Instance = { origin: B_ORIGIN, control: B_CONTROL };

async function openRemotePeople(page: Page) {
  await page.getByRole('button', { name: 'Find people on other instances' }).click();
  await expect(page.getByLabel('Username and instance')).toBeVisible();
}

const remotePerson = (page: Page, name: string) => page.locator('.remote-person').filter({ hasText: name });
const dmLink = (page: Page, name: string) =>
  page.getByRole('list', { name: 'Direct messages' }).getByRole('button', { name: new RegExp(`^${name}`) });
const messages = (page: Page) => page.getByRole('log', { name: 'Messages' });

/** Federation work an instance still has queued: 0 once it has delivered (or been refused for good). */
async function pendingFederationJobs(control: string): Promise<number> {
  const answer = await fetch(`${control}/federation-jobs`);
  return ((await answer.json()) as { pending: number }).pending;
}

/** Makes a user of A an instance admin, as the operator does (service_role). */
async function makeInstanceAdmin(username: string) {
  const { url, serviceKey } = await stackInfo();
  const headers = {
    apikey: serviceKey,
    authorization: `Bearer ${serviceKey}`,
    'content-type': 'application/json',
  };
  const profiles = await fetch(`${url}/rest/v1/profiles?select=user_id&username=eq.${username}`, { headers });
  const [profile] = (await profiles.json()) as { user_id: string }[];
  const added = await fetch(`${url}/rest/v1/instance_admins`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ user_id: profile?.user_id }),
  });
  expect(added.status).toBe(201);
}

test('alice on A finds @bob@B, follows him, they message both ways; blocking B stops it all', async ({
  browser,
}) => {
  test.setTimeout(110_000);
  const [alice, bob, admin] = await Promise.all([
    signUp(browser, 'alice'),
    signUp(browser, 'bob', undefined, B),
    signUp(browser, 'fedadmin'),
  ]);
  await openRemotePeople(bob.page);

  // Find and follow; Bob sees the new follower without reloading.
  await openRemotePeople(alice.page);
  await alice.page.getByLabel('Username and instance').fill(`@${bob.username}@${B_HOST}`);
  await alice.page.getByRole('button', { name: 'Find', exact: true }).click();
  const bobOnA = remotePerson(alice.page, bob.username);
  await expect(bobOnA.getByText(`@${bob.username}@${B_HOST}`)).toBeVisible({ timeout: 30_000 });
  await bobOnA.getByRole('button', { name: 'Follow', exact: true }).click();
  await expect(bobOnA.getByText('Following', { exact: true })).toBeVisible({ timeout: 30_000 });
  const aliceOnB = remotePerson(bob.page, alice.username);
  await expect(aliceOnB.getByText('Follows you')).toBeVisible({ timeout: 30_000 });
  const { violations } = await new AxeBuilder({ page: alice.page }).include('.remote-people').analyze();
  expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await shot(alice.page, 'federation-following');
  await shot(bob.page, 'federation-followed');

  // DMs both ways, live.
  await bobOnA.getByRole('button', { name: 'Message' }).click();
  const aliceComposer = alice.page.getByRole('textbox', { name: `Message @${bob.username}` });
  await aliceComposer.fill('Hello from instance A');
  await aliceComposer.press('Enter');
  const dmOnB = dmLink(bob.page, alice.username);
  await expect(dmOnB).toBeVisible({ timeout: 30_000 });
  await dmOnB.click();
  await expect(messages(bob.page)).toContainText('Hello from instance A', { timeout: 30_000 });
  const bobComposer = bob.page.getByRole('textbox', { name: `Message @${alice.username}` });
  await bobComposer.fill('Hi alice, greetings from B');
  await bobComposer.press('Enter');
  await expect(messages(alice.page)).toContainText('Hi alice, greetings from B', { timeout: 30_000 });

  // An edit and a delete reach B.
  const sent = alice.page.getByRole('article', { name: `${alice.username}: Hello from instance A` });
  await sent.hover();
  await sent.getByRole('button', { name: 'Edit' }).click();
  await alice.page.getByLabel('Edit message').fill('Hello from instance A, edited');
  await alice.page.getByLabel('Edit message').press('Enter');
  await expect(messages(bob.page)).toContainText('Hello from instance A, edited', { timeout: 30_000 });
  await expect(messages(bob.page)).toContainText('(edited)');
  await shot(bob.page, 'federation-dm-b');
  const edited = alice.page.getByRole('article', {
    name: `${alice.username}: Hello from instance A, edited`,
  });
  await edited.hover();
  await edited.getByRole('button', { name: 'Delete' }).click();
  await alice.page
    .getByRole('dialog', { name: 'Delete message' })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(messages(bob.page)).not.toContainText('Hello from instance A', { timeout: 30_000 });

  // Alice joins Bob's federated server on B and posts there; Bob sees it live.
  const serverId = (await rest(bob, 'rpc/create_server', {
    method: 'POST',
    body: { p_name: 'Harbour' },
  })) as string;
  await rest(bob, 'rpc/set_server_federated', {
    method: 'POST',
    body: { p_server_id: serverId, p_federated: true },
  });
  const [general] = (await rest(bob, `channels?select=id&server_id=eq.${serverId}&name=eq.general`)) as {
    id: string;
  }[];
  await bob.page.goto(`/#/channels/${serverId}/${general?.id}`);
  await expect(bob.page.getByRole('heading', { name: 'general', exact: true })).toBeVisible({
    timeout: 30_000,
  });
  await alice.page.getByRole('button', { name: 'Join a server' }).click();
  await alice.page.getByLabel('Invite link or code').fill(`@${serverId}@${B_HOST}`);
  await alice.page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(
    alice.page.getByRole('navigation', { name: 'Servers' }).getByRole('button', { name: 'Harbour' }),
  ).toBeVisible({
    timeout: 30_000,
  });
  const harbourComposer = alice.page.getByRole('textbox', { name: 'Message #general' });
  await harbourComposer.fill('Hello Harbour, from instance A');
  await harbourComposer.press('Enter');
  await expect(messages(bob.page)).toContainText('Hello Harbour, from instance A', { timeout: 30_000 });
  await shot(bob.page, 'federation-server-b');
  await shot(alice.page, 'federation-server-a');
  // Back to the DM for what follows.
  for (const [person, other] of [
    [alice, bob],
    [bob, alice],
  ] as const) {
    await person.page
      .getByRole('navigation', { name: 'Servers' })
      .getByRole('button', { name: 'Direct messages' })
      .click();
    await dmLink(person.page, other.username).click();
  }

  // A's admin blocks instance B in their settings.
  await makeInstanceAdmin(admin.username);
  await admin.page.getByRole('button', { name: 'User settings' }).click();
  const federation = admin.page.getByRole('region', { name: 'Federation (instance admin)' });
  await federation.getByLabel('Block an instance').fill(B_HOST);
  await federation.getByRole('button', { name: 'Block', exact: true }).click();
  const blocked = federation.getByRole('list', { name: 'Blocked instances' });
  await expect(blocked).toContainText(B_HOST);
  await blocked.scrollIntoViewIfNeeded();
  const adminAudit = await new AxeBuilder({ page: admin.page }).include('.federation-admin').analyze();
  expect(adminAudit.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await shot(admin.page, 'federation-admin');

  // Nothing more arrives either way: B's delivery is refused (403) and A sends nothing to B.
  await bobComposer.fill('Are you still there?');
  await bobComposer.press('Enter');
  await expect(messages(bob.page)).toContainText('Are you still there?');
  await aliceComposer.fill('Still here on A');
  await aliceComposer.press('Enter');
  await expect(messages(alice.page)).toContainText('Still here on A');
  await expect.poll(() => pendingFederationJobs(B_CONTROL), { timeout: 30_000 }).toBe(0);
  await expect.poll(() => pendingFederationJobs(CONTROL), { timeout: 30_000 }).toBe(0);
  await expect(messages(alice.page)).not.toContainText('Are you still there?');
  await expect(messages(bob.page)).not.toContainText('Still here on A');

  // After a reload alice's DM shows what arrived before the block, and nothing after it. The
  // reload's profile load finds the API not ready (503 until supabase-js's own retries give up,
  // for both loads React's development mode makes): the app tries again rather than staying on
  // "Loading Harmony…" for good.
  const notReady = {
    code: 'PGRST002',
    message: 'Could not query the database for the schema cache. Retrying.',
  };
  await alice.page.route(
    (url) => url.pathname === '/rest/v1/profiles' && url.search.includes('user_id=eq.'),
    (route) => route.fulfill({ status: 503, headers: { 'Retry-After': '0' }, json: notReady }),
    { times: 8 },
  );
  await alice.page.reload();
  await expect(messages(alice.page)).toContainText('Hi alice, greetings from B', { timeout: 30_000 });
  await expect(messages(alice.page)).toContainText('Still here on A');
  await expect(messages(alice.page)).not.toContainText('Are you still there?');
  await shot(alice.page, 'federation-dm-a');
  const unexpected = (failures: string[]) => failures.filter((f) => !f.startsWith('503 GET'));
  expect([...unexpected(alice.failures), ...bob.failures, ...admin.failures]).toEqual([]);
});
