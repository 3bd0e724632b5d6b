import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@harmony/db';
import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from './fixtures.js';

// The conditions Supabase's database advisor (splinter) checks, in our own SQL, on the freshly
// migrated schema. A security finding is acceptable only with a reason in an allow-list below;
// an entry that no longer matches anything fails too, so the lists cannot rot.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

/** Schemas PostgREST serves (supabase/config.toml [api] schemas, as the Supabase CLI sets them). */
const EXPOSED_SCHEMAS = ['public', 'graphql_public'];
/** Supabase's own schemas, which the advisor skips; every other schema belongs to the app. */
const PLATFORM_SCHEMAS = [
  'auth',
  'storage',
  'realtime',
  'extensions',
  'graphql',
  'graphql_public',
  'vault',
  'pgsodium',
  'pgsodium_masks',
  'pgbouncer',
  'net',
  'cron',
  'pgmq',
  'supabase_functions',
  'supabase_migrations',
  'information_schema',
  'pg_catalog',
  'pg_toast',
];
const API_ROLES = ['anon', 'authenticated', 'service_role'];
const APP_SCHEMAS_SQL = `select n.oid from pg_namespace n
  where not n.nspname = any($1::text[]) and n.nspname not like 'pg\\_%'`;
const EXTENSION_MEMBER = (oid: string) =>
  `exists (select 1 from pg_depend e where e.objid = ${oid} and e.deptype = 'e')`;

/** Fails on findings the allow-list does not explain, on entries nothing matches, and on empty reasons. */
function expectOnlyAllowed(findings: string[], allowList: Record<string, string>) {
  const entries = Object.entries(allowList);
  expect({
    unexplained: findings.filter((finding) => !(finding in allowList)),
    stale: entries.filter(([entry]) => !findings.includes(entry)).map(([entry]) => entry),
    withoutReason: entries.filter(([, reason]) => reason.trim().length < 10).map(([entry]) => entry),
  }).toEqual({ unexplained: [], stale: [], withoutReason: [] });
}

const names = async (sql: string, params: unknown[] = []) =>
  (await db.query<{ name: string }>(sql, params)).rows.map((row) => row.name);

/** SECURITY DEFINER functions in the exposed schemas that `role` may execute (lints 0028/0029). */
const executableDefiners = (role: string) =>
  names(
    `select format('%I.%I(%s)', n.nspname, p.proname, oidvectortypes(p.proargtypes)) as name
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where p.prosecdef and n.nspname = any($1::text[]) and has_function_privilege($2::name, p.oid, 'EXECUTE')
        and not ${EXTENSION_MEMBER('p.oid')}
      order by 1`,
    [EXPOSED_SCHEMAS, role],
  );

/**
 * Nothing signed-out: the web app calls no RPC before sign-in, and no policy applies to anon,
 * so anon needs no SECURITY DEFINER function at all.
 */
const ANON_DEFINERS: Record<string, string> = {};

/**
 * Helpers that RLS policies, security_invoker views or column defaults call as the querying
 * role, so `authenticated` needs EXECUTE. Each answers only about the caller.
 */
const POLICY_HELPERS: Record<string, string> = {
  'public.get_current_profile_id()':
    'policies and the message_reactions.profile_id default resolve the caller’s profile with it',
  'public.has_channel_permission(uuid, bigint)':
    'messages and storage.objects (attachments) policies check the caller’s channel permission with it',
  'public.has_server_permission(uuid, bigint)':
    'storage.objects policies (server icons, emoji) check the caller’s server permission with it',
  'public.my_server_ids()':
    'policies on server-scoped tables and realtime.messages list the caller’s servers',
  'public.my_server_ids_with(bigint)':
    'audit_log, custom_emojis, invites and server_bans policies list servers where the caller holds a permission',
  'public.my_dm_channel_ids()':
    'messages and channel_sequences policies: the DMs the caller is a recipient of (DMs have no stored permission row)',
  'public.readable_channel_ids()':
    'megolm_session_shares, reports and attachment policies list channels the caller reads',
  'public.visible_channel_ids()':
    'channels, channel_overwrites, channel_recipients and realtime.messages policies list channels the caller sees',
  'public.can_react(uuid, text)': 'the message_reactions insert policy checks the caller’s reaction rights',
  'public.can_reply_to(uuid, uuid)':
    'the messages insert policy checks the replied-to message (a policy cannot query its own table)',
  'public.my_bot_ids()': 'bot_server_installs and bot_tokens policies list the caller’s bots',
  'public.my_device_ids()':
    'device_one_time_keys and megolm_session_shares policies list the caller’s devices',
  'public.shares_space_with(uuid)':
    'the user_devices policy shows devices of people sharing a space with the caller',
  'public.server_member_stats(uuid)':
    'the security_invoker views public_server_directory and server_member_counts call it as the caller',
  'public.my_open_dm_call_ids()':
    'the realtime.messages policies of call:<id> topics list the caller’s ringing or running calls',
  'public.my_friend_ids()':
    'the realtime.messages policy of presence:<id> topics lets the caller’s friends join',
};

