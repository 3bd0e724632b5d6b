-- Managing a server's layout from the client (issue 15, "Channels and categories" and "Roles"):
--   * set_channel_layout: the whole sidebar order (categories, and each channel with its category)
--     in one call and one transaction, as drag and drop produces it;
--   * reorder_roles: the whole role hierarchy, within the caller's reach;
--   * collapsed_categories: which categories each user keeps collapsed (their own rows only);
--   * one `layout_update` / `role_order_update` event on the server topic per reorder, instead of
--     one channel_update, category_update or role_update per moved row.
-- Idempotent: create or replace keeps grants; tables and policies are created if missing.
BEGIN;

-- == collapsed categories, per user ==

create table if not exists public.collapsed_categories (
  -- The caller's own, so a client inserts only the category.
  profile_id uuid not null default public.get_current_profile_id()
    references public.profiles (id) on delete cascade,
  category_id uuid not null references public.channel_categories (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (profile_id, category_id)
);
create index if not exists collapsed_categories_category_idx on public.collapsed_categories (category_id);
comment on table public.collapsed_categories is
  'Categories a user keeps collapsed in the channel list (every device of theirs).';

alter table public.collapsed_categories enable row level security;
revoke all on public.collapsed_categories from anon, authenticated;
grant select, insert, delete on public.collapsed_categories to authenticated;

drop policy if exists collapsed_categories_select_own on public.collapsed_categories;
create policy collapsed_categories_select_own on public.collapsed_categories
  for select to authenticated
  using (profile_id = (select public.get_current_profile_id()));

-- Only categories of the user's own servers.
drop policy if exists collapsed_categories_insert_own on public.collapsed_categories;
create policy collapsed_categories_insert_own on public.collapsed_categories
  for insert to authenticated
  with check (
    profile_id = (select public.get_current_profile_id())
    and category_id in (select c.id from public.channel_categories c
                         where c.server_id in (select public.my_server_ids()))
  );

drop policy if exists collapsed_categories_delete_own on public.collapsed_categories;
create policy collapsed_categories_delete_own on public.collapsed_categories
  for delete to authenticated
  using (profile_id = (select public.get_current_profile_id()));

-- == one event per reorder ==

-- Set by the reorder RPCs to the server they reorder, until the transaction ends: the per-row
-- update events of that server's channels, categories and roles are left out, and the RPC sends
-- one event saying "the order changed" instead. Members then read the new order through RLS.
create or replace function private.reordering(p_server_id uuid)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
  return p_server_id is not null and current_setting('harmony.reordering_server', true) = p_server_id::text;
end;
$$;

create or replace function private.broadcast_channel()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  channel public.channels;
  audience record;
  event text := private.broadcast_event('channel', tg_op);
  channel_key jsonb := case when tg_op = 'UPDATE' then jsonb_build_object('id', old.id, 'server_id', old.server_id) end;
  recipient uuid;
begin
  select * into channel from public.channels c where c.id = new.id;
  if not found then
    return null;
  end if;
  if tg_op = 'UPDATE' and private.reordering(channel.server_id) then
    return null;
  end if;
  if channel.server_id is null then
    if tg_op = 'UPDATE' then
      for recipient in select r.profile_id from public.channel_recipients r where r.channel_id = channel.id loop
        perform private.broadcast('user:' || recipient, event, tg_op, tg_table_name, to_jsonb(channel), channel_key);
      end loop;
    end if;
    return null;
  end if;
  select * into audience from private.broadcast_audience(channel.id);
  if audience.all_members then
    perform private.broadcast('server:' || channel.server_id, event, tg_op, tg_table_name, to_jsonb(channel),
      channel_key);
  elsif tg_op = 'INSERT' then
    perform private.broadcast('server:' || channel.server_id, 'access_update', tg_op, tg_table_name,
      jsonb_build_object('server_id', channel.server_id));
  else
    perform private.broadcast('channel:' || channel.id, event, tg_op, tg_table_name, to_jsonb(channel), channel_key);
  end if;
  return null;
end;
$$;

create or replace function private.broadcast_server_row()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  server uuid := coalesce(new.server_id, old.server_id);
begin
  if tg_op = 'DELETE' and not exists (select 1 from public.servers s where s.id = server) then
    return null;
  end if;
  if tg_op = 'UPDATE' and private.reordering(server) then
    return null;
  end if;
  perform realtime.broadcast_changes('server:' || server, private.broadcast_event(tg_argv[0], tg_op),
    tg_op, tg_table_name, tg_table_schema, new, old);
  return null;
end;
$$;

-- Marks the server as being reordered and sends the one event members follow.
create or replace function private.announce_reorder(p_server_id uuid, p_event text, p_table text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform set_config('harmony.reordering_server', p_server_id::text, true);
  perform private.broadcast('server:' || p_server_id, p_event, 'UPDATE', p_table,
    jsonb_build_object('server_id', p_server_id));
end;
$$;

revoke execute on function private.reordering(uuid), private.announce_reorder(uuid, text, text),
  private.broadcast_channel(), private.broadcast_server_row()
  from public, anon, authenticated, service_role;

-- == the channel list's order ==

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
end;
$$;

-- == the role hierarchy ==

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

  perform private.announce_reorder(p_server_id, 'role_order_update', 'roles');
  update public.roles r
     set position = total - o.ord + 1
    from unnest(p_role_ids) with ordinality as o (id, ord)
   where r.id = o.id and r.position <> total - o.ord + 1;
end;
$$;

revoke execute on function public.set_channel_layout(uuid, uuid[], jsonb), public.reorder_roles(uuid, uuid[])
  from public, anon;
grant execute on function public.set_channel_layout(uuid, uuid[], jsonb), public.reorder_roles(uuid, uuid[])
  to authenticated;

COMMIT;
