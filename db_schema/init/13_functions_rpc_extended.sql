-- RPCs for profiles, presence and the social graph, then the extended domains
-- (federation, bots, encryption, trending). Every function here is SECURITY DEFINER with
-- an empty search_path, checks the caller itself, and is granted explicitly.

-- == section: social ==

-- Names that would be confused with mentions or the instance itself.
create function public.is_reserved_username(p_username text)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select lower(btrim(p_username)) = any (array[
    'everyone', 'here', 'harmony', 'system', 'admin', 'administrator', 'moderator', 'support', 'root'
  ])
$$;

-- Presence: `invisible` is stored as the user's choice but shown to others as offline.
create function public.set_presence(p_status public.presence_status)
returns public.presence_status
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  shown public.presence_status := case when p_status = 'invisible' then 'offline' else p_status end;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  if p_status is null then
    raise exception 'status is required' using errcode = '22004';
  end if;
  update public.user_settings set preferred_status = p_status where profile_id = me;
  update public.profiles set status = shown, last_seen_at = now() where id = me;
  return shown;
end;
$$;

-- For the signup form: whether a username is free and well-formed.
create function public.username_available(p_username text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select lower(btrim(p_username)) ~ '^[a-z0-9_.]{2,32}$'
     and not public.is_reserved_username(p_username)
     and not exists (
       select 1 from public.profiles p where p.username = lower(btrim(p_username)) and p.domain is null
     )
$$;

create function public.are_friends(p_a uuid, p_b uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.friendships f where f.profile_a = least(p_a, p_b) and f.profile_b = greatest(p_a, p_b)
  )
$$;

create function public.make_friends(p_a uuid, p_b uuid)
returns void
language sql
security definer
set search_path = ''
as $$
  delete from public.friend_requests r
   where (r.sender_id, r.recipient_id) in ((p_a, p_b), (p_b, p_a));
  insert into public.friendships (profile_a, profile_b)
  values (least(p_a, p_b), greatest(p_a, p_b))
  on conflict do nothing;
$$;

-- Sends a friend request by username; if they already asked us, it becomes a friendship.
-- Blocks (either way) and the recipient's settings give the same answer as a missing user,
-- so the response never reveals who blocked whom.
create function public.send_friend_request(p_username text)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  them uuid;
  their_policy text;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  select p.id, s.friend_requests_from into them, their_policy
    from public.profiles p left join public.user_settings s on s.profile_id = p.id
   where p.username = lower(btrim(p_username)) and p.domain is null and not p.is_bot;
  if them = me then
    raise exception 'you cannot send a friend request to yourself' using errcode = '22023';
  end if;
  if them is null
     or exists (select 1 from public.user_blocks b
                 where (b.blocker_id, b.blocked_id) in ((me, them), (them, me)))
     or their_policy = 'nobody'
     or (their_policy = 'friends_of_friends' and not exists (
           select 1 from public.friendships a join public.friendships b
             on (case when a.profile_a = me then a.profile_b else a.profile_a end)
              = (case when b.profile_a = them then b.profile_b else b.profile_a end)
            where me in (a.profile_a, a.profile_b) and them in (b.profile_a, b.profile_b))) then
    raise exception 'no user you can befriend is called "%"', p_username using errcode = 'P0002';
  end if;
  if public.are_friends(me, them) then
    raise exception 'you are already friends' using errcode = '23505';
  end if;
  if exists (select 1 from public.friend_requests r where r.sender_id = them and r.recipient_id = me) then
    perform public.make_friends(me, them);
    perform public.send_notification(them, 'friend_accept', me);
    return 'accepted';
  end if;
  insert into public.friend_requests (sender_id, recipient_id) values (me, them)
  on conflict (sender_id, recipient_id) do nothing;
  perform public.send_notification(them, 'friend_request', me);
  return 'pending';
end;
$$;

create function public.accept_friend_request(p_request_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  sender uuid;
begin
  select r.sender_id into sender from public.friend_requests r
   where r.id = p_request_id and r.recipient_id = me;
  if sender is null then
    raise exception 'friend request not found' using errcode = 'P0002';
  end if;
  perform public.make_friends(me, sender);
  perform public.send_notification(sender, 'friend_accept', me);
end;
$$;

-- Blocking ends any friendship and pending requests between the two.
create function public.block_user(p_profile_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  if p_profile_id = me then
    raise exception 'you cannot block yourself' using errcode = '22023';
  end if;
  if not exists (select 1 from public.profiles p where p.id = p_profile_id) then
    raise exception 'user not found' using errcode = 'P0002';
  end if;
  insert into public.user_blocks (blocker_id, blocked_id) values (me, p_profile_id) on conflict do nothing;
  delete from public.friendships f where f.profile_a = least(me, p_profile_id) and f.profile_b = greatest(me, p_profile_id);
  delete from public.friend_requests r where (r.sender_id, r.recipient_id) in ((me, p_profile_id), (p_profile_id, me));
end;
$$;

revoke execute on function public.are_friends(uuid, uuid), public.make_friends(uuid, uuid) from public;
grant execute on function public.set_presence(public.presence_status), public.send_friend_request(text),
  public.accept_friend_request(uuid), public.block_user(uuid)
  to authenticated;
grant execute on function public.username_available(text) to anon, authenticated;

-- == end section: social ==

-- == section: extended ==

-- The caller's bots, for policies (a subquery on bots there would recurse through its policy).
create function public.my_bot_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select b.id from public.bots b where b.owner_id = public.get_current_profile_id()
$$;

-- Bots. A token is 'hbot_' + 64 hex digits; only its SHA-256 is stored, so a leaked table
-- reveals no usable token. Internal: granted to nobody.
create function public.issue_bot_token(p_bot_id uuid)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  token text := 'hbot_' || encode(extensions.gen_random_bytes(32), 'hex');
begin
  insert into public.bot_tokens (bot_id, token_hash, token_prefix)
  values (p_bot_id, encode(extensions.digest(token, 'sha256'), 'hex'), left(token, 8));
  return token;
end;
$$;

-- Creates a bot owned by the caller: its profile (username derived from the name, made
-- unique) and a first token, returned only here.
create function public.create_bot(p_name text, p_description text default '')
returns table (bot_id uuid, token text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  bot_name text := btrim(p_name);
  base text;
  chosen text;
  bot_profile uuid;
  created uuid;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  if bot_name is null or char_length(bot_name) not between 1 and 64 then
    raise exception 'bot name must be 1 to 64 characters' using errcode = '22023';
  end if;
  if char_length(coalesce(p_description, '')) > 400 then
    raise exception 'bot description must be at most 400 characters' using errcode = '22023';
  end if;
  base := left(regexp_replace(lower(bot_name), '[^a-z0-9_.]', '', 'g'), 27);
  if char_length(base) < 2 then
    base := 'bot';
  end if;
  chosen := base;
  while public.is_reserved_username(chosen)
        or exists (select 1 from public.profiles p where p.username = chosen and p.domain is null) loop
    chosen := base || lpad((floor(random() * 10000))::int::text, 4, '0');
  end loop;

  insert into public.profiles (user_id, domain, username, display_name, is_bot)
  values (null, null, chosen, bot_name, true)
  returning id into bot_profile;
  insert into public.bots (profile_id, owner_id, name, description)
  values (bot_profile, me, bot_name, coalesce(p_description, ''))
  returning id into created;
  return query select created, public.issue_bot_token(created);
end;
$$;

-- A further token for one of the caller's bots; someone else's bot is "not found".
create function public.create_bot_token(p_bot_id uuid)
returns text
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (
    select 1 from public.bots b where b.id = p_bot_id and b.owner_id = public.get_current_profile_id()
  ) then
    raise exception 'bot not found' using errcode = 'P0002';
  end if;
  return public.issue_bot_token(p_bot_id);
end;
$$;

create function public.revoke_bot_token(p_token_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.bot_tokens t
     set revoked_at = coalesce(t.revoked_at, now())
    from public.bots b
   where t.id = p_token_id and b.id = t.bot_id and b.owner_id = public.get_current_profile_id();
  if not found then
    raise exception 'bot token not found' using errcode = 'P0002';
  end if;
end;
$$;

-- For the bot gateway (service_role): the bot a token belongs to, or null. The lookup is by
-- hash, so its timing says nothing about how much of a guessed token was right.
create function public.verify_bot_token(p_token text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  found_bot uuid;
begin
  if p_token is null or p_token !~ '^hbot_[0-9a-f]{64}$' then
    return null;
  end if;
  update public.bot_tokens t
     set last_used_at = now()
   where t.token_hash = encode(extensions.digest(p_token, 'sha256'), 'hex') and t.revoked_at is null
  returning t.bot_id into found_bot;
  return found_bot;
end;
$$;

-- Adds a bot to a server as a member with a role of its own holding p_permissions. Needs
-- Manage Server, and one cannot grant a bot more than one has oneself.
create function public.install_bot(p_bot_id uuid, p_server_id uuid, p_permissions bigint default 0)
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
    raise exception 'bot not found' using errcode = 'P0002';
  end if;
  if not public.has_server_permission(p_server_id, public.permission('MANAGE_GUILD')) then
    raise exception 'you need Manage Server in that server to add bots' using errcode = '42501';
  end if;
  if p_permissions & ~public.server_permissions(p_server_id, me) <> 0 then
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

  insert into public.roles (server_id, name, permissions, position)
  values (p_server_id, left(bot.name, 100), p_permissions, 1)
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

-- Encryption. Whether the caller shares a server or a DM with a profile (or is it): who may
-- see that profile's devices and claim their one-time keys.
create function public.shares_space_with(p_profile_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  with me as (select public.get_current_profile_id() as id)
  select exists (select 1 from me where me.id = p_profile_id)
      or exists (select 1 from me
                   join public.server_members mine on mine.profile_id = me.id
                   join public.server_members theirs
                     on theirs.server_id = mine.server_id and theirs.profile_id = p_profile_id)
      or exists (select 1 from me
                   join public.channel_recipients mine on mine.profile_id = me.id
                   join public.channel_recipients theirs
                     on theirs.channel_id = mine.channel_id and theirs.profile_id = p_profile_id)
$$;

-- The caller's devices, revoked ones included (they may still read old session shares).
create function public.my_device_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select d.id from public.user_devices d where d.profile_id = public.get_current_profile_id()
$$;

-- Whether a live device's owner may read a channel: session keys go only to such devices.
create function public.device_can_read_channel(p_device_id uuid, p_channel_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((
    select public.channel_permissions(p_channel_id, d.profile_id)
           & (public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY'))
           = (public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY'))
      from public.user_devices d
     where d.id = p_device_id and d.revoked_at is null), false)
$$;

-- Hands out one of a device's one-time keys, exactly once (concurrent claims skip each
-- other's rows). No rows means the device has run out and its fallback key applies.
create function public.claim_one_time_key(p_device_id uuid)
returns table (key_id text, public_key text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  device_owner uuid;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  select d.profile_id into device_owner from public.user_devices d
   where d.id = p_device_id and d.revoked_at is null;
  if device_owner is null or not public.shares_space_with(device_owner) then
    raise exception 'device not found' using errcode = 'P0002';
  end if;
  return query
    update public.device_one_time_keys k
       set claimed_at = now(), claimed_by = me
     where (k.device_id, k.key_id) = (
       select c.device_id, c.key_id from public.device_one_time_keys c
        where c.device_id = p_device_id and c.claimed_at is null
        order by c.created_at, c.key_id
        limit 1
        for update skip locked)
    returning k.key_id, k.public_key;
end;
$$;

grant execute on function public.create_bot(text, text), public.create_bot_token(uuid),
  public.revoke_bot_token(uuid), public.install_bot(uuid, uuid, bigint), public.claim_one_time_key(uuid),
  public.my_bot_ids(), public.shares_space_with(uuid), public.my_device_ids(),
  public.device_can_read_channel(uuid, uuid)
  to authenticated;
grant execute on function public.verify_bot_token(text) to service_role;

-- == end section: extended ==
