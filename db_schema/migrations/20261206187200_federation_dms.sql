-- Federation, step 4 (issue 22): direct messages with remote users, as private ActivityPub
-- Notes (Create, Update, Delete).
--
-- A DM with a remote user is an ordinary 'dm' channel whose other recipient is a remote
-- profile; it can be opened (open_remote_dm) when one of the two follows the other (accepted,
-- in either direction) and neither blocked the other. A local message there queues a
-- federation-note job (create, update on edit, delete) that apps/server delivers; a remote
-- Note arrives through private.receive_remote_note* (apps/server, after verifying the
-- signature), which is idempotent by the Note's id (private.ap_objects).
BEGIN;

-- Remote Notes stored as messages, by their ActivityPub id.
create table if not exists private.ap_objects (
  object_uri text primary key check (object_uri ~ '^https?://'),
  message_id uuid not null unique references public.messages (id) on delete cascade,
  author_id uuid not null references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now()
);
create index if not exists ap_objects_author_idx on private.ap_objects (author_id);
alter table private.ap_objects enable row level security;
revoke all on private.ap_objects from public, anon, authenticated, service_role;
drop policy if exists no_client_access on private.ap_objects;
create policy no_client_access on private.ap_objects as restrictive for all to anon, authenticated
  using (false) with check (false);

-- Whether a local user and a remote one may exchange DMs: a follow (accepted) either way,
-- and no block either way.
create or replace function private.remote_dm_allowed(p_local_id uuid, p_remote_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.profiles p where p.id = p_remote_id and p.domain is not null)
     and exists (select 1 from public.remote_follows f
                  where f.state = 'accepted'
                    and (f.follower_id, f.followee_id) in ((p_local_id, p_remote_id), (p_remote_id, p_local_id)))
     and not exists (select 1 from public.user_blocks b
                      where (b.blocker_id, b.blocked_id) in ((p_local_id, p_remote_id), (p_remote_id, p_local_id)))
     and not exists (select 1 from public.profiles p
                       join public.federated_instances i on i.domain = p.domain and i.status = 'blocked'
                      where p.id = p_remote_id);
$$;

-- The DM channel of a local and a remote user, created when missing (one per pair).
create or replace function private.remote_dm_channel(p_local_id uuid, p_remote_id uuid)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  dm uuid;
begin
  perform pg_advisory_xact_lock(hashtextextended('harmony.dm:' || least(p_local_id, p_remote_id)::text
                                                 || greatest(p_local_id, p_remote_id)::text, 0));
  select c.id into dm
    from public.channels c
    join public.channel_recipients mine on mine.channel_id = c.id and mine.profile_id = p_local_id
    join public.channel_recipients theirs on theirs.channel_id = c.id and theirs.profile_id = p_remote_id
   where c.type = 'dm';
  if dm is null then
    insert into public.channels (type) values ('dm') returning id into dm;
    insert into public.channel_recipients (channel_id, profile_id, closed)
    values (dm, p_local_id, false), (dm, p_remote_id, false);
  end if;
  return dm;
end;
$$;

-- Opens (or reopens) the caller's DM with a remote user.
create or replace function public.open_remote_dm(p_profile_id uuid)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  dm uuid;
begin
  if p_profile_id is null then
    raise exception 'a profile is required' using errcode = '22004';
  end if;
  if not private.remote_dm_allowed(me, p_profile_id) then
    raise exception 'remote user not found, or neither of you follows the other' using errcode = 'PT404';
  end if;
  dm := private.remote_dm_channel(me, p_profile_id);
  update public.channel_recipients set closed = false where channel_id = dm and profile_id = me and closed;
  return dm;
end;
$$;
revoke execute on function public.open_remote_dm(uuid) from public, anon;
grant execute on function public.open_remote_dm(uuid) to authenticated;

-- == outgoing: a local message in a DM with a remote user ==

create or replace function private.federate_dm_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  action text;
begin
  if tg_op = 'INSERT' then
    action := 'create';
  elsif new.deleted_at is not null and old.deleted_at is null then
    action := 'delete';
  elsif new.content is distinct from old.content and new.deleted_at is null then
    action := 'update';
  else
    return null;
  end if;
  -- Only local authors' messages in DMs that have a remote recipient go out.
  if exists (select 1 from public.channels c
               join public.channel_recipients r on r.channel_id = c.id
               join public.profiles remote on remote.id = r.profile_id and remote.domain is not null
               join public.profiles author on author.id = new.author_id and author.domain is null
              where c.id = new.channel_id and c.type = 'dm') then
    perform private.enqueue_job('federation-note',
      jsonb_build_object('message_id', new.id, 'action', action, 'at', now()));
  end if;
  return null;
