import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type Session, type TestDatabase } from '@harmony/db/testing';
import {
  ALL_PERMISSIONS,
  computeChannelPermissions,
  DEFAULT_EVERYONE_PERMISSIONS,
  type PermissionName,
  Permissions,
} from '@harmony/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createRole, createUser, seedServer } from './fixtures.js';

/** packages/shared/test-vectors/permissions.json: masks are decimal strings. */
interface Mask {
  allow: string;
  deny: string;
}
interface VectorCase {
  name: string;
  input: {
    isOwner: boolean;
    everyone: string;
    roles: string[];
    everyoneOverwrite: Mask | null;
    roleOverwrites: Mask[];
    memberOverwrite: Mask | null;
    timedOut: boolean;
  };
  expected: string;
}

const vectorsPath = join(
  import.meta.dirname,
  '..',
  '..',
  'packages',
  'shared',
  'test-vectors',
  'permissions.json',
);
const cases = (JSON.parse(readFileSync(vectorsPath, 'utf8')) as { cases: VectorCase[] }).cases;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const fold = (masks: Mask[], key: keyof Mask) => masks.reduce((acc, m) => acc | BigInt(m[key]), 0n);

/** What computeChannelPermissions in SQL says for the inputs, with role overwrites pre-folded. */
async function sqlCompute(session: Session, input: VectorCase['input']): Promise<string> {
  const { rows } = await session.query<{ p: string }>(
    `select public.compute_channel_permissions($1, $2, $3::bigint[], $4, $5, $6, $7, $8, $9, $10)::text as p`,
    [
      input.isOwner,
      input.everyone,
      input.roles,
      input.everyoneOverwrite?.allow ?? null,
      input.everyoneOverwrite?.deny ?? null,
      fold(input.roleOverwrites, 'allow').toString(),
      fold(input.roleOverwrites, 'deny').toString(),
      input.memberOverwrite?.allow ?? null,
      input.memberOverwrite?.deny ?? null,
      input.timedOut,
    ],
  );
  return rows[0]?.p as string;
}

/**
 * Stored overwrites must be disjoint (allow & deny = 0). Deny is applied before allow, so
 * dropping the allowed bits from deny gives the same result; the vectors that put a bit in
 * both still check "allow wins" through this equivalent row.
 */
const storable = (mask: Mask) => [mask.allow, (BigInt(mask.deny) & ~BigInt(mask.allow)).toString()];

/**
 * The same case as real rows: a server, the member (or owner) with one role per entry of
 * `roles`, plus roles without permissions for any further role overwrites (a role overwrite
 * only counts for a role the member has), the overwrites, and a running timeout.
 */
async function tableCompute(tx: Session, input: VectorCase['input']): Promise<string> {
  const owner = await createUser(tx, 'owner');
  const member = input.isOwner ? owner : await createUser(tx, 'member');
  const server = await seedServer(tx, owner);
  const channel = server.textChannelId;
  if (!input.isOwner) await addMember(tx, server.serverId, member);
  await tx.query('update public.roles set permissions = $2 where id = $1', [
    server.everyoneRoleId,
    input.everyone,
  ]);
  const overwrite = (type: 'role' | 'member', target: string, mask: Mask) =>
    tx.query('insert into public.channel_overwrites values ($1, $2, $3, $4, $5)', [
      channel,
      type,
      target,
      ...storable(mask),
    ]);
  if (input.everyoneOverwrite) await overwrite('role', server.everyoneRoleId, input.everyoneOverwrite);
  const roleCount = Math.max(input.roles.length, input.roleOverwrites.length);
  for (let i = 0; i < roleCount; i++) {
    const roleId = await createRole(tx, server.serverId, {
      name: `role ${i}`,
      permissions: BigInt(input.roles[i] ?? '0'),
      position: i + 1,
    });
    await tx.query('insert into public.member_roles values ($1, $2, $3)', [
      server.serverId,
      member.profileId,
      roleId,
    ]);
    const roleOverwrite = input.roleOverwrites[i];
    if (roleOverwrite) await overwrite('role', roleId, roleOverwrite);
  }
  if (input.memberOverwrite) await overwrite('member', member.profileId, input.memberOverwrite);
  if (input.timedOut) {
    await tx.query(
      `update public.server_members set timed_out_until = now() + interval '1 hour'
        where server_id = $1 and profile_id = $2`,
      [server.serverId, member.profileId],
    );
  }
  const { rows } = await tx.query<{ p: string }>('select public.channel_permissions($1, $2)::text as p', [
    channel,
    member.profileId,
  ]);
  return rows[0]?.p as string;
}

describe('permission test vectors', () => {
  it('has all 55 cases', () => {
    expect(cases).toHaveLength(55);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const ts = computeChannelPermissions({
      isOwner: c.input.isOwner,
      everyone: BigInt(c.input.everyone),
      roles: c.input.roles.map(BigInt),
      everyoneOverwrite: c.input.everyoneOverwrite && {
        allow: BigInt(c.input.everyoneOverwrite.allow),
        deny: BigInt(c.input.everyoneOverwrite.deny),
      },
      roleOverwrites: c.input.roleOverwrites.map((o) => ({ allow: BigInt(o.allow), deny: BigInt(o.deny) })),
      memberOverwrite: c.input.memberOverwrite && {
        allow: BigInt(c.input.memberOverwrite.allow),
        deny: BigInt(c.input.memberOverwrite.deny),
      },
      timedOut: c.input.timedOut,
    });
    const sql = await sqlCompute(db, c.input);
    const tables = await db.rollback((tx) => tableCompute(tx, c.input));
    expect({ sql, tables, ts: ts.toString() }).toEqual({
      sql: c.expected,
      tables: c.expected,
      ts: c.expected,
    });
  });
});

describe('permission constants', () => {
  it('match between TypeScript and SQL', async () => {
    const { rows } = await db.query<{ everyone: string; all: string }>(
      'select public.default_everyone_permissions()::text as everyone, public.all_permissions()::text as all',
    );
    expect(rows[0]).toEqual({
      everyone: DEFAULT_EVERYONE_PERMISSIONS.toString(),
      all: ALL_PERMISSIONS.toString(),
    });
  });

  it('name every bit the same way', async () => {
    const names = Object.keys(Permissions) as PermissionName[];
    const { rows } = await db.query<{ name: PermissionName; bit: string }>(
      'select n as name, public.permission(n)::text as bit from unnest($1::text[]) n',
      [names],
    );
    expect(rows).toHaveLength(names.length);
    for (const row of rows) expect([row.name, row.bit]).toEqual([row.name, Permissions[row.name].toString()]);
  });

  it('refuse an unknown permission name', async () => {
    await expect(db.query(`select public.permission('MANAGE_EVERYTHING')`)).rejects.toMatchObject({
      code: '22023',
    });
  });
});
