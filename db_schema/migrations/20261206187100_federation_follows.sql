-- Federation, step 3 (issue 22): following remote users, and finding them by @name@host.
--
-- public.remote_follows: who follows whom across instances (a local user following a remote
-- one, or a remote user following a local one), with the Follow activity's id. A local follow
-- starts 'pending' and becomes 'accepted' or 'rejected' when the remote instance answers;
-- a remote follower is accepted at once (unless the local user blocked them).
-- public.follow_remote / unfollow_remote: the client's calls; apps/server's jobs send Follow
-- and Undo(Follow). private.receive_* are what apps/server calls for verified inbound activities.
-- public.request_remote_lookup / remote_lookup_result: `@name@host` search. apps/server resolves
-- the handle (WebFinger, actor fetch) in a job; the client asks for the result.
BEGIN;

create table if not exists public.remote_follows (
  id uuid primary key default gen_random_uuid(),
  follower_id uuid not null references public.profiles (id) on delete cascade,
  followee_id uuid not null references public.profiles (id) on delete cascade,
  state text not null default 'pending' check (state in ('pending', 'accepted', 'rejected')),
  -- The Follow activity's id: ours for a local follower, theirs for a remote one.
  activity_uri text unique check (activity_uri ~ '^https?://'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint remote_follows_pair_key unique (follower_id, followee_id),
  constraint remote_follows_not_self check (follower_id <> followee_id)
);
create index if not exists remote_follows_followee_idx on public.remote_follows (followee_id);

alter table public.remote_follows enable row level security;
revoke all on public.remote_follows from public, anon, authenticated, service_role;
grant select on public.remote_follows to authenticated, harmony_server;
grant all on public.remote_follows to service_role;

drop policy if exists remote_follows_select_own on public.remote_follows;
create policy remote_follows_select_own on public.remote_follows
  for select to authenticated
  using (follower_id = (select public.get_current_profile_id()) or followee_id = (select public.get_current_profile_id()));
drop policy if exists remote_follows_server on public.remote_follows;
create policy remote_follows_server on public.remote_follows for select to harmony_server using (true);

-- Follows a remote user; apps/server sends the Follow. Following again is a no-op.
create or replace function public.follow_remote(p_profile_id uuid)
returns public.remote_follows
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  result public.remote_follows;
begin
  if p_profile_id is null then
    raise exception 'a profile is required' using errcode = '22004';
  end if;
  if not exists (select 1 from public.profiles p
                  join private.ap_actor_cache c on c.profile_id = p.id
                  join public.federated_instances i on i.domain = p.domain and i.status = 'active'
                 where p.id = p_profile_id and p.domain is not null) then
    raise exception 'remote user not found' using errcode = 'PT404';
  end if;
  insert into public.remote_follows (follower_id, followee_id)
  values (me, p_profile_id)
  on conflict (follower_id, followee_id) do nothing
  returning * into result;
  if result.id is null then
    select * into result from public.remote_follows f where f.follower_id = me and f.followee_id = p_profile_id;
    if result.state <> 'rejected' then
      return result;
    end if;
    update public.remote_follows f set state = 'pending', activity_uri = null, updated_at = now()
     where f.id = result.id returning * into result;
  end if;
  perform private.enqueue_job('federation-follow', jsonb_build_object('follow_id', result.id));
  return result;
end;
$$;
revoke execute on function public.follow_remote(uuid) from public, anon;
grant execute on function public.follow_remote(uuid) to authenticated;

-- Stops following a remote user; apps/server sends Undo(Follow).
create or replace function public.unfollow_remote(p_profile_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  removed public.remote_follows;
begin
  delete from public.remote_follows f
   where f.follower_id = me and f.followee_id = p_profile_id
  returning * into removed;
  if removed.id is null then
    return false;
  end if;
  if removed.activity_uri is not null then
    perform private.enqueue_job('federation-unfollow', jsonb_build_object(
      'follower_id', removed.follower_id, 'followee_id', removed.followee_id,
      'activity_uri', removed.activity_uri));
  end if;
  return true;
end;
$$;
revoke execute on function public.unfollow_remote(uuid) from public, anon;
grant execute on function public.unfollow_remote(uuid) to authenticated;

-- apps/server: the Follow it is about to send has this id.
create or replace function private.set_follow_activity(p_follow_id uuid, p_activity_uri text)
returns public.remote_follows
language sql
security definer
set search_path = ''
as $$
  update public.remote_follows f set activity_uri = coalesce(f.activity_uri, p_activity_uri), updated_at = now()
   where f.id = p_follow_id
  returning *;
$$;

-- apps/server, for a verified Follow from a remote actor to a local user: accepted unless the
-- local user blocked them (then 'rejected'). Replays change nothing. Returns the follow.
create or replace function private.receive_follow(p_activity_uri text, p_follower_id uuid, p_followee_id uuid)
returns public.remote_follows
language plpgsql
security definer
set search_path = ''
as $$
declare
  verdict text;
  result public.remote_follows;
begin
  if not exists (select 1 from public.profiles p where p.id = p_follower_id and p.domain is not null)
     or not exists (select 1 from public.profiles p where p.id = p_followee_id and p.domain is null) then
    raise exception 'a follow goes from a remote actor to a local user' using errcode = '22023';
  end if;
  verdict := case when exists (select 1 from public.user_blocks b
                                where b.blocker_id = p_followee_id and b.blocked_id = p_follower_id)
                  then 'rejected' else 'accepted' end;
  insert into public.remote_follows (follower_id, followee_id, state, activity_uri)
  values (p_follower_id, p_followee_id, verdict, p_activity_uri)
  on conflict (follower_id, followee_id) do update
    set state = excluded.state, activity_uri = excluded.activity_uri, updated_at = now()
  returning * into result;
  return result;
end;
$$;

-- apps/server, for a verified Accept or Reject of our Follow, sent by the followee.
create or replace function private.receive_follow_answer(p_activity_uri text, p_followee_id uuid, p_accepted boolean)
returns public.remote_follows
language sql
security definer
set search_path = ''
as $$
  update public.remote_follows f
     set state = case when p_accepted then 'accepted' else 'rejected' end, updated_at = now()
   where f.activity_uri = p_activity_uri and f.followee_id = p_followee_id
  returning *;
$$;

-- apps/server, for a verified Undo(Follow) from the follower.
create or replace function private.receive_unfollow(p_follower_id uuid, p_followee_id uuid)
returns boolean
language sql
security definer
set search_path = ''
as $$
  with removed as (
    delete from public.remote_follows f where f.follower_id = p_follower_id and f.followee_id = p_followee_id
    returning 1)
  select exists (select 1 from removed);
$$;

-- == @name@host search ==

create table if not exists private.remote_lookups (
  id uuid primary key default gen_random_uuid(),
  requester_id uuid not null references public.profiles (id) on delete cascade,
  handle text not null check (char_length(handle) <= 320),
  status text not null default 'pending' check (status in ('pending', 'done', 'failed')),
  profile_id uuid references public.profiles (id) on delete cascade,
  error text check (char_length(error) <= 500),
  created_at timestamptz not null default now()
);
create index if not exists remote_lookups_requester_idx on private.remote_lookups (requester_id, created_at);
create index if not exists remote_lookups_profile_idx on private.remote_lookups (profile_id);
alter table private.remote_lookups enable row level security;
revoke all on private.remote_lookups from public, anon, authenticated, service_role;
drop policy if exists no_client_access on private.remote_lookups;
create policy no_client_access on private.remote_lookups as restrictive for all to anon, authenticated
  using (false) with check (false);

-- Starts resolving `@name@host` (30 a minute per user). The result: remote_lookup_result.
create or replace function public.request_remote_lookup(p_handle text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  handle text := lower(btrim(coalesce(p_handle, '')));
  created uuid;
begin
  if handle !~ '^@?[a-z0-9_.~-]{1,64}@[a-z0-9.-]{1,253}(:[0-9]{1,5})?$' then
    raise exception 'a remote user is written @name@host' using errcode = '22023';
  end if;
  if (select count(*) from private.remote_lookups l
       where l.requester_id = me and l.created_at > now() - interval '1 minute') >= 30 then
    raise exception 'too many lookups: wait a minute' using errcode = 'PT429';
  end if;
  insert into private.remote_lookups (requester_id, handle) values (me, handle) returning id into created;
  perform private.enqueue_job('federation-lookup', jsonb_build_object('lookup_id', created));
  return created;
end;
$$;
revoke execute on function public.request_remote_lookup(text) from public, anon;
grant execute on function public.request_remote_lookup(text) to authenticated;

create or replace function public.remote_lookup_result(p_lookup_id uuid)
returns table (status text, profile_id uuid, error text)
language sql
stable
security definer
set search_path = ''
as $$
  select l.status, l.profile_id, l.error from private.remote_lookups l
   where l.id = p_lookup_id and l.requester_id = public.get_current_profile_id();
$$;
revoke execute on function public.remote_lookup_result(uuid) from public, anon;
grant execute on function public.remote_lookup_result(uuid) to authenticated;

-- apps/server: what a lookup job resolves, and its outcome.
create or replace function private.remote_lookup_handle(p_lookup_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select l.handle from private.remote_lookups l where l.id = p_lookup_id and l.status = 'pending';
$$;

create or replace function private.finish_remote_lookup(p_lookup_id uuid, p_profile_id uuid, p_error text)
returns void
language sql
security definer
set search_path = ''
as $$
  update private.remote_lookups
     set status = case when p_profile_id is null then 'failed' else 'done' end,
         profile_id = p_profile_id, error = left(p_error, 500)
   where id = p_lookup_id;
$$;

do $$
declare
  fn regprocedure;
begin
  foreach fn in array array[
    'private.set_follow_activity(uuid, text)', 'private.receive_follow(text, uuid, uuid)',
    'private.receive_follow_answer(text, uuid, boolean)', 'private.receive_unfollow(uuid, uuid)',
    'private.remote_lookup_handle(uuid)', 'private.finish_remote_lookup(uuid, uuid, text)']::regprocedure[] loop
    execute format('revoke execute on function %s from public, anon, authenticated, service_role', fn);
    execute format('grant execute on function %s to harmony_server', fn);
  end loop;
end $$;

COMMIT;