end;
$$;
revoke execute on function private.federate_dm_message() from public, anon, authenticated, service_role;

drop trigger if exists federate_dm_message_insert on public.messages;
create trigger federate_dm_message_insert after insert on public.messages
  for each row execute function private.federate_dm_message();
drop trigger if exists federate_dm_message_update on public.messages;
create trigger federate_dm_message_update after update of content, deleted_at on public.messages
  for each row execute function private.federate_dm_message();

-- apps/server: what a federation-note job sends.
create or replace function private.dm_note_for_delivery(p_message_id uuid)
returns table (author_id uuid, content text, created_at timestamptz, edited_at timestamptz,
               deleted boolean, recipient_actor_uri text)
language sql
stable
security definer
set search_path = ''
as $$
  select m.author_id, m.content, m.created_at, m.edited_at, m.deleted_at is not null, c.actor_uri
    from public.messages m
    join public.channel_recipients r on r.channel_id = m.channel_id
    join private.ap_actor_cache c on c.profile_id = r.profile_id
   where m.id = p_message_id;
$$;

-- == incoming: a verified Note from a remote user to a local one ==

-- Stores a remote DM; the same Note twice is one message. Null when it is not allowed.
create or replace function private.receive_remote_note(
  p_object_uri text, p_author_id uuid, p_recipient_id uuid, p_content text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  existing uuid;
  dm uuid;
  created uuid;
begin
  select o.message_id into existing from private.ap_objects o where o.object_uri = p_object_uri;
  if existing is not null then
    return existing;
  end if;
  if not exists (select 1 from public.profiles p where p.id = p_recipient_id and p.domain is null)
     or not private.remote_dm_allowed(p_recipient_id, p_author_id) then
    return null;
  end if;
  dm := private.remote_dm_channel(p_recipient_id, p_author_id);
  insert into public.messages (channel_id, author_id, content)
  values (dm, p_author_id, left(p_content, 4000))
  returning id into created;
  insert into private.ap_objects (object_uri, message_id, author_id) values (p_object_uri, created, p_author_id);
  return created;
end;
$$;

-- An edit of a remote DM, by its author only.
create or replace function private.receive_remote_note_update(p_object_uri text, p_author_id uuid, p_content text)
returns boolean
language sql
security definer
set search_path = ''
as $$
  with edited as (
    update public.messages m set content = left(p_content, 4000)
      from private.ap_objects o
     where o.object_uri = p_object_uri and o.author_id = p_author_id and m.id = o.message_id
       and m.deleted_at is null
    returning 1)
  select exists (select 1 from edited);
$$;

-- A deletion of a remote DM, by its author only (as delete_message does it).
create or replace function private.receive_remote_note_delete(p_object_uri text, p_author_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  target uuid;
begin
  select o.message_id into target from private.ap_objects o
   where o.object_uri = p_object_uri and o.author_id = p_author_id;
  if target is null then
    return false;
  end if;
  update public.messages
     set deleted_at = now(), content = '', attachments = '[]', embeds = '[]',
         mention_profile_ids = '{}', mention_role_ids = '{}', mention_everyone = false,
         pinned_at = null, pinned_by = null
   where id = target and deleted_at is null;
  delete from public.message_reactions where message_id = target;
  delete from public.notifications where message_id = target;
  return true;
end;
$$;

do $$
declare
  fn regprocedure;
begin
  foreach fn in array array[
    'private.remote_dm_allowed(uuid, uuid)', 'private.remote_dm_channel(uuid, uuid)',
    'private.dm_note_for_delivery(uuid)', 'private.receive_remote_note(text, uuid, uuid, text)',
    'private.receive_remote_note_update(text, uuid, text)',
    'private.receive_remote_note_delete(text, uuid)']::regprocedure[] loop
    execute format('revoke execute on function %s from public, anon, authenticated, service_role', fn);
  end loop;
  foreach fn in array array[
    'private.dm_note_for_delivery(uuid)', 'private.receive_remote_note(text, uuid, uuid, text)',
    'private.receive_remote_note_update(text, uuid, text)',
    'private.receive_remote_note_delete(text, uuid)']::regprocedure[] loop
    execute format('grant execute on function %s to harmony_server', fn);
  end loop;
end $$;

COMMIT;
