-- Identity and permission functions every policy, RPC and realtime check relies on.
-- Permission bits are Discord's names and positions; packages/shared mirrors them, and
-- packages/shared/test-vectors/permissions.json is run against both implementations.

-- The caller's profile. SECURITY DEFINER so policies on profiles can use it without recursion.
create function public.get_current_profile_id()
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select p.id from public.profiles p where p.user_id = (select auth.uid())
$$;

-- A permission bit by its Discord name; an unknown name is a bug, so it raises.
create function public.permission(flag text)
returns bigint
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  position integer := array_position(array[
    'CREATE_INSTANT_INVITE', 'KICK_MEMBERS', 'BAN_MEMBERS', 'ADMINISTRATOR', 'MANAGE_CHANNELS',
    'MANAGE_GUILD', 'ADD_REACTIONS', 'VIEW_AUDIT_LOG', 'PRIORITY_SPEAKER', 'STREAM', 'VIEW_CHANNEL',
    'SEND_MESSAGES', 'SEND_TTS_MESSAGES', 'MANAGE_MESSAGES', 'EMBED_LINKS', 'ATTACH_FILES',
    'READ_MESSAGE_HISTORY', 'MENTION_EVERYONE', 'USE_EXTERNAL_EMOJIS', 'VIEW_GUILD_INSIGHTS', 'CONNECT',
    'SPEAK', 'MUTE_MEMBERS', 'DEAFEN_MEMBERS', 'MOVE_MEMBERS', 'USE_VAD', 'CHANGE_NICKNAME',
    'MANAGE_NICKNAMES', 'MANAGE_ROLES', 'MANAGE_WEBHOOKS', 'MANAGE_GUILD_EXPRESSIONS',
    'USE_APPLICATION_COMMANDS', 'REQUEST_TO_SPEAK', 'MANAGE_EVENTS', 'MANAGE_THREADS',
    'CREATE_PUBLIC_THREADS', 'CREATE_PRIVATE_THREADS', 'USE_EXTERNAL_STICKERS', 'SEND_MESSAGES_IN_THREADS',
    'USE_EMBEDDED_ACTIVITIES', 'MODERATE_MEMBERS', 'VIEW_CREATOR_MONETIZATION_ANALYTICS', 'USE_SOUNDBOARD',
    'CREATE_GUILD_EXPRESSIONS', 'CREATE_EVENTS', 'USE_EXTERNAL_SOUNDS', 'SEND_VOICE_MESSAGES', null,
    'SET_VOICE_CHANNEL_STATUS', 'SEND_POLLS', 'USE_EXTERNAL_APPS', 'PIN_MESSAGES', 'BYPASS_SLOWMODE'
  ], flag);
begin
  if position is null then
    raise exception 'unknown permission %', flag using errcode = '22023';
  end if;
  return 1::bigint << (position - 1);
end;
$$;

-- Every assigned bit (0-52, except the unassigned 47).
create function public.all_permissions()
returns bigint
language sql
immutable
parallel safe
set search_path = ''
as $$ select ((1::bigint << 53) - 1) & ~(1::bigint << 47) $$;

/*
 * Discord's algorithm, as a pure function of its inputs:
 *   owner, or ADMINISTRATOR in @everyone|roles            -> everything (no overwrite, no timeout)
 *   base = @everyone | roles
 *   apply @everyone overwrite, then the union of role overwrites, then the member overwrite
 *   (each stage: clear deny, then set allow)
 *   timed out                                             -> only VIEW_CHANNEL | READ_MESSAGE_HISTORY
 *   no VIEW_CHANNEL -> nothing; no SEND_MESSAGES -> no send-dependent bits; no CONNECT -> no voice bits
 */
