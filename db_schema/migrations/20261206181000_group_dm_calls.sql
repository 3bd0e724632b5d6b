-- Calls in group DMs, and LiveKit rooms for DM calls (docs-source/voice.md, "DM calls").
-- A group call (dm_calls row with no callee) rings every other member of the group DM; each one
-- joins or declines (public.dm_call_members), leaving does not end it for the others, and it
-- ends when the last one in it leaves: `call_ended` once someone answered, else `call_missed`
-- (or `call_declined` when everyone declined). Only current members of the group DM may see,
-- join or signal the call: someone who left the group leaves its call and cannot come back.
-- Every change goes to each member's user topic as `call_update`, the call's row with a
-- `members` array [{profile_id, state}]. With LiveKit configured, get_dm_call_token gives the
-- people of a call (1:1 or group) a token for the room `dm-call-<call id>`.
BEGIN;

alter table public.dm_calls alter column callee_id drop not null;
comment on column public.dm_calls.callee_id is 'The person rung in a 1:1 DM; null for a group DM call (see dm_call_members).';

create table if not exists public.dm_call_members (
  call_id uuid not null references public.dm_calls (id) on delete cascade,
  profile_id uuid not null references public.profiles (id) on delete cascade,
  state text not null check (state in ('ringing', 'joined', 'declined', 'left')),
  updated_at timestamptz not null default now(),
  primary key (call_id, profile_id)
);
create index if not exists dm_call_members_profile_idx on public.dm_call_members (profile_id);
comment on table public.dm_call_members is 'Who a group DM call rang and who is in it.';

alter table public.dm_call_members enable row level security;
revoke all on public.dm_call_members from anon, authenticated;
grant select on public.dm_call_members to authenticated;
grant select, insert, update, delete on public.dm_call_members to service_role;

-- 1:1 calls: their two people; group calls: the group DM's current members.
drop policy if exists dm_calls_select_participant on public.dm_calls;
create policy dm_calls_select_participant on public.dm_calls
  for select to authenticated
  using (
    -- Three flat ORs (not `in (caller_id, callee_id)`): the dump then replays to the same text.
    (select public.get_current_profile_id()) = caller_id
    or (select public.get_current_profile_id()) = callee_id
    or (callee_id is null and channel_id in (select public.my_dm_channel_ids()))
  );

drop policy if exists dm_call_members_select_participant on public.dm_call_members;
create policy dm_call_members_select_participant on public.dm_call_members
  for select to authenticated
  using (call_id in (select d.id from public.dm_calls d));

-- The call's row as the clients receive it: with its members (none for 1:1 calls).
create or replace function private.dm_call_record(p_call public.dm_calls)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select to_jsonb(p_call) || jsonb_build_object('members', coalesce(
    (select jsonb_agg(jsonb_build_object('profile_id', m.profile_id, 'state', m.state) order by m.profile_id)
       from public.dm_call_members m where m.call_id = p_call.id), '[]'::jsonb))
$$;

