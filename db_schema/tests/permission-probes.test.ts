import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bits, type Community, failure, seedCommunity, sendMessage } from './fixtures.js';

// Migration 20261206130000: the message policies probe the caller's stored permission row per
// message instead of gathering all the caller's channels. These pin what a reader may see
// through that probe, from the side of those who must not see more.

let db: TestDatabase;
let c: Community;
let hiddenChannel: string;

beforeAll(async () => {
  db = await createTestDatabase();
  c = await seedCommunity(db);
  await sendMessage(c.owner, c.server.textChannelId, 'hello everyone');
  const { rows } = await db.query<{ id: string }>(
    `insert into public.channels (server_id, type, name, position) values ($1, 'text', 'staff', 5) returning id`,
    [c.server.serverId],
  );
  hiddenChannel = rows[0]?.id as string;
  await sendMessage(c.owner, hiddenChannel, 'staff only');
  // @everyone may see the channel but not read its history.
  await db.query(
    `insert into public.channel_overwrites (channel_id, target_type, target_id, deny) values ($1, 'role', $2, $3)`,
    [hiddenChannel, c.server.everyoneRoleId, (await bits(db, ['READ_MESSAGE_HISTORY'])).toString()],
  );
});
afterAll(() => db.close());

const contents = async (user: Community['member'], channelId: string) =>
  (
    await user.api.query<{ content: string }>('select content from public.messages where channel_id = $1', [
      channelId,
    ])
  ).rows.map((r) => r.content);

describe('messages through the stored-permission probe', () => {
  it('a member reads a channel they can read; an outsider and a member without READ_MESSAGE_HISTORY get nothing', async () => {
    expect(await contents(c.member, c.server.textChannelId)).toEqual(['hello everyone']);
    expect(await contents(c.stranger, c.server.textChannelId)).toEqual([]);
    expect(await contents(c.member, hiddenChannel)).toEqual([]);
    expect(await contents(c.owner, hiddenChannel)).toEqual(['staff only']);
    expect(
      (await failure(c.member.api.query('select * from public.get_messages($1)', [hiddenChannel]))).code,
    ).toBe('PT404');
  });

  it('a page probes the stored row by key even when the stored table is a handful of rows (20261206200000)', async () => {
    await db.query('analyze private.channel_member_permissions');
    const { rows } = await c.member.api.query<{ 'QUERY PLAN': unknown }>(
      `explain (format json)
       select * from public.messages where channel_id = $1 order by seq desc limit 50`,
      [c.server.textChannelId],
    );
    const scans: { type: string; index?: string }[] = [];
    const walk = (node: Record<string, unknown>) => {
      if (node['Relation Name'] === 'channel_member_permissions')
        scans.push({ type: node['Node Type'] as string, index: node['Index Name'] as string | undefined });
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    const plans = (rows[0]?.['QUERY PLAN'] ?? []) as { Plan: Record<string, unknown> }[];
    walk(plans[0]?.Plan ?? {});
    // Without the probe index, a table this small was read by a sequential scan for every message.
    expect(scans).toEqual([{ type: 'Index Scan', index: 'channel_member_permissions_probe_idx' }]);
  });

  it('the stored table cannot be named by the API roles', async () => {
    const refused = await failure(c.member.api.query('select * from private.channel_member_permissions'));
    expect(refused.code).toBe('42501');
  });

  it('a kicked member loses the channel at once; DM recipients read their DM and nobody else does', async () => {
    const dm = (
      await c.member.api.query<{ id: string }>('select public.open_dm($1) as id', [c.owner.profileId])
    ).rows[0]?.id as string;
    await sendMessage(c.owner, dm, 'just us');
    expect(await contents(c.member, dm)).toEqual(['just us']);
    expect(await contents(c.moderator, dm)).toEqual([]);
    await db.query('delete from public.server_members where server_id = $1 and profile_id = $2', [
      c.server.serverId,
      c.moderator.profileId,
    ]);
    expect(await contents(c.moderator, c.server.textChannelId)).toEqual([]);
  });
});
