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
}

export async function signUp(
  browser: Browser,
  prefix: string,
  viewport?: { width: number; height: number },
): Promise<Person> {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  // Surface the app's own errors in the test output.
  page.on('pageerror', (error) => console.log(`[${prefix} page error] ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') console.log(`[${prefix} console] ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400)
      console.log(`[${prefix} http ${response.status()}] ${response.request().method()} ${response.url()}`);
  });
  const username = uniqueName(prefix);
  const email = `${username}@example.test`;
  await page.goto('/');
  await page.getByRole('button', { name: 'Need an account? Sign up' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Servers' })).toBeVisible();
  return { page, username, email };
}

export const PASSWORD = 'correct horse battery';

/** An access token for a person, signing in through the auth API as supabase-js would. */
export async function accessToken(person: Person): Promise<string> {
  const { url, anonKey } = await stackInfo();
  const res = await fetch(`${url}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ email: person.email, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in for ${person.username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface StackInfo {
  url: string;
  anonKey: string;
  serviceKey: string;
}

export async function stackInfo(): Promise<StackInfo> {
  return (await fetch(`${CONTROL}/keys`)).json() as Promise<StackInfo>;
}

/** Calls the REST API as a person (what supabase-js would send). */
export async function rest(person: Person, path: string, init: { method?: string; body?: unknown } = {}) {
  const { url, anonKey } = await stackInfo();
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

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}
