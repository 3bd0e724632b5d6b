-- "Not found" answers HTTP 404 (issue 11, item 4a). The RPCs raised P0002 (no_data_found) for
-- a missing or invisible server, channel, role, message, invite, user, bot or device, and
-- PostgREST answers every P0 SQLSTATE with 500. They now raise SQLSTATE PT404: PostgREST (and
-- our REST) answers a PTnnn SQLSTATE with HTTP status nnn and the SQLSTATE as the body's code,
-- so clients get 404 {"code":"PT404","message":"channel not found",...}. Denials stay 42501
-- (403, or 401 for anon). The rule of 11_functions_servers.sql is unchanged: what the caller
-- cannot see is "not found", what they see but may not change is 42501. Functions that
-- compute permissions call the private functions of 20261206000300_permission_queries.sql.
BEGIN;

-- The caller, who must be a member of the server; to anyone else it does not exist.
create or replace function public.require_server_member(p_server_id uuid)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
begin
  if not exists (
    select 1 from public.server_members m where m.server_id = p_server_id and m.profile_id = me
  ) then
    raise exception 'server not found' using errcode = 'PT404';
  end if;
  return me;
end;
$$;

-- The server of a channel the caller can see and holds the named permission in.
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
  perms := private.channel_permissions(p_channel_id, me);
  if channel_server is null or perms & public.permission('VIEW_CHANNEL') = 0 then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  if perms & public.permission(p_flag) = 0 then
    raise exception 'you need the % permission in this channel', p_flag using errcode = '42501';
  end if;
  return channel_server;
end;
$$;

-- The server member p_profile_id, or "member not found".
create or replace function public.require_member(p_server_id uuid, p_profile_id uuid)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if not exists (
    select 1 from public.server_members m where m.server_id = p_server_id and m.profile_id = p_profile_id
  ) then
    raise exception 'member not found' using errcode = 'PT404';
  end if;
end;
$$;

-- The server of a category the caller may manage, or "category not found".
create or replace function public.require_category(p_category_id uuid)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  category_server uuid;
begin
  select c.server_id into category_server from public.channel_categories c where c.id = p_category_id;
  if category_server is null or not public.is_server_member(category_server) then
    raise exception 'category not found' using errcode = 'PT404';
  end if;
  perform public.require_server_permission(category_server, 'MANAGE_CHANNELS');
  return category_server;
end;
$$;

create or replace function public.check_category(p_server_id uuid, p_category_id uuid)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
begin
  if p_category_id is not null and not exists (
    select 1 from public.channel_categories c where c.id = p_category_id and c.server_id = p_server_id
  ) then
    raise exception 'category not found' using errcode = 'PT404';
  end if;
  return p_category_id;
end;
$$;

-- Positions follow the array's order (0, 1, 2, …); channels not listed keep theirs.
create or replace function public.reorder_channels(p_server_id uuid, p_channel_ids uuid[])
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.require_server_permission(p_server_id, 'MANAGE_CHANNELS');
  if p_channel_ids is null then
    raise exception 'channel ids are required' using errcode = '22004';
  end if;
  if cardinality(p_channel_ids) <> (
    select count(distinct wanted.id) from unnest(p_channel_ids) as wanted (id) where wanted.id is not null
  ) then
    raise exception 'channel ids must be distinct and not null' using errcode = '22023';
  end if;
  if exists (
    select 1 from unnest(p_channel_ids) as wanted (id)
     where not exists (select 1 from public.channels c where c.id = wanted.id and c.server_id = p_server_id)
  ) then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  update public.channels c
     set position = o.ord - 1
    from unnest(p_channel_ids) with ordinality as o (id, ord)
   where c.id = o.id and c.position <> o.ord - 1;
end;
$$;

-- A role of a server the caller manages roles in, positioned below the caller's top role.
create or replace function public.require_manageable_role(p_role_id uuid)
returns public.roles
language plpgsql
stable
set search_path = ''
as $$
declare
  target public.roles;
  me uuid;
