-- Broadcast from Database (issue 12, item 2). Triggers write Harmony's high-volume events into
-- realtime.messages (through realtime.send / realtime.broadcast_changes, as Supabase documents),
-- on private topics whose realtime.messages policies check the member once per join:
--   channel:<id>  a channel's messages, reactions and pins; structure of a restricted channel
--   server:<id>   what every member of the server may see: the server, roles, categories,
--                 members, channels every member sees, "something about access changed"
--   user:<id>     one person's own rows: notifications, read markers, memberships and roles,
--                 DM membership, friend requests and friendships
-- docs-source/realtime.md lists every event and its payload.
--
-- Every payload has the shape realtime.broadcast_changes gives: {operation, table, schema,
-- record, old_record} (realtime.send adds the broadcast's own `id`). Where the whole row is
-- small and every member of the topic may see it, the trigger calls broadcast_changes; where a
-- leaner or safer record is better (messages without their search vector, members without
-- their private notification level, ids only for deletions), it calls realtime.send.
--
-- Who sees a server channel decides where its events go (private.broadcast_audience): a channel
-- every member of the server sees goes to the server topic in full; any other ("restricted")
-- channel never appears on the server topic: its changes go to its own topic, whose joins
-- need VIEW_CHANNEL, and the server topic only says `access_update` (no id, no name) when a
-- restricted channel appears or disappears or any overwrite changes, so members re-read
-- through RLS what they may see. A DM's changes go to its recipients' user topics (at most 10).
--
-- Cost: one realtime.messages row per event per topic. Cascades (a deleted server, channel,
-- message, role or member) send the event of the deleted parent only, not one per child row.
-- The trigger functions are SECURITY DEFINER (owner postgres, which bypasses RLS on Supabase
-- as here): realtime.send inserts as its caller, and the INSERT policies on realtime.messages
-- would refuse (and send() would silently drop) a member's write to another user's topic.
BEGIN;

create schema if not exists private;

-- == helpers ==

-- A channel's server, and whether every member of that server sees it: @everyone holds
-- ADMINISTRATOR, or VIEW_CHANNEL after its own overwrite while no overwrite on the channel
-- denies VIEW_CHANNEL to anyone. (Conservative: a deny for a role nobody holds still makes the
-- channel restricted, which costs only a less direct event.) server_id is null for a DM or
-- group DM, and both are null for a missing channel.
-- PL/pgSQL rather than SQL: a SQL function with a SET clause is never inlined and would be
-- planned again on every call (about 0.4 ms); PL/pgSQL keeps its plan for the session.
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
                                where o.channel_id = c.id and o.deny & public.permission('VIEW_CHANNEL') <> 0)))
    into server_id, all_members
    from public.channels c
    left join public.roles everyone_role on everyone_role.id = c.server_id
    left join public.channel_overwrites everyone_ow
      on everyone_ow.channel_id = c.id and everyone_ow.target_type = 'role' and everyone_ow.target_id = c.server_id
   where c.id = p_channel_id;
end;
$$;

