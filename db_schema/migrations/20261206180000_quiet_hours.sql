-- Notification settings Discord users expect, and names in pushes (issue 19).
--
-- 1. Suppress @everyone and @here, per server (server_notification_settings.suppress_everyone,
--    the member's own row): such messages create no notification for the member, neither
--    through their client's sync_mention_notifications() nor through apps/server's
--    create_everyone_push_notifications(), and add no mention badge (get_unread_state(); the web
--    client counts live messages the same way). apps/server also rechecks it before each push.
-- 2. Quiet hours, per user (user_settings.quiet_hours_*): a daily do-not-disturb window from
--    start to end (may run past midnight) in the user's IANA time zone. Notifications and
--    counts are made as usual; apps/server sends no push and the web client shows no desktop
--    notification inside the window (both with @harmony/shared's isQuietTime). Changing them
--    sends notification_settings_update on the user's topic, so their other tabs follow.
-- 3. private.push_mention_names(): the names a push body shows for the mention tokens of a
--    notification's message (<@user>, <@&role>, <#channel>), as the recipient's client would:
--    the member's nickname in that server, else display name, else username; roles of that
--    server; channels of that server the recipient can view.
BEGIN;

-- == 1. suppress @everyone and @here ==

alter table public.server_notification_settings
  add column if not exists suppress_everyone boolean not null default false;
grant insert (suppress_everyone), update (suppress_everyone) on public.server_notification_settings to authenticated;

-- apps/server rechecks the setting before a push (it can change after the notification).
grant select on public.server_notification_settings to harmony_server;
drop policy if exists server_notification_settings_server on public.server_notification_settings;
create policy server_notification_settings_server on public.server_notification_settings
  for select to harmony_server using (true);

create or replace function private.suppresses_everyone(p_profile_id uuid, p_server_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((select s.suppress_everyone from public.server_notification_settings s
                    where s.profile_id = p_profile_id and s.server_id = p_server_id), false)
$$;
revoke execute on function private.suppresses_everyone(uuid, uuid) from public, anon, authenticated, service_role;

-- As in 20261206133000, plus: nothing for a server whose @everyone the caller suppresses (the
-- cursor still moves past it).
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
    if not private.suppresses_everyone(me, pending.server_id)
       and public.notification_level_for(me, pending.channel_id) <> 'nothing'
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

-- As in 20261206160100, plus: not for members who suppress @everyone in this server.
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
       and not private.suppresses_everyone(recipient.profile_id, channel_server)
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

-- As in 20261206131000, plus: @everyone/@here add no mention badge where the caller suppresses them.
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

-- == 2. quiet hours ==

alter table public.user_settings
  add column if not exists quiet_hours_enabled boolean not null default false,
  add column if not exists quiet_hours_start time not null default '22:00',
  add column if not exists quiet_hours_end time not null default '08:00',
  -- An IANA time zone name (what browsers report), checked by the trigger below.
  add column if not exists quiet_hours_time_zone text not null default 'UTC';

-- The owner changes them directly (user_settings' own-row policies); nobody else sees them.
grant update (quiet_hours_enabled, quiet_hours_start, quiet_hours_end, quiet_hours_time_zone)
  on public.user_settings to authenticated;

-- A clear 22023 (PostgREST: 400) for a window of no length or a zone PostgreSQL does not know.
create or replace function private.check_quiet_hours()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.quiet_hours_start = new.quiet_hours_end then
    raise exception 'quiet hours must start and end at different times' using errcode = '22023';
  end if;
  if new.quiet_hours_time_zone !~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$'
     or not exists (select 1 from pg_catalog.pg_timezone_names z where z.name = new.quiet_hours_time_zone) then
    raise exception 'unknown time zone %', new.quiet_hours_time_zone
      using errcode = '22023', hint = 'Use an IANA time zone name such as Europe/Paris.';
  end if;
  return new;
end;
$$;
revoke execute on function private.check_quiet_hours() from public, anon, authenticated, service_role;

drop trigger if exists user_settings_check_quiet_hours on public.user_settings;
create trigger user_settings_check_quiet_hours
  before update of quiet_hours_start, quiet_hours_end, quiet_hours_time_zone on public.user_settings
  for each row execute function private.check_quiet_hours();

-- The user's other tabs and devices reload their notification settings.
drop trigger if exists broadcast_quiet_hours on public.user_settings;
create trigger broadcast_quiet_hours
  after update of quiet_hours_enabled, quiet_hours_start, quiet_hours_end, quiet_hours_time_zone
  on public.user_settings
  for each row
  when (old.quiet_hours_enabled is distinct from new.quiet_hours_enabled
        or old.quiet_hours_start is distinct from new.quiet_hours_start
        or old.quiet_hours_end is distinct from new.quiet_hours_end
        or old.quiet_hours_time_zone is distinct from new.quiet_hours_time_zone)
  execute function private.broadcast_notification_settings();

-- == 3. names in push bodies ==

-- {"users": {id: name}, "roles": {id: name}, "channels": {id: name}} for the tokens in the
-- notification's message that its recipient would see named. Tokens left out stay unnamed.
create or replace function private.push_mention_names(p_notification_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  with n as (
    select n.recipient_id, c.server_id, m.content
      from public.notifications n
      join public.messages m on m.id = n.message_id
      join public.channels c on c.id = m.channel_id
     where n.id = p_notification_id
  ),
  tokens as (
    select distinct t[1] as kind, t[2]::uuid as id
      from n, regexp_matches(n.content, '<(@&|@|#)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})>', 'g') t
  )
  select jsonb_build_object(
    'users', coalesce((
      select jsonb_object_agg(p.id, coalesce(sm.nickname, p.display_name, p.username))
        from tokens t
        join public.profiles p on p.id = t.id
        left join n on true
        left join public.server_members sm on sm.server_id = n.server_id and sm.profile_id = p.id
       where t.kind = '@'), '{}'),
    'roles', coalesce((
      select jsonb_object_agg(r.id, r.name)
        from tokens t join n on true
        join public.roles r on r.id = t.id and r.server_id = n.server_id
       where t.kind = '@&'), '{}'),
    'channels', coalesce((
      select jsonb_object_agg(c.id, c.name)
        from tokens t join n on true
        join public.channels c on c.id = t.id and c.server_id = n.server_id
       where t.kind = '#'
         and private.stored_channel_permissions(c.id, n.recipient_id) & public.permission('VIEW_CHANNEL') <> 0),
      '{}'))
$$;
revoke execute on function private.push_mention_names(uuid) from public, anon, authenticated, service_role;
grant execute on function private.push_mention_names(uuid) to harmony_server;

COMMIT;
