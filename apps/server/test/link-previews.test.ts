import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  addMember,
  bit,
  createUser,
  DENIED,
  failure,
  NOT_FOUND,
  rpc,
  seedServer,
  sendMessage,
  setOverwrite,
  type TestServer,
  type TestUser,
} from '../../../db_schema/tests/fixtures.js';
import type { LinkEmbed } from '../src/jobs/fetch-preview.js';
import type { RunningService } from '../src/service.js';
import { createServerDatabase, runScheduled, serverConfig, startTestService, waitFor } from './helpers.js';
import { PreviewSite } from './preview-site.js';

// Link previews end to end: a message with links (sent as its author through the API role),
// the fetch-preview job in a running apps/server, the page on a local test site the service
// may reach only because OUTBOUND_ALLOWED_HOSTS lists it, and `internal` (127.0.0.2) standing
// for the service's own network.
let db: TestDatabase;
let service: RunningService;
let site: PreviewSite;
let internal: PreviewSite;
let ada: TestUser;
let bob: TestUser;
let server: TestServer;

beforeAll(async () => {
  db = await createServerDatabase();
  site = await PreviewSite.start('127.0.0.1');
  internal = await PreviewSite.start('127.0.0.2', site.port);
  service = await startTestService(db, {
    config: serverConfig(db, {
      outboundAllowedHosts: new Set([site.hostPort]),
      previewFetchesPerHostPerMinute: 30,
    }),
  });
  ada = await createUser(db, 'ada');
  bob = await createUser(db, 'bob');
  server = await seedServer(db, ada);
  await addMember(db, server.serverId, bob);
});
afterAll(async () => {
  await service?.stop();
  await site?.stop();
  await internal?.stop();
  await db?.close();
});

async function queueDrained() {
  await waitFor(
    async () =>
      (await db.query(`select 1 from graphile_worker.jobs where task_identifier = 'fetch-preview'`)).rows
        .length === 0,
  );
}

async function embedsOf(messageId: string): Promise<LinkEmbed[]> {
  const { rows } = await db.query<{ embeds: LinkEmbed[] }>(
    'select embeds from public.messages where id = $1',
    [messageId],
  );
  return rows[0]?.embeds ?? [];
}

it('a message with a link gets a preview with a re-hosted image, broadcast to the channel', async () => {
  const link = `${site.origin}/article`;
  const message = await sendMessage(ada, server.textChannelId, `look: ${link}.`);
  const [embed] = await waitFor(async () => {
    const embeds = await embedsOf(message.id);
    return embeds.length > 0 && embeds;
  });
  expect(embed).toMatchObject({
    type: 'article',
    url: link,
    title: 'Harmony ships link previews',
    description: 'Pages linked in chat now show a card with their title, summary and picture.',
    site_name: 'Harmony News',
    color: '#5865f2',
    image: { width: 120, height: 63 },
  });
  // Readers load the image from apps/server, never from the linked site.
  expect(embed?.image?.url).toMatch(/^\/api\/media\/previews\/[0-9a-f-]{36}$/);
  const image = await fetch(`${service.url}${embed?.image?.url}`);
  expect(image.status).toBe(200);
  expect(image.headers.get('content-type')).toBe('image/png');
  expect(image.headers.get('x-content-type-options')).toBe('nosniff');
  expect(
    Buffer.from(await image.arrayBuffer())
      .subarray(1, 4)
      .toString(),
  ).toBe('PNG');
  expect((await fetch(`${service.url}/api/media/previews/00000000-0000-4000-8000-000000000000`)).status).toBe(
    404,
  );
  const { rows } = await db.query<{ payload: { record: { embeds: LinkEmbed[] } } }>(
    `select payload from realtime.messages where topic = $1 and event = 'message_update'
      order by inserted_at desc limit 1`,
    [`channel:${server.textChannelId}`],
  );
  expect(rows[0]?.payload.record.embeds[0]?.title).toBe('Harmony ships link previews');
});

it('the same URL in many messages is fetched once; oEmbed discovery and pages with only a title work', async () => {
  const link = `${site.origin}/plain`;
  const messages = await Promise.all(
    [1, 2, 3].map((n) => sendMessage(ada, server.textChannelId, `${n} ${link} ${site.origin}/oembed-page`)),
  );
  await queueDrained();
  for (const message of messages) {
    expect((await embedsOf(message.id)).map((embed) => [embed.type, embed.title, embed.site_name])).toEqual([
      ['link', 'Only a title', null],
      ['video', 'A video by oEmbed', 'Tube'],
    ]);
  }
  expect(site.hits('/plain')).toBe(1);
  expect(site.hits('/oembed-page')).toBe(1);
});

