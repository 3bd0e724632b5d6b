-- Threads (issue 20), Discord's model: a thread is a channel row of type 'thread' whose
-- parent_id is the text channel it lives in, with its metadata in public.threads (creator,
-- optional starter message, archive and lock state, auto-archive time, message count and last
-- message). Being a channel, a thread gets everything channels have without new code: its own
-- sequence numbers (catch-up with get_messages(after_seq)), read states, unread and mention
-- counts (get_unread_state), search (search_messages, with p_channel_id as the thread filter)
-- and its realtime topic channel:<thread id> for its messages.
--
-- Permissions come from the parent: a thread's stored row in private.channel_member_permissions
-- is the parent's computation (the parent's overwrites; a thread has none of its own) with
-- SEND_MESSAGES replaced by SEND_MESSAGES_IN_THREADS (private.thread_permissions), so every
-- existing policy (messages insert needs SEND_MESSAGES, reads need VIEW_CHANNEL and
-- READ_MESSAGE_HISTORY, realtime joins need VIEW_CHANNEL) applies to threads unchanged. The
-- triggers that keep the parent's rows current reach its threads: refreshing a channel also
-- refreshes the channels whose parent it is.
--
-- Rules (as Discord): creating needs CREATE_PUBLIC_THREADS in the parent; posting needs
-- SEND_MESSAGES_IN_THREADS; renaming, archiving and unarchiving need to be the creator (not
-- timed out) or hold MANAGE_THREADS; locking needs MANAGE_THREADS. A locked thread refuses
-- messages from members without MANAGE_THREADS; a message in an archived, unlocked thread
-- unarchives it.
--
-- Auto-archive is computed on read rather than by a job: a thread is archived when it was
-- archived explicitly (archived_at) or when auto_archive_minutes passed since its last
-- activity (private.thread_archived). Like a timeout in the stored permissions, the state
-- follows the clock with no write, no job and no lag, clients compute the same from
-- `archive_at`, and a message simply moves last_activity_at forward.
--
-- Participants (public.thread_members): the creator, everyone who posts, and whoever joins.
-- Realtime: thread_create / thread_update / thread_delete on the parent's topic channel:<parent>,
-- with the summary of private.thread_summary (no per-viewer fields).
BEGIN;

alter type public.channel_type add value if not exists 'thread';

alter table public.channels add column if not exists parent_id uuid references public.channels (id) on delete cascade;
-- type::text: the new enum value cannot be used as a constant in the transaction that adds it.
alter table public.channels drop constraint if exists channels_thread_parent;
alter table public.channels add constraint channels_thread_parent
  check ((parent_id is not null) = (type::text = 'thread'));
create index if not exists channels_parent_idx on public.channels (parent_id) where parent_id is not null;

create table if not exists public.threads (
  channel_id uuid primary key references public.channels (id) on delete cascade,
  -- Also on the channel row; kept here so a deleted thread's event still knows its topic.
  parent_id uuid not null references public.channels (id) on delete cascade,
  starter_message_id uuid unique references public.messages (id) on delete set null,
  owner_id uuid references public.profiles (id) on delete set null,
  auto_archive_minutes integer not null default 1440
    constraint threads_auto_archive_minutes check (auto_archive_minutes in (60, 1440, 4320, 10080)),
  -- Set when archived explicitly; auto-archive is computed (see the header).
  archived_at timestamptz,
  locked boolean not null default false,
  last_activity_at timestamptz not null default now(),
  message_count integer not null default 0,
  last_message_at timestamptz,
  last_author_id uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now()
);
create index if not exists threads_parent_idx on public.threads (parent_id, last_activity_at desc);
create index if not exists threads_owner_idx on public.threads (owner_id);
create index if not exists threads_last_author_idx on public.threads (last_author_id);

create table if not exists public.thread_members (
  thread_id uuid not null references public.threads (channel_id) on delete cascade,
  profile_id uuid not null references public.profiles (id) on delete cascade,
  joined_at timestamptz not null default now(),
  primary key (thread_id, profile_id)
);
create index if not exists thread_members_profile_idx on public.thread_members (profile_id);

alter table public.threads enable row level security;
alter table public.thread_members enable row level security;
revoke all on table public.threads, public.thread_members from public, anon, authenticated;
grant select on table public.threads, public.thread_members to authenticated;

