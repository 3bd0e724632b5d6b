-- Server settings, invites and per-member notification settings (issue 15).
--
-- 1. A member's server-wide notification level and mute move out of server_members into
--    server_notification_settings, readable and writable by that member only: server_members
--    is readable by every member of the server, so a level kept there was visible to all of them.
-- 2. Mutes: a channel (channel_notification_settings.muted_until, existing) or a whole server
--    (server_notification_settings.muted_until) until a time, or "until turned off" (infinity).
--    notification_level_for() treats either mute as 'nothing', so notify_message() creates no
--    notification for a muted channel or server. The unread and mention badges are the
--    client's: a muted target shows no unread emphasis, mentions still count unless the level
--    is 'nothing'.
-- 3. servers.system_channel_id: where join messages go (set_system_channel; null = the
--    invite's channel, else the first text channel, as before).
-- 4. Temporary membership: an invite created with p_temporary makes the members it admits
--    temporary (server_members.temporary). A temporary member is removed when their session
--    ends: the client calls end_temporary_memberships() when it signs out or its last tab
--    closes, and leaving removes them as it removes anyone. Being given a role makes the
--    membership permanent, as in Discord.
BEGIN;

-- == 1. own notification settings per server ==

-- A member's own notification level and mute for one server (channel overrides live in
-- channel_notification_settings). Only that member reads or writes it.
create table if not exists public.server_notification_settings (
  profile_id uuid not null,
  server_id uuid not null,
  -- null = the server's default_notification_level.
  level public.notification_level,
  -- 'infinity' = until turned off.
  muted_until timestamptz,
  primary key (profile_id, server_id),
  -- Leaving the server takes the settings along.
  foreign key (server_id, profile_id) references public.server_members (server_id, profile_id) on delete cascade
);
create index if not exists server_notification_settings_server_idx
  on public.server_notification_settings (server_id, profile_id);

do $$
begin
  if exists (select 1 from information_schema.columns
              where table_schema = 'public' and table_name = 'server_members' and column_name = 'notification_level') then
    insert into public.server_notification_settings (profile_id, server_id, level)
    select m.profile_id, m.server_id, m.notification_level
      from public.server_members m
     where m.notification_level is not null
    on conflict do nothing;
    alter table public.server_members drop column notification_level;
  end if;
end $$;

alter table public.server_notification_settings enable row level security;

grant select, delete on public.server_notification_settings to authenticated;
grant insert (profile_id, server_id, level, muted_until) on public.server_notification_settings to authenticated;
grant update (level, muted_until) on public.server_notification_settings to authenticated;

drop policy if exists server_notification_settings_select_own on public.server_notification_settings;
create policy server_notification_settings_select_own on public.server_notification_settings
  for select to authenticated
  using (profile_id = (select public.get_current_profile_id()));

drop policy if exists server_notification_settings_insert_own on public.server_notification_settings;
create policy server_notification_settings_insert_own on public.server_notification_settings
  for insert to authenticated
  with check (
    profile_id = (select public.get_current_profile_id())
    and server_id in (select public.my_server_ids())
  );

drop policy if exists server_notification_settings_update_own on public.server_notification_settings;
create policy server_notification_settings_update_own on public.server_notification_settings
  for update to authenticated
  using (profile_id = (select public.get_current_profile_id()))
  with check (profile_id = (select public.get_current_profile_id()));

drop policy if exists server_notification_settings_delete_own on public.server_notification_settings;
create policy server_notification_settings_delete_own on public.server_notification_settings
  for delete to authenticated
  using (profile_id = (select public.get_current_profile_id()));

-- == 2. what notifies a member ==

