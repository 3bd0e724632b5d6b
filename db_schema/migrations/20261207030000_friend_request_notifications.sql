-- A friend request's notification is read once the request is settled. Before, accepting,
-- declining or cancelling a request left its "sent you a friend request" notification unread,
-- so the bell kept a badge for something already handled.
--
-- Settled means the friend_requests row is gone: accepted (make_friends deletes it), declined
-- or cancelled (deleted through RLS), or removed with a block. The notifications trigger's
-- notification_update broadcast tells the recipient's other devices.
BEGIN;

-- == functions ==

create or replace function private.read_settled_friend_request()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.notifications n
     set read_at = now()
   where n.recipient_id = old.recipient_id
     and n.actor_id = old.sender_id
     and n.type = 'friend_request'
     and n.read_at is null;
  return null;
end;
$$;

-- == triggers ==

drop trigger if exists read_settled_friend_request on public.friend_requests;
create trigger read_settled_friend_request after delete on public.friend_requests
  for each row execute function private.read_settled_friend_request();

-- == data ==

-- Requests settled before this migration.
update public.notifications n
   set read_at = now()
 where n.type = 'friend_request'
   and n.read_at is null
   and not exists (select 1 from public.friend_requests r
                    where r.recipient_id = n.recipient_id and r.sender_id = n.actor_id);

-- == privileges ==

-- Only the trigger calls it (as the owner); no API role may.
revoke all on function private.read_settled_friend_request() from public, anon, authenticated, service_role;

COMMIT;
