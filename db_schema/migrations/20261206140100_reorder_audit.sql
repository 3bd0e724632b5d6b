-- One audit row per reorder (issue 15): dragging a channel, category or role used to write one
-- channel_update / category_update / role_update row per row whose position moved. Now
-- set_channel_layout writes one `channel_reorder` row and reorder_roles one `role_reorder` row,
-- target the server, with the order before → after as lists of ids; the per-row rows are left
-- out by the same transaction-local mark (private.reordering) that leaves out the per-row
-- broadcast events (which are deferred to the end of the transaction, so the mark stays set
-- until then; each RPC call is its own transaction).
-- Idempotent: `add value if not exists`, create or replace (same signatures: grants stay).
BEGIN;

-- Usable once this transaction commits; the functions below only name them at run time.
alter type public.audit_action add value if not exists 'channel_reorder';
alter type public.audit_action add value if not exists 'role_reorder';

-- The channel list's order: categories top first, and channels as the list shows them.
create or replace function private.layout_order(p_server_id uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'categories', coalesce((select jsonb_agg(k.id order by k.position, k.id)
                              from public.channel_categories k where k.server_id = p_server_id), '[]'),
    'channels', coalesce((select jsonb_agg(c.id order by k.position nulls first, c.position, c.id)
                            from public.channels c
                            left join public.channel_categories k on k.id = c.category_id
                           where c.server_id = p_server_id), '[]'))
$$;

-- The role hierarchy, highest first (@everyone left out).
create or replace function private.role_order(p_server_id uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'roles', coalesce((select jsonb_agg(r.id order by r.position desc, r.id)
                         from public.roles r where r.server_id = p_server_id and r.id <> p_server_id), '[]'))
$$;