-- The channel override, else the member's server setting, else the server default. A muted
-- channel or server behaves as 'nothing'.
create or replace function public.notification_level_for(p_profile_id uuid, p_channel_id uuid)
returns public.notification_level
language sql
stable
security definer
set search_path = ''
as $$
  select case
           when cns.muted_until > now() or sns.muted_until > now() then 'nothing'::public.notification_level
           else coalesce(cns.level, sns.level, s.default_notification_level, 'all')
         end
    from public.channels c
    left join public.servers s on s.id = c.server_id
    left join public.server_notification_settings sns
      on sns.server_id = c.server_id and sns.profile_id = p_profile_id
    left join public.channel_notification_settings cns
      on cns.channel_id = c.id and cns.profile_id = p_profile_id
   where c.id = p_channel_id
$$;

-- notification_settings_update on the member's user topic, so their other devices follow.
-- Not for settings removed with their channel, server or membership (those have their own events).
create or replace function private.broadcast_notification_settings()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  gone jsonb;
begin
  if tg_op = 'DELETE' then
    gone := to_jsonb(old);
    if (gone ? 'server_id' and not exists (
          select 1 from public.server_members m
           where m.server_id = (gone ->> 'server_id')::uuid and m.profile_id = old.profile_id))
       or (gone ? 'channel_id' and not exists (
          select 1 from public.channels c where c.id = (gone ->> 'channel_id')::uuid)) then
      return null;
    end if;
  end if;
  perform realtime.broadcast_changes('user:' || coalesce(new.profile_id, old.profile_id), 'notification_settings_update',
    tg_op, tg_table_name, tg_table_schema, new, old);
  return null;
end;
$$;

revoke execute on function private.broadcast_notification_settings() from public, anon, authenticated, service_role;

drop trigger if exists broadcast_server_notification_settings on public.server_notification_settings;
create trigger broadcast_server_notification_settings
  after insert or update or delete on public.server_notification_settings
  for each row execute function private.broadcast_notification_settings();
drop trigger if exists broadcast_channel_notification_settings on public.channel_notification_settings;
create trigger broadcast_channel_notification_settings
  after insert or update or delete on public.channel_notification_settings
  for each row execute function private.broadcast_notification_settings();

-- == 3. system messages channel ==

-- Where join messages are posted; null = the invite's channel, else the first text channel.
alter table public.servers
  add column if not exists system_channel_id uuid references public.channels (id) on delete set null;
create index if not exists servers_system_channel_idx on public.servers (system_channel_id)
  where system_channel_id is not null;

