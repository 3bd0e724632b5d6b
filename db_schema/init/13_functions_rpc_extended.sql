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
-- == end section: extended ==