/**
 * RPCs: the client API (apps/web calls most of them; bots and other clients use the rest).
 * Each checks the caller and their permission itself before acting.
 */
const CLIENT_RPCS: Record<string, string> = {
  'public.accept_friend_request(uuid)': 'accepts a request addressed to the caller',
  'public.add_group_dm_recipient(uuid, uuid)': 'the group DM owner adds one of their friends',
  'public.assign_role(uuid, uuid, uuid)': 'needs MANAGE_ROLES and a role below the caller’s top role',
  'public.ban_member(uuid, uuid, text, integer)': 'needs BAN_MEMBERS over a lower member',
  'public.block_user(uuid)': 'blocks for the caller only',
  'public.channel_permissions(uuid, uuid)':
    'a caller’s own channel permissions; others’ only with MANAGE_ROLES (issue 11 item 3)',
  'public.claim_one_time_key(uuid)': 'hands out a key of a device whose owner shares a space with the caller',
  'public.close_dm(uuid)': 'hides one of the caller’s own DMs',
  'public.create_bot(text, text)': 'creates a bot owned by the caller',
  'public.create_bot_token(uuid)': 'a further token for one of the caller’s bots',
  'public.create_category(uuid, text)': 'needs MANAGE_CHANNELS in the server',
  'public.create_channel(uuid, text, channel_type, uuid, text)': 'needs MANAGE_CHANNELS in the server',
  'public.create_group_dm(uuid[], text)': 'a group DM of the caller and their friends',
  'public.create_invite(uuid, integer, integer, uuid, boolean)': 'needs CREATE_INSTANT_INVITE',
  'public.create_role(uuid, text, bigint, integer)': 'needs MANAGE_ROLES; grants only bits the caller holds',
  'public.create_server(text, text, text)': 'a new server owned by the caller',
  'public.device_can_read_channel(uuid, uuid)':
    'whether a device may receive a channel’s session keys, asked by someone sharing the channel (item 3)',
  'public.delete_category(uuid)': 'needs MANAGE_CHANNELS in the category’s server',
  'public.delete_channel(uuid)': 'needs MANAGE_CHANNELS in the channel',
  'public.delete_channel_overwrite(uuid, overwrite_target, uuid)': 'needs MANAGE_ROLES in the channel',
  'public.delete_message(uuid)': 'the author, or MANAGE_MESSAGES in the channel',
  'public.delete_my_account(text, text, boolean)':
    'the caller’s own account, after their password or reauthentication code; refused while they own servers',
  'public.delete_role(uuid)': 'needs MANAGE_ROLES over a lower role',
  'public.delete_server(uuid)': 'the owner only',
  'public.end_temporary_memberships()': 'the caller leaves the servers they joined as a temporary member',
  'public.export_my_data()': 'the caller’s own data only (others appear by username)',
  'public.get_invite_preview(text)': 'server name, icon and member count for an invite code the caller holds',
  'public.get_livekit_token(uuid)': 'signs a voice token after checking CONNECT/SPEAK/STREAM',
  'public.get_unread_state()': 'unread and mention counts of channels the caller reads',
  'public.sync_mention_notifications()':
    'creates the caller’s own notifications for @everyone/@here messages (none are written per member on send)',
  'public.install_bot(uuid, uuid, bigint)': 'needs MANAGE_GUILD; grants the bot no more than the caller has',
  'public.join_server_by_invite(text)': 'joins the caller through a valid invite',
  'public.kick_member(uuid, uuid, text)': 'needs KICK_MEMBERS over a lower member',
  'public.list_reports(uuid, report_status, bigint, integer)':
    'needs a report reviewer permission; returns only reports whose channel the caller reads',
  'public.leave_group_dm(uuid)': 'the caller leaves their own group DM',
  'public.leave_server(uuid)': 'the caller leaves a server (not its owner)',
  'public.mark_channel_read(uuid, bigint)': 'moves the caller’s own read marker in a channel they read',
  'public.mark_notifications_read(uuid[])': 'marks the caller’s own notifications',
  'public.open_dm(uuid)': 'the caller’s DM with a friend or someone sharing a server, unless blocked',
  'public.open_remote_dm(uuid)':
    'the caller’s DM with a remote user when one follows the other (accepted), unless blocked',
  'public.follow_remote(uuid)': 'the caller follows a cached remote user of an unblocked instance',
  'public.unfollow_remote(uuid)': 'the caller stops following a remote user',
  'public.request_remote_lookup(text)': 'queues the caller’s own @name@host search (30 a minute)',
  'public.set_federation_paused(boolean)': 'instance admins only (public.instance_admins, checked in SQL)',
  'public.set_instance_blocked(text, boolean)':
    'instance admins only (public.instance_admins, checked in SQL)',
  'public.federation_admin_settings()': 'instance admins only (public.instance_admins, checked in SQL)',
  'public.is_instance_admin()': 'whether the caller is an instance admin (their own row only)',
  'public.remote_lookup_result(uuid)': 'the result of the caller’s own search only',
  'public.join_remote_server(text)': 'queues the caller’s own join of a remote server (10 a minute)',
  'public.server_federation_state(uuid)': 'members only: whether their server is federated or a mirror',
  'public.set_server_federated(uuid, boolean)': 'needs MANAGE_GUILD; refused for mirrors of remote servers',
  'public.pin_message(uuid)': 'needs PIN_MESSAGES or MANAGE_MESSAGES',
  'public.suppress_message_embeds(uuid, boolean)':
    'the message’s author removes (or allows again) its link previews',
  'public.remove_reaction(uuid, text, uuid)': 'one’s own reaction, or anyone’s with MANAGE_MESSAGES',
  'public.remove_role(uuid, uuid, uuid)': 'needs MANAGE_ROLES and a role below the caller’s top role',
  'public.reorder_channels(uuid, uuid[])': 'needs MANAGE_CHANNELS in the server',
  'public.reorder_roles(uuid, uuid[])': 'needs MANAGE_ROLES; moves only roles below the caller’s top role',
  'public.report_member(uuid, uuid, report_reason, text)': 'a member reports another member of their server',
  'public.report_message(uuid, report_reason, text)': 'reports a server message the caller can read',
  'public.resolve_report(bigint, text, text, integer, integer)':
    'needs a report reviewer permission; each action needs its own moderation permission and rank',
  'public.register_push_subscription(text, text, text, text)':
    'saves the caller’s own device subscription; checks the endpoint and key formats',
  'public.revoke_bot_token(uuid)': 'a token of one of the caller’s bots',
  'public.revoke_invite(text)': 'the inviter, or MANAGE_GUILD',
  'public.search_messages(text, uuid, uuid, integer)': 'searches only channels the caller reads',
  'public.send_friend_request(text)': 'from the caller; blocks and settings answer like a missing user',
  'public.server_permissions(uuid, uuid)':
    'a caller’s own server-wide permissions; others’ only with MANAGE_ROLES (issue 11 item 3)',
  'public.set_channel_layout(uuid, uuid[], jsonb)':
    'needs MANAGE_CHANNELS; lists exactly what the caller sees, moves across categories need it per channel',
  'public.set_channel_overwrite(uuid, overwrite_target, uuid, bigint, bigint)':
    'needs MANAGE_ROLES; changes only bits the caller holds',
  'public.set_nickname(uuid, uuid, text)': 'own with CHANGE_NICKNAME, others’ with MANAGE_NICKNAMES',
  'public.set_system_channel(uuid, uuid)': 'needs MANAGE_GUILD; a text channel of the server',
  'public.set_presence(presence_status)': 'the caller’s own presence',
  'public.timeout_member(uuid, uuid, integer, text)': 'needs MODERATE_MEMBERS over a lower member',
  'public.start_dm_call(uuid)':
    'a recipient of the 1:1 DM rings the other, unless either blocked the other; a group DM member rings or joins',
  'public.answer_dm_call(uuid, boolean)': 'the person called, while it rings; a current group DM member',
  'public.end_dm_call(uuid)': 'either person of the call; a group DM member leaves it',
  'public.get_dm_call_token(uuid)': 'signs a LiveKit token for the call’s room, only for someone in the call',
  'public.moderate_voice(uuid, uuid, text, uuid)':
    'needs MUTE_MEMBERS, DEAFEN_MEMBERS or MOVE_MEMBERS in the voice channel over a lower member',
  'public.create_webhook(uuid, text, boolean)':
    'needs MANAGE_WEBHOOKS in a server text channel; the @everyone right also needs MENTION_EVERYONE',
  'public.delete_webhook(uuid)': 'needs MANAGE_WEBHOOKS in the webhook’s channel',
  'public.regenerate_webhook_token(uuid)': 'needs MANAGE_WEBHOOKS in the webhook’s channel',
  'public.regenerate_bot_token(uuid)': 'a token of one of the caller’s bots',
  'public.register_commands(uuid, jsonb)': 'a bot, for itself: globally or in a server it was added to',
  'public.channel_commands(uuid)':
    'commands of bots added to the channel’s server, for a member with VIEW_CHANNEL and SEND_MESSAGES there',
  'public.invoke_command(uuid, uuid, jsonb)':
    'needs VIEW_CHANNEL and SEND_MESSAGES and the command’s default permissions; 5 per member per 5 s',
  'public.respond_to_interaction(uuid, text, text, boolean, jsonb)':
    'the bot the interaction was sent to, within 15 minutes',
  'public.create_thread(uuid, text, uuid, integer)':
    'needs VIEW_CHANNEL and CREATE_PUBLIC_THREADS in a text channel; the starter message must be readable there',
  'public.update_thread(uuid, text, boolean, boolean, integer)':
    'the creator while allowed to post there, or MANAGE_THREADS; locking needs MANAGE_THREADS',
  'public.join_thread(uuid)': 'the caller follows a thread they may read',
  'public.leave_thread(uuid)': 'the caller stops following a thread',
  'public.list_threads(uuid, uuid, boolean, integer)':
    'threads of a channel, or followed ones, the caller may read',
  'public.thread_participants(uuid)': 'participants of a thread the caller sees',
  'public.touch_presence(text)': 'the caller’s own heartbeat: presence and their own device’s activity',
  'public.transfer_server_ownership(uuid, uuid)': 'the owner only, to a member',
  'public.unban_member(uuid, uuid)': 'needs BAN_MEMBERS',
  'public.unpin_message(uuid)': 'needs PIN_MESSAGES or MANAGE_MESSAGES',
  'public.update_category(uuid, text, integer)': 'needs MANAGE_CHANNELS in the category’s server',
  'public.update_channel(uuid, text, text, integer, boolean, uuid, integer)':
    'needs MANAGE_CHANNELS in the channel',
  'public.update_role(uuid, text, bigint, integer, boolean, boolean)':
    'needs MANAGE_ROLES over a lower role; grants only bits the caller holds',
  'public.update_server(uuid, text, text, text, text, boolean, notification_level)': 'needs MANAGE_GUILD',
  'public.username_available(text)':
    'whether a username is free (profiles are readable to signed-in users anyway)',
};

