import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Community, seedCommunity } from './fixtures.js';

// get_messages() reads each page from one explicit seq range (migration 20261206134000),
// widened only across holes left by hard-deleted messages. Every page must equal the plain
// definition: the page_size messages right before / after the cursor.

let db: TestDatabase;
let c: Community;

beforeAll(async () => {
  db = await createTestDatabase();
  c = await seedCommunity(db);
  await db.query(
    `insert into public.messages (channel_id, author_id, content)
     select $1, $2, 'm' || g from generate_series(1, 300) g`,
    [c.server.textChannelId, c.owner.profileId],
  );
  // Holes: one large, some single.
  await db.query(
    `delete from public.messages where channel_id = $1 and (seq between 60 and 160 or seq in (200, 202, 299))`,
    [c.server.textChannelId],
  );
});
afterAll(() => db.close());

const page = async (before: number | null, after: number | null, limit: number) =>
  (
    await c.member.api.query<{ seq: string }>('select seq from public.get_messages($1, $2, $3, $4)', [
      c.server.textChannelId,
      before,
      after,
      limit,
    ])
  ).rows.map((r) => Number(r.seq));

const reference = async (before: number | null, after: number | null, limit: number) => {
  const { rows } = await db.query<{ seq: string }>(
    `select seq from public.messages m
      where m.channel_id = $1 and ($2::bigint is null or m.seq < $2) and ($3::bigint is null or m.seq > $3)
      order by case when $3::bigint is null then -m.seq else m.seq end
      limit $4`,
    [c.server.textChannelId, before, after, limit],
  );
  return rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
};

describe('get_messages pages over seq ranges', () => {
  it('older and newer pages equal the plain definition, across holes, at any depth', async () => {
    const cursors = [null, 1, 2, 30, 59, 60, 61, 100, 161, 162, 170, 201, 203, 250, 299, 300, 301, 400];
    for (const limit of [1, 7, 50, 100]) {
      for (const before of cursors) {
        expect({ before, limit, seqs: await page(before, null, limit) }).toEqual({
          before,
          limit,
          seqs: await reference(before, null, limit),
        });
      }
      for (const after of [0, ...cursors.filter((x) => x !== null)]) {
        expect({ after, limit, seqs: await page(null, after, limit) }).toEqual({
          after,
          limit,
          seqs: await reference(null, after, limit),
        });
        expect({ after, before: 205, limit, seqs: await page(205, after, limit) }).toEqual({
          after,
          before: 205,
          limit,
          seqs: await reference(205, after, limit),
        });
      }
    }
  });
});