-- Audits a reorder once, if the order changed; the actor is the caller.
create or replace function private.audit_reorder(p_server_id uuid, p_action text, p_before jsonb, p_after jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  changes jsonb := public.audit_changes(p_before, p_after, '{}');
begin
  if changes <> '{}' then
    insert into public.audit_log (server_id, actor_id, action, target_id, changes)
    values (p_server_id, public.get_current_profile_id(), p_action::public.audit_action, p_server_id, changes);
  end if;
end;
$$;

revoke execute on function private.layout_order(uuid), private.role_order(uuid),
  private.audit_reorder(uuid, text, jsonb, jsonb)
  from public, anon, authenticated, service_role;

/*
 * The moderation audit log, one row per changed server object. The actor is the requesting
 * user (null for service_role and maintenance). Rows caused by deleting their parent (a
 * server, channel, role or member going away) are skipped: the parent's own row says it.
 * Kick and timeout reasons come from harmony.audit_reason (set by their RPCs); a ban's
 * reason is on the ban itself. A leave is not a kick, and the membership removed by a ban
 * is not logged twice. A member row update is a timeout when timed_out_until changed, else a
 * nickname change (member_update). Positions changed by a reorder are logged once per reorder
 * by the reorder RPC (channel_reorder, role_reorder), not once per row.
 */
create or replace function public.audit_server_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  before jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  after jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  rec jsonb := coalesce(after, before);
  server uuid := (rec ->> 'server_id')::uuid;
  actor uuid := public.get_current_profile_id();
  reason text := nullif(current_setting('harmony.audit_reason', true), '');
  act public.audit_action;
  target uuid := (rec ->> 'id')::uuid;
  changes jsonb;
  noise constant text[] := array['id', 'server_id', 'created_at', 'updated_at'];
begin
  -- A reorder (set_channel_layout, reorder_roles) writes one channel_reorder / role_reorder row
  -- itself instead of one row per moved channel, category or role.
  if tg_op = 'UPDATE' and tg_table_name in ('channels', 'channel_categories', 'roles')
     and private.reordering(server) then
    return null;
  end if;
  case tg_table_name
    when 'servers' then
      server := target;
      act := 'server_update';
      changes := public.audit_changes(before, after, noise);
    when 'channels' then
      act := case tg_op when 'INSERT' then 'channel_create' when 'UPDATE' then 'channel_update'
                        else 'channel_delete' end;
      changes := public.audit_changes(before, after, noise);
    when 'channel_categories' then
      act := case tg_op when 'INSERT' then 'category_create' when 'UPDATE' then 'category_update'
                        else 'category_delete' end;
      changes := public.audit_changes(before, after, noise);
    when 'roles' then
      act := case tg_op when 'INSERT' then 'role_create' when 'UPDATE' then 'role_update' else 'role_delete' end;
      -- Positions shift whenever a role is created below another; that is not an edit.
      changes := public.audit_changes(before, after, noise || array['position']);
    when 'member_roles' then
      if not exists (select 1 from public.roles r where r.id = (rec ->> 'role_id')::uuid)
         or not exists (select 1 from public.server_members m
                         where m.server_id = server and m.profile_id = (rec ->> 'profile_id')::uuid) then
        return null;
      end if;
      act := 'member_role_update';
      target := (rec ->> 'profile_id')::uuid;
      changes := public.audit_changes(before, after, array['server_id', 'profile_id']);
    when 'channel_overwrites' then
      target := (rec ->> 'channel_id')::uuid;
      select c.server_id into server from public.channels c where c.id = target;
      act := 'overwrite_update';
      changes := jsonb_build_object('target_type', rec -> 'target_type', 'target_id', rec -> 'target_id')
        || public.audit_changes(before, after, array['channel_id', 'target_type', 'target_id']);
    when 'invites' then
      if tg_op = 'INSERT' then
        act := 'invite_create';
        changes := public.audit_changes(null, after, array['server_id', 'inviter_id', 'uses', 'created_at']);
      elsif before ->> 'revoked_at' is null and after ->> 'revoked_at' is not null then
        act := 'invite_revoke';
        changes := jsonb_build_object('code', rec -> 'code');
      else
        return null;
      end if;
      target := null;
    when 'server_bans' then
      target := (rec ->> 'profile_id')::uuid;
      if tg_op = 'INSERT' then
        act := 'member_ban';
        reason := rec ->> 'reason';
      elsif exists (select 1 from public.profiles p where p.id = target) then
        act := 'member_unban';
      else
        return null;
      end if;
      changes := '{}';
    when 'server_members' then
      target := (rec ->> 'profile_id')::uuid;
      if tg_op = 'UPDATE' and before -> 'timed_out_until' is distinct from after -> 'timed_out_until' then
        act := 'member_timeout';
        changes := public.audit_changes(jsonb_build_object('timed_out_until', before -> 'timed_out_until'),
                                        jsonb_build_object('timed_out_until', after -> 'timed_out_until'), '{}');
      elsif tg_op = 'UPDATE' then
        act := 'member_update';
        changes := public.audit_changes(jsonb_build_object('nickname', before -> 'nickname'),
                                        jsonb_build_object('nickname', after -> 'nickname'), '{}');
      elsif actor is distinct from target
            and exists (select 1 from public.profiles p where p.id = target)
            and not exists (select 1 from public.server_bans b where b.server_id = server and b.profile_id = target) then
        act := 'member_kick';
        changes := '{}';
      else
        return null;
      end if;
    when 'custom_emojis' then
      act := case tg_op when 'INSERT' then 'emoji_create' else 'emoji_delete' end;
      changes := public.audit_changes(before, after, noise || array['created_by']);
  end case;

  if tg_op = 'UPDATE' and changes = '{}' then
    return null;
  end if;
  insert into public.audit_log (server_id, actor_id, action, target_id, changes, reason)
  select server, actor, act, target, changes, reason
   where exists (select 1 from public.servers s where s.id = server);
  return null;
end;
$$;

-- p_category_ids: every category of the server, top first. p_channels: a JSON array of
-- {"id": <channel>, "category_id": <category or null>}, in the order the list shows them (a
-- category's channels in their order; the array's order across categories does not matter).
-- It lists exactly the channels the caller can see: those hidden from them keep their category
-- and their place among the others. Moving a channel to another category needs MANAGE_CHANNELS
-- in that channel too (as update_channel does).
create or replace function public.set_channel_layout(p_server_id uuid, p_category_ids uuid[], p_channels jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_server_permission(p_server_id, 'MANAGE_CHANNELS');
  view_bit constant bigint := public.permission('VIEW_CHANNEL');
  channel_ids uuid[];
  category_of uuid[];
  refused text;
  before_order jsonb;
begin
  if p_category_ids is null or p_channels is null then
    raise exception 'the layout needs its categories and its channels' using errcode = '22004';
  end if;
  if jsonb_typeof(p_channels) <> 'array'
     or exists (select 1 from jsonb_array_elements(p_channels) e
                 where jsonb_typeof(e) <> 'object' or jsonb_typeof(e -> 'id') is distinct from 'string'
                    or jsonb_typeof(coalesce(e -> 'category_id', 'null')) not in ('string', 'null')) then
    raise exception 'channels must be a list of {id, category_id}' using errcode = '22023';
  end if;
  -- Concurrent layouts, and channels or categories created meanwhile, wait for this one.
  perform 1 from public.servers s where s.id = p_server_id for update;

  if cardinality(p_category_ids) <> (select count(distinct c) from unnest(p_category_ids) c where c is not null)
     or (select coalesce(array_agg(c order by c), '{}') from unnest(p_category_ids) c)
        <> (select coalesce(array_agg(k.id order by k.id), '{}') from public.channel_categories k
             where k.server_id = p_server_id) then
    raise exception 'the layout must list each category of the server exactly once' using errcode = '22023';
  end if;

  select coalesce(array_agg((e ->> 'id')::uuid order by o), '{}'),
         coalesce(array_agg((e ->> 'category_id')::uuid order by o), '{}')
    into channel_ids, category_of
    from jsonb_array_elements(p_channels) with ordinality as x (e, o);
  if cardinality(channel_ids) <> (select count(distinct c) from unnest(channel_ids) c)
     or (select coalesce(array_agg(c order by c), '{}') from unnest(channel_ids) c)
        <> (select coalesce(array_agg(c.id order by c.id), '{}') from public.channels c
             where c.server_id = p_server_id and private.channel_permissions(c.id, me) & view_bit <> 0) then
    raise exception 'the layout must list each channel you can see exactly once' using errcode = '22023';
  end if;
  if exists (select 1 from unnest(category_of) k where k is not null and k <> all (p_category_ids)) then
    raise exception 'a channel''s category must be one of the server''s categories' using errcode = '22023';
  end if;
  select c.name into refused
    from unnest(channel_ids, category_of) as w (id, category_id) join public.channels c on c.id = w.id
   where c.category_id is distinct from w.category_id
     and private.channel_permissions(c.id, me) & public.permission('MANAGE_CHANNELS') = 0
   limit 1;
  if refused is not null then
    raise exception 'you need the MANAGE_CHANNELS permission in % to move it to another category', refused
      using errcode = '42501';
  end if;

  before_order := private.layout_order(p_server_id);
  perform private.announce_reorder(p_server_id, 'layout_update', 'channels');
  update public.channel_categories k
     set position = o.ord - 1
    from unnest(p_category_ids) with ordinality as o (id, ord)
   where k.id = o.id and k.position <> o.ord - 1;

  -- The listed channels take, in their new order, the places visible channels held in the
  -- server-wide order; hidden channels keep theirs. Positions then run 0, 1, 2, …
  -- A category's rank comes first, so the stored order is the order the list shows.
  with current_places as (
    select c.id, c.category_id,
           row_number() over (order by c.position, c.created_at, c.id) as place,
           private.channel_permissions(c.id, me) & view_bit <> 0 as listed
      from public.channels c where c.server_id = p_server_id
  ), listed_places as (
    select p.place, row_number() over (order by p.place) as n from current_places p where p.listed
  ), wanted_order as (
    select w.id, w.category_id,
           row_number() over (order by coalesce(array_position(p_category_ids, w.category_id), 0), w.ord) as n
      from unnest(channel_ids, category_of) with ordinality as w (id, category_id, ord)
  ), placed as (
    select w.id, w.category_id, l.place from wanted_order w join listed_places l on l.n = w.n
    union all
    select p.id, p.category_id, p.place from current_places p where not p.listed
  ), final as (
    select p.id, p.category_id,
           row_number() over (order by coalesce(array_position(p_category_ids, p.category_id), 0), p.place) - 1
             as position
      from placed p
  )
  update public.channels c
     set position = f.position, category_id = f.category_id
    from final f
   where c.id = f.id and (c.position, c.category_id) is distinct from (f.position::integer, f.category_id);
  perform private.audit_reorder(p_server_id, 'channel_reorder', before_order, private.layout_order(p_server_id));
end;
$$;

-- p_role_ids: every role of the server but @everyone, highest first. Below the owner, the roles
-- at or above the caller's highest role stay where they are, and nothing may move above them.
create or replace function public.reorder_roles(p_server_id uuid, p_role_ids uuid[])
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_server_permission(p_server_id, 'MANAGE_ROLES');
  top integer := public.member_top_position(p_server_id, me);
  total integer;
  locked uuid[];
  before_order jsonb;
begin
  if p_role_ids is null then
    raise exception 'role ids are required' using errcode = '22004';
  end if;
  perform 1 from public.servers s where s.id = p_server_id for update;
  if cardinality(p_role_ids) <> (select count(distinct r) from unnest(p_role_ids) r where r is not null)
     or (select coalesce(array_agg(r order by r), '{}') from unnest(p_role_ids) r)
        <> (select coalesce(array_agg(r.id order by r.id), '{}') from public.roles r
             where r.server_id = p_server_id and r.id <> p_server_id) then
    raise exception 'the order must list each role of the server except @everyone exactly once'
      using errcode = '22023';
  end if;
  total := cardinality(p_role_ids);
  select coalesce(array_agg(r.id order by r.position desc, r.id), '{}') into locked
    from public.roles r
   where r.server_id = p_server_id and r.id <> p_server_id and r.position >= top;
  if p_role_ids[1:cardinality(locked)] is distinct from locked and cardinality(locked) > 0 then
    raise exception 'you can only move roles below your highest role' using errcode = '42501';
  end if;

  before_order := private.role_order(p_server_id);
  perform private.announce_reorder(p_server_id, 'role_order_update', 'roles');
  update public.roles r
     set position = total - o.ord + 1
    from unnest(p_role_ids) with ordinality as o (id, ord)
   where r.id = o.id and r.position <> total - o.ord + 1;
  perform private.audit_reorder(p_server_id, 'role_reorder', before_order, private.role_order(p_server_id));
end;
$$;

COMMIT;