begin
  select * into target from public.roles r where r.id = p_role_id;
  if target.id is null or not public.is_server_member(target.server_id) then
    raise exception 'role not found' using errcode = 'PT404';
  end if;
  me := public.require_server_permission(target.server_id, 'MANAGE_ROLES');
  if target.position >= public.member_top_position(target.server_id, me) then
    raise exception 'you can only manage roles below your highest role' using errcode = '42501';
  end if;
  return target;
end;
$$;

-- Checks for assign_role/remove_role: a manageable, non-@everyone role of this server and a
-- member the caller outranks.
create or replace function public.require_role_change(p_server_id uuid, p_profile_id uuid, p_role_id uuid)
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
  target public.roles;
begin
  perform public.require_server_permission(p_server_id, 'MANAGE_ROLES');
  if not exists (select 1 from public.roles r where r.id = p_role_id and r.server_id = p_server_id) then
    raise exception 'role not found' using errcode = 'PT404';
  end if;
  target := public.require_manageable_role(p_role_id);
  if target.id = target.server_id then
    raise exception 'everyone has the @everyone role' using errcode = '22023';
  end if;
  perform public.require_member(p_server_id, p_profile_id);
  if not public.outranks(p_server_id, public.get_current_profile_id(), p_profile_id) then
    raise exception 'you can only change roles of members whose highest role is below yours'
      using errcode = '42501';
  end if;
end;
$$;