-- Reads only: every write goes through the RPCs and triggers below.
drop policy if exists threads_select_visible on public.threads;
create policy threads_select_visible on public.threads for select to authenticated
  using (channel_id in (select public.visible_channel_ids()));
drop policy if exists thread_members_select_visible on public.thread_members;
create policy thread_members_select_visible on public.thread_members for select to authenticated
  using (thread_id in (select public.visible_channel_ids()));

-- == permissions ==

-- A thread's permissions from its parent's: SEND_MESSAGES_IN_THREADS is what lets one post.
create or replace function private.thread_permissions(p_parent_permissions bigint)
returns bigint
language plpgsql
immutable
set search_path = ''
as $$
declare
  send constant bigint := public.permission('SEND_MESSAGES');
begin
  return (p_parent_permissions & ~send)
       | case when p_parent_permissions & public.permission('SEND_MESSAGES_IN_THREADS') <> 0 then send else 0 end;
end;
$$;

-- The reference computation, now also for threads.
create or replace function private.channel_permissions(p_channel_id uuid, p_profile_id uuid)
returns bigint
language plpgsql
stable security definer
set search_path = ''
as $$
declare
  channel_server uuid;
  channel_parent uuid;
  member_timed_out boolean;
  result bigint;
begin
  if p_channel_id is null or p_profile_id is null then
    return 0;
  end if;
  select c.server_id, c.parent_id into channel_server, channel_parent from public.channels c where c.id = p_channel_id;
  if not found then
    return 0;
  end if;
  if channel_parent is not null then
    return private.thread_permissions(private.channel_permissions(channel_parent, p_profile_id));
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

-- The stored rows: a thread reads its parent's overwrites, and refreshing a channel (its
-- overwrites changed) refreshes its threads too.
create or replace function private.refresh_channel_permissions(
  p_server_id uuid,
  p_channel_id uuid default null,
  p_profile_ids uuid[] default null
)
returns void
language plpgsql
set search_path = ''
as $$
begin
  if p_server_id is null then
    return;
  end if;
  perform private.lock_channel_permissions(p_server_id);
  with members as materialized (
    select m.profile_id, m.timed_out_until, s.owner_id = m.profile_id as is_owner,
           everyone.permissions as everyone,
           array[coalesce((select bit_or(r.permissions)
                             from public.member_roles mr join public.roles r on r.id = mr.role_id
                            where mr.server_id = m.server_id and mr.profile_id = m.profile_id), 0)] as role_permissions
      from public.server_members m
      join public.servers s on s.id = m.server_id
      left join public.roles everyone on everyone.id = s.id
     where m.server_id = p_server_id
       and (p_profile_ids is null or m.profile_id = any(p_profile_ids))
  ),
  pairs as (
    select mb.*, c.id as channel_id, c.parent_id is not null as is_thread,
           everyone_ow.allow as everyone_allow, everyone_ow.deny as everyone_deny,
           role_ow.allow as roles_allow, role_ow.deny as roles_deny,
           member_ow.allow as member_allow, member_ow.deny as member_deny
      from members mb
      join public.channels c on c.server_id = p_server_id
       and (p_channel_id is null or c.id = p_channel_id or c.parent_id = p_channel_id)
      left join public.channel_overwrites everyone_ow
        on everyone_ow.channel_id = coalesce(c.parent_id, c.id) and everyone_ow.target_type = 'role'
       and everyone_ow.target_id = p_server_id
      left join lateral (
        select bit_or(o.allow) as allow, bit_or(o.deny) as deny
          from public.channel_overwrites o
          join public.member_roles mr
            on mr.role_id = o.target_id and mr.server_id = p_server_id and mr.profile_id = mb.profile_id
         where o.channel_id = coalesce(c.parent_id, c.id) and o.target_type = 'role'
      ) role_ow on true
      left join public.channel_overwrites member_ow
        on member_ow.channel_id = coalesce(c.parent_id, c.id) and member_ow.target_type = 'member'
       and member_ow.target_id = mb.profile_id
  ),
  computed as (
    select p.profile_id, p.channel_id, p.is_thread, p.timed_out_until,
           case when p.everyone is null then 0
                else public.compute_channel_permissions(p.is_owner, p.everyone, p.role_permissions,
                       p.everyone_allow, p.everyone_deny, p.roles_allow, p.roles_deny,
                       p.member_allow, p.member_deny, false) end as permissions,
           case when p.timed_out_until is null then null
                when p.everyone is null then 0
                else public.compute_channel_permissions(p.is_owner, p.everyone, p.role_permissions,
                       p.everyone_allow, p.everyone_deny, p.roles_allow, p.roles_deny,
                       p.member_allow, p.member_deny, true) end as timed_out_permissions
      from pairs p
  )
  insert into private.channel_member_permissions as t
    (profile_id, channel_id, server_id, permissions, timed_out_until, timed_out_permissions)
  select c.profile_id, c.channel_id, p_server_id,
         case when c.is_thread then private.thread_permissions(c.permissions) else c.permissions end,
         c.timed_out_until,
         case when c.is_thread then private.thread_permissions(c.timed_out_permissions)
              else c.timed_out_permissions end
    from computed c
  on conflict (profile_id, channel_id) do update
     set server_id = excluded.server_id,
         permissions = excluded.permissions,
         timed_out_until = excluded.timed_out_until,
         timed_out_permissions = excluded.timed_out_permissions
   where (t.server_id, t.permissions, t.timed_out_until, t.timed_out_permissions)
         is distinct from (excluded.server_id, excluded.permissions, excluded.timed_out_until,
                           excluded.timed_out_permissions);
