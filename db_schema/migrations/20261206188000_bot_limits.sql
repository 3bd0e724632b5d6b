-- A bot acts only inside the servers it was added to, with the permissions it was given:
-- it creates no server, opens no DM or group DM and sends or receives no friend request
-- (guards on the rows themselves, so every RPC and path that writes them is covered).
-- Its role in a server is managed, as in Discord: install_bot makes it, removing the bot takes
-- it away, and nobody renames it, changes its permissions, deletes it or gives or takes it by hand.
BEGIN;

alter table public.roles add column if not exists managed boolean not null default false;
update public.roles r set managed = true
  from public.bot_server_installs i
 where i.role_id = r.id and not r.managed;

-- Whether the signed-in caller is a bot (false for people, the service role and jobs).
create or replace function private.caller_is_bot()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.profiles p where p.user_id = (select auth.uid()) and p.is_bot
  )
$$;
revoke all on function private.caller_is_bot() from public, anon, authenticated, service_role;

create or replace function private.refuse_bot_server()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if private.bot_of_profile(new.owner_id) is not null then
    raise exception 'bots cannot create or own servers' using errcode = '42501';
  end if;
  return new;
end;
$$;
revoke all on function private.refuse_bot_server() from public, anon, authenticated, service_role;
drop trigger if exists servers_no_bot_owner on public.servers;
create trigger servers_no_bot_owner
  before insert or update of owner_id on public.servers
  for each row execute function private.refuse_bot_server();

create or replace function private.refuse_bot_dms()
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if private.caller_is_bot() then
    raise exception 'bots cannot open direct messages or group DMs' using errcode = '42501';
  end if;
end;
$$;
revoke all on function private.refuse_bot_dms() from public, anon, authenticated, service_role;

create or replace function private.refuse_bot_dm()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.type in ('dm', 'group_dm') then
    perform private.refuse_bot_dms();
  end if;
  return new;
end;
$$;
revoke all on function private.refuse_bot_dm() from public, anon, authenticated, service_role;