const AUTHENTICATED_DEFINERS = { ...POLICY_HELPERS, ...CLIENT_RPCS };

/** Security findings on tables, views, policies and buckets: none is allowed today. */
const RLS_WITHOUT_POLICY: Record<string, string> = {};
const RLS_DISABLED_IN_EXPOSED: Record<string, string> = {};
const POLICY_WITHOUT_RLS: Record<string, string> = {};
const SECURITY_DEFINER_VIEWS: Record<string, string> = {};
const LISTABLE_PUBLIC_BUCKETS: Record<string, string> = {};
const MUTABLE_SEARCH_PATH: Record<string, string> = {};
/** Tables no client role may touch belong in a schema the API does not serve (e.g. `private`). */
const INTERNAL_TABLES_IN_EXPOSED: Record<string, string> = {};
/** Privileges of API roles on app tables outside the exposed schemas, each with its reason. */
const PRIVATE_TABLE_GRANTS: Record<string, string> = {
  'authenticated on private.channel_member_permissions':
    'SELECT of its own rows (RLS), only so the message policies can probe the stored permissions per row; ' +
    'API roles have no USAGE on schema private, so no query can name the table',
};

describe('SECURITY DEFINER functions callable through the API (lints 0028, 0029)', () => {
  it('anon executes none', async () => {
    expectOnlyAllowed(await executableDefiners('anon'), ANON_DEFINERS);
  });

  it('authenticated executes only policy helpers and RPCs, each with its reason', async () => {
    expectOnlyAllowed(await executableDefiners('authenticated'), AUTHENTICATED_DEFINERS);
  });

  it('every allow-listed policy helper is really used by a policy, a view or a column default', async () => {
    const used = await names(
      `select distinct format('%I.%I(%s)', n.nspname, p.proname, oidvectortypes(p.proargtypes)) as name
         from pg_depend d
         join pg_proc p on p.oid = d.refobjid and d.refclassid = 'pg_proc'::regclass
         join pg_namespace n on n.oid = p.pronamespace
        where d.classid in ('pg_policy'::regclass, 'pg_rewrite'::regclass, 'pg_attrdef'::regclass)`,
    );
    expect(Object.keys(POLICY_HELPERS).filter((fn) => !used.includes(fn))).toEqual([]);
  });

  it('every RPC the web client calls stays executable by authenticated', async () => {
    const called = [...new Set(webRpcNames())];
    expect(called.length).toBeGreaterThan(20);
    const missing = await names(
      `select f as name from unnest($1::text[]) f
        where not exists (select 1 from pg_proc p
                           where p.pronamespace = 'public'::regnamespace and p.proname = f
                             and has_function_privilege('authenticated', p.oid, 'EXECUTE'))`,
      [called],
    );
    expect(missing).toEqual([]);
  });

  it('no function in public is executable by PUBLIC', async () => {
    const { rows } = await db.query(
      `select p.oid::regprocedure::text as fn from pg_proc p
        where p.pronamespace = 'public'::regnamespace
          and not ${EXTENSION_MEMBER('p.oid')}
          and (p.proacl is null or exists (
                select 1 from aclexplode(p.proacl) a where a.grantee = 0 and a.privilege_type = 'EXECUTE'))`,
    );
    expect(rows).toEqual([]);
  });
});

