-- @everyone/@here without a row per member in the insert (issue 17). notify_message() wrote a
-- notification for every member of the server inside the message's insert (233 ms per message
-- in a 1,000-member server). Now:
--   * the mention badge was already derived lazily: get_unread_state() counts the message's one
--     @everyone row in private.message_mention_targets (migration 20261206131000), and clients
--     count it live from the unread_message / message events (mention_everyone);
--   * the notification is created for each member by that member's own call:
--     sync_mention_notifications() turns the @everyone/@here messages in channels the caller
--     can see, since their last call (a cursor per member and channel) and since they joined,
--     into their notifications through send_notification() — the same rules (not one's own, not
--     from someone they blocked, once per message, level not 'nothing') — and each one still
--     reaches the member's user topic as notification_create. The web client calls it when it
--     loads notifications, after a reconnect, and when a live message mentions everyone.
-- The insert writes one mention-target row for the whole server, whatever its size.
-- A notification's "via" is 'everyone' as before. An edit that adds @everyone after a member
-- synced past that message no longer notifies them (the badge still counts it).
BEGIN;

create table if not exists private.everyone_mention_cursors (
  profile_id uuid not null references public.profiles (id) on delete cascade,
  channel_id uuid not null references public.channels (id) on delete cascade,
  -- @everyone messages up to this seq were turned into notifications (or skipped).
  seq bigint not null,
  primary key (profile_id, channel_id)
);
create index if not exists everyone_mention_cursors_channel_idx on private.everyone_mention_cursors (channel_id);
revoke all on table private.everyone_mention_cursors from public, anon, authenticated, service_role;
alter table private.everyone_mention_cursors enable row level security;

-- Returns how many notifications it created.
create or replace function public.sync_mention_notifications()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  view_bit constant bigint := public.permission('VIEW_CHANNEL');
  pending record;
  created integer := 0;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  for pending in
    select t.channel_id, t.seq, m.id as message_id, m.author_id, p.server_id
      from private.channel_member_permissions_now p
      join public.server_members sm on sm.server_id = p.server_id and sm.profile_id = me
      left join private.everyone_mention_cursors cur on cur.profile_id = me and cur.channel_id = p.channel_id
      join private.message_mention_targets t
        on t.target_id = p.channel_id and t.channel_id = p.channel_id and t.seq > coalesce(cur.seq, 0)
      join public.messages m on m.channel_id = t.channel_id and m.seq = t.seq
     where p.profile_id = me and p.permissions & view_bit <> 0
       and m.mention_everyone and m.deleted_at is null and m.created_at >= sm.joined_at
     order by t.channel_id, t.seq
  loop
    if public.notification_level_for(me, pending.channel_id) <> 'nothing'
       and public.send_notification(me, 'mention', pending.author_id, pending.server_id, pending.channel_id,
                                    pending.message_id, jsonb_build_object('via', 'everyone')) is not null then
      created := created + 1;
    end if;
    insert into private.everyone_mention_cursors as c (profile_id, channel_id, seq)
    values (me, pending.channel_id, pending.seq)
    on conflict (profile_id, channel_id) do update set seq = greatest(c.seq, excluded.seq);
  end loop;
  return created;
end;
$$;

revoke execute on function public.sync_mention_notifications() from public, anon;
grant execute on function public.sync_mention_notifications() to authenticated, service_role;

create or replace function public.notify_message(
  p_message public.messages,
  p_profile_ids uuid[],
  p_role_ids uuid[],
  p_everyone boolean,
  p_is_new boolean
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  channel_server uuid;
  view_bit constant bigint := public.permission('VIEW_CHANNEL');
  recipient record;
  parent_author uuid;
begin
  select c.server_id into channel_server from public.channels c where c.id = p_message.channel_id;

  if channel_server is null then
    if p_is_new then
      for recipient in
        select r.profile_id from public.channel_recipients r
         where r.channel_id = p_message.channel_id and r.profile_id is distinct from p_message.author_id
      loop
        if public.notification_level_for(recipient.profile_id, p_message.channel_id) <> 'nothing' then
          perform public.send_notification(recipient.profile_id, 'direct_message', p_message.author_id,
            null, p_message.channel_id, p_message.id);
        end if;
      end loop;
    end if;
    return;
  end if;

  for recipient in
    select t.profile_id, (array['user', 'role'])[min(t.reason)] as reason
      from (
        select unnest(p_profile_ids) as profile_id, 1 as reason
        union all
        select mr.profile_id, 2 from public.member_roles mr
         where mr.server_id = channel_server and mr.role_id = any(p_role_ids)
      ) t
     group by t.profile_id
  loop
    if recipient.profile_id is distinct from p_message.author_id
       and private.stored_channel_permissions(p_message.channel_id, recipient.profile_id) & view_bit <> 0
       and public.notification_level_for(recipient.profile_id, p_message.channel_id) <> 'nothing' then
      perform public.send_notification(recipient.profile_id, 'mention', p_message.author_id, channel_server,
        p_message.channel_id, p_message.id, jsonb_build_object('via', recipient.reason));
    end if;
  end loop;

  if p_is_new and p_message.reply_to_id is not null then
    select m.author_id into parent_author from public.messages m where m.id = p_message.reply_to_id;
    if parent_author is not null
       and not parent_author = any(p_profile_ids)
       and private.stored_channel_permissions(p_message.channel_id, parent_author) & view_bit <> 0
       and public.notification_level_for(parent_author, p_message.channel_id) <> 'nothing' then
      perform public.send_notification(parent_author, 'reply', p_message.author_id, channel_server,
        p_message.channel_id, p_message.id);
    end if;
  end if;
end;
$$;

COMMIT;
