-- RPCs for servers, channels, roles, overwrites, invites and moderation. Each RPC is SECURITY
-- DEFINER with an empty search_path and checks the caller itself: a server, channel or role
-- the caller cannot see answers "not found" (P0002), one they see but may not change answers
-- 42501. Hierarchy (features.md §4 rule 6): below the owner, a member manages only roles
-- positioned under their own top role and members whose top role is under theirs.
-- The audit log is written by triggers (40_triggers.sql); kick and timeout reasons reach them
-- through the transaction-local setting harmony.audit_reason.

-- Internal helpers: the API roles get no EXECUTE on these.

create function public.require_signed_in()
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  return me;
end;
$$;

-- A trimmed, required name of 1..p_max characters.
create function public.clean_name(p_value text, p_label text, p_max integer)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_value is null then
    raise exception '% is required', p_label using errcode = '22004';
  end if;
  if char_length(btrim(p_value)) not between 1 and p_max then
    raise exception '% must be 1 to % characters', p_label, p_max using errcode = '22023';
  end if;
  return btrim(p_value);
end;
$$;

create function public.check_length(p_value text, p_label text, p_max integer)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  if char_length(p_value) > p_max then
    raise exception '% must be at most % characters', p_label, p_max using errcode = '22023';
  end if;
  return p_value;
end;
$$;

create function public.check_permission_mask(p_mask bigint, p_label text)
returns bigint
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_mask is null then
    raise exception '% is required', p_label using errcode = '22004';
  end if;
  if p_mask < 0 or p_mask & ~public.all_permissions() <> 0 then
    raise exception '% contains unknown permission bits', p_label using errcode = '22023';
  end if;
  return p_mask;
end;
$$;

-- The caller, who must be a member of the server; to anyone else it does not exist.
create function public.require_server_member(p_server_id uuid)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
begin
  if not exists (
    select 1 from public.server_members m where m.server_id = p_server_id and m.profile_id = me
  ) then
    raise exception 'server not found' using errcode = 'P0002';
  end if;
  return me;
end;
$$;

-- The caller, who must be a member of the server holding the named server-wide permission.
create function public.require_server_permission(p_server_id uuid, p_flag text)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  me uuid := public.require_server_member(p_server_id);
begin
  if public.server_permissions(p_server_id, me) & public.permission(p_flag) = 0 then
    raise exception 'you need the % permission in this server', p_flag using errcode = '42501';
  end if;
  return me;
end;
$$;

-- The server of a channel the caller can see and holds the named permission in.
create function public.require_channel_permission(p_channel_id uuid, p_flag text)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
  channel_server uuid;
  perms bigint;
begin
  select c.server_id into channel_server from public.channels c where c.id = p_channel_id;
  perms := public.channel_permissions(p_channel_id, me);
  if channel_server is null or perms & public.permission('VIEW_CHANNEL') = 0 then
    raise exception 'channel not found' using errcode = 'P0002';
  end if;
  if perms & public.permission(p_flag) = 0 then
    raise exception 'you need the % permission in this channel', p_flag using errcode = '42501';
  end if;
  return channel_server;
end;
$$;