end;
$$;

-- Rows computed before threads existed have no thread rows to repair; recompute servers with
-- threads on a rerun.
select private.refresh_channel_permissions(s.id)
  from public.servers s where exists (select 1 from public.channels c where c.server_id = s.id and c.parent_id is not null);

-- == state ==

-- Archived explicitly, or idle for its auto-archive time.
create or replace function private.thread_archived(p_thread public.threads)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
  return p_thread.archived_at is not null
      or p_thread.last_activity_at + make_interval(mins => p_thread.auto_archive_minutes) <= now();
end;
$$;

-- What every viewer of the parent may know of a thread (events and lists).
create or replace function private.thread_summary(p_thread public.threads)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
begin
  return (
    select jsonb_build_object(
      'id', p_thread.channel_id, 'parent_id', p_thread.parent_id, 'server_id', c.server_id, 'name', c.name,
      'owner_id', p_thread.owner_id, 'starter_message_id', p_thread.starter_message_id,
      'auto_archive_minutes', p_thread.auto_archive_minutes,
      'archived', private.thread_archived(p_thread),
      'archived_at', coalesce(p_thread.archived_at, case when private.thread_archived(p_thread)
        then p_thread.last_activity_at + make_interval(mins => p_thread.auto_archive_minutes) end),
      'archive_at', p_thread.last_activity_at + make_interval(mins => p_thread.auto_archive_minutes),
      'locked', p_thread.locked, 'message_count', p_thread.message_count,
      'member_count', (select count(*) from public.thread_members m where m.thread_id = p_thread.channel_id),
      'last_message_at', p_thread.last_message_at, 'last_author_id', p_thread.last_author_id,
      'created_at', p_thread.created_at)
      from public.channels c where c.id = p_thread.channel_id);
end;
$$;

-- == RPCs ==

-- A thread in a server text channel, from one of its messages or standalone.
create or replace function public.create_thread(
  p_channel_id uuid,
  p_name text,
  p_message_id uuid default null,
  p_auto_archive_minutes integer default 1440
)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  parent public.channels;
  perms bigint;
  created uuid;
begin
  select * into parent from public.channels c where c.id = p_channel_id;
  perms := private.stored_channel_permissions(p_channel_id, me);
  if parent.id is null or parent.server_id is null or perms & public.permission('VIEW_CHANNEL') = 0 then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  if parent.type::text <> 'text' then
    raise exception 'threads can only be started in text channels' using errcode = '22023';
  end if;
  if perms & public.permission('CREATE_PUBLIC_THREADS') = 0 then
    raise exception 'you need the CREATE_PUBLIC_THREADS permission in this channel' using errcode = '42501';
  end if;
  if p_auto_archive_minutes is null or p_auto_archive_minutes not in (60, 1440, 4320, 10080) then
    raise exception 'auto-archive must be 60, 1440, 4320 or 10080 minutes' using errcode = '22023';
  end if;
  if p_message_id is not null then
    if perms & public.permission('READ_MESSAGE_HISTORY') = 0 or not exists (
         select 1 from public.messages m
          where m.id = p_message_id and m.channel_id = p_channel_id and m.deleted_at is null) then
      raise exception 'message not found' using errcode = 'PT404';
    end if;
    -- One thread per message; the lock makes a concurrent second start wait and then refuse.
    perform 1 from public.messages m where m.id = p_message_id for update;
    if exists (select 1 from public.threads t where t.starter_message_id = p_message_id) then
      raise exception 'this message already has a thread' using errcode = '23505';
    end if;
  end if;

  insert into public.channels (server_id, category_id, type, name, parent_id)
  values (parent.server_id, parent.category_id, 'thread', public.channel_name(p_name, 'thread'), parent.id)
  returning id into created;
  insert into public.threads (channel_id, parent_id, starter_message_id, owner_id, auto_archive_minutes)
  values (created, parent.id, p_message_id, me, p_auto_archive_minutes);
  insert into public.thread_members (thread_id, profile_id) values (created, me);
  return created;
