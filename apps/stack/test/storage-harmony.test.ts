import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from '@harmony/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';
import { createStorageUser, type StorageUser, text } from './storage-fixtures.js';

/** Round trips through Harmony's own buckets and policies (db_schema/init/97_storage_buckets.sql). */
const policiesFile = resolve(repoRoot(), 'db_schema/init/97_storage_buckets.sql');
const hasHarmonyPolicies = /create policy/i.test(readFileSync(policiesFile, 'utf8'));

const png = () => new Blob([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])], { type: 'image/png' });

let t: TestStack;
let owner: StorageUser;
let member: StorageUser;
let outsider: StorageUser;
let serverId: string;
let channelId: string;

async function profileId(user: StorageUser): Promise<string> {
  const { rows } = await t.db.query<{ id: string }>('select id from public.profiles where user_id = $1', [
    user.id,
  ]);
  return rows[0]?.id as string;
}

describe.skipIf(!hasHarmonyPolicies)('Harmony storage buckets', () => {
  beforeAll(async () => {
    t = await startTestStack();
    [owner, member, outsider] = await Promise.all([
      createStorageUser(t),
      createStorageUser(t),
      createStorageUser(t),
    ]);
    serverId = randomUUID();
    const [ownerProfile, memberProfile] = await Promise.all([profileId(owner), profileId(member)]);
    await t.db.query('insert into public.servers (id, name, owner_id) values ($1, $2, $3)', [
      serverId,
      'Storage test',
      ownerProfile,
    ]);
    await t.db.query(
      `insert into public.roles (id, server_id, name, position, permissions)
       values ($1, $1, '@everyone', 0, public.default_everyone_permissions())`,
      [serverId],
    );
    for (const profile of [ownerProfile, memberProfile]) {
      await t.db.query('insert into public.server_members (server_id, profile_id) values ($1, $2)', [
        serverId,
        profile,
      ]);
    }
    const { rows } = await t.db.query<{ id: string }>(
      `insert into public.channels (server_id, type, name, position) values ($1, 'text', 'general', 0) returning id`,
      [serverId],
    );
    channelId = rows[0]?.id as string;
  });
  afterAll(() => t?.stop());

  it.each(['avatars', 'banners'])('%s: own folder only, public reads, images only', async (bucketId) => {
    const bucket = owner.client.storage.from(bucketId);
    const path = `${owner.id}/picture.png`;
    expect((await bucket.upload(path, png())).error).toBeNull();
    expect((await bucket.upload(`${member.id}/picture.png`, png())).error).toMatchObject({
      statusCode: '403',
    });
    expect((await bucket.upload(`${owner.id}/note.txt`, text('x'))).error).toMatchObject({
      statusCode: '415',
    });
    const res = await fetch(bucket.getPublicUrl(path).data.publicUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    await res.arrayBuffer();
    expect((await member.client.storage.from(bucketId).remove([path])).data).toEqual([]);
    expect((await bucket.remove([path])).data?.map((f) => f.name)).toEqual([path]);
  });

  it.each([
    ['server-icons', 'icon.png'],
    ['emoji', 'party.png'],
  ])('%s: written by server managers only, public reads', async (bucketId, file) => {
    const path = `${serverId}/${file}`;
    const denied = await member.client.storage.from(bucketId).upload(path, png());
    expect(denied.error).toMatchObject({ statusCode: '403' });
    expect((await outsider.client.storage.from(bucketId).upload(path, png())).error).toMatchObject({
      statusCode: '403',
    });
    const bucket = owner.client.storage.from(bucketId);
    expect((await bucket.upload(path, png())).error).toBeNull();
    const res = await fetch(bucket.getPublicUrl(path).data.publicUrl);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect((await bucket.upload(path, png(), { upsert: true })).error).toBeNull();
  });

  it('attachments: channel members with Attach Files upload; readers get signed URLs; outsiders see nothing', async () => {
    const path = `${channelId}/${randomUUID()}/report.txt`;
    const bucket = member.client.storage.from('attachments');
    expect((await bucket.upload(path, text('attached'))).error).toBeNull();
    const { rows } = await t.db.query('select owner_id from storage.objects where name = $1', [path]);
    expect(rows).toEqual([{ owner_id: member.id }]);

    const signed = await owner.client.storage.from('attachments').createSignedUrl(path, 60);
    expect(signed.error).toBeNull();
    expect(await (await fetch(signed.data?.signedUrl ?? '')).text()).toBe('attached');

    const publicUrl = bucket.getPublicUrl(path).data.publicUrl;
    const publicRes = await fetch(publicUrl);
    expect(publicRes.status).toBe(400);
    await publicRes.arrayBuffer();

    const stranger = outsider.client.storage.from('attachments');
    expect((await stranger.download(path)).error).toMatchObject({ statusCode: '404' });
    expect((await stranger.createSignedUrl(path, 60)).error).toMatchObject({ statusCode: '404' });
    expect((await stranger.upload(`${channelId}/${randomUUID()}/x.txt`, text('x'))).error).toMatchObject({
      statusCode: '403',
    });
    expect((await bucket.upload(`${channelId}/flat.txt`, text('x'))).error).toMatchObject({
      statusCode: '403',
    });

    expect((await stranger.remove([path])).data).toEqual([]);
    expect((await bucket.remove([path])).data?.map((f) => f.name)).toEqual([path]);
  });
});