describe('row-level security (lints 0007, 0008, 0013)', () => {
  it('rls_disabled_in_public: every table in an exposed schema has RLS on', async () => {
    const findings = await names(
      `select format('%I.%I', n.nspname, c.relname) as name from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and n.nspname = any($1::text[]) and not c.relrowsecurity`,
      [EXPOSED_SCHEMAS],
    );
    expectOnlyAllowed(findings, RLS_DISABLED_IN_EXPOSED);
  });

  it('rls_enabled_no_policy: no app table has RLS on without a policy saying who may do what', async () => {
    const findings = await names(
      `select format('%I.%I', n.nspname, c.relname) as name from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and c.relrowsecurity and n.oid in (${APP_SCHEMAS_SQL})
          and not ${EXTENSION_MEMBER('c.oid')}
          and not exists (select 1 from pg_policy p where p.polrelid = c.oid)`,
      [PLATFORM_SCHEMAS],
    );
    expectOnlyAllowed(findings, RLS_WITHOUT_POLICY);
  });

  it('policy_exists_rls_disabled: no app table has policies that RLS does not enforce', async () => {
    const findings = await names(
      `select distinct format('%I.%I', n.nspname, c.relname) as name from pg_policy p
         join pg_class c on c.oid = p.polrelid
         join pg_namespace n on n.oid = c.relnamespace
        where not c.relrowsecurity and n.oid in (${APP_SCHEMAS_SQL})`,
      [PLATFORM_SCHEMAS],
    );
    expectOnlyAllowed(findings, POLICY_WITHOUT_RLS);
  });

  it('internal tables (no grant to anon or authenticated) live outside the exposed schemas', async () => {
    const findings = await names(
      `select format('%I.%I', n.nspname, c.relname) as name from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and n.nspname = any($1::text[])
          and not exists (select 1 from unnest(array['anon', 'authenticated']) r(role)
                           where has_table_privilege(r.role, c.oid, 'SELECT, INSERT, UPDATE, DELETE')
                              or has_any_column_privilege(r.role, c.oid, 'SELECT, INSERT, UPDATE'))`,
      [EXPOSED_SCHEMAS],
    );
    expectOnlyAllowed(findings, INTERNAL_TABLES_IN_EXPOSED);
  });

  it('no API role holds a privilege on an app table outside the exposed schemas', async () => {
    // `private` is open to some roles for its functions; its tables stay closed to all of them.
    const findings = await names(
      `select format('%s on %I.%I', r.role, n.nspname, c.relname) as name
         from pg_class c join pg_namespace n on n.oid = c.relnamespace, unnest($3::text[]) r(role)
        where c.relkind in ('r', 'p', 'v', 'm') and n.oid in (${APP_SCHEMAS_SQL}) and not n.nspname = any($2::text[])
          and (has_table_privilege(r.role, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')
               or has_any_column_privilege(r.role, c.oid, 'SELECT, INSERT, UPDATE'))
        order by 1`,
      [PLATFORM_SCHEMAS, EXPOSED_SCHEMAS, API_ROLES],
    );
    expectOnlyAllowed(findings, PRIVATE_TABLE_GRANTS);
    const privateTables = await names(
      `select relname as name from pg_class where relnamespace = 'private'::regnamespace and relkind = 'r'`,
    );
    expect(privateTables).toEqual(
      expect.arrayContaining(['ap_actor_cache', 'federation_jobs', 'livekit_config', 'server_federation']),
    );
  });

  it('auth_users_exposed: API roles cannot read auth.users, directly or through a public view', async () => {
    await expect(db.asAnon().query('select * from auth.users')).rejects.toThrow('permission denied');
    await db.rollback(async (tx) => {
      const ada = await createUser(tx, 'ada');
      await expect(ada.api.query('select * from auth.users')).rejects.toThrow('permission denied');
    });
    const { rows } = await db.query(
      `select distinct v.relname from pg_depend d
         join pg_rewrite r on r.oid = d.objid
         join pg_class v on v.oid = r.ev_class
        where d.refobjid = 'auth.users'::regclass and v.relnamespace = 'public'::regnamespace`,
    );
    expect(rows).toEqual([]);
  });
});

