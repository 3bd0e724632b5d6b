import { createTestDatabase, type Session, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  bit,
  createUser,
  seedServer,
  sendMessage,
  setOverwrite,
  type TestUser,
} from './fixtures.js';

let db: TestDatabase;
let VIEW_CHANNEL: bigint;
beforeAll(async () => {
  db = await createTestDatabase();
  VIEW_CHANNEL = await bit(db, 'VIEW_CHANNEL');
});
afterAll(() => db.close());

/** ada owns a server with #general and #hidden (invisible to @everyone); bob is a member. */
async function world(tx: Session) {
  const ada = await createUser(tx, 'ada');
  const bob = await createUser(tx, 'bob');
  const eve = await createUser(tx, 'eve');
  const server = await seedServer(tx, ada);
  const other = await seedServer(tx, eve, 'Other');
  await addMember(tx, server.serverId, bob);
  await addMember(tx, other.serverId, bob);
  const hidden = (
    await tx.query<{ id: string }>(
      `insert into public.channels (server_id, name) values ($1, 'hidden') returning id`,
      [server.serverId],
    )
  ).rows[0]?.id as string;
  await setOverwrite(tx, hidden, { role: server.serverId }, { deny: VIEW_CHANNEL });
  return { ada, bob, eve, server, other, general: server.textChannelId, hidden };
}

const search = async (user: TestUser, args: string, params: unknown[]) =>
  (
    await user.api.query<{ content: string }>(`select content from public.search_messages(${args})`, params)
  ).rows.map((r) => r.content);

describe('search_messages', () => {
  it('finds whole words, phrases and partial words, best match first', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      await sendMessage(w.ada, w.general, 'the deployment pipeline is green');
      await sendMessage(w.ada, w.general, 'deployment');
      await sendMessage(w.ada, w.general, 'lunch at noon?');
      await sendMessage(w.ada, w.general, 'We use Harmony for chat');
      await sendMessage(w.ada, w.general, 'uptime was 100%');
      expect(await search(w.bob, '$1', ['deployment'])).toEqual([
        'deployment',
        'the deployment pipeline is green',
      ]);
      expect(await search(w.bob, '$1', ['deploy'])).toEqual([
        'deployment',
        'the deployment pipeline is green',
      ]);
      expect(await search(w.bob, '$1', ['harmo'])).toEqual(['We use Harmony for chat']);
      expect(await search(w.bob, '$1', ['pipelin'])).toEqual(['the deployment pipeline is green']);
      expect(await search(w.bob, '$1', ['"pipeline is green" -lunch'])).toEqual([
        'the deployment pipeline is green',
      ]);
      // LIKE wildcards in the query are literal.
      expect(await search(w.bob, '$1', ['100%'])).toEqual(['uptime was 100%']);
      expect(await search(w.bob, '$1', ['_'])).toEqual([]);
      expect(await search(w.bob, '$1, p_limit => 1', ['deployment'])).toEqual(['deployment']);
    });
  });

  it('never returns messages from hidden channels, other servers, DMs of others, or deleted ones', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      await sendMessage(w.ada, w.general, 'secret plan (public part)');
      await sendMessage(w.ada, w.hidden, 'secret plan for admins');
      await sendMessage(w.eve, w.other.textChannelId, 'secret plan elsewhere');
      const gone = await sendMessage(w.bob, w.general, 'secret plan I regret');
      await w.bob.api.query('select public.delete_message($1)', [gone.id]);
      const dm = (await w.ada.api.query<{ id: string }>('select public.open_dm($1) as id', [w.bob.profileId]))
        .rows[0]?.id as string;
      await sendMessage(w.ada, dm, 'secret plan, just us');
      const stranger = await createUser(tx, 'stranger');

      expect((await search(w.bob, '$1', ['secret plan'])).sort()).toEqual([
        'secret plan (public part)',
        'secret plan elsewhere',
        'secret plan, just us',
      ]);
      expect((await search(w.ada, '$1', ['secret'])).sort()).toEqual([
        'secret plan (public part)',
        'secret plan for admins',
        'secret plan, just us',
      ]);
      expect(await search(w.eve, '$1', ['secret'])).toEqual(['secret plan elsewhere']);
      expect(await search(stranger, '$1', ['secret'])).toEqual([]);
      expect(await search(w.bob, '$1, p_server_id => $2', ['secret', w.server.serverId])).toEqual([
        'secret plan (public part)',
      ]);
      expect(await search(w.bob, '$1, p_channel_id => $2', ['secret', dm])).toEqual(['secret plan, just us']);
      expect(await search(w.ada, '$1, p_channel_id => $2', ['admins', w.hidden])).toEqual([
        'secret plan for admins',
      ]);
    });
  });

  it('a common word (a page of recent matches) comes only from channels the caller reads, best match first', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      // Enough matches in each channel for the recent-window path (a page of 25).
      for (let i = 0; i < 30; i++) {
        await sendMessage(w.ada, w.general, `standup notes ${i}`);
        await sendMessage(w.ada, w.hidden, `standup notes hidden ${i}`);
        await sendMessage(w.eve, w.other.textChannelId, `standup notes other ${i}`);
      }
      await sendMessage(w.ada, w.general, 'standup');
      const stranger = await createUser(tx, 'stranger');
      const bobs = await search(w.bob, '$1', ['standup']);
      expect(bobs).toHaveLength(25);
      expect(bobs[0]).toBe('standup');
      expect(bobs.filter((c) => c.includes('hidden'))).toEqual([]);
      const inServer = await search(w.bob, '$1, p_server_id => $2', ['standu', w.server.serverId]);
      expect(inServer).toHaveLength(25);
      expect(inServer.every((c) => !c.includes('hidden') && !c.includes('other'))).toBe(true);
      expect(await search(stranger, '$1', ['standup'])).toEqual([]);
      await expect(search(stranger, '$1, p_server_id => $2', ['standup', w.server.serverId])).rejects.toThrow(
        'server not found',
      );
      await expect(search(w.bob, '$1, p_channel_id => $2', ['standup', w.hidden])).rejects.toThrow(
        'channel not found',
      );
      expect((await search(w.ada, '$1, p_channel_id => $2', ['standup', w.hidden])).length).toBe(25);
    });
  });

  it('refuses empty or long queries and scopes the caller cannot read', async () => {
    await db.rollback(async (tx) => {
      const w = await world(tx);
      const code = (user: TestUser, args: string, params: unknown[]) =>
        user.api.query(`select * from public.search_messages(${args})`, params).then(
          () => 'ok',
          (e: { code: string; message: string }) => `${e.code} ${e.message}`,
        );
      expect(await code(w.bob, '$1', ['   '])).toBe('22023 a search query is required');
      expect(await code(w.bob, 'null', [])).toBe('22023 a search query is required');
      expect(await code(w.bob, '$1', ['x'.repeat(201)])).toBe(
        '22023 search queries are at most 200 characters',
      );
      expect(await code(w.bob, `'x', p_channel_id => $1`, [w.hidden])).toBe('PT404 channel not found');
      expect(await code(w.eve, `'x', p_server_id => $1`, [w.server.serverId])).toBe('PT404 server not found');
      expect(await code(w.eve, `'x', p_channel_id => $1`, [w.general])).toBe('PT404 channel not found');
      expect(await code(w.bob, `'x', p_limit => 1000`, [])).toBe('ok');
      await expect(tx.asAnon().query(`select * from public.search_messages('x')`)).rejects.toThrow(
        'permission denied for function search_messages',
      );
    });
  });
});