it('reads a page in the encoding its Content-Type names', async () => {
  const message = await sendMessage(ada, server.textChannelId, `${site.origin}/latin1`);
  await queueDrained();
  expect((await embedsOf(message.id)).map((embed) => embed.title)).toEqual(['Café crème']);
});

it('links in code or in <angle brackets> get no preview; an SVG image is not re-hosted', async () => {
  const message = await sendMessage(
    ada,
    server.textChannelId,
    `\`${site.origin}/article?code\` <${site.origin}/article?angle> ${site.origin}/svg`,
  );
  await queueDrained();
  const embeds = await embedsOf(message.id);
  expect(embeds.map((embed) => [embed.title, embed.image])).toEqual([['SVG', null]]);
  expect(site.hits('/article?code') + site.hits('/article?angle')).toBe(0);
});

it('links to private addresses, or redirecting there, give no preview and reach nothing', async () => {
  const port = internal.port;
  const message = await sendMessage(
    ada,
    server.textChannelId,
    [
      `http://127.0.0.2:${port}/article`,
      'http://169.254.169.254/latest/meta-data/',
      `http://[::1]:${port}/article`,
      `${site.origin}/redirect?to=${encodeURIComponent(`http://127.0.0.2:${port}/article`)}`,
      `${site.origin}/data.json`,
    ].join(' '),
  );
  await queueDrained();
  expect(await embedsOf(message.id)).toEqual([]);
  expect(internal.requests).toEqual([]);
  const { rows } = await db.query<{ url: string; failure: string }>(
    `select url, failure from private.link_previews where url like '%169.254.169.254%' or url like '%/data.json'`,
  );
  expect(rows.map((row) => row.failure?.split(':')[0]).sort()).toEqual(['OutboundFailed', 'OutboundRefused']);
});

it('the author removes the previews for good; nobody else can; an edit without links clears them', async () => {
  const message = await sendMessage(ada, server.textChannelId, `${site.origin}/article`);
  await waitFor(async () => (await embedsOf(message.id)).length === 1);
  expect(await failure(rpc(bob.api, 'suppress_message_embeds', message.id, true))).toMatchObject(DENIED);
  const outsider = await createUser(db, 'mallory');
  expect(await failure(rpc(outsider.api, 'suppress_message_embeds', message.id, true))).toMatchObject(
    NOT_FOUND,
  );
  expect(await embedsOf(message.id)).toHaveLength(1);

  // Previews are written only by apps/server: not even the author writes embeds or the flag.
  const forged = JSON.stringify([{ type: 'link', url: 'https://evil.test/', title: 'Forged' }]);
  expect(
    await failure(
      ada.api.query('update public.messages set embeds = $2 where id = $1', [message.id, forged]),
    ),
  ).toMatchObject(DENIED);
  expect(
    await failure(
      ada.api.query('update public.messages set suppress_embeds = true where id = $1', [message.id]),
    ),
  ).toMatchObject(DENIED);

  await rpc(ada.api, 'suppress_message_embeds', message.id, true);
  expect(await embedsOf(message.id)).toEqual([]);
  await ada.api.query('update public.messages set content = $2 where id = $1', [
    message.id,
    `edited ${site.origin}/article`,
  ]);
  await queueDrained();
  expect(await embedsOf(message.id)).toEqual([]);

  const other = await sendMessage(ada, server.textChannelId, `${site.origin}/article`);
  await waitFor(async () => (await embedsOf(other.id)).length === 1);
  await ada.api.query('update public.messages set content = $2 where id = $1', [other.id, 'no link now']);
  await waitFor(async () => (await embedsOf(other.id)).length === 0);
});

it('an author without EMBED_LINKS in the channel gets no previews, and no page is fetched', async () => {
  await setOverwrite(
    db,
    server.textChannelId,
    { member: bob.profileId },
    { deny: await bit(db, 'EMBED_LINKS') },
  );
  const before = site.requests.length;
  const message = await sendMessage(bob, server.textChannelId, `${site.origin}/article?bob`);
  await queueDrained();
  expect(await embedsOf(message.id)).toEqual([]);
  expect(site.requests.length).toBe(before);
});

it('the per-host limit holds: over it the job waits for a retry, keeping what it fetched', async () => {
  await db.query(`update private.link_preview_hosts set fetches = 29, window_start = now() where host = $1`, [
    site.hostPort,
  ]);
  const message = await sendMessage(
    ada,
    server.textChannelId,
    `${site.origin}/article?limit=1 ${site.origin}/article?limit=2`,
  );
  const job = await waitFor(async () => {
    const { rows } = await db.query<{ last_error: string | null }>(
      `select last_error from graphile_worker.jobs where task_identifier = 'fetch-preview' and attempts > 0`,
    );
    return rows[0]?.last_error ? rows[0] : null;
  });
  expect(job.last_error).toMatch(/rate limited/);
  expect(site.hits('/article?limit=1') + site.hits('/article?limit=2')).toBe(1);
  expect(await embedsOf(message.id)).toHaveLength(1);
});

