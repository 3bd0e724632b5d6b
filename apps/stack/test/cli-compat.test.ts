import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../src/config.js';
import { startTestStack, type TestStack } from './harness.js';

// What `supabase start` prints and every tutorial pastes: public demo values.
const CLI_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';
const CLI_SERVICE_ROLE_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU';
const CLI_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
const CLI_SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';

let t: TestStack;
beforeAll(async () => {
  // No JWT_SECRET: local development, as `supabase start`.
  t = await startTestStack({ JWT_SECRET: '' });
  await t.db.query(`
    create table public.cli_notes (id int);
    grant select on public.cli_notes to anon, authenticated, service_role;
    create function public.cli_whoami() returns text language sql as 'select current_user';
    grant execute on function public.cli_whoami() to anon, authenticated, service_role;`);
});
afterAll(() => t.stop());

describe('keys like the CLI', () => {
  it('are the CLI demo keys byte for byte', () => {
    expect(t.stack.keys).toEqual({
      anon: CLI_ANON_KEY,
      serviceRole: CLI_SERVICE_ROLE_KEY,
      publishable: CLI_PUBLISHABLE_KEY,
      secret: CLI_SECRET_KEY,
    });
  });

  it('serve supabase-js with default options and each CLI key', async () => {
    for (const key of [CLI_ANON_KEY, CLI_PUBLISHABLE_KEY, CLI_SERVICE_ROLE_KEY, CLI_SECRET_KEY]) {
      const { data, error } = await createClient(t.url, key).rpc('cli_whoami');
      expect({ key, error, data }).toEqual({
        key,
        error: null,
        data: key.includes('ecret') || key === CLI_SERVICE_ROLE_KEY ? 'service_role' : 'anon',
      });
    }
    const admin = createClient(t.url, CLI_SECRET_KEY);
    const { error } = await admin.auth.admin.listUsers();
    expect(error).toBeNull();
    const { data, error: signUpError } = await createClient(t.url, CLI_PUBLISHABLE_KEY).auth.signUp({
      email: 'cli-keys@example.com',
      password: 'cli-keys-password',
    });
    expect(signUpError).toBeNull();
    expect(data.session?.access_token).toBeTruthy();
  });

  it('are overridden by configured ones', async () => {
    const config = loadStackConfig({
      JWT_SECRET: 'a-production-secret-of-at-least-32-chars',
      ANON_KEY: 'custom',
    });
    expect(config.jwtSecret).toBe('a-production-secret-of-at-least-32-chars');
    expect(config.apiKeys.anon).toBe('custom');
  });

  it('refuse the demo secret on an address other machines reach', () => {
    expect(() => loadStackConfig({ HARMONY_STACK_HOST: '0.0.0.0' })).toThrow(/JWT_SECRET/);
    expect(() =>
      loadStackConfig({ HARMONY_STACK_HOST: '0.0.0.0', JWT_SECRET: 'x'.repeat(32) }),
    ).not.toThrow();
    expect(() => loadStackConfig({ HARMONY_STACK_HOST: '127.0.0.1' })).not.toThrow();
  });
  it('serve storage and realtime through supabase-js', async () => {
    const { data: buckets, error } = await createClient(t.url, CLI_SECRET_KEY).storage.listBuckets();
    expect(error).toBeNull();
    expect(Array.isArray(buckets)).toBe(true);
    const client = createClient(t.url, CLI_PUBLISHABLE_KEY);
    const status = await new Promise<string>((resolve) => {
      client.channel('cli-keys').subscribe((state) => {
        if (state !== 'CLOSED') resolve(state);
      });
    });
    expect(status).toBe('SUBSCRIBED');
    await client.removeAllChannels();
  });
});

describe('gateway like the CLI', () => {
  it('serves /rest/v1 without an apikey as anon', async () => {
    const res = await fetch(`${t.url}/rest/v1/rpc/cli_whoami`);
    expect(res.status).toBe(200);
    expect(await res.json()).toBe('anon');
    expect((await fetch(`${t.url}/rest/v1/cli_notes`)).status).toBe(200);
  });

  it('adds no Authorization of its own: GoTrue asks for a Bearer token', async () => {
    const res = await fetch(`${t.url}/auth/v1/user`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      error_code: 'no_authorization',
      msg: 'This endpoint requires a valid Bearer token',
    });
  });

  it('passes an invalid key on, so the service answers as behind the CLI', async () => {
    const { error, status } = await createClient(t.url, 'not-a-key').from('cli_notes').select('id');
    expect(status).toBe(401);
    expect(error).toMatchObject({ code: 'PGRST301', message: 'Expected 3 parts in JWT; got 1' });
  });
});
