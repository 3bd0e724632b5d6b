import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.js';
import { rest } from './rest-fixtures.js';
import { buildRpcWorld, type RpcWorld } from './rpc-world.js';

/**
 * set_channel_layout and reorder_roles through REST, from the attacker's side (issue 15): the
 * status and PostgREST error envelope each caller gets, never a 5xx.
 */

let t: TestStack;
let w: RpcWorld;
beforeAll(async () => {
  t = await startTestStack();
  w = await buildRpcWorld(t);
}, 120_000);
afterAll(() => t.stop());

async function call(fn: string, args: Record<string, unknown>, token?: string) {
  const res = await rest(t, `/rpc/${fn}`, {
    method: 'POST',
    token,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

const layoutNow = async () => {
  const { rows: categories } = await t.db.query<{ id: string }>(
    'select id from public.channel_categories where server_id = $1 order by position',
    [w.serverId],
  );
  const { rows: channels } = await t.db.query<{ id: string; category_id: string | null }>(
    'select id, category_id from public.channels where server_id = $1 order by position',
    [w.serverId],
  );
  return { p_server_id: w.serverId, p_category_ids: categories.map((c) => c.id), p_channels: channels };
};
const rolesNow = async () =>
  (
    await t.db.query<{ id: string }>(
      'select id from public.roles where server_id = $1 and id <> $1 order by position desc',
      [w.serverId],
    )
  ).rows.map((r) => r.id);

describe('set_channel_layout through REST', () => {
  it('answers 403 42501 to a member without MANAGE_CHANNELS, 401 signed out, 404 to an outsider', async () => {
    const layout = await layoutNow();
    const reversed = { ...layout, p_category_ids: [...layout.p_category_ids].reverse() };
    expect(await call('set_channel_layout', reversed, w.member.token)).toMatchObject({
      status: 403,
      body: { code: '42501', message: 'you need the MANAGE_CHANNELS permission in this server' },
    });
    expect((await call('set_channel_layout', reversed)).status).toBe(401);
    expect((await call('set_channel_layout', reversed, w.outsider.token)).status).toBe(404);
    expect(await layoutNow()).toEqual(layout);
  });

  it('answers 400 with the reason to an incomplete or malformed layout, and 204 to the owner', async () => {
    const layout = await layoutNow();
    const incomplete = { ...layout, p_channels: layout.p_channels.slice(1) };
    expect(await call('set_channel_layout', incomplete, w.owner.token)).toMatchObject({
      status: 400,
      body: { code: '22023', message: 'the layout must list each channel you can see exactly once' },
    });
    expect((await call('set_channel_layout', { ...layout, p_channels: 'fuzz' }, w.owner.token)).status).toBe(
      400,
    );
    const reversed = { ...layout, p_category_ids: [...layout.p_category_ids].reverse() };
    expect((await call('set_channel_layout', reversed, w.owner.token)).status).toBe(204);
    expect((await layoutNow()).p_category_ids).toEqual(reversed.p_category_ids);
  });
});

describe('reorder_roles through REST', () => {
  it('answers 403 to a member without MANAGE_ROLES and to a moderator moving a role above their own', async () => {
    const order = await rolesNow();
    expect(order).toEqual([w.modRoleId, w.roleId]);
    expect(
      await call('reorder_roles', { p_server_id: w.serverId, p_role_ids: order }, w.member.token),
    ).toMatchObject({ status: 403, body: { code: '42501' } });
    expect(
      await call(
        'reorder_roles',
        { p_server_id: w.serverId, p_role_ids: [w.roleId, w.modRoleId] },
        w.moderator.token,
      ),
    ).toMatchObject({
      status: 403,
      body: { code: '42501', message: 'you can only move roles below your highest role' },
    });
    expect(await rolesNow()).toEqual(order);
    expect(
      (
        await call(
          'reorder_roles',
          { p_server_id: w.serverId, p_role_ids: [w.roleId, w.modRoleId] },
          w.owner.token,
        )
      ).status,
    ).toBe(204);
    expect(await rolesNow()).toEqual([w.roleId, w.modRoleId]);
  });
});