it("previews sit beside a message's other embeds (a webhook's), which stay when previews come, change or go", async () => {
  const webhookEmbed = { title: 'Build passed', color: 0x00ff00 };
  const message = await sendMessage(ada, server.textChannelId, 'no link yet');
  await db.query('update public.messages set embeds = $2 where id = $1', [
    message.id,
    JSON.stringify([webhookEmbed]),
  ]);
  await ada.api.query('update public.messages set content = $2 where id = $1', [
    message.id,
    `now ${site.origin}/article`,
  ]);
  await waitFor(async () => (await embedsOf(message.id)).length === 2);
  expect((await embedsOf(message.id)).map((embed) => embed.title)).toEqual([
    'Build passed',
    'Harmony ships link previews',
  ]);
  await rpc(ada.api, 'suppress_message_embeds', message.id, true);
  expect(await embedsOf(message.id)).toEqual([webhookEmbed]);
});

it('the daily prune deletes a re-hosted image once no message shows it and no cached preview offers it', async () => {
  const link = `${site.origin}/article`;
  const imageOf = async (messageId: string) => {
    const [embed] = await waitFor(async () => {
      const embeds = await embedsOf(messageId);
      return embeds.length > 0 && embeds;
    });
    return (embed?.image?.url ?? '').replace('/api/media/previews/', '');
  };
  const status = async (imageId: string) =>
    (await fetch(`${service.url}/api/media/previews/${imageId}`)).status;
  const usedBy = async (imageId: string) =>
    (
      await db.query<{ message_id: string }>(
        'select message_id from private.link_preview_image_uses where image_id = $1 order by message_id',
        [imageId],
      )
    ).rows.map((row) => row.message_id);
  /**
   * As if fetched two days ago (past the grace period), with every cached page expired as long
   * (earlier tests' pages show the same picture).
   */
  const age = async () => {
    await db.query(`update private.link_preview_images set fetched_at = now() - interval '2 days'`);
    await db.query(`update private.link_previews set expires_at = now() - interval '2 days'`);
  };

  // The per-host test above used up this minute's fetches.
  await db.query('update private.link_preview_hosts set fetches = 0');
  const first = await sendMessage(ada, server.textChannelId, `read ${link}`);
  const imageId = await imageOf(first.id);
  const second = await sendMessage(ada, server.textChannelId, `also ${link}`);
  expect(await imageOf(second.id)).toBe(imageId);
  expect(await usedBy(imageId)).toContain(first.id);
  expect(await usedBy(imageId)).toContain(second.id);

  // The migration records what messages already show: as before it, then applied (twice).
  await db.query('delete from private.link_preview_image_uses');
  const migration = readFileSync(
    join(import.meta.dirname, '../../../db_schema/migrations/20261207010000_preview_image_pruning.sql'),
    'utf8',
  );
  await db.query(migration);
  await db.query(migration);
  expect(await usedBy(imageId)).toContain(first.id);
  expect(await usedBy(imageId)).toContain(second.id);

  // Shown by messages: kept, however old.
  await age();
  await runScheduled(db, 'prune-link-previews');
  expect(await status(imageId)).toBe(200);

  // No message shows it any more: one deleted, the previews of the others (earlier tests' too) removed.
  await rpc(ada.api, 'delete_message', second.id);
  expect(await usedBy(imageId)).not.toContain(second.id);
  const clearPreviews = (messageId: string) =>
    db.query(
      `select private.store_message_embeds(m.id, m.content, '[]') from public.messages m where m.id = $1`,
      [messageId],
    );
  for (const messageId of await usedBy(imageId)) await clearPreviews(messageId);
  expect(await usedBy(imageId)).toEqual([]);

  // A job that finds the image already stored renews it: no prune takes it from under the job.
  await age();
  const third = await sendMessage(ada, server.textChannelId, `again ${link}`);
  expect(await imageOf(third.id)).toBe(imageId);
  const { rows: renewed } = await db.query<{ fresh: boolean }>(
    `select fetched_at > now() - interval '1 hour' as fresh from private.link_preview_images where id = $1`,
    [imageId],
  );
  expect(renewed).toEqual([{ fresh: true }]);

  // Offered by a cached preview only: kept until that has been expired for a day, then deleted.
  await clearPreviews(third.id);
  await db.query(`update private.link_preview_images set fetched_at = now() - interval '2 days'`);
  await runScheduled(db, 'prune-link-previews');
  expect(await status(imageId)).toBe(200);
  await age();
  await runScheduled(db, 'prune-link-previews');
  expect(await status(imageId)).toBe(404);
  expect((await db.query('select 1 from private.link_preview_images where id = $1', [imageId])).rows).toEqual(
    [],
  );
});
