import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const SEED = readFileSync(join(ROOT, 'supabase', 'seed.sql'), 'utf8');
const ADA = 'de300000-0000-4000-8000-000000000001';

describe('supabase/seed.sql', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  /** As `supabase db reset` runs seeds: connected as postgres, not a superuser. */
  async function seedAsPostgres(): Promise<void> {
    const client = new pg.Client({ connectionString: db.url('postgres') });
    await client.connect();
    try {
      await client.query(SEED);
    } finally {
      await client.end();
    }
  }

  it('loads into a migrated database, and loads again without error or change', async () => {
    await seedAsPostgres();
    const count = async () =>
      (
        await db.query(`
          select (select count(*) from auth.users)::int as users,
                 (select count(*) from auth.identities)::int as identities,
                 (select count(*) from public.profiles where user_id is not null)::int as profiles,
                 (select count(*) from public.channels)::int as channels,
                 (select count(*) from public.messages)::int as messages,
                 (select count(*) from public.server_members)::int as members`)
      ).rows[0];
    const first = await count();
    expect(first).toEqual({ users: 2, identities: 2, profiles: 2, channels: 3, messages: 4, members: 2 });

    await seedAsPostgres();
    expect(await count()).toEqual(first);
    // The second run numbered nothing: the next message in #general is number 4.
    const next = await db.rollback(async (tx) => {
      const { rows } = await tx.query<{ seq: string }>(
        `insert into public.messages (channel_id, author_id, content)
         select 'de300000-0000-4000-8000-000000000201', p.id, 'after seeding twice'
           from public.profiles p where p.user_id = $1
         returning seq`,
        [ADA],
      );
      return rows[0]?.seq;
    });
    expect(String(next)).toBe('4');
  });

  it('gives the demo users bcrypt passwords that GoTrue would accept', async () => {
    const { rows } = await db.query<{ ok: boolean; username: string }>(
      `select u.encrypted_password = extensions.crypt('ada-password', u.encrypted_password) as ok,
              p.username
         from auth.users u join public.profiles p on p.user_id = u.id
        where u.id = $1`,
      [ADA],
    );
    expect(rows).toEqual([{ ok: true, username: 'ada' }]);
    const hash = (
      await db.query<{ h: string }>('select encrypted_password as h from auth.users where id = $1', [ADA])
    ).rows[0]?.h;
    expect(hash).toMatch(/^\$2[aby]\$10\$/);
  });

  it('makes ada able to read #general through RLS', async () => {
    const { rows } = await db
      .asUser({ sub: ADA })
      .query<{ content: string }>(
        `select content from public.messages where channel_id = 'de300000-0000-4000-8000-000000000201' order by seq`,
      );
    expect(rows.map((r) => r.content)).toHaveLength(3);
  });
});
