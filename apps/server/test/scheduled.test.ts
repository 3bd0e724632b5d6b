import type { TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  createUser,
  seedServer,
  type TestServer,
  type TestUser,
} from '../../../db_schema/tests/fixtures.js';
import type { RunningService } from '../src/service.js';
import { createServerDatabase, runScheduled, startTestService } from './helpers.js';

let db: TestDatabase;
let service: RunningService;
let owner: TestUser;
let member: TestUser;
let server: TestServer;

beforeAll(async () => {
  db = await createServerDatabase();
  owner = await createUser(db, 'owner');
  member = await createUser(db, 'member');
  server = await seedServer(db, owner);
  await addMember(db, server.serverId, member);
  service = await startTestService(db);
});
afterAll(async () => {
  await service?.stop();
  await db?.close();
});

describe('scheduled jobs', () => {
  it('expire-timeouts clears ended timeouts and keeps running ones', async () => {
    const other = await createUser(db, 'other');
    await addMember(db, server.serverId, other);
    await db.query(
      `update public.server_members set timed_out_until = now() + interval '1 hour'
                     where server_id = $1 and profile_id = $2`,
      [server.serverId, other.profileId],
    );
    await db.query(
      `update public.server_members set timed_out_until = now() - interval '1 second'
                     where server_id = $1 and profile_id = $2`,
      [server.serverId, member.profileId],
    );
    await runScheduled(db, 'expire-timeouts');
    const { rows } = await db.query<{ profile_id: string; timed_out: boolean }>(
      `select profile_id, timed_out_until is not null as timed_out from public.server_members
        where server_id = $1 and profile_id = any($2)`,
      [server.serverId, [member.profileId, other.profileId]],
    );
    expect(Object.fromEntries(rows.map((r) => [r.profile_id, r.timed_out]))).toEqual({
      [member.profileId]: false,
      [other.profileId]: true,
    });
  });

  it('expire-invites deletes invites a day past expiry, use-up or revocation, and keeps the rest', async () => {
    const invite = (code: string, columns: string) =>
      db.query(
        `insert into public.invites (code, server_id, inviter_id, ${columns.split('=')[0]})
                values ($1, $2, $3, ${columns.split('=')[1]})`,
        [code, server.serverId, owner.profileId],
      );
    await invite('oldexpired', `expires_at=now() - interval '2 days'`);
    await invite('justexpired', `expires_at=now() - interval '1 hour'`);
    await invite('oldrevoked', `revoked_at=now() - interval '2 days'`);
    await invite('stillvalid', `expires_at=now() + interval '1 day'`);
    await runScheduled(db, 'expire-invites');
    const { rows } = await db.query<{ code: string }>('select code from public.invites order by code');
    expect(rows.map((r) => r.code)).toEqual(['justexpired', 'stillvalid']);
  });

  it('expire-presence shows silent profiles offline; touch_presence brings the chosen status back', async () => {
    await member.api.query(`select public.set_presence('idle')`);
    await owner.api.query(`select public.set_presence('online')`);
    await db.query(`update public.profiles set last_seen_at = now() - interval '1 hour' where id = $1`, [
      member.profileId,
    ]);
    await runScheduled(db, 'expire-presence');
    const status = async (user: TestUser) =>
      (
        await db.query<{ status: string }>('select status from public.profiles where id = $1', [
          user.profileId,
        ])
      ).rows[0]?.status;
    expect([await status(member), await status(owner)]).toEqual(['offline', 'online']);
    await member.api.query('select public.touch_presence()');
    expect(await status(member)).toBe('idle');
  });

  it('clean-realtime-messages deletes broadcast rows older than 72 hours on a plain (unpartitioned) table', async () => {
    await db.query(`insert into realtime.messages (topic, extension, payload, inserted_at)
                    values ('old', 'broadcast', '{}', now() - interval '5 days'), ('new', 'broadcast', '{}', now())`);
    await runScheduled(db, 'clean-realtime-messages');
    const { rows } = await db.query<{ topic: string }>(
      `select topic from realtime.messages where topic in ('old', 'new')`,
    );
    expect(rows.map((r) => r.topic)).toEqual(['new']);
  });
});