create or replace function public.set_channel_overwrite(
  p_channel_id uuid,
  p_target_type public.overwrite_target,
  p_target_id uuid,
  p_allow bigint,
  p_deny bigint
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  channel_server uuid := public.require_channel_permission(p_channel_id, 'MANAGE_ROLES');
  previous public.channel_overwrites;
begin
  perform public.check_permission_mask(p_allow, 'allow');
  perform public.check_permission_mask(p_deny, 'deny');
  if p_allow & p_deny <> 0 then
    raise exception 'a permission cannot be both allowed and denied' using errcode = '22023';
  end if;
  if p_target_type is null then
    raise exception 'target type is required' using errcode = '22004';
  end if;
  if p_target_type = 'role' and not exists (
    select 1 from public.roles r where r.id = p_target_id and r.server_id = channel_server
  ) then
    raise exception 'role not found' using errcode = 'PT404';
  end if;
  if p_target_type = 'member' then
    perform public.require_member(channel_server, p_target_id);
  end if;
  select * into previous from public.channel_overwrites o
   where o.channel_id = p_channel_id and o.target_type = p_target_type and o.target_id = p_target_id;
  perform public.require_overwrite_change(p_channel_id,
    (p_allow # coalesce(previous.allow, 0)) | (p_deny # coalesce(previous.deny, 0)));
  insert into public.channel_overwrites (channel_id, target_type, target_id, allow, deny)
  values (p_channel_id, p_target_type, p_target_id, p_allow, p_deny)
  on conflict (channel_id, target_type, target_id)
  do update set allow = excluded.allow, deny = excluded.deny
  where (public.channel_overwrites.allow, public.channel_overwrites.deny) is distinct from (excluded.allow, excluded.deny);
end;
$$;

create or replace function public.delete_channel_overwrite(
  p_channel_id uuid,
  p_target_type public.overwrite_target,
  p_target_id uuid
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  previous public.channel_overwrites;
begin
  perform public.require_channel_permission(p_channel_id, 'MANAGE_ROLES');
  select * into previous from public.channel_overwrites o
   where o.channel_id = p_channel_id and o.target_type = p_target_type and o.target_id = p_target_id;
  if previous.channel_id is null then
    raise exception 'overwrite not found' using errcode = 'PT404';
  end if;
  perform public.require_overwrite_change(p_channel_id, previous.allow | previous.deny);
  delete from public.channel_overwrites o
   where o.channel_id = p_channel_id and o.target_type = p_target_type and o.target_id = p_target_id;
end;
$$;

-- Returns the code. p_expires_in_seconds 0 or null = never; at most 7 days otherwise.
create or replace function public.create_invite(
  p_server_id uuid,
  p_max_uses integer default null,
  p_expires_in_seconds integer default 86400,
  p_channel_id uuid default null
)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_server_permission(p_server_id, 'CREATE_INSTANT_INVITE');
  created text;
begin
  if p_max_uses not between 1 and 1000 then
    raise exception 'max uses must be 1 to 1000 (or null for unlimited)' using errcode = '22023';
  end if;
  if p_expires_in_seconds not between 0 and 604800 then
    raise exception 'an invite expires within 7 days (604800 seconds), or never (0)' using errcode = '22023';
  end if;
  if p_channel_id is not null then
    if public.require_channel_permission(p_channel_id, 'CREATE_INSTANT_INVITE') <> p_server_id then
      raise exception 'channel not found' using errcode = 'PT404';
    end if;
  end if;
  while created is null loop
    insert into public.invites (code, server_id, channel_id, inviter_id, max_uses, expires_at)
    values (public.random_invite_code(), p_server_id, p_channel_id, me, p_max_uses,
            case when coalesce(p_expires_in_seconds, 0) > 0
                 then now() + make_interval(secs => p_expires_in_seconds) end)
    on conflict (code) do nothing
    returning code into created;
  end loop;
  return created;
end;
$$;

-- The inviter, or anyone with MANAGE_GUILD. Revoking twice is harmless.
create or replace function public.revoke_invite(p_code text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
  invite public.invites;
begin
  select * into invite from public.invites i where i.code = p_code;
  if invite.code is null or not public.is_server_member(invite.server_id) then
    raise exception 'invite not found' using errcode = 'PT404';
  end if;
  if invite.inviter_id is distinct from me
     and not public.has_server_permission(invite.server_id, public.permission('MANAGE_GUILD')) then
    raise exception 'you need the MANAGE_GUILD permission to revoke others'' invites' using errcode = '42501';
  end if;
  update public.invites set revoked_at = now() where code = p_code and revoked_at is null;
end;
$$;

-- For the signed-out invite page. A revoked code gives the same answer as one that never existed.
create or replace function public.get_invite_preview(p_code text)
returns table (
  server_id uuid,
  name text,
  icon_url text,
  member_count integer,
  expires_at timestamptz,
  expired boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return query
    select s.id, s.name, s.icon_url,
           (select count(*)::integer from public.server_members m where m.server_id = s.id),
           i.expires_at,
           coalesce(i.expires_at <= now(), false) or coalesce(i.uses >= i.max_uses, false)
      from public.invites i join public.servers s on s.id = i.server_id
     where i.code = p_code and i.revoked_at is null;
  if not found then
    raise exception 'invite not found' using errcode = 'PT404';
  end if;
end;
$$;

-- Joins through an invite. The invite row is locked for the whole check-and-count, so
-- concurrent joins never exceed max_uses. Members already in get the id back, using nothing.
create or replace function public.join_server_by_invite(p_code text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
  invite public.invites;
begin
  select * into invite from public.invites i where i.code = p_code for update;
  if invite.code is null or invite.revoked_at is not null then
    raise exception 'invite not found' using errcode = 'PT404';
  end if;
  if exists (select 1 from public.server_members m where m.server_id = invite.server_id and m.profile_id = me) then
    return invite.server_id;
  end if;
  if exists (select 1 from public.server_bans b where b.server_id = invite.server_id and b.profile_id = me) then
    raise exception 'you are banned from this server' using errcode = '42501';
  end if;
  if invite.expires_at <= now() then
    raise exception 'this invite has expired' using errcode = '22023';
  end if;
  if invite.uses >= invite.max_uses then
    raise exception 'this invite has been used up' using errcode = '22023';
  end if;
  insert into public.server_members (server_id, profile_id) values (invite.server_id, me)
  on conflict do nothing;
  if found then
    update public.invites set uses = uses + 1 where code = invite.code;
    -- Announced in the invite's text channel, else the server's first text channel.
    insert into public.messages (channel_id, author_id, type)
    select c.id, me, 'member_join' from public.channels c
     where c.server_id = invite.server_id and c.type = 'text'
     order by (c.id = invite.channel_id) is true desc, c.position, c.created_at
     limit 1;
  end if;
  return invite.server_id;
end;
$$;

-- Bans members and non-members alike (pre-emptive bans), and can soft-delete the target's
-- messages in this server from the last p_delete_message_seconds (at most 7 days).
create or replace function public.ban_member(
  p_server_id uuid,
  p_profile_id uuid,
  p_reason text default null,
  p_delete_message_seconds integer default 0
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_server_permission(p_server_id, 'BAN_MEMBERS');
begin
  perform public.check_length(p_reason, 'reason', 512);
  if p_delete_message_seconds is null or p_delete_message_seconds not between 0 and 604800 then
    raise exception 'messages can be deleted from the last 0 to 604800 seconds' using errcode = '22023';
  end if;
  if not exists (select 1 from public.profiles p where p.id = p_profile_id) then
    raise exception 'user not found' using errcode = 'PT404';
  end if;
  perform public.require_moderatable(p_server_id, me, p_profile_id);
  if exists (select 1 from public.server_bans b where b.server_id = p_server_id and b.profile_id = p_profile_id) then
    raise exception 'this user is already banned' using errcode = '23505';
  end if;
  insert into public.server_bans (server_id, profile_id, reason, banned_by)
  values (p_server_id, p_profile_id, nullif(btrim(p_reason), ''), me);
  delete from public.server_members where server_id = p_server_id and profile_id = p_profile_id;
  if p_delete_message_seconds > 0 then
    update public.messages m
       set deleted_at = now(), content = '', attachments = '[]'
     where m.author_id = p_profile_id
       and m.deleted_at is null
       and m.created_at >= now() - make_interval(secs => p_delete_message_seconds)
       and m.channel_id in (select c.id from public.channels c where c.server_id = p_server_id);
  end if;
end;
$$;

create or replace function public.unban_member(p_server_id uuid, p_profile_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.require_server_permission(p_server_id, 'BAN_MEMBERS');
  delete from public.server_bans where server_id = p_server_id and profile_id = p_profile_id;
  if not found then
    raise exception 'ban not found' using errcode = 'PT404';
  end if;
end;
$$;

-- A live message the caller can read, locked for update; the same not-found error whether
-- it is missing, deleted or in a channel the caller cannot read.
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
     and m.channel_id in (select public.readable_channel_ids())
     -- Not a key lock: a concurrent reply's foreign-key check must not wait on it.
     for no key update;
  if not found then
    raise exception 'message not found' using errcode = 'PT404';
  end if;
  return found_message;
end;
$$;

/*
 * A page of a channel's history, in ascending seq order:
 *   p_after_seq  -> the messages right after it (reconnect catch-up: repeat until a short page)
 *   p_before_seq -> the newest messages below it ("load older")
 *   neither      -> the latest page
 * Both bound a window. Runs as the caller, so RLS applies on top of the explicit check.
 */
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
  if p_channel_id is null or not exists (
    select 1 from public.readable_channel_ids() r (id) where r.id = p_channel_id
  ) then
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

-- Removes one person's reaction: one's own, or anyone's with MANAGE_MESSAGES.
create or replace function public.remove_reaction(p_message_id uuid, p_emoji text, p_profile_id uuid)
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
    raise exception 'reaction not found' using errcode = 'PT404';
  end if;
end;
$$;

-- Moves the caller's read marker to p_seq (null = the latest message), never backwards,
-- and marks the notifications for messages up to it as read. Returns the marker.
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
  if p_channel_id is null or not exists (
    select 1 from public.readable_channel_ids() r (id) where r.id = p_channel_id
  ) then
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

-- Full-text search (websearch syntax) plus trigram matching for partial words and typos,
-- ranked, over live messages in channels the caller can read, optionally narrowed to a
-- server or channel.
create or replace function public.search_messages(
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
    raise exception 'server not found' using errcode = 'PT404';
  end if;
  if p_channel_id is not null and not exists (
    select 1 from public.readable_channel_ids() r (id) where r.id = p_channel_id
  ) then
    raise exception 'channel not found' using errcode = 'PT404';
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

-- The caller's 1:1 DM with a profile, created on first use (closed for the other side
-- until a message arrives). Allowed with friends, and with people sharing a server unless
-- they turned that off; blocks either way and every refusal look like a missing user.
create or replace function public.open_dm(p_profile_id uuid)
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
    raise exception 'user not found' using errcode = 'PT404';
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
create or replace function public.create_group_dm(p_profile_ids uuid[], p_name text default null)
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
    raise exception 'you can only add friends to a group DM' using errcode = 'PT404';
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
create or replace function public.my_group_dm_for_update(p_channel_id uuid)
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
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  return found_channel;
end;
$$;

-- The owner adds one of their friends (up to 10 members).
create or replace function public.add_group_dm_recipient(p_channel_id uuid, p_profile_id uuid)
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
    raise exception 'you can only add friends to a group DM' using errcode = 'PT404';
  end if;
  if (select count(*) from public.channel_recipients r where r.channel_id = dm.id) >= 10 then
    raise exception 'a group DM can have at most 10 members' using errcode = '23514';
  end if;
  insert into public.channel_recipients (channel_id, profile_id) values (dm.id, p_profile_id);
end;
$$;

-- Hides a DM from the caller's list until the next message; history stays readable.
create or replace function public.close_dm(p_channel_id uuid)
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
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
end;
$$;

-- Sends a friend request by username; if they already asked us, it becomes a friendship.
-- Blocks (either way) and the recipient's settings give the same answer as a missing user,
-- so the response never reveals who blocked whom.
create or replace function public.send_friend_request(p_username text)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  them uuid;
  their_policy text;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  select p.id, s.friend_requests_from into them, their_policy
    from public.profiles p left join public.user_settings s on s.profile_id = p.id
   where p.username = lower(btrim(p_username)) and p.domain is null and not p.is_bot;
  if them = me then
    raise exception 'you cannot send a friend request to yourself' using errcode = '22023';
  end if;
  if them is null
     or exists (select 1 from public.user_blocks b
                 where (b.blocker_id, b.blocked_id) in ((me, them), (them, me)))
     or their_policy = 'nobody'
     or (their_policy = 'friends_of_friends' and not exists (
           select 1 from public.friendships a join public.friendships b
             on (case when a.profile_a = me then a.profile_b else a.profile_a end)
              = (case when b.profile_a = them then b.profile_b else b.profile_a end)
            where me in (a.profile_a, a.profile_b) and them in (b.profile_a, b.profile_b))) then
    raise exception 'no user you can befriend is called "%"', p_username using errcode = 'PT404';
  end if;
  if public.are_friends(me, them) then
    raise exception 'you are already friends' using errcode = '23505';
  end if;
  if exists (select 1 from public.friend_requests r where r.sender_id = them and r.recipient_id = me) then
    perform public.make_friends(me, them);
    perform public.send_notification(them, 'friend_accept', me);
    return 'accepted';
  end if;
  insert into public.friend_requests (sender_id, recipient_id) values (me, them)
  on conflict (sender_id, recipient_id) do nothing;
  perform public.send_notification(them, 'friend_request', me);
  return 'pending';
end;
$$;

create or replace function public.accept_friend_request(p_request_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  sender uuid;
begin
  select r.sender_id into sender from public.friend_requests r
   where r.id = p_request_id and r.recipient_id = me;
  if sender is null then
    raise exception 'friend request not found' using errcode = 'PT404';
  end if;
  perform public.make_friends(me, sender);
  perform public.send_notification(sender, 'friend_accept', me);
end;
$$;

-- Blocking ends any friendship and pending requests between the two.
create or replace function public.block_user(p_profile_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  if p_profile_id = me then
    raise exception 'you cannot block yourself' using errcode = '22023';
  end if;
  if not exists (select 1 from public.profiles p where p.id = p_profile_id) then
    raise exception 'user not found' using errcode = 'PT404';
  end if;
  insert into public.user_blocks (blocker_id, blocked_id) values (me, p_profile_id) on conflict do nothing;
  delete from public.friendships f where f.profile_a = least(me, p_profile_id) and f.profile_b = greatest(me, p_profile_id);
  delete from public.friend_requests r where (r.sender_id, r.recipient_id) in ((me, p_profile_id), (p_profile_id, me));
end;
$$;

-- A further token for one of the caller's bots; someone else's bot is "not found".
create or replace function public.create_bot_token(p_bot_id uuid)
returns text
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (
    select 1 from public.bots b where b.id = p_bot_id and b.owner_id = public.get_current_profile_id()
  ) then
    raise exception 'bot not found' using errcode = 'PT404';
  end if;
  return public.issue_bot_token(p_bot_id);
end;
$$;

create or replace function public.revoke_bot_token(p_token_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.bot_tokens t
     set revoked_at = coalesce(t.revoked_at, now())
    from public.bots b
   where t.id = p_token_id and b.id = t.bot_id and b.owner_id = public.get_current_profile_id();
  if not found then
    raise exception 'bot token not found' using errcode = 'PT404';
  end if;
end;
$$;

-- Adds a bot to a server as a member with a role of its own holding p_permissions. Needs
-- Manage Server, and one cannot grant a bot more than one has oneself.
create or replace function public.install_bot(p_bot_id uuid, p_server_id uuid, p_permissions bigint default 0)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  bot public.bots;
  bot_role uuid;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  if p_permissions is null or p_permissions < 0 or p_permissions & ~public.all_permissions() <> 0 then
    raise exception 'permissions must be a set of known permission bits' using errcode = '22023';
  end if;
  select * into bot from public.bots b where b.id = p_bot_id and (b.is_public or b.owner_id = me);
  if not found then
    raise exception 'bot not found' using errcode = 'PT404';
  end if;
  if not public.has_server_permission(p_server_id, public.permission('MANAGE_GUILD')) then
    raise exception 'you need Manage Server in that server to add bots' using errcode = '42501';
  end if;
  if p_permissions & ~private.server_permissions(p_server_id, me) <> 0 then
    raise exception 'you cannot grant a bot permissions you do not have' using errcode = '42501';
  end if;
  if exists (select 1 from public.server_bans sb
              where sb.server_id = p_server_id and sb.profile_id = bot.profile_id) then
    raise exception 'this bot is banned from the server' using errcode = '42501';
  end if;
  if exists (select 1 from public.bot_server_installs i where i.bot_id = p_bot_id and i.server_id = p_server_id)
     or exists (select 1 from public.server_members m
                 where m.server_id = p_server_id and m.profile_id = bot.profile_id) then
    raise exception 'this bot is already in the server' using errcode = '23505';
  end if;

  insert into public.roles (server_id, name, permissions, position)
  values (p_server_id, left(bot.name, 100), p_permissions, 1)
  returning id into bot_role;
  insert into public.server_members (server_id, profile_id) values (p_server_id, bot.profile_id);
  insert into public.member_roles (server_id, profile_id, role_id) values (p_server_id, bot.profile_id, bot_role);
  insert into public.bot_server_installs (bot_id, server_id, permissions, role_id, installed_by)
  values (p_bot_id, p_server_id, p_permissions, bot_role, me);
  insert into public.audit_log (server_id, actor_id, action, target_id, changes)
  values (p_server_id, me, 'bot_add', bot.profile_id, jsonb_build_object('permissions', p_permissions::text));
  return bot_role;
end;
$$;

-- Hands out one of a device's one-time keys, exactly once (concurrent claims skip each
-- other's rows). No rows means the device has run out and its fallback key applies.
create or replace function public.claim_one_time_key(p_device_id uuid)
returns table (key_id text, public_key text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  device_owner uuid;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  select d.profile_id into device_owner from public.user_devices d
   where d.id = p_device_id and d.revoked_at is null;
  if device_owner is null or not public.shares_space_with(device_owner) then
    raise exception 'device not found' using errcode = 'PT404';
  end if;
  return query
    update public.device_one_time_keys k
       set claimed_at = now(), claimed_by = me
     where (k.device_id, k.key_id) = (
       select c.device_id, c.key_id from public.device_one_time_keys c
        where c.device_id = p_device_id and c.claimed_at is null
        order by c.created_at, c.key_id
        limit 1
        for update skip locked)
    returning k.key_id, k.public_key;
end;
$$;

COMMIT;
