-- Who may ask what someone may do (issue 11, item 3). channel_permissions, server_permissions
-- and device_can_read_channel answered anyone, anon included, about any profile. Now:
--   * the computing functions live in schema `private`, which PostgREST does not serve and no
--     API role may use; every policy helper, trigger and RPC calls them there;
--   * the public functions of the same names answer API callers (anon and authenticated)
--     about themselves, and about others only where Discord would show them: with MANAGE_ROLES
--     in the server (or in the channel, for a channel) — ADMINISTRATOR and ownership imply it.
--     A device's access to a channel is the question every sender of an encrypted session key
--     asks (the megolm_session_shares insert policy answers it too), so whoever reads the
--     channel may ask it. anon may call none of them (401). Trusted callers (service_role,
--     the database's own roles) are not asked.
BEGIN;

create schema if not exists private;

-- == the computing functions, unchanged but for their schema ==

-- THE function: a profile's effective permissions in a channel (0 when not a member).
create or replace function private.channel_permissions(p_channel_id uuid, p_profile_id uuid)
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
create or replace function private.server_permissions(p_server_id uuid, p_profile_id uuid)
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


revoke execute on function private.channel_permissions(uuid, uuid), private.server_permissions(uuid, uuid)
  from public, anon, authenticated, service_role;

-- Refuses an API caller (the request's role is anon or authenticated) asking about someone
-- else without p_others_need in that channel (when one is given) or server. The refusal is
-- the same whether the server, channel or profile exists or not.
create or replace function private.require_permission_query(
  p_profile_id uuid,
  p_server_id uuid,
  p_channel_id uuid,
  p_others_need text[]
)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  me uuid;
  needed bigint := (select bit_or(public.permission(flag)) from unnest(p_others_need) as flag);
  mine bigint;
begin
  if coalesce(current_setting('role', true), 'none') not in ('anon', 'authenticated') then
    return;
  end if;
  me := public.get_current_profile_id();
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  if p_profile_id = me then
    return;
  end if;
  mine := case when p_channel_id is not null then private.channel_permissions(p_channel_id, me)
               else private.server_permissions(p_server_id, me) end;
  if mine & needed <> needed then
    raise exception 'viewing the permissions of others needs % here', array_to_string(p_others_need, ' and ')
      using errcode = '42501';
  end if;
end;
$$;

revoke execute on function private.require_permission_query(uuid, uuid, uuid, text[])
  from public, anon, authenticated, service_role;

-- == what the API answers ==

create or replace function public.channel_permissions(p_channel_id uuid, p_profile_id uuid)
returns bigint
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_permission_query(p_profile_id, null, p_channel_id, array['MANAGE_ROLES']);
  return private.channel_permissions(p_channel_id, p_profile_id);
end;
$$;

create or replace function public.server_permissions(p_server_id uuid, p_profile_id uuid)
returns bigint
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_permission_query(p_profile_id, p_server_id, null, array['MANAGE_ROLES']);
  return private.server_permissions(p_server_id, p_profile_id);
end;
$$;

-- Whether a live device's owner may read a channel: session keys go only to such devices.
-- The megolm_session_shares insert policy calls it as the sender, who reads the channel.
create or replace function public.device_can_read_channel(p_device_id uuid, p_channel_id uuid)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  read_bits constant bigint := public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY');
  device_owner uuid;
begin
  select d.profile_id into device_owner from public.user_devices d
   where d.id = p_device_id and d.revoked_at is null;
  perform private.require_permission_query(device_owner, null, p_channel_id,
                                           array['VIEW_CHANNEL', 'READ_MESSAGE_HISTORY']);
  return coalesce(private.channel_permissions(p_channel_id, device_owner) & read_bits = read_bits, false);
end;
$$;

-- Policies no longer call these as anon (the advisor migration revoked the same already).
revoke execute on function public.channel_permissions(uuid, uuid), public.server_permissions(uuid, uuid)
  from anon;

-- == internal callers move to the private functions ==

-- The caller's permission checks, for policies and RPCs.
create or replace function public.has_channel_permission(p_channel_id uuid, p_permission bigint)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.channel_permissions(p_channel_id, public.get_current_profile_id()) & p_permission = p_permission
$$;

create or replace function public.has_server_permission(p_server_id uuid, p_permission bigint)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.server_permissions(p_server_id, public.get_current_profile_id()) & p_permission = p_permission
$$;

-- Channels in which the caller has every bit of p_required (server channels through the
-- permission function, DMs by being a recipient). Policies use `channel_id in (select …)`
-- so this runs once per statement, not once per row.
create or replace function public.channel_ids_with(p_required bigint)
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
   where private.channel_permissions(c.id, me.id) & p_required = p_required
  union all
  select r.channel_id from public.channel_recipients r join me on r.profile_id = me.id
$$;

-- Servers the caller belongs to and holds any of these server-wide permissions in. For
-- policies (`server_id in (select …)`), so the API roles may execute it.
create or replace function public.my_server_ids_with(p_any_of bigint)
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.server_id from public.server_members m
   where m.profile_id = public.get_current_profile_id()
     and private.server_permissions(m.server_id, m.profile_id) & p_any_of <> 0
$$;

-- The caller, who must be a member of the server holding the named server-wide permission.
create or replace function public.require_server_permission(p_server_id uuid, p_flag text)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  me uuid := public.require_server_member(p_server_id);
begin
  if private.server_permissions(p_server_id, me) & public.permission(p_flag) = 0 then
    raise exception 'you need the % permission in this server', p_flag using errcode = '42501';
  end if;
  return me;
end;
$$;

-- Owners and administrators may hand out anything; others only bits they hold themselves.
create or replace function public.require_grantable(p_server_id uuid, p_actor uuid, p_bits bigint)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  mine bigint := private.server_permissions(p_server_id, p_actor);
begin
  if mine <> public.all_permissions() and p_bits & ~mine <> 0 then
    raise exception 'you cannot grant permissions you do not have' using errcode = '42501';
  end if;
end;
$$;

-- Only bits the caller holds in the channel may change, unless they are owner or admin.
create or replace function public.require_overwrite_change(p_channel_id uuid, p_changed bigint)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  mine bigint := private.channel_permissions(p_channel_id, public.get_current_profile_id());
begin
  if mine <> public.all_permissions() and p_changed & ~mine <> 0 then
    raise exception 'you cannot allow or deny permissions you do not have' using errcode = '42501';
  end if;
end;
$$;

-- Times a member out until p_until (at most 28 days ahead); null lifts the timeout.
create or replace function public.timeout_member(
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
     and private.server_permissions(p_server_id, p_profile_id) = public.all_permissions() then
    raise exception 'administrators cannot be timed out' using errcode = '42501';
  end if;
  perform public.set_audit_reason(p_reason);
  update public.server_members set timed_out_until = p_until
   where server_id = p_server_id and profile_id = p_profile_id;
  perform public.set_audit_reason(null);
end;
$$;

-- Mentions in a message, as its author may make them: <@profile> of people who can see the
-- channel, <@&role> of this server's roles (mentionable ones, or any with MENTION_EVERYONE),
-- and @everyone/@here only with MENTION_EVERYONE.
create or replace function public.message_mentions(
  p_channel_id uuid,
  p_author_id uuid,
  p_content text,
  out profile_ids uuid[],
  out role_ids uuid[],
  out everyone boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uuid_pattern constant text := '([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})';
  channel_server uuid;
  can_mention_everyone boolean;
begin
  profile_ids := '{}';
  role_ids := '{}';
  everyone := false;
  if p_content is null or p_content = '' then
    return;
  end if;
  select c.server_id into channel_server from public.channels c where c.id = p_channel_id;
  can_mention_everyone := private.channel_permissions(p_channel_id, p_author_id)
    & public.permission('MENTION_EVERYONE') <> 0;

  select coalesce(array_agg(distinct p.id), '{}') into profile_ids
    from regexp_matches(p_content, '<@!?' || uuid_pattern || '>', 'g') as m (ids)
    join public.profiles p on p.id = m.ids[1]::uuid
   where private.channel_permissions(p_channel_id, p.id) & public.permission('VIEW_CHANNEL') <> 0;

  if channel_server is not null then
    select coalesce(array_agg(distinct r.id), '{}') into role_ids
      from regexp_matches(p_content, '<@&' || uuid_pattern || '>', 'g') as m (ids)
      join public.roles r on r.id = m.ids[1]::uuid
     where r.server_id = channel_server and r.id <> channel_server
       and (r.mentionable or can_mention_everyone);
  end if;

  -- Not inside a word: x@everyone.com is an address, not a mention.
  everyone := can_mention_everyone and p_content ~ '(^|\W)@(everyone|here)\M';
end;
$$;

-- Notifications for a new message, or for the mentions an edit added. In servers: direct
-- mentions, role and @everyone mentions (to members who can see the channel), and the
-- replied-to author, unless their level is 'nothing'. In DMs: every other recipient,
-- unless they muted it. send_notification() skips the author and anyone who blocked them,
-- and collapses several reasons into one notification per type.
create or replace function public.notify_message(
  p_message public.messages,
  p_profile_ids uuid[],
  p_role_ids uuid[],
  p_everyone boolean,
  p_is_new boolean
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  channel_server uuid;
  view_bit constant bigint := public.permission('VIEW_CHANNEL');
  recipient record;
  parent_author uuid;
begin
  select c.server_id into channel_server from public.channels c where c.id = p_message.channel_id;

  if channel_server is null then
    if p_is_new then
      for recipient in
        select r.profile_id from public.channel_recipients r
         where r.channel_id = p_message.channel_id and r.profile_id is distinct from p_message.author_id
      loop
        if public.notification_level_for(recipient.profile_id, p_message.channel_id) <> 'nothing' then
          perform public.send_notification(recipient.profile_id, 'direct_message', p_message.author_id,
            null, p_message.channel_id, p_message.id);
        end if;
      end loop;
    end if;
    return;
  end if;

  for recipient in
    select t.profile_id, (array['user', 'role', 'everyone'])[min(t.reason)] as reason
      from (
        select unnest(p_profile_ids) as profile_id, 1 as reason
        union all
        select mr.profile_id, 2 from public.member_roles mr
         where mr.server_id = channel_server and mr.role_id = any(p_role_ids)
        union all
        select m.profile_id, 3 from public.server_members m
         where p_everyone and m.server_id = channel_server
      ) t
     group by t.profile_id
  loop
    if recipient.profile_id is distinct from p_message.author_id
       and private.channel_permissions(p_message.channel_id, recipient.profile_id) & view_bit <> 0
       and public.notification_level_for(recipient.profile_id, p_message.channel_id) <> 'nothing' then
      perform public.send_notification(recipient.profile_id, 'mention', p_message.author_id, channel_server,
        p_message.channel_id, p_message.id, jsonb_build_object('via', recipient.reason));
    end if;
  end loop;

  if p_is_new and p_message.reply_to_id is not null then
    select m.author_id into parent_author from public.messages m where m.id = p_message.reply_to_id;
    if parent_author is not null
       and not parent_author = any(p_profile_ids)
       and private.channel_permissions(p_message.channel_id, parent_author) & view_bit <> 0
       and public.notification_level_for(parent_author, p_message.channel_id) <> 'nothing' then
      perform public.send_notification(parent_author, 'reply', p_message.author_id, channel_server,
        p_message.channel_id, p_message.id);
    end if;
  end if;
end;
$$;

-- Whether the caller may add this reaction (used by the insert policy on message_reactions).
-- Discord's rule: a new emoji needs ADD_REACTIONS; joining an existing reaction only needs
-- to read the message, except in DMs and while timed out.
create or replace function public.can_react(p_message_id uuid, p_emoji text)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  message_channel uuid;
  channel_server uuid;
  perms bigint;
  read_bits constant bigint := public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY');
begin
  select m.channel_id, c.server_id into message_channel, channel_server
    from public.messages m join public.channels c on c.id = m.channel_id
   where m.id = p_message_id and m.deleted_at is null;
  if not found or me is null then
    return false;
  end if;
  perms := private.channel_permissions(message_channel, me);
  if perms & read_bits <> read_bits then
    return false;
  end if;
  if perms & public.permission('ADD_REACTIONS') <> 0 then
    return true;
  end if;
  return channel_server is not null
     and exists (select 1 from public.message_reactions r where r.message_id = p_message_id and r.emoji = p_emoji)
     and not exists (select 1 from public.server_members sm
                      where sm.server_id = channel_server and sm.profile_id = me and sm.timed_out_until > now());
end;
$$;

-- Pinning needs PIN_MESSAGES or MANAGE_MESSAGES. Pinning a pinned message (or unpinning an
-- unpinned one) changes nothing.
create or replace function public.set_message_pinned(p_message_id uuid, p_pinned boolean)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  target public.messages := public.readable_message_for_update(p_message_id);
  channel_server uuid;
begin
  if private.channel_permissions(target.channel_id, me)
     & (public.permission('PIN_MESSAGES') | public.permission('MANAGE_MESSAGES')) = 0 then
    raise exception 'you cannot pin messages in this channel' using errcode = '42501';
  end if;
  if (target.pinned_at is not null) = p_pinned then
    return;
  end if;
  -- The channel row lock serialises concurrent pins, so the limit holds.
  select c.server_id into channel_server from public.channels c where c.id = target.channel_id for update;
  if p_pinned and (select count(*) from public.messages m
                    where m.channel_id = target.channel_id and m.pinned_at is not null) >= 50 then
    raise exception 'a channel can have at most 50 pinned messages' using errcode = '23514';
  end if;
  update public.messages
     set pinned_at = case when p_pinned then now() end, pinned_by = case when p_pinned then me end
   where id = target.id;
  if channel_server is not null then
    insert into public.audit_log (server_id, actor_id, action, target_id, changes)
    values (channel_server, me, case when p_pinned then 'message_pin' else 'message_unpin' end::public.audit_action,
            target.id, jsonb_build_object('channel_id', target.channel_id));
  end if;
end;
$$;

/*
 * Before a message is stored: the author is the caller (API roles cannot write author_id;
 * trusted callers may), a reply becomes type 'reply', a repeated nonce is refused as
 * "already sent" (23505), slowmode is enforced, mentions are derived from the content, and
 * the channel's counter assigns seq. That counter row is locked until commit, so seq is
 * gap-free per channel: a failed or rolled-back insert rolls the counter back with it.
 * Permissions are checked afterwards by the insert policy (a refused insert rolls back too).
 */
create or replace function public.messages_before_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  perms bigint;
  slowmode integer;
  wait_seconds integer;
  mentions record;
begin
  new.author_id := coalesce(new.author_id, public.get_current_profile_id());
  if new.reply_to_id is not null and new.type = 'default' then
    new.type := 'reply';
  end if;
  if new.nonce is not null and exists (
    select 1 from public.messages m
     where m.channel_id = new.channel_id and m.author_id = new.author_id and m.nonce = new.nonce
  ) then
    raise exception 'a message with this nonce was already sent' using errcode = '23505',
      hint = 'the earlier send succeeded; treat this one as already sent';
  end if;

  perms := private.channel_permissions(new.channel_id, new.author_id);
  select c.slowmode_seconds into slowmode from public.channels c where c.id = new.channel_id;
  if slowmode > 0 and new.type in ('default', 'reply')
     and perms & public.permission('SEND_MESSAGES') <> 0
     and perms & (public.permission('BYPASS_SLOWMODE') | public.permission('MANAGE_MESSAGES')
                  | public.permission('MANAGE_CHANNELS')) = 0 then
    -- Atomic check-and-set: a concurrent second send waits here and then fails the check.
    insert into public.channel_slowmode as s (channel_id, profile_id, last_message_at)
    values (new.channel_id, new.author_id, now())
    on conflict (channel_id, profile_id) do update set last_message_at = excluded.last_message_at
      where s.last_message_at <= now() - make_interval(secs => slowmode);
    if not found then
      select greatest(1, ceil(extract(epoch from s.last_message_at + make_interval(secs => slowmode) - now())))
        into wait_seconds
        from public.channel_slowmode s
       where s.channel_id = new.channel_id and s.profile_id = new.author_id;
      raise exception 'slowmode: wait % seconds', wait_seconds using errcode = 'P0001';
    end if;
  end if;

  mentions := public.message_mentions(new.channel_id, new.author_id, new.content);
  new.mention_profile_ids := mentions.profile_ids;
  new.mention_role_ids := mentions.role_ids;
  new.mention_everyone := mentions.everyone;

  -- The row lock on the counter serialises writers per channel; a rolled-back insert rolls
  -- the counter back too, so numbers stay gap-free.
  -- No counter row means no such channel: seq stays 0 and the insert policy refuses it.
  update public.channel_sequences s set last_seq = s.last_seq + 1, last_message_at = now()
   where s.channel_id = new.channel_id
  returning s.last_seq into new.seq;
  return new;
end;
$$;

COMMIT;