create function public.compute_channel_permissions(
  is_owner boolean,
  everyone bigint,
  role_permissions bigint[],
  everyone_allow bigint,
  everyone_deny bigint,
  roles_allow bigint,
  roles_deny bigint,
  member_allow bigint,
  member_deny bigint,
  timed_out boolean
)
returns bigint
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  perms bigint := coalesce(everyone, 0);
  role_perms bigint;
  send_dependent bigint := public.permission('MENTION_EVERYONE') | public.permission('SEND_TTS_MESSAGES')
    | public.permission('ATTACH_FILES') | public.permission('EMBED_LINKS')
    | public.permission('SEND_POLLS') | public.permission('SEND_VOICE_MESSAGES');
  voice_dependent bigint := public.permission('SPEAK') | public.permission('STREAM')
    | public.permission('MUTE_MEMBERS') | public.permission('DEAFEN_MEMBERS') | public.permission('MOVE_MEMBERS')
    | public.permission('USE_VAD') | public.permission('PRIORITY_SPEAKER') | public.permission('REQUEST_TO_SPEAK')
    | public.permission('USE_SOUNDBOARD') | public.permission('USE_EXTERNAL_SOUNDS')
    | public.permission('SET_VOICE_CHANNEL_STATUS');
begin
  if is_owner then
    return public.all_permissions();
  end if;
  foreach role_perms in array coalesce(role_permissions, '{}') loop
    perms := perms | role_perms;
  end loop;
  if perms & public.permission('ADMINISTRATOR') <> 0 then
    return public.all_permissions();
  end if;

  perms := (perms & ~coalesce(everyone_deny, 0)) | coalesce(everyone_allow, 0);
  perms := (perms & ~coalesce(roles_deny, 0)) | coalesce(roles_allow, 0);
  perms := (perms & ~coalesce(member_deny, 0)) | coalesce(member_allow, 0);

  if timed_out then
    perms := perms & (public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY'));
  end if;
  if perms & public.permission('VIEW_CHANNEL') = 0 then
    return 0;
  end if;
  if perms & public.permission('SEND_MESSAGES') = 0 then
    perms := perms & ~send_dependent;
  end if;
  if perms & public.permission('CONNECT') = 0 then
    perms := perms & ~voice_dependent;
  end if;
  return perms;
end;
$$;

-- What a participant may do in a DM or group DM. Blocking either way stops sending in a 1:1 DM.
create function public.private_channel_permissions(p_channel_id uuid, p_profile_id uuid)
returns bigint
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  perms bigint;
  blocked boolean;
begin
  if not exists (
    select 1 from public.channel_recipients r where r.channel_id = p_channel_id and r.profile_id = p_profile_id
  ) then
    return 0;
  end if;
  perms := public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES')
    | public.permission('READ_MESSAGE_HISTORY') | public.permission('ADD_REACTIONS')
    | public.permission('ATTACH_FILES') | public.permission('EMBED_LINKS') | public.permission('USE_EXTERNAL_EMOJIS')
    | public.permission('PIN_MESSAGES') | public.permission('CONNECT') | public.permission('SPEAK')
    | public.permission('STREAM') | public.permission('USE_VAD');
  select exists (
    select 1
      from public.channel_recipients other
      join public.user_blocks b
        on (b.blocker_id = other.profile_id and b.blocked_id = p_profile_id)
        or (b.blocker_id = p_profile_id and b.blocked_id = other.profile_id)
     where other.channel_id = p_channel_id and other.profile_id <> p_profile_id
  ) and (select c.type = 'dm' from public.channels c where c.id = p_channel_id)
  into blocked;
  if blocked then
    perms := perms & ~(public.permission('SEND_MESSAGES') | public.permission('ATTACH_FILES')
      | public.permission('EMBED_LINKS') | public.permission('ADD_REACTIONS') | public.permission('CONNECT')
      | public.permission('SPEAK') | public.permission('STREAM') | public.permission('USE_VAD'));
  end if;
  return perms;
end;
$$;

-- THE function: a profile's effective permissions in a channel (0 when not a member).
create function public.channel_permissions(p_channel_id uuid, p_profile_id uuid)
returns bigint
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  channel_server uuid;
  member_timed_out boolean;
  result bigint;
begin
  if p_channel_id is null or p_profile_id is null then
    return 0;
  end if;
  select c.server_id into channel_server from public.channels c where c.id = p_channel_id;
  if not found then
    return 0;
  end if;
  if channel_server is null then
    return public.private_channel_permissions(p_channel_id, p_profile_id);
  end if;
  select m.timed_out_until is not null and m.timed_out_until > now()
    into member_timed_out
    from public.server_members m
   where m.server_id = channel_server and m.profile_id = p_profile_id;
  if not found then
    return 0;
  end if;

  select public.compute_channel_permissions(
           s.owner_id = p_profile_id,
           everyone.permissions,
           coalesce((select array_agg(r.permissions)
                       from public.member_roles mr join public.roles r on r.id = mr.role_id
                      where mr.server_id = channel_server and mr.profile_id = p_profile_id), '{}'),
           everyone_ow.allow, everyone_ow.deny,
           role_ow.allow, role_ow.deny,
           member_ow.allow, member_ow.deny,
           member_timed_out)
    into result
    from public.servers s
    join public.roles everyone on everyone.id = s.id
    left join public.channel_overwrites everyone_ow
      on everyone_ow.channel_id = p_channel_id and everyone_ow.target_type = 'role'
     and everyone_ow.target_id = s.id
    left join lateral (
      select bit_or(o.allow) as allow, bit_or(o.deny) as deny
        from public.channel_overwrites o
        join public.member_roles mr
          on mr.role_id = o.target_id and mr.server_id = channel_server and mr.profile_id = p_profile_id
       where o.channel_id = p_channel_id and o.target_type = 'role'
    ) role_ow on true
    left join public.channel_overwrites member_ow
      on member_ow.channel_id = p_channel_id and member_ow.target_type = 'member'
     and member_ow.target_id = p_profile_id
   where s.id = channel_server;
  return coalesce(result, 0);
end;
$$;

-- Server-wide permissions (no channel overwrites or channel rules): for kicks, bans, roles,
-- invites and settings. Same owner, ADMINISTRATOR and timeout rules as in channels.
create function public.server_permissions(p_server_id uuid, p_profile_id uuid)
returns bigint
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  is_owner boolean;
  timed_out boolean;
  base bigint;
begin
  select s.owner_id = p_profile_id,
         coalesce(m.timed_out_until > now(), false),
         everyone.permissions | coalesce((
           select bit_or(r.permissions) from public.member_roles mr join public.roles r on r.id = mr.role_id
            where mr.server_id = m.server_id and mr.profile_id = m.profile_id), 0)
    into is_owner, timed_out, base
    from public.server_members m
    join public.servers s on s.id = m.server_id
    join public.roles everyone on everyone.id = s.id
   where m.server_id = p_server_id and m.profile_id = p_profile_id;
  if not found then
    return 0;
  end if;
  if is_owner or base & public.permission('ADMINISTRATOR') <> 0 then
    return public.all_permissions();
  end if;
  if timed_out then
    return base & (public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY'));
  end if;
  return base;
end;
$$;

-- The caller's permission checks, for policies and RPCs.
create function public.has_channel_permission(p_channel_id uuid, p_permission bigint)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select public.channel_permissions(p_channel_id, public.get_current_profile_id()) & p_permission = p_permission
$$;

create function public.has_server_permission(p_server_id uuid, p_permission bigint)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select public.server_permissions(p_server_id, public.get_current_profile_id()) & p_permission = p_permission
$$;

create function public.is_server_member(p_server_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.server_members m
     where m.server_id = p_server_id and m.profile_id = public.get_current_profile_id()
  )
$$;

-- Channels in which the caller has every bit of p_required (server channels through the
-- permission function, DMs by being a recipient). Policies use `channel_id in (select …)`
-- so this runs once per statement, not once per row.
create function public.channel_ids_with(p_required bigint)
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  with me as (select public.get_current_profile_id() as id)
  select c.id
    from public.channels c
    join public.server_members m on m.server_id = c.server_id
    join me on m.profile_id = me.id
   where public.channel_permissions(c.id, me.id) & p_required = p_required
  union all
  select r.channel_id from public.channel_recipients r join me on r.profile_id = me.id
$$;

-- Channels whose history the caller may read.
create function public.readable_channel_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select public.channel_ids_with(public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY'))
$$;

-- Channels the caller can see in the sidebar (VIEW_CHANNEL), including voice channels.
create function public.visible_channel_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select public.channel_ids_with(public.permission('VIEW_CHANNEL'))
$$;

-- Servers the caller belongs to, for policies on server-scoped tables.
create function public.my_server_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.server_id from public.server_members m where m.profile_id = public.get_current_profile_id()
$$;

-- The highest role position of a member (owner above everything), for hierarchy checks.
create function public.member_top_position(p_server_id uuid, p_profile_id uuid)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when s.owner_id = p_profile_id then 2147483647
    else coalesce((
      select max(r.position) from public.member_roles mr join public.roles r on r.id = mr.role_id
       where mr.server_id = p_server_id and mr.profile_id = p_profile_id), 0)
  end
  from public.servers s where s.id = p_server_id
$$;

-- What a new server's @everyone role may do (packages/shared DEFAULT_EVERYONE_PERMISSIONS).
create function public.default_everyone_permissions()
returns bigint
language sql
immutable
parallel safe
set search_path = ''
as $$
  select public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES')
    | public.permission('READ_MESSAGE_HISTORY') | public.permission('ADD_REACTIONS')
    | public.permission('EMBED_LINKS') | public.permission('ATTACH_FILES')
    | public.permission('USE_EXTERNAL_EMOJIS') | public.permission('CREATE_INSTANT_INVITE')
    | public.permission('CHANGE_NICKNAME') | public.permission('CONNECT') | public.permission('SPEAK')
    | public.permission('STREAM') | public.permission('USE_VAD') | public.permission('SEND_MESSAGES_IN_THREADS')
    | public.permission('CREATE_PUBLIC_THREADS') | public.permission('SEND_VOICE_MESSAGES')
    | public.permission('SEND_POLLS') | public.permission('REQUEST_TO_SPEAK')
$$;

-- The one way notifications are created. Nothing is sent to oneself or to someone who
-- blocked the actor; duplicates for the same message and type collapse into one row.
create function public.send_notification(
  p_recipient_id uuid,
  p_type public.notification_type,
  p_actor_id uuid default null,
  p_server_id uuid default null,
  p_channel_id uuid default null,
  p_message_id uuid default null,
  p_data jsonb default '{}'
)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  created uuid;
begin
  if p_recipient_id is null or p_recipient_id = p_actor_id then
    return null;
  end if;
  if p_actor_id is not null and exists (
    select 1 from public.user_blocks b where b.blocker_id = p_recipient_id and b.blocked_id = p_actor_id
  ) then
    return null;
  end if;
  insert into public.notifications (recipient_id, type, actor_id, server_id, channel_id, message_id, data)
  values (p_recipient_id, p_type, p_actor_id, p_server_id, p_channel_id, p_message_id, coalesce(p_data, '{}'))
  on conflict (recipient_id, message_id, type) where message_id is not null do nothing
  returning id into created;
  return created;
end;
$$;

-- Policies call these as the requesting role, so the API roles need EXECUTE on them.
grant execute on function
  public.get_current_profile_id(), public.permission(text), public.all_permissions(),
  public.channel_permissions(uuid, uuid), public.server_permissions(uuid, uuid),
  public.has_channel_permission(uuid, bigint), public.has_server_permission(uuid, bigint),
  public.is_server_member(uuid), public.channel_ids_with(bigint), public.readable_channel_ids(),
  public.visible_channel_ids(),
  public.my_server_ids(), public.default_everyone_permissions()
  to anon, authenticated, service_role;
grant execute on function public.compute_channel_permissions(
  boolean, bigint, bigint[], bigint, bigint, bigint, bigint, bigint, bigint, boolean
) to authenticated, service_role;
