-- The RLS channel check as an index probe (issue 17). readable_channel_ids() reads the stored
-- permissions, but a policy written `channel_id in (select readable_channel_ids())` still
-- gathers every channel the caller belongs to on every statement: a page of 50 messages cost
-- 0.86 ms of PostgreSQL time for a member of 1,000 channels against 0.19 ms for a member of 2.
-- The message policies now probe the caller's stored row for each message's channel (the
-- primary key (profile_id, channel_id)): a correlated scalar subquery, which the planner
-- runs per row instead of turning it into a hashed set of all the caller's channels.
--
-- For that the policy, which runs as the caller, must read private.channel_member_permissions:
-- authenticated gets SELECT on it, limited by RLS to its own rows. The API still cannot name
-- it: authenticated has no USAGE on schema private (checked when a query names the table; a
-- policy's expression was resolved when the policy was created), and PostgREST does not
-- expose the schema. DMs are not stored rows: their recipients are checked only for the rows
-- the probe does not allow (DM messages, or a channel the caller cannot read).
--
-- Timeouts: as everywhere else, the row's timed_out_until decides at read time which of its two
-- permission sets applies, so an expired timeout never leaves stale rights.
--
-- RPCs that checked one channel through readable_channel_ids() or computed the caller's
-- permissions with private.channel_permissions() now read the stored row instead (the latest
-- definitions otherwise unchanged).
BEGIN;

grant select (profile_id, channel_id, permissions, timed_out_until, timed_out_permissions)
  on private.channel_member_permissions to authenticated;
drop policy if exists no_client_access on private.channel_member_permissions;
drop policy if exists channel_member_permissions_select_own on private.channel_member_permissions;
create policy channel_member_permissions_select_own on private.channel_member_permissions
  for select to authenticated
  using (profile_id = (select public.get_current_profile_id()));

-- The DMs and group DMs the caller is a recipient of.
create or replace function public.my_dm_channel_ids()
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return query select r.channel_id from public.channel_recipients r where r.profile_id = public.get_current_profile_id();
end;
$$;
revoke execute on function public.my_dm_channel_ids() from public, anon;
grant execute on function public.my_dm_channel_ids() to authenticated, service_role;

drop policy if exists messages_select_reader on public.messages;
create policy messages_select_reader on public.messages
  for select to authenticated
  using (
    coalesce((select (case when p.timed_out_until > now() then p.timed_out_permissions else p.permissions end)
                     & (public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY'))
                     = public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY')
                from private.channel_member_permissions p
               where p.profile_id = (select public.get_current_profile_id()) and p.channel_id = messages.channel_id),
             false)
    or channel_id in (select public.my_dm_channel_ids())
  );

drop policy if exists channel_sequences_select_reader on public.channel_sequences;
create policy channel_sequences_select_reader on public.channel_sequences
  for select to authenticated
  using (
    coalesce((select (case when p.timed_out_until > now() then p.timed_out_permissions else p.permissions end)
                     & (public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY'))
                     = public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY')
                from private.channel_member_permissions p
               where p.profile_id = (select public.get_current_profile_id())
                 and p.channel_id = channel_sequences.channel_id),
             false)
    or channel_id in (select public.my_dm_channel_ids())
  );

create or replace function public.messages_before_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  perms bigint;
  slowmode integer;
  wait_seconds integer;
  mentions record;
begin
  new.author_id := coalesce(new.author_id, public.get_current_profile_id());
  if new.reply_to_id is not null and new.type = 'default' then
    new.type := 'reply';
  end if;
  if new.nonce is not null and exists (
    select 1 from public.messages m
     where m.channel_id = new.channel_id and m.author_id = new.author_id and m.nonce = new.nonce
  ) then
    raise exception 'a message with this nonce was already sent' using errcode = '23505',
      hint = 'the earlier send succeeded; treat this one as already sent';
  end if;

  perms := private.stored_channel_permissions(new.channel_id, new.author_id);
  select c.slowmode_seconds into slowmode from public.channels c where c.id = new.channel_id;
  if slowmode > 0 and new.type in ('default', 'reply')
     and perms & public.permission('SEND_MESSAGES') <> 0
     and perms & (public.permission('BYPASS_SLOWMODE') | public.permission('MANAGE_MESSAGES')
                  | public.permission('MANAGE_CHANNELS')) = 0 then
    -- Atomic check-and-set: a concurrent second send waits here and then fails the check.
    insert into public.channel_slowmode as s (channel_id, profile_id, last_message_at)
    values (new.channel_id, new.author_id, now())
    on conflict (channel_id, profile_id) do update set last_message_at = excluded.last_message_at
      where s.last_message_at <= now() - make_interval(secs => slowmode);
    if not found then
      select greatest(1, ceil(extract(epoch from s.last_message_at + make_interval(secs => slowmode) - now())))
        into wait_seconds
        from public.channel_slowmode s
       where s.channel_id = new.channel_id and s.profile_id = new.author_id;
      raise exception 'slowmode: wait % seconds', wait_seconds using errcode = 'P0001';
    end if;
  end if;

  mentions := public.message_mentions(new.channel_id, new.author_id, new.content);
  new.mention_profile_ids := mentions.profile_ids;
  new.mention_role_ids := mentions.role_ids;
  new.mention_everyone := mentions.everyone;

  -- The row lock on the counter serialises writers per channel; a rolled-back insert rolls
  -- the counter back too, so numbers stay gap-free.
  -- No counter row means no such channel: seq stays 0 and the insert policy refuses it.
  update public.channel_sequences s set last_seq = s.last_seq + 1, last_message_at = now()
   where s.channel_id = new.channel_id
  returning s.last_seq into new.seq;
  return new;
end;
$$;

create or replace function public.message_mentions(
  p_channel_id uuid,
  p_author_id uuid,
  p_content text,
  out profile_ids uuid[],
  out role_ids uuid[],
  out everyone boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  uuid_pattern constant text := '([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})';
  channel_server uuid;
  can_mention_everyone boolean;
begin
  profile_ids := '{}';
  role_ids := '{}';
  everyone := false;
  if p_content is null or p_content = '' then
    return;
  end if;
  select c.server_id into channel_server from public.channels c where c.id = p_channel_id;
  can_mention_everyone := private.stored_channel_permissions(p_channel_id, p_author_id)
    & public.permission('MENTION_EVERYONE') <> 0;

  select coalesce(array_agg(distinct p.id), '{}') into profile_ids
    from regexp_matches(p_content, '<@!?' || uuid_pattern || '>', 'g') as m (ids)
    join public.profiles p on p.id = m.ids[1]::uuid
   where private.stored_channel_permissions(p_channel_id, p.id) & public.permission('VIEW_CHANNEL') <> 0;

  if channel_server is not null then
    select coalesce(array_agg(distinct r.id), '{}') into role_ids
      from regexp_matches(p_content, '<@&' || uuid_pattern || '>', 'g') as m (ids)
      join public.roles r on r.id = m.ids[1]::uuid
     where r.server_id = channel_server and r.id <> channel_server
       and (r.mentionable or can_mention_everyone);
  end if;

  -- Not inside a word: x@everyone.com is an address, not a mention.
  everyone := can_mention_everyone and p_content ~ '(^|\W)@(everyone|here)\M';
end;
$$;

create or replace function public.can_react(p_message_id uuid, p_emoji text)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  message_channel uuid;
  channel_server uuid;
  perms bigint;
  read_bits constant bigint := public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY');
begin
  select m.channel_id, c.server_id into message_channel, channel_server
    from public.messages m join public.channels c on c.id = m.channel_id
   where m.id = p_message_id and m.deleted_at is null;
  if not found or me is null then
    return false;
  end if;
  perms := private.stored_channel_permissions(message_channel, me);
  if perms & read_bits <> read_bits then
    return false;
  end if;
  if perms & public.permission('ADD_REACTIONS') <> 0 then
    return true;
  end if;
  return channel_server is not null
     and exists (select 1 from public.message_reactions r where r.message_id = p_message_id and r.emoji = p_emoji)
     and not exists (select 1 from public.server_members sm
                      where sm.server_id = channel_server and sm.profile_id = me and sm.timed_out_until > now());
end;
$$;

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
  if private.stored_channel_permissions(target.channel_id, me)
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

create or replace function public.require_channel_permission(p_channel_id uuid, p_flag text)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
  channel_server uuid;
  perms bigint;
begin
  select c.server_id into channel_server from public.channels c where c.id = p_channel_id;
  perms := private.stored_channel_permissions(p_channel_id, me);
  if channel_server is null or perms & public.permission('VIEW_CHANNEL') = 0 then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  if perms & public.permission(p_flag) = 0 then
    raise exception 'you need the % permission in this channel', p_flag using errcode = '42501';
  end if;
  return channel_server;
end;
$$;

create or replace function public.readable_message_for_update(p_message_id uuid)
returns public.messages
language plpgsql
security definer
set search_path = ''
as $$
declare
  found_message public.messages;
begin
  select m.* into found_message from public.messages m
   where m.id = p_message_id and m.deleted_at is null
     and public.has_channel_permission(m.channel_id, public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY'))
     -- Not a key lock: a concurrent reply's foreign-key check must not wait on it.
     for no key update;
  if not found then
    raise exception 'message not found' using errcode = 'PT404';
  end if;
  return found_message;
end;
$$;

create or replace function public.get_messages(
  p_channel_id uuid,
  p_before_seq bigint default null,
  p_after_seq bigint default null,
  p_limit integer default 50
)
returns setof public.messages
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  page_size integer := least(greatest(coalesce(p_limit, 50), 1), 100);
begin
  if p_channel_id is null or not public.has_channel_permission(
    p_channel_id, public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY')) then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  if p_before_seq < 1 or p_after_seq < 0 then
    raise exception 'sequence numbers start at 1' using errcode = '22023';
  end if;
  if p_after_seq is not null then
    return query
      select m.* from public.messages m
       where m.channel_id = p_channel_id and m.seq > p_after_seq
         and (p_before_seq is null or m.seq < p_before_seq)
       order by m.seq
       limit page_size;
  else
    return query
      select page.* from (
        select m.* from public.messages m
         where m.channel_id = p_channel_id and (p_before_seq is null or m.seq < p_before_seq)
         order by m.seq desc
         limit page_size
      ) page
      order by page.seq;
  end if;
end;
$$;

create or replace function public.mark_channel_read(p_channel_id uuid, p_seq bigint default null)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  latest bigint;
  target bigint;
  result bigint;
begin
  if p_channel_id is null or not public.has_channel_permission(
    p_channel_id, public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY')) then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  if p_seq < 0 then
    raise exception 'sequence numbers are not negative' using errcode = '22023';
  end if;
  select coalesce((select s.last_seq from public.channel_sequences s where s.channel_id = p_channel_id), 0)
    into latest;
  target := least(coalesce(p_seq, latest), latest);
  insert into public.read_states as rs (profile_id, channel_id, last_read_seq)
  values (me, p_channel_id, target)
  on conflict (profile_id, channel_id) do update
    set last_read_seq = excluded.last_read_seq, updated_at = now()
    where rs.last_read_seq < excluded.last_read_seq;
  select rs.last_read_seq into result from public.read_states rs
   where rs.profile_id = me and rs.channel_id = p_channel_id;
  update public.notifications n set read_at = now()
   where n.recipient_id = me and n.channel_id = p_channel_id and n.read_at is null
     and n.message_id in (select m.id from public.messages m where m.channel_id = p_channel_id and m.seq <= result);
  return result;
end;
$$;

COMMIT;