describe('views (lint 0010 and issue 11 item 4b)', () => {
  it('security_definer_view: every view in an exposed schema is security_invoker', async () => {
    const findings = await names(
      `select format('%I.%I', n.nspname, c.relname) as name from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'v' and n.nspname = any($1::text[]) and not ${EXTENSION_MEMBER('c.oid')}
          and not (lower(coalesce(c.reloptions::text, '{}'))::text[]
                   && array['security_invoker=1', 'security_invoker=true', 'security_invoker=yes', 'security_invoker=on'])`,
      [EXPOSED_SCHEMAS],
    );
    expectOnlyAllowed(findings, SECURITY_DEFINER_VIEWS);
    const views = await db.query(`select 1 from pg_views where schemaname = 'public'`);
    expect(views.rowCount).toBeGreaterThanOrEqual(3);
  });

  it('no API role holds a write privilege on a view in an exposed schema', async () => {
    const findings = await names(
      `select format('%s on %I.%I', r.role, n.nspname, c.relname) as name
         from pg_class c join pg_namespace n on n.oid = c.relnamespace, unnest($2::text[]) r(role)
        where c.relkind in ('v', 'm') and n.nspname = any($1::text[])
          and has_table_privilege(r.role, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')
        order by 1`,
      [EXPOSED_SCHEMAS, API_ROLES],
    );
    expect(findings).toEqual([]);
  });
});