-- Whether p_actor may act on p_target: the owner always, nobody on the owner, otherwise
-- only with a strictly higher top role.
create function public.outranks(p_server_id uuid, p_actor uuid, p_target uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select coalesce((
    select case
      when s.owner_id = p_actor then true
      when s.owner_id = p_target then false
      else public.member_top_position(p_server_id, p_actor) > public.member_top_position(p_server_id, p_target)
    end
    from public.servers s where s.id = p_server_id), false)
$$;

-- The server member p_profile_id, or "member not found".
create function public.require_member(p_server_id uuid, p_profile_id uuid)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if not exists (
    select 1 from public.server_members m where m.server_id = p_server_id and m.profile_id = p_profile_id
  ) then
    raise exception 'member not found' using errcode = 'P0002';
  end if;
end;
$$;

-- Kick, ban and timeout share these rules: not oneself, not the owner, only lower members.
create function public.require_moderatable(p_server_id uuid, p_actor uuid, p_target uuid)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if p_target = p_actor then
    raise exception 'you cannot do this to yourself' using errcode = '22023';
  end if;
  if exists (select 1 from public.servers s where s.id = p_server_id and s.owner_id = p_target) then
    raise exception 'the server owner cannot be moderated' using errcode = '42501';
  end if;
  if not public.outranks(p_server_id, p_actor, p_target) then
    raise exception 'you can only moderate members whose highest role is below yours' using errcode = '42501';
  end if;
end;
$$;

-- Transaction-local, read by the audit trigger; cleared after each action so it cannot leak
-- into a later statement of the same transaction.
create function public.set_audit_reason(p_reason text)
returns void
language sql
set search_path = ''
as $$
  select set_config('harmony.audit_reason', coalesce(p_reason, ''), true);
$$;

-- 8 base62 characters. Bytes >= 248 (4 * 62) are skipped so every character is equally likely.
create function public.random_invite_code()
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  alphabet constant text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  code text := '';
  bytes bytea;
  b integer;
begin
  while char_length(code) < 8 loop
    bytes := extensions.gen_random_bytes(16);
    for i in 0 .. 15 loop
      b := get_byte(bytes, i);
      if b < 248 and char_length(code) < 8 then
        code := code || substr(alphabet, b % 62 + 1, 1);
      end if;
    end loop;
  end loop;
  return code;
end;
$$;

-- Servers the caller belongs to and holds any of these server-wide permissions in. For
-- policies (`server_id in (select …)`), so the API roles may execute it.
create function public.my_server_ids_with(p_any_of bigint)
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.server_id from public.server_members m
   where m.profile_id = public.get_current_profile_id()
     and public.server_permissions(m.server_id, m.profile_id) & p_any_of <> 0
$$;

-- Servers

-- A new server with @everyone, the creator as owner and member, and Discord's starter layout.
create function public.create_server(p_name text, p_description text default null, p_icon_url text default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
  server uuid := gen_random_uuid();
  text_category uuid;
  voice_category uuid;
begin
  insert into public.servers (id, name, description, owner_id, icon_url)
  values (server, public.clean_name(p_name, 'server name', 100),
          nullif(btrim(public.check_length(p_description, 'description', 1000)), ''), me,
          nullif(public.check_length(p_icon_url, 'icon url', 2048), ''));
  insert into public.roles (id, server_id, name, position, permissions)
  values (server, server, '@everyone', 0, public.default_everyone_permissions());
  insert into public.server_members (server_id, profile_id) values (server, me);
  insert into public.channel_categories (server_id, name, position)
  values (server, 'Text Channels', 0) returning id into text_category;
  insert into public.channel_categories (server_id, name, position)
  values (server, 'Voice Channels', 1) returning id into voice_category;
  insert into public.channels (server_id, category_id, type, name, position)
  values (server, text_category, 'text', 'general', 0), (server, voice_category, 'voice', 'General', 1);
  return server;
end;
$$;

-- Server settings; a null argument leaves that setting unchanged, '' clears an optional text.
create function public.update_server(
  p_server_id uuid,
  p_name text default null,
  p_description text default null,
  p_icon_url text default null,
  p_banner_url text default null,
  p_is_public boolean default null,
  p_default_notification_level public.notification_level default null
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.require_server_permission(p_server_id, 'MANAGE_GUILD');
  update public.servers s
     set name = case when p_name is null then s.name else public.clean_name(p_name, 'server name', 100) end,
         description = case when p_description is null then s.description
                            else nullif(btrim(public.check_length(p_description, 'description', 1000)), '') end,
         icon_url = case when p_icon_url is null then s.icon_url
                         else nullif(public.check_length(p_icon_url, 'icon url', 2048), '') end,
         banner_url = case when p_banner_url is null then s.banner_url
                           else nullif(public.check_length(p_banner_url, 'banner url', 2048), '') end,
         is_public = coalesce(p_is_public, s.is_public),
         default_notification_level = coalesce(p_default_notification_level, s.default_notification_level)
   where s.id = p_server_id;
end;
$$;

create function public.delete_server(p_server_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_server_member(p_server_id);
begin
  if not exists (select 1 from public.servers s where s.id = p_server_id and s.owner_id = me) then
    raise exception 'only the owner can delete the server' using errcode = '42501';
  end if;
  delete from public.servers where id = p_server_id;
end;
$$;

create function public.transfer_server_ownership(p_server_id uuid, p_new_owner uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_server_member(p_server_id);
begin
  if not exists (select 1 from public.servers s where s.id = p_server_id and s.owner_id = me) then
    raise exception 'only the owner can transfer the server' using errcode = '42501';
  end if;
  if p_new_owner = me then
    raise exception 'you already own this server' using errcode = '22023';
  end if;
  perform public.require_member(p_server_id, p_new_owner);
  update public.servers set owner_id = p_new_owner where id = p_server_id;
end;
$$;

-- Categories and channels

create function public.create_category(p_server_id uuid, p_name text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  created uuid;
begin
  perform public.require_server_permission(p_server_id, 'MANAGE_CHANNELS');
  insert into public.channel_categories (server_id, name, position)
  values (p_server_id, public.clean_name(p_name, 'category name', 100),
          coalesce((select max(c.position) + 1 from public.channel_categories c where c.server_id = p_server_id), 0))
  returning id into created;
  return created;
end;
$$;

-- The server of a category the caller may manage, or "category not found".
create function public.require_category(p_category_id uuid)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  category_server uuid;
begin
  select c.server_id into category_server from public.channel_categories c where c.id = p_category_id;
  if category_server is null or not public.is_server_member(category_server) then
    raise exception 'category not found' using errcode = 'P0002';
  end if;
  perform public.require_server_permission(category_server, 'MANAGE_CHANNELS');
  return category_server;
end;
$$;

create function public.update_category(p_category_id uuid, p_name text default null, p_position integer default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.require_category(p_category_id);
  if p_position < 0 then
    raise exception 'position must not be negative' using errcode = '22023';
  end if;
  update public.channel_categories c
     set name = case when p_name is null then c.name else public.clean_name(p_name, 'category name', 100) end,
         position = coalesce(p_position, c.position)
   where c.id = p_category_id;
end;
$$;

-- Its channels stay, uncategorised (the foreign key sets category_id to null).
create function public.delete_category(p_category_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.require_category(p_category_id);
  delete from public.channel_categories where id = p_category_id;
end;
$$;

-- Text channel names are Discord-style slugs: lower case, whitespace runs become '-'.
create function public.channel_name(p_name text, p_type public.channel_type)
returns text
language sql
immutable
set search_path = ''
as $$
  select case when p_type = 'text'
              then regexp_replace(lower(public.clean_name(p_name, 'channel name', 100)), '\s+', '-', 'g')
              else public.clean_name(p_name, 'channel name', 100) end
$$;

create function public.check_category(p_server_id uuid, p_category_id uuid)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
begin
  if p_category_id is not null and not exists (
    select 1 from public.channel_categories c where c.id = p_category_id and c.server_id = p_server_id
  ) then
    raise exception 'category not found' using errcode = 'P0002';
  end if;
  return p_category_id;
end;
$$;

create function public.create_channel(
  p_server_id uuid,
  p_name text,
  p_type public.channel_type,
  p_category_id uuid default null,
  p_topic text default null
)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  created uuid;
begin
  perform public.require_server_permission(p_server_id, 'MANAGE_CHANNELS');
  if p_type is null then
    raise exception 'channel type is required' using errcode = '22004';
  end if;
  if p_type not in ('text', 'voice') then
    raise exception 'servers have text and voice channels only' using errcode = '22023';
  end if;
  insert into public.channels (server_id, category_id, type, name, topic, position)
  values (p_server_id, public.check_category(p_server_id, p_category_id), p_type,
          public.channel_name(p_name, p_type),
          nullif(btrim(public.check_length(p_topic, 'topic', 1024)), ''),
          coalesce((select max(c.position) + 1 from public.channels c where c.server_id = p_server_id), 0))
  returning id into created;
  return created;
end;
$$;

-- A null argument leaves that setting unchanged; '' clears the topic.
create function public.update_channel(
  p_channel_id uuid,
  p_name text default null,
  p_topic text default null,
  p_slowmode_seconds integer default null,
  p_nsfw boolean default null,
  p_category_id uuid default null,
  p_user_limit integer default null
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  channel_server uuid := public.require_channel_permission(p_channel_id, 'MANAGE_CHANNELS');
  kind public.channel_type;
begin
  select c.type into kind from public.channels c where c.id = p_channel_id;
  if p_slowmode_seconds not between 0 and 21600 then
    raise exception 'slowmode must be 0 to 21600 seconds' using errcode = '22023';
  end if;
  if p_user_limit is not null and kind <> 'voice' then
    raise exception 'only voice channels have a user limit' using errcode = '22023';
  end if;
  if p_user_limit not between 0 and 99 then
    raise exception 'user limit must be 0 to 99' using errcode = '22023';
  end if;
  update public.channels c
     set name = case when p_name is null then c.name else public.channel_name(p_name, kind) end,
         topic = case when p_topic is null then c.topic
                      else nullif(btrim(public.check_length(p_topic, 'topic', 1024)), '') end,
         slowmode_seconds = coalesce(p_slowmode_seconds, c.slowmode_seconds),
         nsfw = coalesce(p_nsfw, c.nsfw),
         category_id = coalesce(public.check_category(channel_server, p_category_id), c.category_id),
         user_limit = coalesce(p_user_limit, c.user_limit)
   where c.id = p_channel_id;
end;
$$;

create function public.delete_channel(p_channel_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.require_channel_permission(p_channel_id, 'MANAGE_CHANNELS');
  delete from public.channels where id = p_channel_id;
end;
$$;

-- Positions follow the array's order (0, 1, 2, …); channels not listed keep theirs.
create function public.reorder_channels(p_server_id uuid, p_channel_ids uuid[])
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.require_server_permission(p_server_id, 'MANAGE_CHANNELS');
  if p_channel_ids is null then
    raise exception 'channel ids are required' using errcode = '22004';
  end if;
  if cardinality(p_channel_ids) <> (
    select count(distinct wanted.id) from unnest(p_channel_ids) as wanted (id) where wanted.id is not null
  ) then
    raise exception 'channel ids must be distinct and not null' using errcode = '22023';
  end if;
  if exists (
    select 1 from unnest(p_channel_ids) as wanted (id)
     where not exists (select 1 from public.channels c where c.id = wanted.id and c.server_id = p_server_id)
  ) then
    raise exception 'channel not found' using errcode = 'P0002';
  end if;
  update public.channels c
     set position = o.ord - 1
    from unnest(p_channel_ids) with ordinality as o (id, ord)
   where c.id = o.id and c.position <> o.ord - 1;
end;
$$;

-- Roles

-- Owners and administrators may hand out anything; others only bits they hold themselves.
create function public.require_grantable(p_server_id uuid, p_actor uuid, p_bits bigint)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  mine bigint := public.server_permissions(p_server_id, p_actor);
begin
  if mine <> public.all_permissions() and p_bits & ~mine <> 0 then
    raise exception 'you cannot grant permissions you do not have' using errcode = '42501';
  end if;
end;
$$;

-- A role of a server the caller manages roles in, positioned below the caller's top role.
create function public.require_manageable_role(p_role_id uuid)
returns public.roles
language plpgsql
stable
set search_path = ''
as $$
declare
  target public.roles;
  me uuid;
begin
  select * into target from public.roles r where r.id = p_role_id;
  if target.id is null or not public.is_server_member(target.server_id) then
    raise exception 'role not found' using errcode = 'P0002';
  end if;
  me := public.require_server_permission(target.server_id, 'MANAGE_ROLES');
  if target.position >= public.member_top_position(target.server_id, me) then
    raise exception 'you can only manage roles below your highest role' using errcode = '42501';
  end if;
  return target;
end;
$$;

-- New roles go directly below the caller's top role (the owner's go on top of all roles).
create function public.create_role(p_server_id uuid, p_name text, p_permissions bigint, p_color integer default 0)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_server_permission(p_server_id, 'MANAGE_ROLES');
  top integer := public.member_top_position(p_server_id, me);
  slot integer;
  created uuid;
begin
  perform public.check_permission_mask(p_permissions, 'permissions');
  if p_color is null or p_color not between 0 and 16777215 then
    raise exception 'color must be 0 to 16777215' using errcode = '22023';
  end if;
  perform public.require_grantable(p_server_id, me, p_permissions);
  if top = 2147483647 then
    slot := (select max(r.position) + 1 from public.roles r where r.server_id = p_server_id);
  elsif top = 0 then
    raise exception 'you need a role above @everyone to create roles' using errcode = '42501';
  else
    slot := top;
    update public.roles set position = position + 1 where server_id = p_server_id and position >= top;
  end if;
  insert into public.roles (server_id, name, permissions, color, position)
  values (p_server_id, public.clean_name(p_name, 'role name', 100), p_permissions, p_color, slot)
  returning id into created;
  return created;
end;
$$;

-- A null argument leaves that setting unchanged. Adding bits follows create_role's rule.
create function public.update_role(
  p_role_id uuid,
  p_name text default null,
  p_permissions bigint default null,
  p_color integer default null,
  p_hoist boolean default null,
  p_mentionable boolean default null
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  target public.roles := public.require_manageable_role(p_role_id);
begin
  if p_name is not null and target.id = target.server_id then
    raise exception 'the @everyone role cannot be renamed' using errcode = '22023';
  end if;
  if p_permissions is not null then
    perform public.check_permission_mask(p_permissions, 'permissions');
    perform public.require_grantable(target.server_id, public.get_current_profile_id(),
                                     p_permissions & ~target.permissions);
  end if;
  if p_color not between 0 and 16777215 then
    raise exception 'color must be 0 to 16777215' using errcode = '22023';
  end if;
  update public.roles r
     set name = case when p_name is null then r.name else public.clean_name(p_name, 'role name', 100) end,
         permissions = coalesce(p_permissions, r.permissions),
         color = coalesce(p_color, r.color),
         hoist = coalesce(p_hoist, r.hoist),
         mentionable = coalesce(p_mentionable, r.mentionable)
   where r.id = p_role_id;
end;
$$;

-- Also removes the role's channel overwrites (they have no foreign key to cascade through).
create function public.delete_role(p_role_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  target public.roles := public.require_manageable_role(p_role_id);
begin
  if target.id = target.server_id then
    raise exception 'the @everyone role cannot be deleted' using errcode = '22023';
  end if;
  delete from public.channel_overwrites o where o.target_type = 'role' and o.target_id = p_role_id;
  delete from public.roles where id = p_role_id;
end;
$$;

-- Checks for assign_role/remove_role: a manageable, non-@everyone role of this server and a
-- member the caller outranks.
create function public.require_role_change(p_server_id uuid, p_profile_id uuid, p_role_id uuid)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  target public.roles;
begin
  perform public.require_server_permission(p_server_id, 'MANAGE_ROLES');
  if not exists (select 1 from public.roles r where r.id = p_role_id and r.server_id = p_server_id) then
    raise exception 'role not found' using errcode = 'P0002';
  end if;
  target := public.require_manageable_role(p_role_id);
  if target.id = target.server_id then
    raise exception 'everyone has the @everyone role' using errcode = '22023';
  end if;
  perform public.require_member(p_server_id, p_profile_id);
  if not public.outranks(p_server_id, public.get_current_profile_id(), p_profile_id) then
    raise exception 'you can only change roles of members whose highest role is below yours'
      using errcode = '42501';
  end if;
end;
$$;

create function public.assign_role(p_server_id uuid, p_profile_id uuid, p_role_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.require_role_change(p_server_id, p_profile_id, p_role_id);
  insert into public.member_roles (server_id, profile_id, role_id)
  values (p_server_id, p_profile_id, p_role_id)
  on conflict do nothing;
end;
$$;

create function public.remove_role(p_server_id uuid, p_profile_id uuid, p_role_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.require_role_change(p_server_id, p_profile_id, p_role_id);
  delete from public.member_roles
   where server_id = p_server_id and profile_id = p_profile_id and role_id = p_role_id;
end;
$$;

-- Channel overwrites

-- Only bits the caller holds in the channel may change, unless they are owner or admin.
create function public.require_overwrite_change(p_channel_id uuid, p_changed bigint)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  mine bigint := public.channel_permissions(p_channel_id, public.get_current_profile_id());
begin
  if mine <> public.all_permissions() and p_changed & ~mine <> 0 then
    raise exception 'you cannot allow or deny permissions you do not have' using errcode = '42501';
  end if;
end;
$$;

create function public.set_channel_overwrite(
  p_channel_id uuid,
  p_target_type public.overwrite_target,
  p_target_id uuid,
  p_allow bigint,
  p_deny bigint
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  channel_server uuid := public.require_channel_permission(p_channel_id, 'MANAGE_ROLES');
  previous public.channel_overwrites;
begin
  perform public.check_permission_mask(p_allow, 'allow');
  perform public.check_permission_mask(p_deny, 'deny');
  if p_allow & p_deny <> 0 then
    raise exception 'a permission cannot be both allowed and denied' using errcode = '22023';
  end if;
  if p_target_type is null then
    raise exception 'target type is required' using errcode = '22004';
  end if;
  if p_target_type = 'role' and not exists (
    select 1 from public.roles r where r.id = p_target_id and r.server_id = channel_server
  ) then
    raise exception 'role not found' using errcode = 'P0002';
  end if;
  if p_target_type = 'member' then
    perform public.require_member(channel_server, p_target_id);
  end if;
  select * into previous from public.channel_overwrites o
   where o.channel_id = p_channel_id and o.target_type = p_target_type and o.target_id = p_target_id;
  perform public.require_overwrite_change(p_channel_id,
    (p_allow # coalesce(previous.allow, 0)) | (p_deny # coalesce(previous.deny, 0)));
  insert into public.channel_overwrites (channel_id, target_type, target_id, allow, deny)
  values (p_channel_id, p_target_type, p_target_id, p_allow, p_deny)
  on conflict (channel_id, target_type, target_id)
  do update set allow = excluded.allow, deny = excluded.deny
  where (public.channel_overwrites.allow, public.channel_overwrites.deny) is distinct from (excluded.allow, excluded.deny);
end;
$$;

create function public.delete_channel_overwrite(
  p_channel_id uuid,
  p_target_type public.overwrite_target,
  p_target_id uuid
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  previous public.channel_overwrites;
begin
  perform public.require_channel_permission(p_channel_id, 'MANAGE_ROLES');
  select * into previous from public.channel_overwrites o
   where o.channel_id = p_channel_id and o.target_type = p_target_type and o.target_id = p_target_id;
  if previous.channel_id is null then
    raise exception 'overwrite not found' using errcode = 'P0002';
  end if;
  perform public.require_overwrite_change(p_channel_id, previous.allow | previous.deny);
  delete from public.channel_overwrites o
   where o.channel_id = p_channel_id and o.target_type = p_target_type and o.target_id = p_target_id;
end;
$$;

-- Invites

-- Returns the code. p_expires_in_seconds 0 or null = never; at most 7 days otherwise.
create function public.create_invite(
  p_server_id uuid,
  p_max_uses integer default null,
  p_expires_in_seconds integer default 86400,
  p_channel_id uuid default null
)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_server_permission(p_server_id, 'CREATE_INSTANT_INVITE');
  created text;
begin
  if p_max_uses not between 1 and 1000 then
    raise exception 'max uses must be 1 to 1000 (or null for unlimited)' using errcode = '22023';
  end if;
  if p_expires_in_seconds not between 0 and 604800 then
    raise exception 'an invite expires within 7 days (604800 seconds), or never (0)' using errcode = '22023';
  end if;
  if p_channel_id is not null then
    if public.require_channel_permission(p_channel_id, 'CREATE_INSTANT_INVITE') <> p_server_id then
      raise exception 'channel not found' using errcode = 'P0002';
    end if;
  end if;
  while created is null loop
    insert into public.invites (code, server_id, channel_id, inviter_id, max_uses, expires_at)
    values (public.random_invite_code(), p_server_id, p_channel_id, me, p_max_uses,
            case when coalesce(p_expires_in_seconds, 0) > 0
                 then now() + make_interval(secs => p_expires_in_seconds) end)
    on conflict (code) do nothing
    returning code into created;
  end loop;
  return created;
end;
$$;

-- The inviter, or anyone with MANAGE_GUILD. Revoking twice is harmless.
create function public.revoke_invite(p_code text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
  invite public.invites;
begin
  select * into invite from public.invites i where i.code = p_code;
  if invite.code is null or not public.is_server_member(invite.server_id) then
    raise exception 'invite not found' using errcode = 'P0002';
  end if;
  if invite.inviter_id is distinct from me
     and not public.has_server_permission(invite.server_id, public.permission('MANAGE_GUILD')) then
    raise exception 'you need the MANAGE_GUILD permission to revoke others'' invites' using errcode = '42501';
  end if;
  update public.invites set revoked_at = now() where code = p_code and revoked_at is null;
end;
$$;

-- For the signed-out invite page. A revoked code gives the same answer as one that never existed.
create function public.get_invite_preview(p_code text)
returns table (
  server_id uuid,
  name text,
  icon_url text,
  member_count integer,
  expires_at timestamptz,
  expired boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return query
    select s.id, s.name, s.icon_url,
           (select count(*)::integer from public.server_members m where m.server_id = s.id),
           i.expires_at,
           coalesce(i.expires_at <= now(), false) or coalesce(i.uses >= i.max_uses, false)
      from public.invites i join public.servers s on s.id = i.server_id
     where i.code = p_code and i.revoked_at is null;
  if not found then
    raise exception 'invite not found' using errcode = 'P0002';
  end if;
end;
$$;

-- Joins through an invite. The invite row is locked for the whole check-and-count, so
-- concurrent joins never exceed max_uses. Members already in get the id back, using nothing.
create function public.join_server_by_invite(p_code text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
  invite public.invites;
begin
  select * into invite from public.invites i where i.code = p_code for update;
  if invite.code is null or invite.revoked_at is not null then
    raise exception 'invite not found' using errcode = 'P0002';
  end if;
  if exists (select 1 from public.server_members m where m.server_id = invite.server_id and m.profile_id = me) then
    return invite.server_id;
  end if;
  if exists (select 1 from public.server_bans b where b.server_id = invite.server_id and b.profile_id = me) then
    raise exception 'you are banned from this server' using errcode = '42501';
  end if;
  if invite.expires_at <= now() then
    raise exception 'this invite has expired' using errcode = '22023';
  end if;
  if invite.uses >= invite.max_uses then
    raise exception 'this invite has been used up' using errcode = '22023';
  end if;
  insert into public.server_members (server_id, profile_id) values (invite.server_id, me)
  on conflict do nothing;
  if found then
    update public.invites set uses = uses + 1 where code = invite.code;
    -- Announced in the invite's text channel, else the server's first text channel.
    insert into public.messages (channel_id, author_id, type)
    select c.id, me, 'member_join' from public.channels c
     where c.server_id = invite.server_id and c.type = 'text'
     order by (c.id = invite.channel_id) is true desc, c.position, c.created_at
     limit 1;
  end if;
  return invite.server_id;
end;
$$;

-- Membership and moderation

create function public.leave_server(p_server_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_server_member(p_server_id);
begin
  if exists (select 1 from public.servers s where s.id = p_server_id and s.owner_id = me) then
    raise exception 'the owner cannot leave; transfer ownership or delete the server' using errcode = '42501';
  end if;
  delete from public.server_members where server_id = p_server_id and profile_id = me;
end;
$$;

create function public.kick_member(p_server_id uuid, p_profile_id uuid, p_reason text default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_server_permission(p_server_id, 'KICK_MEMBERS');
begin
  perform public.check_length(p_reason, 'reason', 512);
  perform public.require_member(p_server_id, p_profile_id);
  perform public.require_moderatable(p_server_id, me, p_profile_id);
  perform public.set_audit_reason(p_reason);
  delete from public.server_members where server_id = p_server_id and profile_id = p_profile_id;
  perform public.set_audit_reason(null);
end;
$$;

-- Bans members and non-members alike (pre-emptive bans), and can soft-delete the target's
-- messages in this server from the last p_delete_message_seconds (at most 7 days).
create function public.ban_member(
  p_server_id uuid,
  p_profile_id uuid,
  p_reason text default null,
  p_delete_message_seconds integer default 0
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_server_permission(p_server_id, 'BAN_MEMBERS');
begin
  perform public.check_length(p_reason, 'reason', 512);
  if p_delete_message_seconds is null or p_delete_message_seconds not between 0 and 604800 then
    raise exception 'messages can be deleted from the last 0 to 604800 seconds' using errcode = '22023';
  end if;
  if not exists (select 1 from public.profiles p where p.id = p_profile_id) then
    raise exception 'user not found' using errcode = 'P0002';
  end if;
  perform public.require_moderatable(p_server_id, me, p_profile_id);
  if exists (select 1 from public.server_bans b where b.server_id = p_server_id and b.profile_id = p_profile_id) then
    raise exception 'this user is already banned' using errcode = '23505';
  end if;
  insert into public.server_bans (server_id, profile_id, reason, banned_by)
  values (p_server_id, p_profile_id, nullif(btrim(p_reason), ''), me);
  delete from public.server_members where server_id = p_server_id and profile_id = p_profile_id;
  if p_delete_message_seconds > 0 then
    update public.messages m
       set deleted_at = now(), content = '', attachments = '[]'
     where m.author_id = p_profile_id
       and m.deleted_at is null
       and m.created_at >= now() - make_interval(secs => p_delete_message_seconds)
       and m.channel_id in (select c.id from public.channels c where c.server_id = p_server_id);
  end if;
end;
$$;

create function public.unban_member(p_server_id uuid, p_profile_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.require_server_permission(p_server_id, 'BAN_MEMBERS');
  delete from public.server_bans where server_id = p_server_id and profile_id = p_profile_id;
  if not found then
    raise exception 'ban not found' using errcode = 'P0002';
  end if;
end;
$$;

-- Times a member out until p_until (at most 28 days ahead); null lifts the timeout.
create function public.timeout_member(
  p_server_id uuid,
  p_profile_id uuid,
  p_until timestamptz,
  p_reason text default null
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_server_permission(p_server_id, 'MODERATE_MEMBERS');
begin
  perform public.check_length(p_reason, 'reason', 512);
  if p_until <= now() or p_until > now() + interval '28 days' then
    raise exception 'a timeout ends in the future, at most 28 days ahead' using errcode = '22023';
  end if;
  perform public.require_member(p_server_id, p_profile_id);
  perform public.require_moderatable(p_server_id, me, p_profile_id);
  if p_until is not null
     and public.server_permissions(p_server_id, p_profile_id) = public.all_permissions() then
    raise exception 'administrators cannot be timed out' using errcode = '42501';
  end if;
  perform public.set_audit_reason(p_reason);
  update public.server_members set timed_out_until = p_until
   where server_id = p_server_id and profile_id = p_profile_id;
  perform public.set_audit_reason(null);
end;
$$;

-- Own nickname with CHANGE_NICKNAME; others' with MANAGE_NICKNAMES on lower members.
-- null or '' clears it.
create function public.set_nickname(p_server_id uuid, p_profile_id uuid, p_nickname text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
  cleaned text := nullif(btrim(p_nickname), '');
begin
  if p_profile_id = me then
    perform public.require_server_permission(p_server_id, 'CHANGE_NICKNAME');
  else
    perform public.require_server_permission(p_server_id, 'MANAGE_NICKNAMES');
    perform public.require_member(p_server_id, p_profile_id);
    if not public.outranks(p_server_id, me, p_profile_id) then
      raise exception 'you can only rename members whose highest role is below yours' using errcode = '42501';
    end if;
  end if;
  if char_length(cleaned) > 32 then
    raise exception 'nickname must be at most 32 characters' using errcode = '22023';
  end if;
  update public.server_members set nickname = cleaned
   where server_id = p_server_id and profile_id = p_profile_id;
end;
$$;

grant execute on function
  public.create_server(text, text, text),
  public.update_server(uuid, text, text, text, text, boolean, public.notification_level),
  public.delete_server(uuid),
  public.transfer_server_ownership(uuid, uuid),
  public.create_category(uuid, text),
  public.update_category(uuid, text, integer),
  public.delete_category(uuid),
  public.create_channel(uuid, text, public.channel_type, uuid, text),
  public.update_channel(uuid, text, text, integer, boolean, uuid, integer),
  public.delete_channel(uuid),
  public.reorder_channels(uuid, uuid[]),
  public.create_role(uuid, text, bigint, integer),
  public.update_role(uuid, text, bigint, integer, boolean, boolean),
  public.delete_role(uuid),
  public.assign_role(uuid, uuid, uuid),
  public.remove_role(uuid, uuid, uuid),
  public.set_channel_overwrite(uuid, public.overwrite_target, uuid, bigint, bigint),
  public.delete_channel_overwrite(uuid, public.overwrite_target, uuid),
  public.create_invite(uuid, integer, integer, uuid),
  public.revoke_invite(text),
  public.join_server_by_invite(text),
  public.leave_server(uuid),
  public.kick_member(uuid, uuid, text),
  public.ban_member(uuid, uuid, text, integer),
  public.unban_member(uuid, uuid),
  public.timeout_member(uuid, uuid, timestamptz, text),
  public.set_nickname(uuid, uuid, text)
  to authenticated;
grant execute on function public.get_invite_preview(text) to anon, authenticated;
grant execute on function public.my_server_ids_with(bigint) to authenticated;
