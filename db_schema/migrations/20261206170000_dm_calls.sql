-- 1:1 DM calls without a media server (docs-source/voice.md, "DM calls"). The database keeps
-- the call's state and rings: each change goes to both people's user topics as `call_update`
-- (Broadcast from Database, the shape realtime.broadcast_changes uses). The browsers then
-- exchange WebRTC offers, answers and ICE candidates over the private broadcast topic
-- `call:<call id>`, which only the call's two people may join or send to, and only while it
-- rings or runs. An unanswered call (declined, cancelled, or 30 s without an answer) leaves a
-- `system` message `call_missed` / `call_declined` in the DM, by the caller; an answered one
-- leaves `call_ended` when it ends.
BEGIN;

create table if not exists public.dm_calls (
  id uuid primary key default gen_random_uuid(),
  channel_id uuid not null references public.channels (id) on delete cascade,
  caller_id uuid not null references public.profiles (id) on delete cascade,
  callee_id uuid not null references public.profiles (id) on delete cascade,
  status text not null default 'ringing'
    check (status in ('ringing', 'active', 'declined', 'missed', 'ended')),
  created_at timestamptz not null default now(),
  answered_at timestamptz,
  ended_at timestamptz
);
-- At most one call rings or runs per DM: calling someone who is calling you joins their call.
create unique index if not exists dm_calls_one_open_per_channel
  on public.dm_calls (channel_id) where status in ('ringing', 'active');
create index if not exists dm_calls_caller_idx on public.dm_calls (caller_id);
create index if not exists dm_calls_callee_idx on public.dm_calls (callee_id);

alter table public.dm_calls enable row level security;
revoke all on public.dm_calls from anon, authenticated;
grant select on public.dm_calls to authenticated;
grant select, insert, update, delete on public.dm_calls to service_role;

drop policy if exists dm_calls_select_participant on public.dm_calls;
create policy dm_calls_select_participant on public.dm_calls
  for select to authenticated
  using ((select public.get_current_profile_id()) in (caller_id, callee_id));

-- How long a call rings before it counts as missed.
create or replace function private.dm_call_ring_seconds()
returns integer
language sql
immutable
set search_path = ''
as $$ select 30 $$;

-- Both people's devices hear of every change (ringing, answered elsewhere, ended).
create or replace function private.dm_call_broadcast()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  who uuid;
begin
  foreach who in array array[new.caller_id, new.callee_id] loop
    perform private.broadcast('user:' || who, 'call_update', tg_op, 'dm_calls', to_jsonb(new),
                              case when tg_op = 'UPDATE' then to_jsonb(old) end);
  end loop;
  return null;
end;
$$;

drop trigger if exists dm_calls_broadcast on public.dm_calls;
create trigger dm_calls_broadcast after insert or update on public.dm_calls
  for each row execute function private.dm_call_broadcast();

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
  insert into public.messages (channel_id, author_id, type, content)
  values (p_call.channel_id, p_call.caller_id, 'system',
          case p_status when 'ended' then 'call_ended' when 'declined' then 'call_declined' else 'call_missed' end);
  return done;
end;
$$;

-- A call that rang out unanswered is missed (whoever looks first settles it).
create or replace function private.settle_stale_dm_call(p_call public.dm_calls)
returns public.dm_calls
language plpgsql
security definer
set search_path = ''
as $$
begin
  if p_call.status = 'ringing'
     and p_call.created_at <= now() - make_interval(secs => private.dm_call_ring_seconds()) then
    return private.finish_dm_call(p_call, 'missed');
  end if;
  return p_call;
end;
$$;

-- Rings the other person of a 1:1 DM; returns the call (theirs, if they are already calling).
create or replace function public.start_dm_call(p_channel_id uuid)
returns public.dm_calls
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  other uuid;
  open_call public.dm_calls;
  call public.dm_calls;
begin
  -- The DM's row lock serialises two people calling each other at once.
  perform 1 from public.channels c
   where c.id = p_channel_id and c.type = 'dm'
     and exists (select 1 from public.channel_recipients r where r.channel_id = c.id and r.profile_id = me)
     for update;
  if not found then
    raise exception 'DM not found' using errcode = 'PT404';
  end if;
  select r.profile_id into other from public.channel_recipients r
   where r.channel_id = p_channel_id and r.profile_id <> me;
  if other is null
     or exists (select 1 from public.user_blocks b
                 where (b.blocker_id, b.blocked_id) in ((me, other), (other, me))) then
    raise exception 'you cannot call this person' using errcode = '42501';
  end if;
  select * into open_call from public.dm_calls d
   where d.channel_id = p_channel_id and d.status in ('ringing', 'active') for update;
  if found then
    open_call := private.settle_stale_dm_call(open_call);
    if open_call.status in ('ringing', 'active') then
      return open_call;
    end if;
  end if;
  insert into public.dm_calls (channel_id, caller_id, callee_id)
  values (p_channel_id, me, other)
  returning * into call;
  return call;
end;
$$;

-- The callee picks up or declines; too late (rang out, cancelled) is a 409 the client shows.
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

-- Hangs up (either person), cancels (the caller, while it rings: missed), declines (the callee,
-- while it rings) or, once it rang out, marks it missed whoever asks (both browsers time out).
-- Ending a call that is already over returns it unchanged.
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

revoke execute on function private.dm_call_ring_seconds() from public;
revoke execute on function private.dm_call_broadcast() from public;
revoke execute on function private.finish_dm_call(public.dm_calls, text) from public;
revoke execute on function private.settle_stale_dm_call(public.dm_calls) from public;
revoke execute on function public.start_dm_call(uuid) from public, anon;
revoke execute on function public.answer_dm_call(uuid, boolean) from public, anon;
revoke execute on function public.end_dm_call(uuid) from public, anon;
grant execute on function public.start_dm_call(uuid) to authenticated;
grant execute on function public.answer_dm_call(uuid, boolean) to authenticated;
grant execute on function public.end_dm_call(uuid) to authenticated;

-- call:<id>: the signalling topic of a ringing or running call, for its two people only.
create or replace function public.my_open_dm_call_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select d.id from public.dm_calls d
   where d.status in ('ringing', 'active')
     and (select public.get_current_profile_id()) in (d.caller_id, d.callee_id)
$$;
revoke execute on function public.my_open_dm_call_ids() from public, anon;
grant execute on function public.my_open_dm_call_ids() to authenticated;

drop policy if exists realtime_messages_select_dm_call on realtime.messages;
create policy realtime_messages_select_dm_call on realtime.messages
  for select to authenticated
  using (
    extension = 'broadcast'
    and (select public.realtime_topic_id('call')) in (select public.my_open_dm_call_ids())
  );

drop policy if exists realtime_messages_insert_dm_call on realtime.messages;
create policy realtime_messages_insert_dm_call on realtime.messages
  for insert to authenticated
  with check (
    extension = 'broadcast'
    and (select public.realtime_topic_id('call')) in (select public.my_open_dm_call_ids())
  );

COMMIT;
