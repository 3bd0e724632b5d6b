-- Editing a message needs what sending one needs (issue 11, item 2). The update policy
-- checked authorship only, so a member denied SEND_MESSAGES (or timed out, or blocked in a
-- DM, or no longer able to see the channel) could still rewrite their messages, including
-- their member_join system message, into mentions that notified people. Now an edit is
-- refused (42501, HTTP 403) unless the author holds SEND_MESSAGES in the channel now (which
-- channel_permissions() denies without VIEW_CHANNEL, while timed out, and in a 1:1 DM after a
-- block, exactly as for the insert policy), and system messages (member_join, pin_notice,
-- system) are never edited by API roles. Mentions an edit adds are derived by the same
-- message_mentions() a new message uses; notifications go out once per message and recipient.
BEGIN;

drop policy if exists messages_update_author on public.messages;
create policy messages_update_author on public.messages
  for update to authenticated
  using (author_id = (select public.get_current_profile_id()) and deleted_at is null)
  with check (
    author_id = (select public.get_current_profile_id())
    and deleted_at is null
    and type in ('default', 'reply')
    and public.has_channel_permission(channel_id, public.permission('SEND_MESSAGES'))
  );

-- The one way notifications are created. Nothing is sent to oneself or to someone who
-- blocked the actor, and a message notifies each recipient once: a mention an edit brings
-- back, or one added to a reply, is not a second notification.
create or replace function public.send_notification(
  p_recipient_id uuid,
  p_type public.notification_type,
  p_actor_id uuid default null,
  p_server_id uuid default null,
  p_channel_id uuid default null,
  p_message_id uuid default null,
  p_data jsonb default '{}'
)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  created uuid;
begin
  if p_recipient_id is null or p_recipient_id = p_actor_id then
    return null;
  end if;
  if p_actor_id is not null and exists (
    select 1 from public.user_blocks b where b.blocker_id = p_recipient_id and b.blocked_id = p_actor_id
  ) then
    return null;
  end if;
  if p_message_id is not null and exists (
    select 1 from public.notifications n where n.recipient_id = p_recipient_id and n.message_id = p_message_id
  ) then
    return null;
  end if;
  insert into public.notifications (recipient_id, type, actor_id, server_id, channel_id, message_id, data)
  values (p_recipient_id, p_type, p_actor_id, p_server_id, p_channel_id, p_message_id, coalesce(p_data, '{}'))
  on conflict (recipient_id, message_id, type) where message_id is not null do nothing
  returning id into created;
  return created;
end;
$$;

COMMIT;
