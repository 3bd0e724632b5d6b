-- Messages, reactions, read state, search, notifications and DMs. Sending and editing are
-- plain INSERT/UPDATE through PostgREST, governed by the policies in 30_rls_policies.sql and
-- the triggers in 40_triggers.sql; everything else goes through the RPCs below.

-- == helpers (internal, except the two that policies call: can_reply_to, can_react) ==

-- Mentions in a message, as its author may make them: <@profile> of people who can see the
-- channel, <@&role> of this server's roles (mentionable ones, or any with MENTION_EVERYONE),
-- and @everyone/@here only with MENTION_EVERYONE.
create function public.message_mentions(
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
  can_mention_everyone := public.channel_permissions(p_channel_id, p_author_id)
    & public.permission('MENTION_EVERYONE') <> 0;

  select coalesce(array_agg(distinct p.id), '{}') into profile_ids
    from regexp_matches(p_content, '<@!?' || uuid_pattern || '>', 'g') as m (ids)
    join public.profiles p on p.id = m.ids[1]::uuid
   where public.channel_permissions(p_channel_id, p.id) & public.permission('VIEW_CHANNEL') <> 0;

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

-- What notifies this member about this channel: the channel override, else their server
-- setting, else the server default. A muted channel behaves as 'nothing'.
create function public.notification_level_for(p_profile_id uuid, p_channel_id uuid)
returns public.notification_level
language sql
stable
security definer
set search_path = ''
as $$
  select case
           when cns.muted_until > now() then 'nothing'::public.notification_level
           else coalesce(cns.level, m.notification_level, s.default_notification_level, 'all')
         end
    from public.channels c
    left join public.servers s on s.id = c.server_id
    left join public.server_members m on m.server_id = c.server_id and m.profile_id = p_profile_id
    left join public.channel_notification_settings cns
      on cns.channel_id = c.id and cns.profile_id = p_profile_id
   where c.id = p_channel_id
$$;

-- Notifications for a new message, or for the mentions an edit added. In servers: direct
-- mentions, role and @everyone mentions (to members who can see the channel), and the
-- replied-to author, unless their level is 'nothing'. In DMs: every other recipient,
-- unless they muted it. send_notification() skips the author and anyone who blocked them,
-- and collapses several reasons into one notification per type.
create function public.notify_message(
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
    select t.profile_id, (array['user', 'role', 'everyone'])[min(t.reason)] as reason
      from (
        select unnest(p_profile_ids) as profile_id, 1 as reason
        union all
        select mr.profile_id, 2 from public.member_roles mr
         where mr.server_id = channel_server and mr.role_id = any(p_role_ids)
        union all
        select m.profile_id, 3 from public.server_members m
         where p_everyone and m.server_id = channel_server
      ) t
     group by t.profile_id
  loop
    if recipient.profile_id is distinct from p_message.author_id
       and public.channel_permissions(p_message.channel_id, recipient.profile_id) & view_bit <> 0
       and public.notification_level_for(recipient.profile_id, p_message.channel_id) <> 'nothing' then
      perform public.send_notification(recipient.profile_id, 'mention', p_message.author_id, channel_server,
        p_message.channel_id, p_message.id, jsonb_build_object('via', recipient.reason));
    end if;
  end loop;

  if p_is_new and p_message.reply_to_id is not null then
    select m.author_id into parent_author from public.messages m where m.id = p_message.reply_to_id;
    if parent_author is not null
       and not parent_author = any(p_profile_ids)
       and public.channel_permissions(p_message.channel_id, parent_author) & view_bit <> 0
       and public.notification_level_for(parent_author, p_message.channel_id) <> 'nothing' then
      perform public.send_notification(parent_author, 'reply', p_message.author_id, channel_server,
        p_message.channel_id, p_message.id);
    end if;
  end if;
end;
$$;

-- Whether a reply may point at this message (used by the insert policy on messages, which
-- cannot query its own table): a live message of the same channel, which the caller reads.
create function public.can_reply_to(p_channel_id uuid, p_message_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.messages m
     where m.id = p_message_id and m.channel_id = p_channel_id and m.deleted_at is null
       and m.channel_id in (select public.readable_channel_ids())
  )
$$;

-- Whether the caller may add this reaction (used by the insert policy on message_reactions).
-- Discord's rule: a new emoji needs ADD_REACTIONS; joining an existing reaction only needs
-- to read the message, except in DMs and while timed out.
create function public.can_react(p_message_id uuid, p_emoji text)
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
  perms := public.channel_permissions(message_channel, me);
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

-- The caller's profile, or 42501 for signed-out callers.
create function public.messaging_caller()
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  return me;
end;
$$;

-- A live message the caller can read, locked for update; the same not-found error whether
-- it is missing, deleted or in a channel the caller cannot read.
create function public.readable_message_for_update(p_message_id uuid)
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
     and m.channel_id in (select public.readable_channel_ids())
     -- Not a key lock: a concurrent reply's foreign-key check must not wait on it.
     for no key update;
  if not found then
    raise exception 'message not found' using errcode = 'P0002';
  end if;
  return found_message;
end;
$$;

-- == messages ==

/*
 * A page of a channel's history, in ascending seq order:
 *   p_after_seq  -> the messages right after it (reconnect catch-up: repeat until a short page)
 *   p_before_seq -> the newest messages below it ("load older")
 *   neither      -> the latest page
 * Both bound a window. Runs as the caller, so RLS applies on top of the explicit check.
 */
create function public.get_messages(
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
  if p_channel_id is null or not exists (
    select 1 from public.readable_channel_ids() r (id) where r.id = p_channel_id
  ) then
    raise exception 'channel not found' using errcode = 'P0002';
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

-- Soft delete by the author or by MANAGE_MESSAGES: the row stays as a tombstone (so seq
-- stays gap-free) with its content, attachments, mentions, reactions and notifications gone.
create function public.delete_message(p_message_id uuid)
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
  if target.author_id is distinct from me
     and not public.has_channel_permission(target.channel_id, public.permission('MANAGE_MESSAGES')) then
    raise exception 'you cannot delete this message' using errcode = '42501';
  end if;
  update public.messages
     set deleted_at = now(), content = '', attachments = '[]', embeds = '[]',
         mention_profile_ids = '{}', mention_role_ids = '{}', mention_everyone = false,
         pinned_at = null, pinned_by = null
   where id = target.id;
  delete from public.message_reactions where message_id = target.id;
  delete from public.notifications where message_id = target.id;
  select c.server_id into channel_server from public.channels c where c.id = target.channel_id;
  if target.author_id is distinct from me and channel_server is not null then
    insert into public.audit_log (server_id, actor_id, action, target_id, changes)
    values (channel_server, me, 'message_delete', target.id,
            jsonb_build_object('channel_id', target.channel_id, 'author_id', target.author_id));
  end if;
end;
$$;

-- Pinning needs PIN_MESSAGES or MANAGE_MESSAGES. Pinning a pinned message (or unpinning an
-- unpinned one) changes nothing.
create function public.set_message_pinned(p_message_id uuid, p_pinned boolean)
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
  if public.channel_permissions(target.channel_id, me)
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
  if channel_server is not null then
    insert into public.audit_log (server_id, actor_id, action, target_id, changes)
    values (channel_server, me, case when p_pinned then 'message_pin' else 'message_unpin' end::public.audit_action,
            target.id, jsonb_build_object('channel_id', target.channel_id));
  end if;
end;
$$;

create function public.pin_message(p_message_id uuid)
returns void
language sql
security definer
set search_path = ''
as $$ select public.set_message_pinned(p_message_id, true) $$;

create function public.unpin_message(p_message_id uuid)
returns void
language sql
security definer
set search_path = ''
as $$ select public.set_message_pinned(p_message_id, false) $$;

-- Removes one person's reaction: one's own, or anyone's with MANAGE_MESSAGES.
create function public.remove_reaction(p_message_id uuid, p_emoji text, p_profile_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  target public.messages := public.readable_message_for_update(p_message_id);
begin
  if p_emoji is null or p_profile_id is null then
    raise exception 'emoji and profile are required' using errcode = '22004';
  end if;
  if p_profile_id <> me
     and not public.has_channel_permission(target.channel_id, public.permission('MANAGE_MESSAGES')) then
    raise exception 'you cannot remove other people''s reactions' using errcode = '42501';
  end if;
  delete from public.message_reactions r
   where r.message_id = target.id and r.emoji = p_emoji and r.profile_id = p_profile_id;
  if not found then
    raise exception 'reaction not found' using errcode = 'P0002';
  end if;
end;
$$;

-- == read state ==

-- Moves the caller's read marker to p_seq (null = the latest message), never backwards,
-- and marks the notifications for messages up to it as read. Returns the marker.
create function public.mark_channel_read(p_channel_id uuid, p_seq bigint default null)
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
  if p_channel_id is null or not exists (
    select 1 from public.readable_channel_ids() r (id) where r.id = p_channel_id
  ) then
    raise exception 'channel not found' using errcode = 'P0002';
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

-- Unread and mention counts for every channel the caller can read, counted here so that
-- badges are exact: live messages by others after the read marker; mentions are those that
-- name the caller, one of their roles, or @everyone.
create function public.get_unread_state()
returns table (
  channel_id uuid,
  server_id uuid,
  last_read_seq bigint,
  last_message_seq bigint,
  unread_count integer,
  mention_count integer
)
language sql
stable
security definer
set search_path = ''
as $$
  with me as (select public.get_current_profile_id() as id),
  readable as (
    select c.id, c.server_id, coalesce(seqs.last_seq, 0) as last_message_seq,
           coalesce(rs.last_read_seq, 0) as read_seq, me.id as me,
           coalesce((select array_agg(mr.role_id) from public.member_roles mr
                      where mr.server_id = c.server_id and mr.profile_id = me.id), '{}') as role_ids
      from public.channels c
     cross join me
      left join public.read_states rs on rs.channel_id = c.id and rs.profile_id = me.id
      left join public.channel_sequences seqs on seqs.channel_id = c.id
     where c.id in (select public.readable_channel_ids())
  )
  select r.id, r.server_id, r.read_seq, r.last_message_seq, counts.unread::integer, counts.mentions::integer
    from readable r
   cross join lateral (
     select count(*) as unread,
            count(*) filter (where r.me = any(m.mention_profile_ids) or m.mention_everyone
                                   or m.mention_role_ids && r.role_ids) as mentions
       from public.messages m
      where m.channel_id = r.id and m.seq > r.read_seq and m.deleted_at is null
        and m.author_id is distinct from r.me
   ) counts
   order by r.server_id nulls first, r.id
$$;

-- == search ==

-- Full-text search (websearch syntax) plus trigram matching for partial words and typos,
-- ranked, over live messages in channels the caller can read, optionally narrowed to a
-- server or channel.
create function public.search_messages(
  p_query text,
  p_server_id uuid default null,
  p_channel_id uuid default null,
  p_limit integer default 25
)
returns setof public.messages
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  term text := btrim(p_query);
  page_size integer := least(greatest(coalesce(p_limit, 25), 1), 100);
  tsq tsquery;
  pattern text;
begin
  if term is null or term = '' then
    raise exception 'a search query is required' using errcode = '22023';
  end if;
  if char_length(term) > 200 then
    raise exception 'search queries are at most 200 characters' using errcode = '22023';
  end if;
  if p_server_id is not null and not public.is_server_member(p_server_id) then
    raise exception 'server not found' using errcode = 'P0002';
  end if;
  if p_channel_id is not null and not exists (
    select 1 from public.readable_channel_ids() r (id) where r.id = p_channel_id
  ) then
    raise exception 'channel not found' using errcode = 'P0002';
  end if;
  tsq := websearch_to_tsquery('simple', term);
  pattern := '%' || replace(replace(replace(term, '\', '\\'), '%', '\%'), '_', '\_') || '%';
  return query
    select m.* from public.messages m
     where m.channel_id in (select public.readable_channel_ids())
       and (p_channel_id is null or m.channel_id = p_channel_id)
       and (p_server_id is null
            or m.channel_id in (select c.id from public.channels c where c.server_id = p_server_id))
       and m.deleted_at is null
       and (m.search_vector @@ tsq
            or m.content ilike pattern
            or term operator(extensions.<%) m.content)
     -- Word matches first (rank normalised by length), then how closely the whole text matches.
     order by ts_rank(m.search_vector, tsq, 1) + extensions.word_similarity(term, m.content) desc,
              extensions.similarity(term, m.content) desc, m.created_at desc, m.id
     limit page_size;
end;
$$;

-- == DMs ==

-- The caller's 1:1 DM with a profile, created on first use (closed for the other side
-- until a message arrives). Allowed with friends, and with people sharing a server unless
-- they turned that off; blocks either way and every refusal look like a missing user.
create function public.open_dm(p_profile_id uuid)
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
  if p_profile_id = me then
    raise exception 'you cannot open a DM with yourself' using errcode = '22023';
  end if;
  if not exists (select 1 from public.profiles p where p.id = p_profile_id)
     or exists (select 1 from public.user_blocks b
                 where (b.blocker_id, b.blocked_id) in ((me, p_profile_id), (p_profile_id, me)))
     or not (
       exists (select 1 from public.friendships f
                where f.profile_a = least(me, p_profile_id) and f.profile_b = greatest(me, p_profile_id))
       or (coalesce((select s.allow_dms_from_server_members from public.user_settings s
                      where s.profile_id = p_profile_id), true)
           and exists (select 1 from public.server_members mine
                         join public.server_members theirs
                           on theirs.server_id = mine.server_id and theirs.profile_id = p_profile_id
                        where mine.profile_id = me))
     ) then
    raise exception 'user not found' using errcode = 'P0002';
  end if;
  -- One DM per pair, even when both open it at the same moment.
  perform pg_advisory_xact_lock(hashtextextended('harmony.dm:' || least(me, p_profile_id)::text
                                                 || greatest(me, p_profile_id)::text, 0));
  select c.id into dm
    from public.channels c
    join public.channel_recipients mine on mine.channel_id = c.id and mine.profile_id = me
    join public.channel_recipients theirs on theirs.channel_id = c.id and theirs.profile_id = p_profile_id
   where c.type = 'dm';
  if dm is not null then
    update public.channel_recipients set closed = false
     where channel_id = dm and profile_id = me and closed;
    return dm;
  end if;
  insert into public.channels (type) values ('dm') returning id into dm;
  insert into public.channel_recipients (channel_id, profile_id, closed)
  values (dm, me, false), (dm, p_profile_id, true);
  return dm;
end;
$$;

-- A group DM of the caller and 1 to 9 friends, owned by the caller. Without a name it is
-- named after its members.
create function public.create_group_dm(p_profile_ids uuid[], p_name text default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  others uuid[];
  group_name text := nullif(btrim(p_name), '');
  dm uuid;
begin
  if p_profile_ids is null or array_position(p_profile_ids, null) is not null then
    raise exception 'profile ids are required' using errcode = '22004';
  end if;
  others := array(select distinct id from unnest(p_profile_ids) as ids (id) where id <> me);
  if cardinality(others) not between 1 and 9 then
    raise exception 'a group DM has 2 to 10 members' using errcode = '22023';
  end if;
  if char_length(group_name) > 100 then
    raise exception 'group names are at most 100 characters' using errcode = '22023';
  end if;
  if exists (select 1 from unnest(others) as o (id)
              where not exists (select 1 from public.friendships f
                                 where f.profile_a = least(me, o.id) and f.profile_b = greatest(me, o.id))) then
    raise exception 'you can only add friends to a group DM' using errcode = 'P0002';
  end if;
  if group_name is null then
    select left(string_agg(coalesce(p.display_name, p.username), ', ' order by p.username), 100) into group_name
      from public.profiles p where p.id = me or p.id = any(others);
  end if;
  insert into public.channels (type, name, owner_id) values ('group_dm', group_name, me) returning id into dm;
  insert into public.channel_recipients (channel_id, profile_id)
  select dm, id from unnest(others || me) as ids (id);
  return dm;
end;
$$;

-- The group DM (locked) that the caller is in, or the not-found error.
create function public.my_group_dm_for_update(p_channel_id uuid)
returns public.channels
language plpgsql
security definer
set search_path = ''
as $$
declare
  found_channel public.channels;
begin
  select c.* into found_channel from public.channels c
   where c.id = p_channel_id and c.type = 'group_dm'
     and exists (select 1 from public.channel_recipients r
                  where r.channel_id = c.id and r.profile_id = public.get_current_profile_id())
     for update;
  if not found then
    raise exception 'channel not found' using errcode = 'P0002';
  end if;
  return found_channel;
end;
$$;

-- The owner adds one of their friends (up to 10 members).
create function public.add_group_dm_recipient(p_channel_id uuid, p_profile_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  dm public.channels := public.my_group_dm_for_update(p_channel_id);
begin
  if p_profile_id is null then
    raise exception 'a profile is required' using errcode = '22004';
  end if;
  if dm.owner_id is distinct from me then
    raise exception 'only the group owner can add people' using errcode = '42501';
  end if;
  if exists (select 1 from public.channel_recipients r where r.channel_id = dm.id and r.profile_id = p_profile_id) then
    raise exception 'already in this group' using errcode = '23505';
  end if;
  if not exists (select 1 from public.friendships f
                  where f.profile_a = least(me, p_profile_id) and f.profile_b = greatest(me, p_profile_id)) then
    raise exception 'you can only add friends to a group DM' using errcode = 'P0002';
  end if;
  if (select count(*) from public.channel_recipients r where r.channel_id = dm.id) >= 10 then
    raise exception 'a group DM can have at most 10 members' using errcode = '23514';
  end if;
  insert into public.channel_recipients (channel_id, profile_id) values (dm.id, p_profile_id);
end;
$$;

-- Leaving hands ownership to the longest-standing member; the last one out deletes the group.
create function public.leave_group_dm(p_channel_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  dm public.channels := public.my_group_dm_for_update(p_channel_id);
  heir uuid;
begin
  delete from public.channel_recipients where channel_id = dm.id and profile_id = me;
  delete from public.read_states where channel_id = dm.id and profile_id = me;
  delete from public.channel_notification_settings where channel_id = dm.id and profile_id = me;
  select r.profile_id into heir from public.channel_recipients r
   where r.channel_id = dm.id order by r.added_at, r.profile_id limit 1;
  if heir is null then
    delete from public.channels where id = dm.id;
  elsif dm.owner_id is not distinct from me then
    update public.channels set owner_id = heir where id = dm.id;
  end if;
end;
$$;

-- Hides a DM from the caller's list until the next message; history stays readable.
create function public.close_dm(p_channel_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
begin
  update public.channel_recipients r set closed = true
   where r.channel_id = p_channel_id and r.profile_id = me
     and exists (select 1 from public.channels c where c.id = r.channel_id and c.type in ('dm', 'group_dm'));
  if not found then
    raise exception 'channel not found' using errcode = 'P0002';
  end if;
end;
$$;

-- == notifications ==

-- Marks the given notifications (null = all) of the caller as read; returns how many changed.
create function public.mark_notifications_read(p_ids uuid[] default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  changed integer;
begin
  update public.notifications n set read_at = now()
   where n.recipient_id = me and n.read_at is null and (p_ids is null or n.id = any(p_ids));
  get diagnostics changed = row_count;
  return changed;
end;
$$;

-- The insert policies on messages and message_reactions call these as the requesting role.
grant execute on function public.can_reply_to(uuid, uuid), public.can_react(uuid, text) to authenticated;
grant execute on function
  public.get_messages(uuid, bigint, bigint, integer), public.delete_message(uuid),
  public.pin_message(uuid), public.unpin_message(uuid), public.remove_reaction(uuid, text, uuid),
  public.mark_channel_read(uuid, bigint), public.get_unread_state(),
  public.search_messages(text, uuid, uuid, integer),
  public.open_dm(uuid), public.create_group_dm(uuid[], text), public.add_group_dm_recipient(uuid, uuid),
  public.leave_group_dm(uuid), public.close_dm(uuid), public.mark_notifications_read(uuid[])
  to authenticated;