-- Tells every member of a group call's DM (and p_also, someone who just left it) its state.
create or replace function private.announce_group_dm_call(p_call_id uuid, p_also uuid default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  call public.dm_calls;
  record jsonb;
  who uuid;
begin
  select * into call from public.dm_calls d where d.id = p_call_id;
  record := private.dm_call_record(call);
  for who in
    select r.profile_id from public.channel_recipients r where r.channel_id = call.channel_id
    union select p_also where p_also is not null
  loop
    perform private.broadcast('user:' || who, 'call_update', 'UPDATE', 'dm_calls', record, null);
  end loop;
end;
$$;

-- 1:1 calls announce each change from the trigger; group calls once per change, from the
-- functions below, when their members are settled too.
create or replace function private.dm_call_broadcast()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  who uuid;
begin
  if new.callee_id is null then
    return null;
  end if;
  foreach who in array array[new.caller_id, new.callee_id] loop
    perform private.broadcast('user:' || who, 'call_update', tg_op, 'dm_calls', to_jsonb(new),
                              case when tg_op = 'UPDATE' then to_jsonb(old) end);
  end loop;
  return null;
end;
$$;

-- Ends a call with its outcome and leaves the line in the DM (as the caller). Locked row expected.
create or replace function private.finish_dm_call(p_call public.dm_calls, p_status text)
returns public.dm_calls
language plpgsql
security definer
set search_path = ''
as $$
declare
  done public.dm_calls;
begin
  update public.dm_calls set status = p_status, ended_at = now() where id = p_call.id returning * into done;
  update public.dm_call_members m
     set state = case m.state when 'ringing' then 'declined' else 'left' end, updated_at = now()
   where m.call_id = p_call.id and m.state in ('ringing', 'joined');
  insert into public.messages (channel_id, author_id, type, content)
  values (p_call.channel_id, p_call.caller_id, 'system',
          case p_status when 'ended' then 'call_ended' when 'declined' then 'call_declined' else 'call_missed' end);
  return done;
end;
$$;

-- After a member of a group call stopped ringing or left: with nobody left in it the call
-- ends; a call nobody answered ends declined once no one is ringing and only the caller
-- waits, missed when the caller gives up. Locked row expected.
create or replace function private.settle_group_dm_call(p_call public.dm_calls)
returns public.dm_calls
language plpgsql
security definer
set search_path = ''
as $$
declare
  joined integer;
  ringing integer;
begin
  if p_call.status not in ('ringing', 'active') then
    return p_call;
  end if;
  select count(*) filter (where m.state = 'joined'), count(*) filter (where m.state = 'ringing')
    into joined, ringing
    from public.dm_call_members m where m.call_id = p_call.id;
  if joined = 0 then
    return private.finish_dm_call(p_call, case when p_call.answered_at is not null then 'ended' else 'missed' end);
  end if;
  if p_call.status = 'ringing' and ringing = 0 and joined = 1 then
    return private.finish_dm_call(p_call, 'declined');
  end if;
  return p_call;
end;
$$;

-- Puts the caller in a group call (ringing or already running). Locked row expected.
create or replace function private.join_group_dm_call(p_call public.dm_calls, p_me uuid)
returns public.dm_calls
language plpgsql
security definer
set search_path = ''
as $$
declare
  call public.dm_calls := p_call;
begin
  insert into public.dm_call_members (call_id, profile_id, state) values (call.id, p_me, 'joined')
  on conflict (call_id, profile_id) do update set state = 'joined', updated_at = now();
  if call.status = 'ringing' and p_me <> call.caller_id then
    update public.dm_calls set status = 'active', answered_at = now() where id = call.id returning * into call;
  end if;
  perform private.announce_group_dm_call(call.id);
  return call;
end;
$$;

-- Rings the other person of a 1:1 DM, or every other member of a group DM; returns the call
-- (the open one, if the other side is already calling: in a group DM that joins it).
create or replace function public.start_dm_call(p_channel_id uuid)
returns public.dm_calls
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  kind text;
  other uuid;
  open_call public.dm_calls;
  call public.dm_calls;
begin
  -- The DM's row lock serialises two people calling at once.
  select c.type into kind from public.channels c
   where c.id = p_channel_id and c.type in ('dm', 'group_dm')
     and exists (select 1 from public.channel_recipients r where r.channel_id = c.id and r.profile_id = me)
     for update;
  if not found then
    raise exception 'DM not found' using errcode = 'PT404';
  end if;
  if kind = 'dm' then
    select r.profile_id into other from public.channel_recipients r
     where r.channel_id = p_channel_id and r.profile_id <> me;
    if other is null
       or exists (select 1 from public.user_blocks b
                   where (b.blocker_id, b.blocked_id) in ((me, other), (other, me))) then
      raise exception 'you cannot call this person' using errcode = '42501';
    end if;
  end if;
  select * into open_call from public.dm_calls d
   where d.channel_id = p_channel_id and d.status in ('ringing', 'active') for update;
  if found then
    open_call := private.settle_stale_dm_call(open_call);
    if open_call.status in ('ringing', 'active') then
      if kind = 'group_dm' then
        return private.join_group_dm_call(open_call, me);
      end if;
      return open_call;
    end if;
  end if;
  insert into public.dm_calls (channel_id, caller_id, callee_id)
  values (p_channel_id, me, other)
  returning * into call;
  if kind = 'group_dm' then
    -- Members who blocked the caller, or whom the caller blocked, are not rung.
    insert into public.dm_call_members (call_id, profile_id, state)
    select call.id, r.profile_id, case when r.profile_id = me then 'joined' else 'ringing' end
      from public.channel_recipients r
     where r.channel_id = p_channel_id
       and not exists (select 1 from public.user_blocks b
                        where (b.blocker_id, b.blocked_id) in ((me, r.profile_id), (r.profile_id, me)));
    perform private.announce_group_dm_call(call.id);
  end if;
  return call;
end;
$$;

-- The open group call of a group DM the caller is a member of, locked; or the not-found error.
create or replace function private.my_group_dm_call_for_update(p_call_id uuid, p_me uuid)
returns public.dm_calls
language plpgsql
security definer
set search_path = ''
as $$
declare
  call public.dm_calls;
begin
  select * into call from public.dm_calls d
   where d.id = p_call_id and d.callee_id is null
     and exists (select 1 from public.channel_recipients r where r.channel_id = d.channel_id and r.profile_id = p_me)
     for update;
  if not found then
    raise exception 'call not found' using errcode = 'PT404';
  end if;
  return call;
end;
$$;

-- The person called picks up or declines; too late (rang out, cancelled, over) is a 409 the
-- client shows. In a group call any member who is not in it may join (or decline its ring).
create or replace function public.answer_dm_call(p_call_id uuid, p_accept boolean)
returns public.dm_calls
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  call public.dm_calls;
begin
  select * into call from public.dm_calls d where d.id = p_call_id and d.callee_id is null;
  if found then
    call := private.settle_stale_dm_call(private.my_group_dm_call_for_update(p_call_id, me));
    if call.status not in ('ringing', 'active') then
      raise exception 'this call is over' using errcode = 'PT409';
    end if;
    if p_accept then
      return private.join_group_dm_call(call, me);
    end if;
    update public.dm_call_members m set state = 'declined', updated_at = now()
     where m.call_id = call.id and m.profile_id = me and m.state = 'ringing';
    call := private.settle_group_dm_call(call);
    perform private.announce_group_dm_call(call.id);
    return call;
  end if;
  select * into call from public.dm_calls d where d.id = p_call_id and me in (d.caller_id, d.callee_id) for update;
  if not found then
    raise exception 'call not found' using errcode = 'PT404';
  end if;
  if call.callee_id <> me then
    raise exception 'only the person called can answer' using errcode = '42501';
  end if;
  call := private.settle_stale_dm_call(call);
  if call.status <> 'ringing' then
    raise exception 'this call is over' using errcode = 'PT409';
  end if;
  if not p_accept then
    return private.finish_dm_call(call, 'declined');
  end if;
  update public.dm_calls set status = 'active', answered_at = now() where id = call.id returning * into call;
  return call;
end;
$$;

-- Hangs up. 1:1: either person ends the call (see 20261206170000_dm_calls.sql). Group: the
-- caller leaves it (or declines its ring); it ends when the last one in it leaves. Ending a
-- call that is already over returns it unchanged.
create or replace function public.end_dm_call(p_call_id uuid)
returns public.dm_calls
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  call public.dm_calls;
begin
  select * into call from public.dm_calls d where d.id = p_call_id and d.callee_id is null;
  if found then
    call := private.my_group_dm_call_for_update(p_call_id, me);
    if call.status not in ('ringing', 'active') then
      return call;
    end if;
    update public.dm_call_members m
       set state = case m.state when 'ringing' then 'declined' else 'left' end, updated_at = now()
     where m.call_id = call.id and m.profile_id = me and m.state in ('ringing', 'joined');
    call := private.settle_group_dm_call(private.settle_stale_dm_call(call));
    perform private.announce_group_dm_call(call.id);
    return call;
  end if;
  select * into call from public.dm_calls d where d.id = p_call_id and me in (d.caller_id, d.callee_id) for update;
  if not found then
    raise exception 'call not found' using errcode = 'PT404';
  end if;
  if call.status = 'active' then
    return private.finish_dm_call(call, 'ended');
  end if;
  call := private.settle_stale_dm_call(call);
  if call.status = 'ringing' then
    -- The callee ending a ringing call declines it; the caller giving up makes it missed.
    return private.finish_dm_call(call, case when me = call.callee_id then 'declined' else 'missed' end);
  end if;
  return call;
end;
$$;

-- Someone who leaves a group DM (or is removed from it) leaves its call; the last one out ends it.
create or replace function private.leave_dm_calls_of_removed_recipient()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  call public.dm_calls;
begin
  for call in
    select d.* from public.dm_calls d
     where d.channel_id = old.channel_id and d.callee_id is null and d.status in ('ringing', 'active')
       -- Not when the whole group DM goes (its calls go with it).
       and exists (select 1 from public.channels c where c.id = old.channel_id)
       for update of d
  loop
    update public.dm_call_members m
       set state = case m.state when 'ringing' then 'declined' else 'left' end, updated_at = now()
     where m.call_id = call.id and m.profile_id = old.profile_id and m.state in ('ringing', 'joined');
    call := private.settle_group_dm_call(call);
    perform private.announce_group_dm_call(call.id, old.profile_id);
  end loop;
  return null;
end;
$$;

drop trigger if exists channel_recipients_leave_dm_calls on public.channel_recipients;
create trigger channel_recipients_leave_dm_calls after delete on public.channel_recipients
  for each row execute function private.leave_dm_calls_of_removed_recipient();

-- call:<id>: the signalling topic of a ringing or running call, for its two people (1:1) or
-- the group DM's current members.
create or replace function public.my_open_dm_call_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select d.id from public.dm_calls d
   where d.status in ('ringing', 'active')
     and ((select public.get_current_profile_id()) in (d.caller_id, d.callee_id)
          or (d.callee_id is null
              and exists (select 1 from public.channel_recipients r
                           where r.channel_id = d.channel_id
                             and r.profile_id = (select public.get_current_profile_id()))))
$$;

-- A LiveKit token for the room of a DM call (`dm-call-<id>`), for someone in it: the caller,
-- the callee once answered, a group member who joined. Microphone, camera and screen share.
create or replace function public.get_dm_call_token(p_call_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  config private.livekit_config;
  call public.dm_calls;
  room text := 'dm-call-' || p_call_id::text;
  display text;
  issued bigint := floor(extract(epoch from now()))::bigint;
  claims jsonb;
  signing_input text;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  select * into config from private.livekit_config c where c.id;
  if not found then
    raise exception 'voice is not configured on this instance' using errcode = 'P0001';
  end if;
  select * into call from public.dm_calls d
   where d.id = p_call_id and d.status in ('ringing', 'active')
     and (me = d.caller_id
          or (me = d.callee_id and d.status = 'active')
          or (d.callee_id is null
              and exists (select 1 from public.channel_recipients r
                           where r.channel_id = d.channel_id and r.profile_id = me)
              and exists (select 1 from public.dm_call_members m
                           where m.call_id = d.id and m.profile_id = me and m.state = 'joined')));
  if not found then
    raise exception 'call not found' using errcode = 'PT404';
  end if;
  select coalesce(p.display_name, p.username) into display from public.profiles p where p.id = me;
  claims := jsonb_build_object(
    'iss', config.api_key,
    'sub', me::text,
    'name', display,
    'nbf', issued,
    'iat', issued,
    'exp', issued + 6 * 3600,
    'video', jsonb_build_object(
      'room', room,
      'roomJoin', true,
      'canPublish', true,
      'canPublishSources', '["microphone", "camera", "screen_share", "screen_share_audio"]'::jsonb,
      'canSubscribe', true,
      'canPublishData', true
    ),
    'metadata', jsonb_build_object('call_id', call.id, 'channel_id', call.channel_id)::text
  );
  signing_input := private.base64url(convert_to('{"alg":"HS256","typ":"JWT"}', 'UTF8'))
    || '.' || private.base64url(convert_to(claims::text, 'UTF8'));
  return jsonb_build_object(
    'token', signing_input || '.' || private.base64url(
      extensions.hmac(convert_to(signing_input, 'UTF8'), convert_to(config.api_secret, 'UTF8'), 'sha256')),
    'url', config.server_url,
    'room', room,
    'identity', me::text
  );
end;
$$;

revoke execute on function private.dm_call_record(public.dm_calls) from public;
revoke execute on function private.announce_group_dm_call(uuid, uuid) from public;
revoke execute on function private.settle_group_dm_call(public.dm_calls) from public;
revoke execute on function private.join_group_dm_call(public.dm_calls, uuid) from public;
revoke execute on function private.my_group_dm_call_for_update(uuid, uuid) from public;
revoke execute on function private.leave_dm_calls_of_removed_recipient() from public;
revoke execute on function public.get_dm_call_token(uuid) from public, anon;
grant execute on function public.get_dm_call_token(uuid) to authenticated;

COMMIT;