-- `<entity>_create|update|delete` for a trigger operation.
create or replace function private.broadcast_event(p_entity text, p_operation text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  return p_entity || '_' || case p_operation when 'INSERT' then 'create' when 'UPDATE' then 'update' else 'delete' end;
end;
$$;

-- realtime.send with broadcast_changes' payload shape, for records the trigger chose.
create or replace function private.broadcast(
  p_topic text,
  p_event text,
  p_operation text,
  p_table text,
  p_record jsonb,
  p_old_record jsonb default null
)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform realtime.send(
    jsonb_build_object('operation', p_operation, 'table', p_table, 'schema', 'public',
                       'record', p_record, 'old_record', p_old_record),
    p_event, p_topic, true);
end;
$$;

-- == channel topics: messages, reactions, pins ==

-- message_create: the whole message (not its search vector: that is the content again). A
-- message in a channel every member sees also puts an `unread_message` on the server topic:
-- what unread and mention counts need, without the content.
-- An UPDATE is one of: message_delete (soft delete: the tombstone), message_update (content,
-- attachments or embeds), message_pin (pinned or unpinned). A hard DELETE is message_delete
-- with ids only. old_record is the message's key.
create or replace function private.broadcast_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  audience record;
  event text;
begin
  if tg_op = 'INSERT' then
    perform private.broadcast('channel:' || new.channel_id, 'message_create', tg_op, tg_table_name,
      to_jsonb(new) - 'search_vector');
    select * into audience from private.broadcast_audience(new.channel_id);
    if audience.all_members then
      perform private.broadcast('server:' || audience.server_id, 'unread_message', tg_op, tg_table_name,
        jsonb_build_object('id', new.id, 'channel_id', new.channel_id, 'seq', new.seq, 'author_id', new.author_id,
                           'type', new.type, 'mention_everyone', new.mention_everyone,
                           'mention_profile_ids', new.mention_profile_ids, 'mention_role_ids', new.mention_role_ids,
                           'created_at', new.created_at));
    end if;
    return null;
  end if;

  if tg_op = 'DELETE' then
    -- A deleted channel takes its messages along: its channel_delete says it all.
    if not exists (select 1 from public.channels c where c.id = old.channel_id) then
      return null;
    end if;
    perform private.broadcast('channel:' || old.channel_id, 'message_delete', tg_op, tg_table_name, null,
      jsonb_build_object('id', old.id, 'channel_id', old.channel_id, 'seq', old.seq));
    return null;
  end if;

  event := case
    when old.deleted_at is null and new.deleted_at is not null then 'message_delete'
    when (old.content, old.attachments, old.embeds) is distinct from (new.content, new.attachments, new.embeds)
      then 'message_update'
    else 'message_pin'
  end;
  perform private.broadcast('channel:' || new.channel_id, event, tg_op, tg_table_name,
    to_jsonb(new) - 'search_vector',
    jsonb_build_object('id', old.id, 'channel_id', old.channel_id, 'seq', old.seq));
  return null;
end;
$$;

-- Named to fire before messages_after_insert, so a message goes out before its notifications.
drop trigger if exists broadcast_message_insert on public.messages;
create trigger broadcast_message_insert after insert on public.messages
  for each row execute function private.broadcast_message();
-- Only what clients show: not the author or reply link a deleted profile or message clears.
drop trigger if exists broadcast_message_update on public.messages;
create trigger broadcast_message_update after update on public.messages
  for each row
  -- One flat OR (not a row comparison, which PostgreSQL deparses into nested ORs that a dump
  -- cannot reproduce byte for byte).
  when (old.content is distinct from new.content
        or old.attachments is distinct from new.attachments
        or old.embeds is distinct from new.embeds
        or old.deleted_at is distinct from new.deleted_at
        or old.pinned_at is distinct from new.pinned_at)
  execute function private.broadcast_message();
drop trigger if exists broadcast_message_delete on public.messages;
create trigger broadcast_message_delete after delete on public.messages
  for each row execute function private.broadcast_message();

-- reaction_create / reaction_delete: the reaction row plus its message's channel_id. Reactions
-- removed with their message (deleted, or soft-deleted by delete_message) send nothing more.
create or replace function private.broadcast_reaction()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  reaction public.message_reactions;
  message record;
begin
  if tg_op = 'DELETE' then
    reaction := old;
  else
    reaction := new;
  end if;
  select m.channel_id, m.deleted_at into message from public.messages m where m.id = reaction.message_id;
  if not found or message.deleted_at is not null then
    return null;
  end if;
  perform private.broadcast('channel:' || message.channel_id, private.broadcast_event('reaction', tg_op),
    tg_op, tg_table_name,
    case when tg_op = 'INSERT' then to_jsonb(new) || jsonb_build_object('channel_id', message.channel_id) end,
    case when tg_op = 'DELETE' then to_jsonb(old) || jsonb_build_object('channel_id', message.channel_id) end);
  return null;
end;
$$;

drop trigger if exists broadcast_reaction on public.message_reactions;
create trigger broadcast_reaction after insert or delete on public.message_reactions
  for each row execute function private.broadcast_reaction();

-- == channels: to the server topic, the channel topic or the recipients ==

-- channel_create / channel_update, deferred to commit so that the channel is judged with the
-- overwrites it ends up with (a channel created and restricted in one transaction never shows
-- on the server topic), and sent as it is then.
--   every member sees it: server topic, the whole row;
--   restricted: a new one is `access_update` on the server topic (members re-read what they
--     see), a changed one channel_update on its own topic (its viewers);
--   group DM renamed or handed to a new owner: each recipient's user topic. A new DM is
--     announced by its recipient rows.
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
  if not found then
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

drop trigger if exists broadcast_channel_insert on public.channels;
create constraint trigger broadcast_channel_insert after insert on public.channels
  deferrable initially deferred
  for each row execute function private.broadcast_channel();
drop trigger if exists broadcast_channel_update on public.channels;
create constraint trigger broadcast_channel_update after update on public.channels
  deferrable initially deferred
  for each row when ((to_jsonb(old) - 'updated_at') is distinct from (to_jsonb(new) - 'updated_at'))
  execute function private.broadcast_channel();

-- channel_delete, judged BEFORE the row goes (its overwrites cascade away with it): a channel
-- every member sees on the server topic; a restricted one on its own topic, plus an id-less
-- `access_update` on the server topic. Nothing when the whole server goes (server_delete), and
-- nothing for a DM (its last recipient has left).
create or replace function private.broadcast_channel_delete()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  audience record;
begin
  if old.server_id is null or not exists (select 1 from public.servers s where s.id = old.server_id) then
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

drop trigger if exists broadcast_channel_delete on public.channels;
create trigger broadcast_channel_delete before delete on public.channels
  for each row execute function private.broadcast_channel_delete();

-- access_update on the server topic, once per server per statement, for any overwrite change:
-- overwrites say who sees what, and a member who just lost or gained a channel cannot be told
-- which without telling the others it exists. Members re-read their channels through RLS.
-- Overwrites removed with their channel send nothing (the channel's own event does).
create or replace function private.broadcast_overwrites()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.broadcast('server:' || affected.server_id, 'access_update', tg_op, tg_table_name,
            jsonb_build_object('server_id', affected.server_id))
     from (select distinct c.server_id
             from changed_overwrites o join public.channels c on c.id = o.channel_id
            where c.server_id is not null) affected;
  return null;
end;
$$;

drop trigger if exists broadcast_overwrites_insert on public.channel_overwrites;
create trigger broadcast_overwrites_insert after insert on public.channel_overwrites
  referencing new table as changed_overwrites
  for each statement execute function private.broadcast_overwrites();
drop trigger if exists broadcast_overwrites_update on public.channel_overwrites;
create trigger broadcast_overwrites_update after update on public.channel_overwrites
  referencing new table as changed_overwrites
  for each statement execute function private.broadcast_overwrites();
drop trigger if exists broadcast_overwrites_delete on public.channel_overwrites;
create trigger broadcast_overwrites_delete after delete on public.channel_overwrites
  referencing old table as changed_overwrites
  for each statement execute function private.broadcast_overwrites();

-- == DM recipients: user topics ==

-- recipient_create / recipient_delete to every recipient of the DM (the one added or removed
-- included); recipient_update (closed or reopened) to that recipient only.
create or replace function private.broadcast_recipient()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  link public.channel_recipients;
  event text := private.broadcast_event('recipient', tg_op);
  recipient uuid;
begin
  if tg_op = 'DELETE' then
    link := old;
  else
    link := new;
  end if;
  if not exists (select 1 from public.channels c where c.id = link.channel_id) then
    return null;
  end if;
  if tg_op = 'UPDATE' then
    perform realtime.broadcast_changes('user:' || new.profile_id, event, tg_op, tg_table_name, tg_table_schema,
      new, old);
    return null;
  end if;
  for recipient in
    select r.profile_id from public.channel_recipients r where r.channel_id = link.channel_id
    union
    select link.profile_id
  loop
    perform realtime.broadcast_changes('user:' || recipient, event, tg_op, tg_table_name, tg_table_schema, new, old);
  end loop;
  return null;
end;
$$;

drop trigger if exists broadcast_recipient on public.channel_recipients;
create trigger broadcast_recipient after insert or delete on public.channel_recipients
  for each row execute function private.broadcast_recipient();
drop trigger if exists broadcast_recipient_update on public.channel_recipients;
create trigger broadcast_recipient_update after update on public.channel_recipients
  for each row when (old.closed is distinct from new.closed)
  execute function private.broadcast_recipient();

-- == server topics: the server, roles, categories, members ==

-- server_update / server_delete: every member sees the server row.
create or replace function private.broadcast_server()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.broadcast_changes('server:' || coalesce(new.id, old.id), private.broadcast_event('server', tg_op),
    tg_op, tg_table_name, tg_table_schema, new, old);
  return null;
end;
$$;

drop trigger if exists broadcast_server_update on public.servers;
create trigger broadcast_server_update after update on public.servers
  for each row when ((to_jsonb(old) - 'updated_at') is distinct from (to_jsonb(new) - 'updated_at'))
  execute function private.broadcast_server();
drop trigger if exists broadcast_server_delete on public.servers;
create trigger broadcast_server_delete after delete on public.servers
  for each row execute function private.broadcast_server();

-- role_* and category_*: rows every member sees, whole. Nothing when the server itself goes.
create or replace function private.broadcast_server_row()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  server uuid := coalesce(new.server_id, old.server_id);
begin
  if tg_op = 'DELETE' and not exists (select 1 from public.servers s where s.id = server) then
    return null;
  end if;
  perform realtime.broadcast_changes('server:' || server, private.broadcast_event(tg_argv[0], tg_op),
    tg_op, tg_table_name, tg_table_schema, new, old);
  return null;
end;
$$;

drop trigger if exists broadcast_role on public.roles;
create trigger broadcast_role after insert or delete on public.roles
  for each row execute function private.broadcast_server_row('role');
drop trigger if exists broadcast_role_update on public.roles;
create trigger broadcast_role_update after update on public.roles
  for each row when (old.* is distinct from new.*)
  execute function private.broadcast_server_row('role');
drop trigger if exists broadcast_category on public.channel_categories;
create trigger broadcast_category after insert or delete on public.channel_categories
  for each row execute function private.broadcast_server_row('category');
drop trigger if exists broadcast_category_update on public.channel_categories;
create trigger broadcast_category_update after update on public.channel_categories
  for each row when (old.* is distinct from new.*)
  execute function private.broadcast_server_row('category');

-- member_create / member_update / member_delete. The server topic gets the row without the
-- member's own notification level (a change of only that goes to the member alone); the
-- member's user topic gets the whole row, so their other devices and a server they just
-- joined or left follow. A removal carries ids, and `banned` on the user topic.
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
  if tg_op = 'INSERT' or (to_jsonb(old) - 'notification_level') is distinct from (to_jsonb(new) - 'notification_level') then
    perform private.broadcast('server:' || new.server_id, event, tg_op, tg_table_name,
      to_jsonb(new) - 'notification_level', case when tg_op = 'UPDATE' then member_key end);
  end if;
  perform private.broadcast('user:' || new.profile_id, event, tg_op, tg_table_name, to_jsonb(new),
    case when tg_op = 'UPDATE' then member_key end);
  return null;
end;
$$;

drop trigger if exists broadcast_member on public.server_members;
create trigger broadcast_member after insert or delete on public.server_members
  for each row execute function private.broadcast_member();
drop trigger if exists broadcast_member_update on public.server_members;
create trigger broadcast_member_update after update on public.server_members
  for each row when (old.* is distinct from new.*)
  execute function private.broadcast_member();

-- member_role_create / member_role_delete to the server topic (the member list shows roles)
-- and to the member's user topic (their permissions changed). Not when the role or the
-- membership itself goes: role_delete and member_delete cover their holders.
create or replace function private.broadcast_member_role()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  link public.member_roles;
  event text := private.broadcast_event('member_role', tg_op);
begin
  if tg_op = 'DELETE' then
    link := old;
    if not exists (select 1 from public.roles r where r.id = old.role_id)
       or not exists (select 1 from public.server_members m
                       where m.server_id = old.server_id and m.profile_id = old.profile_id) then
      return null;
    end if;
  else
    link := new;
  end if;
  perform realtime.broadcast_changes('server:' || link.server_id, event, tg_op, tg_table_name, tg_table_schema,
    new, old);
  perform realtime.broadcast_changes('user:' || link.profile_id, event, tg_op, tg_table_name, tg_table_schema,
    new, old);
  return null;
end;
$$;

drop trigger if exists broadcast_member_role on public.member_roles;
create trigger broadcast_member_role after insert or delete on public.member_roles
  for each row execute function private.broadcast_member_role();

-- == user topics: notifications, read markers, friends ==

create or replace function private.broadcast_notification()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.broadcast_changes('user:' || new.recipient_id, 'notification_create', tg_op, tg_table_name,
    tg_table_schema, new, old);
  return null;
end;
$$;

drop trigger if exists broadcast_notification on public.notifications;
create trigger broadcast_notification after insert on public.notifications
  for each row execute function private.broadcast_notification();

-- "Mark all read" and a deleted message's notifications touch many rows at once: one event per
-- recipient per statement (in chunks of 1000 ids), not one per row.
-- notification_update: record {ids, read_at}; notification_delete: old_record {ids}.
create or replace function private.broadcast_notifications_changed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    perform private.broadcast('user:' || g.recipient_id, 'notification_update', tg_op, tg_table_name,
              jsonb_build_object('ids', g.ids, 'read_at', g.read_at))
       from (select n.recipient_id, n.read_at, jsonb_agg(n.id order by n.id) as ids
               from (select a.recipient_id, a.read_at, a.id,
                            (row_number() over (partition by a.recipient_id, a.read_at order by a.id) - 1) / 1000 as chunk
                       from notifications_after a join notifications_before b on b.id = a.id
                      where a.read_at is distinct from b.read_at) n
              group by n.recipient_id, n.read_at, n.chunk) g;
  else
    perform private.broadcast('user:' || g.recipient_id, 'notification_delete', tg_op, tg_table_name, null,
              jsonb_build_object('ids', g.ids))
       from (select n.recipient_id, jsonb_agg(n.id order by n.id) as ids
               from (select b.recipient_id, b.id,
                            (row_number() over (partition by b.recipient_id order by b.id) - 1) / 1000 as chunk
                       from notifications_before b
                      where exists (select 1 from public.profiles p where p.id = b.recipient_id)) n
              group by n.recipient_id, n.chunk) g;
  end if;
  return null;
end;
$$;

drop trigger if exists broadcast_notifications_update on public.notifications;
create trigger broadcast_notifications_update after update on public.notifications
  referencing old table as notifications_before new table as notifications_after
  for each statement execute function private.broadcast_notifications_changed();
drop trigger if exists broadcast_notifications_delete on public.notifications;
create trigger broadcast_notifications_delete after delete on public.notifications
  referencing old table as notifications_before
  for each statement execute function private.broadcast_notifications_changed();

-- read_state_update when the marker moves (first read included), so the user's other devices
-- clear their unread counts.
create or replace function private.broadcast_read_state()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.broadcast_changes('user:' || new.profile_id, 'read_state_update', tg_op, tg_table_name,
    tg_table_schema, new, old);
  return null;
end;
$$;

drop trigger if exists broadcast_read_state on public.read_states;
create trigger broadcast_read_state after insert on public.read_states
  for each row execute function private.broadcast_read_state();
drop trigger if exists broadcast_read_state_update on public.read_states;
create trigger broadcast_read_state_update after update on public.read_states
  for each row when (old.last_read_seq is distinct from new.last_read_seq)
  execute function private.broadcast_read_state();

-- friend_request_* and friendship_* to both people (each may see the row).
create or replace function private.broadcast_between_two()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  row_data jsonb := to_jsonb(coalesce(new, old));
  person text;
begin
  foreach person in array array[row_data ->> tg_argv[1], row_data ->> tg_argv[2]] loop
    perform realtime.broadcast_changes('user:' || person, private.broadcast_event(tg_argv[0], tg_op), tg_op,
      tg_table_name, tg_table_schema, new, old);
  end loop;
  return null;
end;
$$;

drop trigger if exists broadcast_friend_request on public.friend_requests;
create trigger broadcast_friend_request after insert or delete on public.friend_requests
  for each row execute function private.broadcast_between_two('friend_request', 'sender_id', 'recipient_id');
drop trigger if exists broadcast_friendship on public.friendships;
create trigger broadcast_friendship after insert or delete on public.friendships
  for each row execute function private.broadcast_between_two('friendship', 'profile_a', 'profile_b');

-- == privileges ==

-- Only the triggers call these (as the owner); no API role may.
do $$
declare
  fn regprocedure;
begin
  for fn in select p.oid::regprocedure from pg_proc p
             where p.pronamespace = 'private'::regnamespace and p.proname like 'broadcast%' loop
    execute format('revoke execute on function %s from public, anon, authenticated, service_role', fn);
  end loop;
end $$;

-- == reading realtime.messages ==

-- The rows now carry private payloads (message contents, notifications). Realtime reads a
-- topic's rows with realtime.topic set to that topic; the permissive policies check the
-- member's right to the topic named by that setting, not the row's own topic. This
-- restrictive policy makes a reader see only rows of the topic they were authorised for, so
-- whoever may join `user:<self>` cannot read `channel:<other>` rows through it.
drop policy if exists realtime_messages_select_own_topic on realtime.messages;
create policy realtime_messages_select_own_topic on realtime.messages
  as restrictive
  for select to authenticated
  using (topic = (select realtime.topic()));

COMMIT;