-- create_group_dm: as before, but a bot hears why before the friends check would say "not found".
create or replace function public.create_group_dm(p_profile_ids uuid[], p_name text default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  others uuid[];
  group_name text := nullif(btrim(p_name), '');
  dm uuid;
begin
  perform private.refuse_bot_dms();
  if p_profile_ids is null or array_position(p_profile_ids, null) is not null then
    raise exception 'profile ids are required' using errcode = '22004';
  end if;
  others := array(select distinct id from unnest(p_profile_ids) as ids (id) where id <> me);
  if cardinality(others) not between 1 and 9 then
    raise exception 'a group DM has 2 to 10 members' using errcode = '22023';
  end if;
  if char_length(group_name) > 100 then
    raise exception 'group names are at most 100 characters' using errcode = '22023';
  end if;
  if exists (select 1 from unnest(others) as o (id)
              where not exists (select 1 from public.friendships f
                                 where f.profile_a = least(me, o.id) and f.profile_b = greatest(me, o.id))) then
    raise exception 'you can only add friends to a group DM' using errcode = 'PT404';
  end if;
  if group_name is null then
    select left(string_agg(coalesce(p.display_name, p.username), ', ' order by p.username), 100) into group_name
      from public.profiles p where p.id = me or p.id = any(others);
  end if;
  insert into public.channels (type, name, owner_id) values ('group_dm', group_name, me) returning id into dm;
  insert into public.channel_recipients (channel_id, profile_id)
  select dm, id from unnest(others || me) as ids (id);
  return dm;
end;
$$;
drop trigger if exists channels_no_bot_dm on public.channels;
create trigger channels_no_bot_dm
  before insert on public.channels
  for each row execute function private.refuse_bot_dm();

create or replace function private.refuse_bot_friend_request()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if private.bot_of_profile(new.sender_id) is not null or private.bot_of_profile(new.recipient_id) is not null then
    raise exception 'bots cannot send or receive friend requests' using errcode = '42501';
  end if;
  return new;
end;
$$;
revoke all on function private.refuse_bot_friend_request() from public, anon, authenticated, service_role;
drop trigger if exists friend_requests_no_bot on public.friend_requests;
create trigger friend_requests_no_bot
  before insert on public.friend_requests
  for each row execute function private.refuse_bot_friend_request();

-- install_bot: as before, its role now marked managed.
create or replace function public.install_bot(p_bot_id uuid, p_server_id uuid, p_permissions bigint default 0)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  bot public.bots;
  bot_role uuid;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  if p_permissions is null or p_permissions < 0 or p_permissions & ~public.all_permissions() <> 0 then
    raise exception 'permissions must be a set of known permission bits' using errcode = '22023';
  end if;
  select * into bot from public.bots b where b.id = p_bot_id and (b.is_public or b.owner_id = me);
  if not found then
    raise exception 'bot not found' using errcode = 'PT404';
  end if;
  if not public.has_server_permission(p_server_id, public.permission('MANAGE_GUILD')) then
    raise exception 'you need Manage Server in that server to add bots' using errcode = '42501';
  end if;
  if p_permissions & ~private.server_permissions(p_server_id, me) <> 0 then
    raise exception 'you cannot grant a bot permissions you do not have' using errcode = '42501';
  end if;
  if exists (select 1 from public.server_bans sb
              where sb.server_id = p_server_id and sb.profile_id = bot.profile_id) then
    raise exception 'this bot is banned from the server' using errcode = '42501';
  end if;
  if exists (select 1 from public.bot_server_installs i where i.bot_id = p_bot_id and i.server_id = p_server_id)
     or exists (select 1 from public.server_members m
                 where m.server_id = p_server_id and m.profile_id = bot.profile_id) then
    raise exception 'this bot is already in the server' using errcode = '23505';
  end if;

  insert into public.roles (server_id, name, permissions, position, managed)
  values (p_server_id, left(bot.name, 100), p_permissions, 1, true)
  returning id into bot_role;
  insert into public.server_members (server_id, profile_id) values (p_server_id, bot.profile_id);
  insert into public.member_roles (server_id, profile_id, role_id) values (p_server_id, bot.profile_id, bot_role);
  insert into public.bot_server_installs (bot_id, server_id, permissions, role_id, installed_by)
  values (p_bot_id, p_server_id, p_permissions, bot_role, me);
  insert into public.audit_log (server_id, actor_id, action, target_id, changes)
  values (p_server_id, me, 'bot_add', bot.profile_id, jsonb_build_object('permissions', p_permissions::text));
  return bot_role;
end;
$$;

-- The bot's role leaves with its install (the bot kicked, leaving, or deleted).
create or replace function private.bot_install_removed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from public.channel_overwrites o where o.target_type = 'role' and o.target_id = old.role_id;
  delete from public.roles r where r.id = old.role_id and r.managed;
  return null;
end;
$$;
revoke all on function private.bot_install_removed() from public, anon, authenticated, service_role;
drop trigger if exists bot_server_installs_role_removed on public.bot_server_installs;
create trigger bot_server_installs_role_removed
  after delete on public.bot_server_installs
  for each row when (old.role_id is not null) execute function private.bot_install_removed();

create or replace function public.update_role(p_role_id uuid, p_name text default null, p_permissions bigint default null,
                                              p_color integer default null, p_hoist boolean default null,
                                              p_mentionable boolean default null)
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
  if target.managed and (p_name is not null or p_permissions is not null) then
    raise exception 'a bot''s role is managed: its name and permissions change only by adding the bot again'
      using errcode = '42501';
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

create or replace function public.delete_role(p_role_id uuid)
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
  if target.managed then
    raise exception 'a bot''s role is managed: it goes away when the bot is removed from the server'
      using errcode = '42501';
  end if;
  delete from public.channel_overwrites o where o.target_type = 'role' and o.target_id = p_role_id;
  delete from public.roles where id = p_role_id;
end;
$$;

create or replace function public.require_role_change(p_server_id uuid, p_profile_id uuid, p_role_id uuid)
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
    raise exception 'role not found' using errcode = 'PT404';
  end if;
  target := public.require_manageable_role(p_role_id);
  if target.id = target.server_id then
    raise exception 'everyone has the @everyone role' using errcode = '22023';
  end if;
  if target.managed then
    raise exception 'a bot''s role is managed: it cannot be given or taken by hand' using errcode = '42501';
  end if;
  perform public.require_member(p_server_id, p_profile_id);
  if not public.outranks(p_server_id, public.get_current_profile_id(), p_profile_id) then
    raise exception 'you can only change roles of members whose highest role is below yours'
      using errcode = '42501';
  end if;
end;
$$;

COMMIT;
