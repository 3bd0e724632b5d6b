import type { TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  bits,
  createRole,
  createUser,
  failure,
  seedServer,
  type TestServer,
  type TestUser,
} from '../../../db_schema/tests/fixtures.js';
import type { RunningService } from '../src/service.js';
import { createServerDatabase, startTestService } from './helpers.js';

let db: TestDatabase;
let service: RunningService;
let owner: TestUser;
let member: TestUser;
let server: TestServer;

beforeAll(async () => {
  db = await createServerDatabase();
  owner = await createUser(db, 'hookowner');
  member = await createUser(db, 'hookmember');
  server = await seedServer(db, owner, 'Hooks');
  await addMember(db, server.serverId, member);
  service = await startTestService(db);
});
afterAll(async () => {
  await service?.stop();
  await db?.close();
});

interface Created {
  webhook_id: string;
  token: string;
}

async function createWebhook(name = 'CI', mentionEveryone = false, who = owner): Promise<Created> {
  const { rows } = await who.api.query<Created>('select * from public.create_webhook($1, $2, $3)', [
    server.textChannelId,
    name,
    mentionEveryone,
  ]);
  return rows[0] as Created;
}

const post = (path: string, body: unknown, raw = false) =>
  fetch(`${service.url}/api/webhooks/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ? (body as string) : JSON.stringify(body),
  });

const execute = (hook: Created, body: unknown, query = '') =>
  post(`${hook.webhook_id}/${hook.token}${query}`, body);

async function lastMessage() {
  const { rows } = await db.query<{
    content: string;
    author_id: string | null;
    webhook_id: string | null;
    author_name: string | null;
    author_avatar_url: string | null;
    embeds: unknown[];
    mention_everyone: boolean;
  }>(
    `select content, author_id, webhook_id, author_name, author_avatar_url, embeds, mention_everyone
       from public.messages where channel_id = $1 order by seq desc limit 1`,
    [server.textChannelId],
  );
  return rows[0];
}

describe('POST /api/webhooks/:id/:token', () => {
  it('posts in its channel under its name, or the payload username and avatar', async () => {
    const hook = await createWebhook('Deploys');
    const first = await execute(hook, { content: 'build 42 passed' });
    expect(first.status).toBe(204);
    expect(await lastMessage()).toMatchObject({
      content: 'build 42 passed',
      author_id: null,
      webhook_id: hook.webhook_id,
      author_name: 'Deploys',
    });

    const embeds = [
      { title: 'Build 43', description: 'green', color: 0x57f287, fields: [{ name: 'a', value: 'b' }] },
    ];
    const waited = await execute(
      hook,
      { content: 'again', username: 'Release bot', avatar_url: 'https://example.test/a.png', embeds },
      '?wait=true',
    );
    expect(waited.status).toBe(200);
    expect(await waited.json()).toMatchObject({ webhook_id: hook.webhook_id, content: 'again' });
    expect(await lastMessage()).toMatchObject({
      author_name: 'Release bot',
      author_avatar_url: 'https://example.test/a.png',
      embeds,
    });
  });

  it('refuses a wrong token, an unknown or malformed id, and another webhook’s token', async () => {
    const a = await createWebhook('A');
    const b = await createWebhook('B');
    const wrong = await post(`${a.webhook_id}/hwh_${'0'.repeat(64)}`, { content: 'x' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ message: 'Invalid Webhook Token', code: 50027 });
    expect((await post(`${a.webhook_id}/${b.token}`, { content: 'x' })).status).toBe(401);
    const unknown = await post(`00000000-0000-4000-8000-000000000000/${a.token}`, { content: 'x' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'Unknown Webhook', code: 10015 });
    expect((await post(`not-a-uuid/${a.token}`, { content: 'x' })).status).toBe(404);
  });

  it('refuses the old URL after regeneration and every URL after deletion', async () => {
    const hook = await createWebhook('Rotating');
    const { rows } = await owner.api.query<{ t: string }>('select public.regenerate_webhook_token($1) as t', [
      hook.webhook_id,
    ]);
    const fresh = { webhook_id: hook.webhook_id, token: rows[0]?.t as string };
    expect((await execute(hook, { content: 'old url' })).status).toBe(401);
    expect((await execute(fresh, { content: 'new url' })).status).toBe(204);
    await owner.api.query('select public.delete_webhook($1)', [hook.webhook_id]);
    expect((await execute(fresh, { content: 'after delete' })).status).toBe(404);
  });

  it('validates the payload with Discord’s 4xx envelopes', async () => {
    const hook = await createWebhook('Validator');
    const before = await lastMessage();
    const empty = await execute(hook, { content: '   ' });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ code: 50006 });

    const tooLong = await execute(hook, { content: 'x'.repeat(4001) });
    expect(tooLong.status).toBe(400);
    const body = (await tooLong.json()) as { code: number; errors: Record<string, unknown> };
    expect(body.code).toBe(50035);
    expect(Object.keys(body.errors)).toEqual(['content']);

    for (const bad of [
      { content: 'x', avatar_url: 'http://insecure.test/a.png' },
      { content: 'x', username: '' },
      { content: 'x', username: 'u'.repeat(81) },
      { embeds: Array.from({ length: 11 }, () => ({ title: 't' })) },
      { embeds: [{ description: 'd'.repeat(4097) }] },
      { embeds: [{ title: 'x', color: -1 }] },
      { content: 42 },
      [],
    ]) {
      const response = await execute(hook, bad);
      expect(response.status, JSON.stringify(bad).slice(0, 80)).toBe(400);
      expect(await response.json()).toMatchObject({ code: 50035 });
    }
    const invalidJson = await post(`${hook.webhook_id}/${hook.token}`, '{"content":', true);
    expect(invalidJson.status).toBe(400);
    expect(await invalidJson.json()).toMatchObject({ code: 50109 });
    const huge = await execute(hook, { content: 'x', padding: 'p'.repeat(70_000) });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ code: 40005 });
    expect(await lastMessage()).toEqual(before);
  });

  it('mentions @everyone only from a webhook allowed to', async () => {
    const plain = await createWebhook('Plain');
    const refused = await execute(plain, { content: 'hey @everyone' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 50013 });
    expect((await execute(plain, { content: 'mail me at ops@everyone.test' })).status).toBe(204);

    const loud = await createWebhook('Alerts', true);
    expect((await execute(loud, { content: 'outage @here' })).status).toBe(204);
    expect(await lastMessage()).toMatchObject({ content: 'outage @here', mention_everyone: true });
  });

  it('answers 429 with Retry-After past 5 messages in 2 seconds', async () => {
    const hook = await createWebhook('Flood');
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const response = await execute(hook, { content: `flood ${i}` });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses).toEqual([204, 204, 204, 204, 204, 429]);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited?.json()).toMatchObject({ message: 'You are being rate limited.', global: false });
  });
});

describe('managing webhooks', () => {
  it('needs Manage Webhooks; others neither create, see, regenerate nor delete them', async () => {
    const hook = await createWebhook('Secret');
    expect(
      await failure(
        member.api.query('select * from public.create_webhook($1, $2)', [server.textChannelId, 'x']),
      ),
    ).toMatchObject({ code: '42501' });
    expect((await member.api.query('select id from public.webhooks')).rows).toEqual([]);
    expect(
      await failure(member.api.query('select public.regenerate_webhook_token($1)', [hook.webhook_id])),
    ).toMatchObject({ code: 'PT404' });
    expect(
      await failure(member.api.query('select public.delete_webhook($1)', [hook.webhook_id])),
    ).toMatchObject({
      code: 'PT404',
    });
    // Not even a manager reads the stored hash.
    expect(await failure(owner.api.query('select token_hash from public.webhooks'))).toMatchObject({
      code: '42501',
    });
    // Nor may a client forge a webhook message.
    expect(
      await failure(
        member.api.query(
          `insert into public.messages (channel_id, content, webhook_id, author_name)
                          values ($1, 'forged', $2, 'Secret')`,
          [server.textChannelId, hook.webhook_id],
        ),
      ),
    ).toMatchObject({ code: '42501' });
  });

  it('a member with Manage Webhooks but not Mention Everyone cannot make a webhook that pings everyone', async () => {
    const hooks = await createUser(db, 'hookmanager');
    const role = await createRole(db, server.serverId, {
      name: 'Hooks',
      permissions: await bits(db, ['MANAGE_WEBHOOKS']),
      position: 1,
    });
    await addMember(db, server.serverId, hooks, [role]);
    await db.query(
      `update public.roles set permissions = permissions & ~public.permission('MENTION_EVERYONE') where id = $1`,
      [server.everyoneRoleId],
    );
    expect(await createWebhook('Mine', false, hooks)).toMatchObject({
      token: expect.stringMatching(/^hwh_[0-9a-f]{64}$/),
    });
    expect(await failure(createWebhook('Loud', true, hooks))).toMatchObject({ code: '42501' });
  });
});
