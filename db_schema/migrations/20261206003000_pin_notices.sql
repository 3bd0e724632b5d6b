-- Pinning a message leaves a system line in the channel ("X pinned a message to this channel."),
-- as Discord does: a `pin_notice` message by the pinner. Unpinning leaves none. System messages
-- are never editable by members (20261206000200_message_edit_rights.sql) and skip slowmode.
-- Idempotent: create or replace keeps the function's grants.
BEGIN;

create or replace function public.set_message_pinned(p_message_id uuid, p_pinned boolean)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  target public.messages := public.readable_message_for_update(p_message_id);
  channel_server uuid;
begin
  if private.channel_permissions(target.channel_id, me)
     & (public.permission('PIN_MESSAGES') | public.permission('MANAGE_MESSAGES')) = 0 then
    raise exception 'you cannot pin messages in this channel' using errcode = '42501';
  end if;
  if (target.pinned_at is not null) = p_pinned then
    return;
  end if;
  -- The channel row lock serialises concurrent pins, so the limit holds.
  select c.server_id into channel_server from public.channels c where c.id = target.channel_id for update;
  if p_pinned and (select count(*) from public.messages m
                    where m.channel_id = target.channel_id and m.pinned_at is not null) >= 50 then
    raise exception 'a channel can have at most 50 pinned messages' using errcode = '23514';
  end if;
  update public.messages
     set pinned_at = case when p_pinned then now() end, pinned_by = case when p_pinned then me end
   where id = target.id;
  if p_pinned then
    insert into public.messages (channel_id, author_id, type) values (target.channel_id, me, 'pin_notice');
  end if;
  if channel_server is not null then
    insert into public.audit_log (server_id, actor_id, action, target_id, changes)
    values (channel_server, me, case when p_pinned then 'message_pin' else 'message_unpin' end::public.audit_action,
            target.id, jsonb_build_object('channel_id', target.channel_id));
  end if;
end;
$$;

COMMIT;
