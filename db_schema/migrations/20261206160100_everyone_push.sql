-- Pushes for @everyone/@here (issue 19). Since migration 20261206133000 an @everyone message
-- writes no notification per member: each member's client creates its own when it syncs. A
-- member with no open tab would never hear of it, which is what Web Push is for. So an
-- @everyone message enqueues one job, and apps/server creates the notifications of the members
-- who have a push subscription (the rest stay lazy), by the same rules as
-- sync_mention_notifications(): not the author, can view the channel, joined before the
-- message, level not 'nothing', not from someone they blocked, once per message. Each one
-- enqueues its send-push like any other mention. A later sync finds it already there.
BEGIN;

-- Returns how many notifications it created.
create or replace function private.create_everyone_push_notifications(p_message_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  view_bit constant bigint := public.permission('VIEW_CHANNEL');
  message public.messages;
  channel_server uuid;
  recipient record;
  created integer := 0;
begin
  select * into message from public.messages m where m.id = p_message_id;
  if message.id is null or not message.mention_everyone or message.deleted_at is not null then
    return 0;
  end if;
  select c.server_id into channel_server from public.channels c where c.id = message.channel_id;
  if channel_server is null then
    return 0;
  end if;
  for recipient in
    select sm.profile_id
      from public.server_members sm
     where sm.server_id = channel_server
       and sm.profile_id is distinct from message.author_id
       and sm.joined_at <= message.created_at
       and exists (select 1 from public.push_subscriptions s where s.profile_id = sm.profile_id)
  loop
    if private.stored_channel_permissions(message.channel_id, recipient.profile_id) & view_bit <> 0
       and public.notification_level_for(recipient.profile_id, message.channel_id) <> 'nothing'
       and public.send_notification(recipient.profile_id, 'mention', message.author_id, channel_server,
                                    message.channel_id, message.id, jsonb_build_object('via', 'everyone'))
           is not null then
      created := created + 1;
    end if;
  end loop;
  return created;
end;
$$;

revoke execute on function private.create_everyone_push_notifications(uuid) from public, anon, authenticated, service_role;
grant execute on function private.create_everyone_push_notifications(uuid) to harmony_server;

create or replace function private.enqueue_everyone_push()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.enqueue_job('push-everyone-mention', jsonb_build_object('messageId', new.id),
                              'push-everyone-mention:' || new.id);
  return null;
end;
$$;

revoke execute on function private.enqueue_everyone_push() from public, anon, authenticated, service_role;

drop trigger if exists messages_enqueue_everyone_push on public.messages;
create trigger messages_enqueue_everyone_push
  after insert on public.messages
  for each row when (new.mention_everyone)
  execute function private.enqueue_everyone_push();

COMMIT;