describe('functions (lint 0011)', () => {
  it('function_search_path_mutable: every app function pins its search_path', async () => {
    const findings = await names(
      `select p.oid::regprocedure::text as name from pg_proc p
        where p.pronamespace in (${APP_SCHEMAS_SQL}) and not ${EXTENSION_MEMBER('p.oid')}
          and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')`,
      [PLATFORM_SCHEMAS],
    );
    expectOnlyAllowed(findings, MUTABLE_SEARCH_PATH);
    const definers = await db.query<{ n: number }>(
      `select count(*)::int as n from pg_proc p where p.pronamespace = 'public'::regnamespace and p.prosecdef`,
    );
    expect(definers.rows[0]?.n).toBeGreaterThan(10);
  });
});

describe('storage (lint 0025)', () => {
  it('public_bucket_allows_listing: no client can list a public bucket', async () => {
    // Splinter's test: a SELECT policy for client roles that admits a public bucket's every row.
    const broad = await names(
      `select distinct b.id as name from storage.buckets b
         join pg_policies p on p.schemaname = 'storage' and p.tablename = 'objects'
          and p.cmd in ('SELECT', 'ALL') and p.permissive = 'PERMISSIVE'
          and p.roles && array['public', 'anon', 'authenticated']::name[]
        where b.public
          and (p.qual is null
               or regexp_replace(lower(p.qual), '[\\s()]', '', 'g') in ('true', '1=1')
               or regexp_replace(p.qual, '[\\s()]|::text', '', 'g') = format('bucket_id=%L', b.id))`,
    );
    // And by behaviour (which catches `bucket_id in (…)` too): a signed-in stranger and anon
    // list a public bucket holding another user's object under every folder shape we use.
    const listable = await db.rollback(async (tx) => {
      const stranger = await createUser(tx, 'stranger');
      const buckets = await tx.query<{ id: string }>(
        'select id from storage.buckets where public order by id',
      );
      const found: string[] = [];
      for (const { id } of buckets.rows) {
        const owner = randomUUID();
        await tx.query('insert into storage.objects (bucket_id, name, owner_id) values ($1, $2, $3)', [
          id,
          `${owner}/probe.png`,
          owner,
        ]);
        for (const who of [stranger.api, tx.asAnon()]) {
          const { rows } = await who
            .query<{ n: number }>('select count(*)::int as n from storage.objects where bucket_id = $1', [id])
            .catch((error: { code?: string }) => {
              if (error.code === '42501') return { rows: [{ n: 0 }] };
              throw error;
            });
          if ((rows[0]?.n ?? 0) > 0) found.push(id);
        }
      }
      return found;
    });
    expectOnlyAllowed([...new Set([...broad, ...listable])].sort(), LISTABLE_PUBLIC_BUCKETS);
  });
});

