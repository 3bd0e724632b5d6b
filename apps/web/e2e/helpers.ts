import { type Browser, expect, type Page } from '@playwright/test';

export const CONTROL = `http://127.0.0.1:${process.env.E2E_CONTROL_PORT ?? 5198}`;

let counter = 0;
/** A unique, valid username per run (the database keeps accounts across tests). */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}`.slice(0, 32).toLowerCase();
}

export interface Person {
  page: Page;
  username: string;
  email: string;
  /** HTTP 5xx responses and uncaught page errors seen so far: a finished product shows none. */
  failures: string[];
  /** The control endpoint of the instance the person belongs to (another one in federation.spec). */
  control?: string;
}

/** Another Harmony instance of the run (federation): its web origin and its control endpoint. */
export interface Instance {
  origin: string;
  control: string;
}

async function newPage(
  browser: Browser,
  prefix: string,
  viewport?: { width: number; height: number },
  baseURL?: string,
) {
  // Phone-sized windows get a touch screen too (taps, no hover).
  const context = await browser.newContext({
    // Unset, the suite's own origin (an explicit undefined would replace it).
    ...(baseURL ? { baseURL } : {}),
    ...(viewport ? { viewport, hasTouch: viewport.width <= 480 } : {}),
  });
  const page = await context.newPage();
  const failures: string[] = [];
  // Surface the app's own errors in the test output.
  page.on('pageerror', (error) => {
    failures.push(error.message);
    console.log(`[${prefix} page error] ${error.message}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') console.log(`[${prefix} console] ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 500)
      failures.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    if (response.status() >= 400)
      console.log(`[${prefix} http ${response.status()}] ${response.request().method()} ${response.url()}`);
  });
  return { page, failures };
}

export async function signUp(
  browser: Browser,
  prefix: string,
  viewport?: { width: number; height: number },
  instance?: Instance,
): Promise<Person> {
  const { page, failures } = await newPage(browser, prefix, viewport, instance?.origin);
  const username = uniqueName(prefix);
  const email = `${username}@example.test`;
  await page.goto('/');
  await page.getByRole('button', { name: 'Need an account? Sign up' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
  // Sign-ups are confirmed by mail: the code from the inbox, in the same tab (faster than the link).
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible({ timeout: 30_000 });
  const control = instance?.control ?? CONTROL;
  await page.getByLabel('Code from the email').fill(mailCode(await latestMail(email, {}, control)));
  await page.getByRole('button', { name: 'Continue' }).click();
  // Generous: the machine may be busy (sign-up sends and reads a mail first).
  await expect(page.getByRole('navigation', { name: 'Servers' })).toBeVisible({ timeout: 30_000 });
  return { page, username, email, failures, control };
}

/** The same person on another device (a new browser context), signed in. */
export async function signIn(
  browser: Browser,
  person: Person,
  viewport?: { width: number; height: number },
): Promise<Person> {
  const { page, failures } = await newPage(browser, `${person.username}-2`, viewport);
  await page.goto('/');
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Servers' })).toBeVisible();
  return { ...person, page, failures };
}

export const PASSWORD = 'correct horse battery';

/** An access token for a person, signing in through the auth API as supabase-js would. */
export async function accessToken(person: Person): Promise<string> {
  const cached = tokens.get(person.email);
  if (cached) return cached;
  const { url, anonKey } = await stackInfo(person.control);
  const res = await fetch(`${url}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ email: person.email, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in for ${person.username}: ${res.status} ${await res.text()}`);
  const token = ((await res.json()) as { access_token: string }).access_token;
  tokens.set(person.email, token);
  return token;
}
const tokens = new Map<string, string>();

export interface StackInfo {
  url: string;
  anonKey: string;
  serviceKey: string;
  /** The local inbox (Inbucket's v1 JSON API). */
  inboxUrl: string;
}

const infos = new Map<string, Promise<StackInfo>>();
/** The keys and addresses of an instance's stack (the suite's own by default). */
export async function stackInfo(control = CONTROL): Promise<StackInfo> {
  let info = infos.get(control);
  if (!info) {
    info = fetch(`${control}/keys`).then((r) => r.json() as Promise<StackInfo>);
    infos.set(control, info);
  }
  return info;
}

export interface Mail {
  id: string;
  subject: string;
  body: { text: string; html: string };
}

/**
 * The newest mail to an address, read from the local inbox's JSON API; `after` (a mail id)
 * waits for a newer one, `subject` for one with that subject.
 */
export async function latestMail(
  address: string,
  wait: { after?: string; subject?: RegExp } = {},
  control = CONTROL,
) {
  const { inboxUrl } = await stackInfo(control);
  let mail: Mail | undefined;
  await expect
    .poll(
      async () => {
        const res = await fetch(`${inboxUrl}/api/v1/mailbox/${encodeURIComponent(address)}/latest`);
        mail = res.ok ? ((await res.json()) as Mail) : undefined;
        return Boolean(mail && mail.id !== wait.after && (!wait.subject || wait.subject.test(mail.subject)));
      },
      { timeout: 10_000, message: `a mail to ${address}` },
    )
    .toBe(true);
  return mail as Mail;
}

/** The 6-digit code in a mail. */
export function mailCode(mail: Mail): string {
  const code = /\b(\d{6})\b/.exec(mail.body.text)?.[1];
  if (!code) throw new Error(`no code in "${mail.subject}"`);
  return code;
}

/** The link in a mail's HTML (its href, &#38; unescaped). */
export function mailLink(mail: Mail): string {
  const href = /href="([^"]+)"/.exec(mail.body.html)?.[1];
  if (!href) throw new Error(`no link in "${mail.subject}"`);
  return href.replaceAll('&#38;', '&').replaceAll('&amp;', '&');
}