-- MANAGE_GUILD; a text channel of this server, or null for the default.
create or replace function public.set_system_channel(p_server_id uuid, p_channel_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.require_server_permission(p_server_id, 'MANAGE_GUILD');
  if p_channel_id is not null and not exists (
    select 1 from public.channels c where c.id = p_channel_id and c.server_id = p_server_id and c.type = 'text'
  ) then
    raise exception 'the system messages channel must be a text channel of this server' using errcode = '22023';
  end if;
  update public.servers set system_channel_id = p_channel_id
   where id = p_server_id and system_channel_id is distinct from p_channel_id;
end;
$$;

revoke execute on function public.set_system_channel(uuid, uuid) from public, anon;
grant execute on function public.set_system_channel(uuid, uuid) to authenticated;

-- == 4. temporary membership ==

-- Members who join with this invite are temporary.
alter table public.invites add column if not exists temporary boolean not null default false;
-- Joined through a temporary invite and given no role since: removed when their session ends
-- (end_temporary_memberships on sign-out).
alter table public.server_members add column if not exists temporary boolean not null default false;

drop function if exists public.create_invite(uuid, integer, integer, uuid);

-- Returns the code. p_expires_in_seconds 0 or null = never; at most 7 days otherwise.
-- p_temporary: whoever joins with it is a temporary member.
create or replace function public.create_invite(
  p_server_id uuid,
  p_max_uses integer default null,
  p_expires_in_seconds integer default 86400,
  p_channel_id uuid default null,
  p_temporary boolean default false
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
      raise exception 'channel not found' using errcode = 'PT404';
    end if;
  end if;
  while created is null loop
    insert into public.invites (code, server_id, channel_id, inviter_id, max_uses, expires_at, temporary)
    values (public.random_invite_code(), p_server_id, p_channel_id, me, p_max_uses,
            case when coalesce(p_expires_in_seconds, 0) > 0
                 then now() + make_interval(secs => p_expires_in_seconds) end,
            coalesce(p_temporary, false))
    on conflict (code) do nothing
    returning code into created;
  end loop;
  return created;
end;
$$;

revoke execute on function public.create_invite(uuid, integer, integer, uuid, boolean) from public, anon;
grant execute on function public.create_invite(uuid, integer, integer, uuid, boolean) to authenticated;

-- Joins through an invite. The invite row is locked for the whole check-and-count, so
-- concurrent joins never exceed max_uses. Members already in get the id back, using nothing.
create or replace function public.join_server_by_invite(p_code text)
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
    raise exception 'invite not found' using errcode = 'PT404';
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
  insert into public.server_members (server_id, profile_id, temporary) values (invite.server_id, me, invite.temporary)
  on conflict do nothing;
  if found then
    update public.invites set uses = uses + 1 where code = invite.code;
    -- Announced in the server's system messages channel, else the invite's text channel,
    -- else the server's first text channel.
    insert into public.messages (channel_id, author_id, type)
    select c.id, me, 'member_join' from public.channels c
      join public.servers s on s.id = c.server_id
     where c.server_id = invite.server_id and c.type = 'text'
     order by (c.id = s.system_channel_id) is true desc, (c.id = invite.channel_id) is true desc,
              c.position, c.created_at
     limit 1;
  end if;
  return invite.server_id;
end;
$$;

-- A role makes a temporary membership permanent.
create or replace function private.keep_member_with_role()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.server_members set temporary = false
   where server_id = new.server_id and profile_id = new.profile_id and temporary;
  return null;
end;
$$;

revoke execute on function private.keep_member_with_role() from public, anon, authenticated, service_role;

drop trigger if exists keep_member_with_role on public.member_roles;
create trigger keep_member_with_role after insert on public.member_roles
  for each row execute function private.keep_member_with_role();

-- The caller's session ended: leave every server they joined as a temporary member. Returns
-- the ids of the servers left.
create or replace function public.end_temporary_memberships()
returns setof uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
begin
  return query
    delete from public.server_members m
     where m.profile_id = me and m.temporary
       and not exists (select 1 from public.servers s where s.id = m.server_id and s.owner_id = me)
    returning m.server_id;
end;
$$;

revoke execute on function public.end_temporary_memberships() from public, anon;
grant execute on function public.end_temporary_memberships() to authenticated;

-- == broadcasts of memberships: nothing private left in the row ==

-- member_create / member_update / member_delete. The server topic and the member's user
-- topic get the whole row (it holds nothing private now); a removal carries ids, and `banned`
-- on the user topic.
create or replace function private.broadcast_member()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  event text := private.broadcast_event('member', tg_op);
  member_key jsonb := jsonb_build_object('server_id', coalesce(old.server_id, new.server_id),
                                         'profile_id', coalesce(old.profile_id, new.profile_id));
begin
  if tg_op = 'DELETE' then
    if not exists (select 1 from public.servers s where s.id = old.server_id) then
      return null;
    end if;
    perform private.broadcast('server:' || old.server_id, event, tg_op, tg_table_name, null, member_key);
    perform private.broadcast('user:' || old.profile_id, event, tg_op, tg_table_name, null,
      member_key || jsonb_build_object('banned', exists (
        select 1 from public.server_bans b where b.server_id = old.server_id and b.profile_id = old.profile_id)));
    return null;
  end if;
  perform private.broadcast('server:' || new.server_id, event, tg_op, tg_table_name, to_jsonb(new),
    case when tg_op = 'UPDATE' then member_key end);
  perform private.broadcast('user:' || new.profile_id, event, tg_op, tg_table_name, to_jsonb(new),
    case when tg_op = 'UPDATE' then member_key end);
  return null;
end;
$$;

COMMIT;