describe('indexes (lint 0001)', () => {
  it('unindexed_foreign_keys: every foreign key of an app table leads some index', async () => {
    const findings = await names(
      `select format('%s.%I', c.conrelid::regclass, c.conname) as name from pg_constraint c
        where c.contype = 'f' and c.connamespace in (${APP_SCHEMAS_SQL})
          and not exists (
            select 1 from pg_index i
             where i.indrelid = c.conrelid and i.indisvalid
               and (string_to_array(i.indkey::text, ' ')::smallint[])[1:cardinality(c.conkey)] = c.conkey)
        order by 1`,
      [PLATFORM_SCHEMAS],
    );
    expect(findings).toEqual([]);
  });
});

/** Function names the web client passes to supabase-js `.rpc(…)`, from its source. */
function webRpcNames(): string[] {
  const dir = join(repoRoot(), 'apps/web/src');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f));
  return files.flatMap((file) => {
    const source = readFileSync(join(dir, file), 'utf8');
    // `.rpc('name'` and `.rpc(cond ? 'a' : 'b'`: every quoted name up to the first comma or `)`.
    return [...source.matchAll(/\.rpc\(([^,)]*)/g)].flatMap((call) =>
      [...(call[1] ?? '').matchAll(/['"`]([a-z_][a-z0-9_]*)['"`]/g)].map((m) => m[1] as string),
    );
  });
}