/** Calls the REST API as a person (what supabase-js would send). */
export async function rest(person: Person, path: string, init: { method?: string; body?: unknown } = {}) {
  const { url, anonKey } = await stackInfo(person.control);
  const token = await accessToken(person);
  const res = await fetch(`${url}/rest/v1/${path}`, {
    method: init.method ?? 'GET',
    headers: {
      apikey: anonKey,
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      prefer: 'return=representation',
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${body}`);
  return body ? JSON.parse(body) : null;
}

/** A 2×2 PNG, enough for an icon or avatar upload. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFklEQVR4nGNgYGD4z8DAwMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

export interface Guild {
  serverId: string;
  /** Channel ids by name. */
  channels: Record<string, string>;
}

/** A server owned by `owner` with `members` joined through an invite, set up through the API (fast). */
export async function createGuild(owner: Person, name: string, members: Person[] = []): Promise<Guild> {
  const serverId = (await rest(owner, 'rpc/create_server', {
    method: 'POST',
    body: { p_name: name },
  })) as string;
  const code = (await rest(owner, 'rpc/create_invite', {
    method: 'POST',
    body: { p_server_id: serverId },
  })) as string;
  for (const member of members)
    await rest(member, 'rpc/join_server_by_invite', { method: 'POST', body: { p_code: code } });
  const rows = (await rest(owner, `channels?select=id,name&server_id=eq.${serverId}`)) as {
    id: string;
    name: string;
  }[];
  return { serverId, channels: Object.fromEntries(rows.map((c) => [c.name, c.id])) };
}

/** Opens a channel by URL and waits for its composer. */
export async function openChannel(person: Person, guild: Guild, channel: string): Promise<void> {
  await person.page.goto(`/#/channels/${guild.serverId}/${guild.channels[channel]}`);
  await expect(person.page.getByRole('heading', { name: channel, exact: true })).toBeVisible();
}

/** Sends a message as a person through the API (what another device would do). */
export async function post(person: Person, guild: Guild, channel: string, content: string): Promise<void> {
  await rest(person, 'messages', { method: 'POST', body: { channel_id: guild.channels[channel], content } });
}

/** The message texts the page shows, in order (`author: content` as each article is labelled). */
export async function shownMessages(page: Page): Promise<string[]> {
  return page
    .getByRole('log', { name: 'Messages' })
    .getByRole('article')
    .evaluateAll((articles) => articles.map((a) => a.getAttribute('aria-label') ?? ''));
}

/** Waits until exactly `expected` (and each once, in this order) is shown among the messages matching `prefix`. */
export async function expectMessagesOnce(
  page: Page,
  prefix: string,
  expected: string[],
  timeout = 10_000,
): Promise<void> {
  await expect
    .poll(
      async () =>
        (await shownMessages(page))
          .map((label) => label.slice(label.indexOf(': ') + 2))
          .filter((text) => text.startsWith(prefix)),
      { timeout },
    )
    .toEqual(expected);
}

/** The owner changes one permission of a channel override through server settings. */
export async function setOverride(
  owner: Person,
  channel: string,
  target: string,
  permission: string,
  state: 'Deny' | 'Allow' | 'Inherit',
) {
  const page = owner.page;
  await page.getByRole('button', { name: 'Server settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Server settings' });
  await dialog.getByRole('tab', { name: 'Channel permissions' }).click();
  await dialog.getByLabel('Channel', { exact: true }).selectOption({ label: `# ${channel}` });
  const pill = dialog.getByRole('button', { name: target, exact: true });
  if (await pill.count()) await pill.click();
  else
    await dialog
      .getByLabel('Add a role or member')
      .selectOption({ label: target.replace(/^@(?!everyone)/, '') });
  // The radio itself is visually hidden behind its symbol: click its label.
  await dialog.getByRole('radio', { name: `${state} ${permission}`, exact: true }).check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Saved');
  await dialog.getByRole('button', { name: 'Close' }).click();
}

/** The owner removes a channel override through server settings. */
export async function removeOverride(owner: Person, channel: string, target: string) {
  const page = owner.page;
  await page.getByRole('button', { name: 'Server settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Server settings' });
  await dialog.getByRole('tab', { name: 'Channel permissions' }).click();
  await dialog.getByLabel('Channel', { exact: true }).selectOption({ label: `# ${channel}` });
  await dialog.getByRole('button', { name: target, exact: true }).click();
  await dialog.getByRole('button', { name: 'Remove override' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Override removed');
  await dialog.getByRole('button', { name: 'Close' }).click();
}

/** Opens the server menu (the server's name atop the channel list) and picks one of its items. */
export async function openServerMenuItem(page: Page, item: string): Promise<void> {
  await page
    .getByRole('complementary', { name: 'Channels' })
    .getByRole('heading', { level: 2 })
    .getByRole('button')
    .click();
  await page.getByRole('menu', { name: 'Server menu' }).getByRole('menuitem', { name: item }).click();
}
