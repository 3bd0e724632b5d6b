import { type Browser, expect, type Page } from '@playwright/test';

export const CONTROL = 'http://127.0.0.1:5198';

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

export async function signUp(browser: Browser, prefix: string): Promise<Person> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const username = uniqueName(prefix);
  const email = `${username}@example.test`;
  await page.goto('/');
  await page.getByRole('button', { name: 'Need an account? Sign up' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Servers' })).toBeVisible();
  return { page, username, email };
}

/** The signed-in user's access token, from supabase-js's storage. */
export async function accessToken(page: Page): Promise<string> {
  return page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.endsWith('-auth-token'));
    return key
      ? (JSON.parse(localStorage.getItem(key) ?? '{}') as { access_token: string }).access_token
      : '';
  });
}

export interface StackInfo {
  url: string;
  anonKey: string;
  serviceKey: string;
}

export async function stackInfo(): Promise<StackInfo> {
  return (await fetch(`${CONTROL}/keys`)).json() as Promise<StackInfo>;
}

/** Calls the REST API as the user of `page` (what supabase-js would send). */
export async function rest(page: Page, path: string, init: { method?: string; body?: unknown } = {}) {
  const { url, anonKey } = await stackInfo();
  const token = await accessToken(page);
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
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}