end;
$$;

-- Rename, archive or unarchive (creator or MANAGE_THREADS), lock or unlock (MANAGE_THREADS).
-- Null arguments leave that part as it is.
create or replace function public.update_thread(
  p_thread_id uuid,
  p_name text default null,
  p_archived boolean default null,
  p_locked boolean default null,
  p_auto_archive_minutes integer default null
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  thread public.threads;
  perms bigint := private.stored_channel_permissions(p_thread_id, me);
  manager boolean;
begin
  select * into thread from public.threads t where t.channel_id = p_thread_id for update;
  if thread.channel_id is null or perms & public.permission('VIEW_CHANNEL') = 0 then
    raise exception 'thread not found' using errcode = 'PT404';
  end if;
  manager := perms & public.permission('MANAGE_THREADS') <> 0;
  -- The creator acts while allowed to post here (not timed out, SEND_MESSAGES_IN_THREADS).
  if not manager and (thread.owner_id is distinct from me or perms & public.permission('SEND_MESSAGES') = 0) then
    raise exception 'only the thread''s creator or members with MANAGE_THREADS can change it' using errcode = '42501';
  end if;
  if p_locked is not null and p_locked is distinct from thread.locked and not manager then
    raise exception 'you need the MANAGE_THREADS permission to lock or unlock a thread' using errcode = '42501';
  end if;
  if thread.locked and not manager then
    raise exception 'this thread is locked' using errcode = '42501';
  end if;
  if p_auto_archive_minutes is not null and p_auto_archive_minutes not in (60, 1440, 4320, 10080) then
    raise exception 'auto-archive must be 60, 1440, 4320 or 10080 minutes' using errcode = '22023';
  end if;
  if p_name is not null then
    update public.channels c set name = public.channel_name(p_name, 'thread') where c.id = p_thread_id;
  end if;
  update public.threads t
     set locked = coalesce(p_locked, t.locked),
         auto_archive_minutes = coalesce(p_auto_archive_minutes, t.auto_archive_minutes),
         archived_at = case when p_archived is true and not private.thread_archived(t) then now()
                            when p_archived is false then null
                            else t.archived_at end,
         -- Unarchiving starts a new auto-archive period.
         last_activity_at = case when p_archived is false and private.thread_archived(t) then now()
                                 else t.last_activity_at end
   where t.channel_id = p_thread_id;
end;
$$;

-- Follow a thread (it then shows in the sidebar), or stop following it.
create or replace function public.join_thread(p_thread_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
begin
  if not exists (select 1 from public.threads t where t.channel_id = p_thread_id)
     or not public.has_channel_permission(p_thread_id,
          public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY')) then
    raise exception 'thread not found' using errcode = 'PT404';
  end if;
  insert into public.thread_members (thread_id, profile_id) values (p_thread_id, me) on conflict do nothing;
end;
$$;

create or replace function public.leave_thread(p_thread_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from public.thread_members m
   where m.thread_id = p_thread_id and m.profile_id = public.messaging_caller();
end;
$$;

-- Threads the caller may read: of one channel (p_channel_id), or those they follow in one
-- server (p_server_id, for the sidebar). p_archived: null for all, true or false for one state.
-- Newest activity first, with `joined` for the caller.
create or replace function public.list_threads(
  p_channel_id uuid default null,
  p_server_id uuid default null,
  p_archived boolean default null,
  p_limit integer default 100
)
returns jsonb
language plpgsql
stable security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  read_bits constant bigint := public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY');
begin
  if (p_channel_id is null) = (p_server_id is null) then
    raise exception 'give a channel or a server' using errcode = '22023';
  end if;
  return coalesce((
    select jsonb_agg(x.summary || jsonb_build_object('joined', x.joined) order by x.last_activity_at desc)
      from (
        select private.thread_summary(t) as summary, t.last_activity_at,
               exists (select 1 from public.thread_members m where m.thread_id = t.channel_id and m.profile_id = me)
                 as joined
          from public.threads t
          join private.channel_member_permissions_now p on p.channel_id = t.channel_id and p.profile_id = me
         where p.permissions & read_bits = read_bits
           and (p_channel_id is null or t.parent_id = p_channel_id)
           and (p_server_id is null or (p.server_id = p_server_id and exists (
                 select 1 from public.thread_members m where m.thread_id = t.channel_id and m.profile_id = me)))
           and (p_archived is null or private.thread_archived(t) = p_archived)
         order by t.last_activity_at desc
         limit least(greatest(coalesce(p_limit, 100), 1), 200)
      ) x), '[]'::jsonb);
end;
$$;

-- Participants of a thread the caller may read.
create or replace function public.thread_participants(p_thread_id uuid)
returns table (profile_id uuid, joined_at timestamptz)
language plpgsql
stable security definer
set search_path = ''
as $$
begin
  if not public.has_channel_permission(p_thread_id, public.permission('VIEW_CHANNEL')) then
    raise exception 'thread not found' using errcode = 'PT404';
  end if;
  return query select m.profile_id, m.joined_at from public.thread_members m
                where m.thread_id = p_thread_id order by m.joined_at;
end;
$$;

-- == messages in threads ==

-- Before the insert policy: a locked thread takes messages only from MANAGE_THREADS holders.
create or replace function private.messages_thread_guard()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from public.threads t where t.channel_id = new.channel_id and t.locked)
     and private.stored_channel_permissions(new.channel_id, new.author_id) & public.permission('MANAGE_THREADS') = 0 then
    raise exception 'this thread is locked' using errcode = '42501';
  end if;
  return new;
end;
$$;

-- After a message was accepted: the thread's count and last message, unarchived, and the
-- author a participant. A soft or hard deletion takes it off the count.
create or replace function private.messages_thread_activity()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    update public.threads t
       set message_count = t.message_count + 1, last_message_at = new.created_at, last_author_id = new.author_id,
           last_activity_at = now(), archived_at = null
     where t.channel_id = new.channel_id;
    if found and new.author_id is not null then
      insert into public.thread_members (thread_id, profile_id) values (new.channel_id, new.author_id)
      on conflict do nothing;
    end if;
  elsif tg_op = 'UPDATE' then
    update public.threads t set message_count = greatest(t.message_count - 1, 0)
     where t.channel_id = new.channel_id;
  else
    if old.deleted_at is null then
      update public.threads t set message_count = greatest(t.message_count - 1, 0)
       where t.channel_id = old.channel_id;
    end if;
  end if;
  return null;
end;
$$;

drop trigger if exists messages_thread_guard on public.messages;
create trigger messages_thread_guard before insert on public.messages
  for each row execute function private.messages_thread_guard();
drop trigger if exists messages_thread_insert on public.messages;
create trigger messages_thread_insert after insert on public.messages
  for each row execute function private.messages_thread_activity();
drop trigger if exists messages_thread_soft_delete on public.messages;
create trigger messages_thread_soft_delete after update of deleted_at on public.messages
  for each row when (old.deleted_at is null and new.deleted_at is not null)
  execute function private.messages_thread_activity();
drop trigger if exists messages_thread_delete on public.messages;
create trigger messages_thread_delete after delete on public.messages
  for each row execute function private.messages_thread_activity();

-- == realtime ==

-- Thread events go to the parent's topic; the thread's messages to its own (broadcast_message).
create or replace function private.broadcast_thread()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    if exists (select 1 from public.channels c where c.id = old.parent_id) then
      perform private.broadcast('channel:' || old.parent_id, 'thread_delete', tg_op, tg_table_name, null,
        jsonb_build_object('id', old.channel_id, 'parent_id', old.parent_id));
    end if;
    return null;
  end if;
  perform private.broadcast('channel:' || new.parent_id, private.broadcast_event('thread', tg_op), tg_op,
    tg_table_name, private.thread_summary(new),
    case when tg_op = 'UPDATE' then jsonb_build_object('id', old.channel_id, 'parent_id', old.parent_id) end);
  return null;
end;
$$;

-- A renamed thread says so too.
create or replace function private.broadcast_thread_rename()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  thread public.threads;
begin
  select * into thread from public.threads t where t.channel_id = new.id;
  if found then
    perform private.broadcast('channel:' || thread.parent_id, 'thread_update', tg_op, 'threads',
      private.thread_summary(thread), jsonb_build_object('id', thread.channel_id, 'parent_id', thread.parent_id));
  end if;
  return null;
end;
$$;

drop trigger if exists broadcast_thread on public.threads;
create trigger broadcast_thread after insert or delete on public.threads
  for each row execute function private.broadcast_thread();
drop trigger if exists broadcast_thread_update on public.threads;
create trigger broadcast_thread_update after update on public.threads
  for each row when (old.* is distinct from new.*) execute function private.broadcast_thread();
drop trigger if exists broadcast_thread_rename on public.channels;
create trigger broadcast_thread_rename after update of name on public.channels
  for each row when (new.parent_id is not null and old.name is distinct from new.name)
  execute function private.broadcast_thread_rename();

-- Who sees a channel's events: a thread is seen by whoever sees its parent (the parent's
-- overwrites decide), so a thread of a restricted channel never reaches the server topic.
create or replace function private.broadcast_audience(p_channel_id uuid, out server_id uuid, out all_members boolean)
language plpgsql
stable
set search_path = ''
as $$
begin
  select c.server_id,
         c.server_id is not null and (
           coalesce(everyone_role.permissions, 0) & public.permission('ADMINISTRATOR') <> 0
           or ((coalesce(everyone_role.permissions, 0) | coalesce(everyone_ow.allow, 0))
                 & public.permission('VIEW_CHANNEL') <> 0
               and not exists (select 1 from public.channel_overwrites o
                                where o.channel_id = coalesce(c.parent_id, c.id)
                                  and o.deny & public.permission('VIEW_CHANNEL') <> 0)))
    into server_id, all_members
    from public.channels c
    left join public.roles everyone_role on everyone_role.id = c.server_id
    left join public.channel_overwrites everyone_ow
      on everyone_ow.channel_id = coalesce(c.parent_id, c.id) and everyone_ow.target_type = 'role'
     and everyone_ow.target_id = c.server_id
   where c.id = p_channel_id;
end;
$$;

-- Thread rows are not sidebar channels: their own events (above) replace channel_* ones.
create or replace function private.broadcast_channel()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  channel public.channels;
  audience record;
  event text := private.broadcast_event('channel', tg_op);
  channel_key jsonb := case when tg_op = 'UPDATE' then jsonb_build_object('id', old.id, 'server_id', old.server_id) end;
  recipient uuid;
begin
  select * into channel from public.channels c where c.id = new.id;
  if not found or channel.parent_id is not null then
    return null;
  end if;
  if tg_op = 'UPDATE' and private.reordering(channel.server_id) then
    return null;
  end if;
  if channel.server_id is null then
    if tg_op = 'UPDATE' then
      for recipient in select r.profile_id from public.channel_recipients r where r.channel_id = channel.id loop
        perform private.broadcast('user:' || recipient, event, tg_op, tg_table_name, to_jsonb(channel), channel_key);
      end loop;
    end if;
    return null;
  end if;
  select * into audience from private.broadcast_audience(channel.id);
  if audience.all_members then
    perform private.broadcast('server:' || channel.server_id, event, tg_op, tg_table_name, to_jsonb(channel),
      channel_key);
  elsif tg_op = 'INSERT' then
    perform private.broadcast('server:' || channel.server_id, 'access_update', tg_op, tg_table_name,
      jsonb_build_object('server_id', channel.server_id));
  else
    perform private.broadcast('channel:' || channel.id, event, tg_op, tg_table_name, to_jsonb(channel), channel_key);
  end if;
  return null;
end;
$$;

create or replace function private.broadcast_channel_delete()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  audience record;
begin
  if old.server_id is null or old.parent_id is not null
     or not exists (select 1 from public.servers s where s.id = old.server_id) then
    return old;
  end if;
  select * into audience from private.broadcast_audience(old.id);
  if audience.all_members then
    perform private.broadcast('server:' || old.server_id, 'channel_delete', 'DELETE', tg_table_name, null, to_jsonb(old));
  else
    perform private.broadcast('channel:' || old.id, 'channel_delete', 'DELETE', tg_table_name, null, to_jsonb(old));
    perform private.broadcast('server:' || old.server_id, 'access_update', 'DELETE', tg_table_name,
      jsonb_build_object('server_id', old.server_id));
  end if;
  return old;
end;
$$;

-- == the sidebar layout lists channels, not threads ==

create or replace function public.set_channel_layout(p_server_id uuid, p_category_ids uuid[], p_channels jsonb)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_server_permission(p_server_id, 'MANAGE_CHANNELS');
  view_bit constant bigint := public.permission('VIEW_CHANNEL');
  channel_ids uuid[];
  category_of uuid[];
  refused text;
  before_order jsonb;
begin
  if p_category_ids is null or p_channels is null then
    raise exception 'the layout needs its categories and its channels' using errcode = '22004';
  end if;
  if jsonb_typeof(p_channels) <> 'array'
     or exists (select 1 from jsonb_array_elements(p_channels) e
                 where jsonb_typeof(e) <> 'object' or jsonb_typeof(e -> 'id') is distinct from 'string'
                    or jsonb_typeof(coalesce(e -> 'category_id', 'null')) not in ('string', 'null')) then
    raise exception 'channels must be a list of {id, category_id}' using errcode = '22023';
  end if;
  -- Concurrent layouts, and channels or categories created meanwhile, wait for this one.
  perform 1 from public.servers s where s.id = p_server_id for update;

  if cardinality(p_category_ids) <> (select count(distinct c) from unnest(p_category_ids) c where c is not null)
     or (select coalesce(array_agg(c order by c), '{}') from unnest(p_category_ids) c)
        <> (select coalesce(array_agg(k.id order by k.id), '{}') from public.channel_categories k
             where k.server_id = p_server_id) then
    raise exception 'the layout must list each category of the server exactly once' using errcode = '22023';
  end if;

  select coalesce(array_agg((e ->> 'id')::uuid order by o), '{}'),
         coalesce(array_agg((e ->> 'category_id')::uuid order by o), '{}')
    into channel_ids, category_of
    from jsonb_array_elements(p_channels) with ordinality as x (e, o);
  if cardinality(channel_ids) <> (select count(distinct c) from unnest(channel_ids) c)
     or (select coalesce(array_agg(c order by c), '{}') from unnest(channel_ids) c)
        <> (select coalesce(array_agg(c.id order by c.id), '{}') from public.channels c
             where c.server_id = p_server_id and c.parent_id is null
               and private.channel_permissions(c.id, me) & view_bit <> 0) then
    raise exception 'the layout must list each channel you can see exactly once' using errcode = '22023';
  end if;
  if exists (select 1 from unnest(category_of) k where k is not null and k <> all (p_category_ids)) then
    raise exception 'a channel''s category must be one of the server''s categories' using errcode = '22023';
  end if;
  select c.name into refused
    from unnest(channel_ids, category_of) as w (id, category_id) join public.channels c on c.id = w.id
   where c.category_id is distinct from w.category_id
     and private.channel_permissions(c.id, me) & public.permission('MANAGE_CHANNELS') = 0
   limit 1;
  if refused is not null then
    raise exception 'you need the MANAGE_CHANNELS permission in % to move it to another category', refused
      using errcode = '42501';
  end if;

  before_order := private.layout_order(p_server_id);
  perform private.announce_reorder(p_server_id, 'layout_update', 'channels');
  update public.channel_categories k
     set position = o.ord - 1
    from unnest(p_category_ids) with ordinality as o (id, ord)
   where k.id = o.id and k.position <> o.ord - 1;

  -- The listed channels take, in their new order, the places visible channels held in the
  -- server-wide order; hidden channels keep theirs. Positions then run 0, 1, 2, …
  -- A category's rank comes first, so the stored order is the order the list shows.
  with current_places as (
    select c.id, c.category_id,
           row_number() over (order by c.position, c.created_at, c.id) as place,
           private.channel_permissions(c.id, me) & view_bit <> 0 as listed
      from public.channels c where c.server_id = p_server_id and c.parent_id is null
  ), listed_places as (
    select p.place, row_number() over (order by p.place) as n from current_places p where p.listed
  ), wanted_order as (
    select w.id, w.category_id,
           row_number() over (order by coalesce(array_position(p_category_ids, w.category_id), 0), w.ord) as n
      from unnest(channel_ids, category_of) with ordinality as w (id, category_id, ord)
  ), placed as (
    select w.id, w.category_id, l.place from wanted_order w join listed_places l on l.n = w.n
    union all
    select p.id, p.category_id, p.place from current_places p where not p.listed
  ), final as (
    select p.id, p.category_id,
           row_number() over (order by coalesce(array_position(p_category_ids, p.category_id), 0), p.place) - 1
             as position
      from placed p
  )
  update public.channels c
     set position = f.position, category_id = f.category_id
    from final f
   where c.id = f.id and (c.position, c.category_id) is distinct from (f.position::integer, f.category_id);
  perform private.audit_reorder(p_server_id, 'channel_reorder', before_order, private.layout_order(p_server_id));
end;
$$;

-- == unread: threads count for their participants ==

-- get_unread_state as 20261206180000_quiet_hours.sql left it, without the threads the caller does
-- not take part in: their messages would mark the server unread with nothing in the sidebar to
-- show where (Discord counts followed threads only). Joining or posting brings a thread in.
create or replace function public.get_unread_state()
returns table (
  channel_id uuid,
  server_id uuid,
  last_read_seq bigint,
  last_message_seq bigint,
  unread_count integer,
  mention_count integer
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  read_bits constant bigint := public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY');
begin
  return query
    with readable as (
      select p.channel_id, p.server_id from private.channel_member_permissions p
       where p.profile_id = me
         and (case when p.timed_out_until > now() then p.timed_out_permissions else p.permissions end)
             & read_bits = read_bits
         -- A thread counts for its participants only, as in Discord.
         and not exists (select 1 from public.threads t
                          where t.channel_id = p.channel_id
                            and not exists (select 1 from public.thread_members m
                                             where m.thread_id = t.channel_id and m.profile_id = me))
      union all
      select r.channel_id, null::uuid from public.channel_recipients r where r.profile_id = me
    ),
    positions as (
      select r.channel_id, r.server_id, coalesce(rs.last_read_seq, 0) as read_seq,
             coalesce(s.last_seq, 0) as last_seq, coalesce(sns.suppress_everyone, false) as suppress_everyone
        from readable r
        left join public.read_states rs on rs.profile_id = me and rs.channel_id = r.channel_id
        left join public.channel_sequences s on s.channel_id = r.channel_id
        left join public.server_notification_settings sns on sns.profile_id = me and sns.server_id = r.server_id
    )
    select p.channel_id, p.server_id, p.read_seq, p.last_seq,
           case when p.last_seq <= p.read_seq then 0 else (
             p.last_seq - p.read_seq
             - (select count(*) from private.message_gaps g
                 where g.channel_id = p.channel_id and g.seq > p.read_seq)
             - (select count(*) from public.messages m
                 where m.author_id = me and m.channel_id = p.channel_id and m.seq > p.read_seq
                   and m.deleted_at is null))::integer end,
           case when p.last_seq <= p.read_seq then 0 else (
             select count(distinct t.seq) from private.message_mention_targets t
              where t.target_id = any(array[me] || case when p.suppress_everyone then '{}'::uuid[]
                                                         else array[p.channel_id] end || array(
                      select mr.role_id from public.member_roles mr
                       where mr.server_id = p.server_id and mr.profile_id = me))
                and t.channel_id = p.channel_id and t.seq > p.read_seq
                and t.author_id is distinct from me)::integer end
      from positions p
     order by p.server_id nulls first, p.channel_id;
end;
$$;

-- == grants ==

revoke execute on function
  private.thread_permissions(bigint),
  private.thread_archived(public.threads),
  private.thread_summary(public.threads),
  private.messages_thread_guard(),
  private.messages_thread_activity(),
  private.broadcast_thread(),
  private.broadcast_thread_rename()
  from public, anon, authenticated, service_role;
revoke execute on function
  public.create_thread(uuid, text, uuid, integer),
  public.update_thread(uuid, text, boolean, boolean, integer),
  public.join_thread(uuid),
  public.leave_thread(uuid),
  public.list_threads(uuid, uuid, boolean, integer),
  public.thread_participants(uuid)
  from public, anon;
grant execute on function
  public.create_thread(uuid, text, uuid, integer),
  public.update_thread(uuid, text, boolean, boolean, integer),
  public.join_thread(uuid),
  public.leave_thread(uuid),
  public.list_threads(uuid, uuid, boolean, integer),
  public.thread_participants(uuid)
  to authenticated;

COMMIT;
