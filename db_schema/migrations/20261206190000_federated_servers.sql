-- Federation, step 5 (issue 22): public servers across instances.
--
-- The owning instance (where the server lives) stays the authority:
--   * An owner (MANAGE_GUILD) marks a server federated (set_server_federated); its Group actor
--     is then served. A remote user joins by following the Group: the remote user's profile
--     here becomes an ordinary server member (private.receive_group_follow), so bans,
--     timeouts and channel permissions apply to them like to anyone.
--   * Public channels are the server's text channels @everyone can view. A remote member's
--     Note to the Group is stored only when they may post there (private.receive_group_note).
--   * Every message, edit and deletion in a public channel of a federated server with remote
--     members is relayed by the Group (federation-relay job); a remote member leaving, kicked
--     or banned is told (federation-group-remove) and no longer relayed to.
-- The joining instance keeps a read-only mirror of the remote server:
--   * join_remote_server queues federation-server-join (fetch the Group and its channels,
--     make the mirror, send Follow); the Group's Accept makes the user a member of the mirror.
--   * A local member's message in the mirror is sent to the Group (federation-server-note);
--     the Group's relays land in the mirror (private.receive_group_relay*). Leaving the mirror
--     sends Undo(Follow).
-- Writes made for an inbound activity set harmony.federation_inbound, so they send nothing back.
BEGIN;

-- The Group's URI is made by apps/server from the instance's origin, which the database does
-- not know.
alter table private.server_federation drop constraint if exists server_federation_uri_when_federated;

-- == the joining side: mirrors of remote servers ==

create table if not exists private.remote_servers (
  server_id uuid primary key references public.servers (id) on delete cascade,
  group_uri text not null unique check (group_uri ~ '^https?://'),
  -- The Group's remote profile: the mirror's owner, so no local user manages it.
  group_profile_id uuid not null unique references public.profiles (id) on delete cascade
);

create table if not exists private.remote_channels (
  channel_id uuid primary key references public.channels (id) on delete cascade,
  server_id uuid not null references private.remote_servers (server_id) on delete cascade,
  channel_uri text not null unique check (channel_uri ~ '^https?://')
);
create index if not exists remote_channels_server_idx on private.remote_channels (server_id);

create table if not exists public.remote_server_joins (
  id uuid primary key default gen_random_uuid(),
  profile_id uuid not null references public.profiles (id) on delete cascade,
  -- What the user typed: @<server id>@host or the Group's URL.
  address text not null check (char_length(address) <= 512),
  state text not null default 'pending' check (state in ('pending', 'accepted', 'rejected', 'failed')),
  -- The mirror, once the Group was fetched.
  server_id uuid references public.servers (id) on delete set null,
  -- Our Follow's id.
  activity_uri text unique check (activity_uri ~ '^https?://'),
  error text check (char_length(error) <= 500),
  created_at timestamptz not null default now()
);
create index if not exists remote_server_joins_profile_idx on public.remote_server_joins (profile_id, created_at);
create index if not exists remote_server_joins_server_idx on public.remote_server_joins (server_id);

do $$
declare
  t regclass;
begin
  foreach t in array array['private.remote_servers', 'private.remote_channels']::regclass[] loop
    execute format('revoke all on table %s from public, anon, authenticated, service_role', t);
    execute format('alter table %s enable row level security', t);
    execute format('drop policy if exists no_client_access on %s', t);
    execute format(
      'create policy no_client_access on %s as restrictive for all to anon, authenticated
         using (false) with check (false)', t);
  end loop;
end $$;

alter table public.remote_server_joins enable row level security;
revoke all on public.remote_server_joins from public, anon, authenticated, service_role;
grant select on public.remote_server_joins to authenticated;
grant all on public.remote_server_joins to service_role;
drop policy if exists remote_server_joins_select_own on public.remote_server_joins;
create policy remote_server_joins_select_own on public.remote_server_joins
  for select to authenticated using (profile_id = (select public.get_current_profile_id()));

grant select on private.remote_servers, private.remote_channels, public.remote_server_joins to harmony_server;
drop policy if exists remote_servers_server on private.remote_servers;
create policy remote_servers_server on private.remote_servers for select to harmony_server using (true);
drop policy if exists remote_channels_server on private.remote_channels;
create policy remote_channels_server on private.remote_channels for select to harmony_server using (true);
drop policy if exists remote_server_joins_server on public.remote_server_joins;
create policy remote_server_joins_server on public.remote_server_joins for select to harmony_server using (true);

-- == the owner's switch ==

-- Marks a server federated (or not). Turning it off removes the remote members (they are told).
create or replace function public.set_server_federated(p_server_id uuid, p_federated boolean)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.require_server_permission(p_server_id, 'MANAGE_GUILD');
  if p_federated is null then
    raise exception 'federated must be true or false' using errcode = '22023';
  end if;
  if exists (select 1 from private.remote_servers r where r.server_id = p_server_id) then
    raise exception 'this server lives on another instance' using errcode = '42501';
  end if;
  insert into private.server_federation (server_id, federated) values (p_server_id, p_federated)
  on conflict (server_id) do update set federated = excluded.federated, updated_at = now();
  if not p_federated then
    delete from public.server_members m using public.profiles p
     where m.server_id = p_server_id and p.id = m.profile_id and p.domain is not null;
  end if;
  return p_federated;
end;
$$;
revoke execute on function public.set_server_federated(uuid, boolean) from public, anon;
grant execute on function public.set_server_federated(uuid, boolean) to authenticated;

-- What a member's client shows: whether the server is federated (its own) or a mirror (of
-- which instance).
create or replace function public.server_federation_state(p_server_id uuid)
returns table (federated boolean, remote_domain text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform public.require_server_member(p_server_id);
  return query
    select coalesce((select f.federated from private.server_federation f where f.server_id = p_server_id), false),
           (select p.domain from private.remote_servers r join public.profiles p on p.id = r.group_profile_id
             where r.server_id = p_server_id);
end;
$$;
revoke execute on function public.server_federation_state(uuid) from public, anon;
grant execute on function public.server_federation_state(uuid) to authenticated;

-- == the owning side ==

-- Whether @everyone sees a text channel (Discord's order: base, then the @everyone overwrite).
create or replace function private.channel_is_public(p_channel_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((
    select r.permissions & public.permission('ADMINISTRATOR') <> 0
        or ((r.permissions & ~coalesce(o.deny, 0)) | coalesce(o.allow, 0)) & public.permission('VIEW_CHANNEL') <> 0
      from public.channels c
      join public.roles r on r.id = c.server_id
      left join public.channel_overwrites o
        on o.channel_id = c.id and o.target_type = 'role' and o.target_id = c.server_id
     where c.id = p_channel_id and c.type = 'text' and c.parent_id is null), false);
$$;

-- The public channels a federated server offers (apps/server serves them as a collection).
create or replace function private.federated_server_channels(p_server_id uuid)
returns table (id uuid, name text, topic text, "position" integer)
language sql
stable
security definer
set search_path = ''
as $$
  select c.id, c.name, c.topic, c.position
    from public.channels c
    join private.server_federation f on f.server_id = c.server_id and f.federated
   where c.server_id = p_server_id and private.channel_is_public(c.id)
   order by c.position, c.id;
$$;

-- The latest messages of a public channel of a federated server, oldest first: what a joining
-- instance fills its mirror with (later ones come as relays).
create or replace function private.federated_channel_history(p_channel_id uuid, p_limit integer)
returns table (message_id uuid, author_id uuid, author_actor_uri text, object_uri text, content text)
language sql
stable
security definer
set search_path = ''
as $$
  select h.id, h.author_id, a.actor_uri, o.object_uri, h.content
    from (select m.id, m.author_id, m.content, m.seq
            from public.messages m
            join public.channels c on c.id = m.channel_id
            join private.server_federation f on f.server_id = c.server_id and f.federated
           where m.channel_id = p_channel_id and m.deleted_at is null and m.content <> ''
             and private.channel_is_public(p_channel_id)
           order by m.seq desc
           limit least(greatest(p_limit, 0), 100)) h
    left join private.ap_actor_cache a on a.profile_id = h.author_id
    left join private.ap_objects o on o.message_id = h.id
   order by h.seq;
$$;

-- A verified Follow of a federated server's Group: the remote user becomes a member, unless
-- banned or the server is not federated. Returns whether they are a member.
create or replace function private.receive_group_follow(p_server_id uuid, p_profile_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from private.server_federation f where f.server_id = p_server_id and f.federated)
     or not exists (select 1 from public.profiles p where p.id = p_profile_id and p.domain is not null)
     or exists (select 1 from public.server_bans b where b.server_id = p_server_id and b.profile_id = p_profile_id)
  then
    return false;
  end if;
  insert into public.server_members (server_id, profile_id) values (p_server_id, p_profile_id)
  on conflict do nothing;
  return true;
end;
$$;

-- A verified Undo(Follow) of the Group: the remote member leaves.
create or replace function private.receive_group_unfollow(p_server_id uuid, p_profile_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform set_config('harmony.federation_inbound', 'on', true);
  delete from public.server_members m using public.profiles p
   where m.server_id = p_server_id and m.profile_id = p_profile_id and p.id = m.profile_id and p.domain is not null;
  return found;
end;
$$;

-- A remote member's Note to the Group, for one of its channels: stored when that member may
-- post there as any member (public channel, member, not timed out, SEND_MESSAGES). The same
-- Note twice is one message. Null when refused.
create or replace function private.receive_group_note(
  p_object_uri text, p_server_id uuid, p_channel_id uuid, p_author_id uuid, p_content text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  existing uuid;
  perms bigint;
  created uuid;
begin
  select o.message_id into existing from private.ap_objects o where o.object_uri = p_object_uri;
  if existing is not null then
    return existing;
  end if;
  perms := private.stored_channel_permissions(p_channel_id, p_author_id);
  if not exists (select 1 from public.channels c
                   join private.server_federation f on f.server_id = c.server_id and f.federated
                  where c.id = p_channel_id and c.server_id = p_server_id)
     or not exists (select 1 from public.profiles p where p.id = p_author_id and p.domain is not null)
     or not private.channel_is_public(p_channel_id)
     or perms & (public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES'))
        <> (public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES'))
     or nullif(btrim(coalesce(p_content, '')), '') is null then
    return null;
  end if;
  insert into public.messages (channel_id, author_id, content)
  values (p_channel_id, p_author_id, left(p_content, 4000))
  returning id into created;
  insert into private.ap_objects (object_uri, message_id, author_id) values (p_object_uri, created, p_author_id);
  return created;
end;
$$;

-- A remote member's edit of their Note in a server channel: taken only while they may still post
-- there. A refused edit has the Group relay the message as it stands, which puts their mirror back.
create or replace function private.receive_group_note_update(p_object_uri text, p_author_id uuid, p_content text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  target public.messages;
begin
  select m.* into target
    from private.ap_objects o join public.messages m on m.id = o.message_id
   where o.object_uri = p_object_uri and o.author_id = p_author_id and m.deleted_at is null;
  if target.id is null then
    return false;
  end if;
  if not private.channel_is_public(target.channel_id)
     or private.stored_channel_permissions(target.channel_id, p_author_id)
        & (public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES'))
        <> (public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES'))
     or nullif(btrim(coalesce(p_content, '')), '') is null then
    perform private.enqueue_job('federation-relay',
      jsonb_build_object('message_id', target.id, 'action', 'update', 'at', now()));
    return false;
  end if;
  update public.messages set content = left(p_content, 4000) where id = target.id;
  return true;
end;
$$;

-- Whether a refused Note's author is a member (only members are told their Note was refused).
create or replace function private.is_group_member(p_server_id uuid, p_profile_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.server_members m where m.server_id = p_server_id and m.profile_id = p_profile_id);
$$;

-- What the Group relays: a message in a public channel of a federated server that has remote
-- members (the channel's own id is its URI's last part).
create or replace function private.federate_group_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  action text;
begin
  if tg_op = 'INSERT' then
    action := 'create';
  elsif new.deleted_at is not null and old.deleted_at is null then
    action := 'delete';
  elsif new.content is distinct from old.content and new.deleted_at is null then
    action := 'update';
  else
    return null;
  end if;
  if exists (select 1 from public.channels c
               join private.server_federation f on f.server_id = c.server_id and f.federated
              where c.id = new.channel_id)
     and exists (select 1 from public.channels c
                   join public.server_members m on m.server_id = c.server_id
                   join public.profiles p on p.id = m.profile_id and p.domain is not null
                  where c.id = new.channel_id)
     and private.channel_is_public(new.channel_id) then
    perform private.enqueue_job('federation-relay',
      jsonb_build_object('message_id', new.id, 'action', action, 'at', now()));
  end if;
  return null;
end;
$$;

drop trigger if exists federate_group_message_insert on public.messages;
create trigger federate_group_message_insert after insert on public.messages
  for each row execute function private.federate_group_message();
drop trigger if exists federate_group_message_update on public.messages;
create trigger federate_group_message_update after update of content, deleted_at on public.messages
  for each row execute function private.federate_group_message();

-- apps/server: what a relay sends (the Note's id is ap_objects' for remote authors).
create or replace function private.group_message_for_relay(p_message_id uuid)
returns table (server_id uuid, channel_id uuid, author_id uuid, author_actor_uri text, object_uri text,
               content text, deleted boolean)
language sql
stable
security definer
set search_path = ''
as $$
  select c.server_id, m.channel_id, m.author_id, a.actor_uri, o.object_uri, m.content, m.deleted_at is not null
    from public.messages m
    join public.channels c on c.id = m.channel_id
    left join private.ap_actor_cache a on a.profile_id = m.author_id
    left join private.ap_objects o on o.message_id = m.id
   where m.id = p_message_id;
$$;

-- apps/server: the remote members' actors a federated server relays to.
create or replace function private.group_remote_members(p_server_id uuid)
returns table (actor_uri text)
language sql
stable
security definer
set search_path = ''
as $$
  select a.actor_uri
    from public.server_members m
    join public.profiles p on p.id = m.profile_id and p.domain is not null
    join private.ap_actor_cache a on a.profile_id = p.id
    join private.server_federation f on f.server_id = m.server_id and f.federated
   where m.server_id = p_server_id;
$$;

-- A remote member who leaves the server here (kick, ban, unfederating) is told, unless the
-- removal came from them.
create or replace function private.federate_member_removed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  group_uri text;
begin
  if coalesce(current_setting('harmony.federation_inbound', true), '') = 'on' then
    return null;
  end if;
  if exists (select 1 from public.profiles p where p.id = old.profile_id and p.domain is not null) then
    if exists (select 1 from public.servers s where s.id = old.server_id) then
      perform private.enqueue_job('federation-group-remove',
        jsonb_build_object('server_id', old.server_id, 'profile_id', old.profile_id));
    end if;
    return null;
  end if;
  -- A local user leaving a mirror: Undo(Follow) to the Group.
  select r.group_uri into group_uri from private.remote_servers r where r.server_id = old.server_id;
  if group_uri is not null then
    perform private.enqueue_job('federation-server-leave', jsonb_build_object(
      'profile_id', old.profile_id, 'group_uri', group_uri,
      'activity_uri', (select j.activity_uri from public.remote_server_joins j
                        where j.server_id = old.server_id and j.profile_id = old.profile_id
                        order by j.created_at desc limit 1)));
  end if;
  return null;
end;
$$;

drop trigger if exists federate_member_removed on public.server_members;
create trigger federate_member_removed after delete on public.server_members
  for each row execute function private.federate_member_removed();

-- == the joining side ==

-- Joins a server of another instance, by its address (@<server id>@host or its Group URL).
create or replace function public.join_remote_server(p_address text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  address text := btrim(coalesce(p_address, ''));
  created uuid;
begin
  if char_length(address) > 512 or address !~* '^(@?[a-z0-9_.~-]{1,64}@[a-z0-9.-]{1,253}(:[0-9]{1,5})?|https?://[^[:space:]]+)$' then
    raise exception 'a remote server is written @server@host or as its address (https://…)' using errcode = '22023';
  end if;
  if (select count(*) from public.remote_server_joins j
       where j.profile_id = me and j.created_at > now() - interval '1 minute') >= 10 then
    raise exception 'too many joins: wait a minute' using errcode = 'PT429';
  end if;
  insert into public.remote_server_joins (profile_id, address) values (me, address) returning id into created;
  perform private.enqueue_job('federation-server-join', jsonb_build_object('join_id', created));
  return created;
end;
$$;
revoke execute on function public.join_remote_server(text) from public, anon;
grant execute on function public.join_remote_server(text) to authenticated;

-- apps/server: the mirror of a fetched Group, made or refreshed with its public channels
-- (channels: [{uri, name, topic, position}]), and the join's Follow id. Returns the mirror.
create or replace function private.sync_remote_server(
  p_join_id uuid, p_group_uri text, p_group_profile_id uuid, p_name text, p_icon_url text,
  p_channels jsonb, p_activity_uri text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  mirror uuid;
  ch jsonb;
  existing uuid;
begin
  perform pg_advisory_xact_lock(hashtextextended('harmony.mirror:' || p_group_uri, 0));
  select r.server_id into mirror from private.remote_servers r where r.group_uri = p_group_uri;
  if mirror is null then
    mirror := gen_random_uuid();
    insert into public.servers (id, name, owner_id, icon_url)
    values (mirror, left(coalesce(nullif(btrim(p_name), ''), 'Remote server'), 100), p_group_profile_id, p_icon_url);
    -- Read and write in the mirrored channels; nothing to manage here.
    insert into public.roles (id, server_id, name, position, permissions)
    values (mirror, mirror, '@everyone', 0, public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES')
                                           | public.permission('READ_MESSAGE_HISTORY'));
    insert into private.remote_servers (server_id, group_uri, group_profile_id)
    values (mirror, p_group_uri, p_group_profile_id);
  else
    update public.servers s
       set name = left(coalesce(nullif(btrim(p_name), ''), s.name), 100), icon_url = coalesce(p_icon_url, s.icon_url)
     where s.id = mirror
       and (s.name, s.icon_url) is distinct from
           (left(coalesce(nullif(btrim(p_name), ''), s.name), 100), coalesce(p_icon_url, s.icon_url));
  end if;
  for ch in select * from jsonb_array_elements(coalesce(p_channels, '[]')) loop
    continue when ch->>'uri' !~ '^https?://' or lower(split_part(split_part(ch->>'uri', '://', 2), '/', 1))
                  <> lower(split_part(split_part(p_group_uri, '://', 2), '/', 1));
    select rc.channel_id into existing from private.remote_channels rc where rc.channel_uri = ch->>'uri';
    if existing is null then
      insert into public.channels (server_id, type, name, topic, position)
      values (mirror, 'text', public.channel_name(left(coalesce(ch->>'name', 'channel'), 100), 'text'),
              left(ch->>'topic', 1024), coalesce((ch->>'position')::int, 0))
      returning id into existing;
      insert into private.remote_channels (channel_id, server_id, channel_uri) values (existing, mirror, ch->>'uri');
    else
      update public.channels c
         set name = public.channel_name(left(coalesce(ch->>'name', c.name), 100), 'text'),
             topic = left(ch->>'topic', 1024), position = coalesce((ch->>'position')::int, c.position)
       where c.id = existing
         and (c.name, c.topic, c.position) is distinct from
             (public.channel_name(left(coalesce(ch->>'name', c.name), 100), 'text'), left(ch->>'topic', 1024),
              coalesce((ch->>'position')::int, c.position));
    end if;
  end loop;
  if p_join_id is not null then
    update public.remote_server_joins j
       set server_id = mirror, activity_uri = coalesce(j.activity_uri, p_activity_uri)
     where j.id = p_join_id;
  end if;
  return mirror;
end;
$$;

create or replace function private.fail_remote_server_join(p_join_id uuid, p_error text)
returns void
language sql
security definer
set search_path = ''
as $$
  update public.remote_server_joins set state = 'failed', error = left(p_error, 500)
   where id = p_join_id and state = 'pending';
$$;

-- The Group's Accept of our Follow: the user becomes a member of the mirror.
create or replace function private.receive_group_accept(p_activity_uri text, p_group_profile_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  joined public.remote_server_joins;
begin
  update public.remote_server_joins j set state = 'accepted'
    from private.remote_servers r
   where j.activity_uri = p_activity_uri and r.server_id = j.server_id and r.group_profile_id = p_group_profile_id
     and j.state in ('pending', 'accepted')
  returning j.* into joined;
  if joined.id is null then
    return false;
  end if;
  insert into public.server_members (server_id, profile_id) values (joined.server_id, joined.profile_id)
  on conflict do nothing;
  return true;
end;
$$;

-- The Group's Reject (refused, kicked or banned there): the user leaves the mirror.
create or replace function private.receive_group_reject(p_group_profile_id uuid, p_profile_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  mirror uuid;
begin
  select r.server_id into mirror from private.remote_servers r where r.group_profile_id = p_group_profile_id;
  if mirror is null then
    return false;
  end if;
  perform set_config('harmony.federation_inbound', 'on', true);
  update public.remote_server_joins j set state = 'rejected'
   where j.server_id = mirror and j.profile_id = p_profile_id and j.state in ('pending', 'accepted');
  delete from public.server_members m where m.server_id = mirror and m.profile_id = p_profile_id;
  return true;
end;
$$;

-- The message a relayed Note is in a Group's mirror: ours by id (p_local_message_id, for
-- Notes of this instance) or by the Note's id.
create or replace function private.mirror_message(p_group_profile_id uuid, p_object_uri text, p_local_message_id uuid)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.id
    from public.messages m
    join private.remote_channels rc on rc.channel_id = m.channel_id
    join private.remote_servers r on r.server_id = rc.server_id and r.group_profile_id = p_group_profile_id
   where m.id = coalesce(p_local_message_id,
                         (select o.message_id from private.ap_objects o where o.object_uri = p_object_uri));
$$;

-- A Note the Group relays into one of its channels: stored in the mirror (once).
create or replace function private.receive_group_relay_note(
  p_group_profile_id uuid, p_channel_uri text, p_object_uri text, p_local_message_id uuid,
  p_author_id uuid, p_content text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  existing uuid := private.mirror_message(p_group_profile_id, p_object_uri, p_local_message_id);
  channel uuid;
  created uuid;
begin
  if existing is not null or p_local_message_id is not null then
    return existing;
  end if;
  select rc.channel_id into channel
    from private.remote_channels rc
    join private.remote_servers r on r.server_id = rc.server_id and r.group_profile_id = p_group_profile_id
   where rc.channel_uri = p_channel_uri;
  if channel is null or p_author_id is null or nullif(btrim(coalesce(p_content, '')), '') is null
     or exists (select 1 from private.ap_objects o where o.object_uri = p_object_uri) then
    return null;
  end if;
  perform set_config('harmony.federation_inbound', 'on', true);
  insert into public.messages (channel_id, author_id, content)
  values (channel, p_author_id, left(p_content, 4000))
  returning id into created;
  insert into private.ap_objects (object_uri, message_id, author_id) values (p_object_uri, created, p_author_id);
  return created;
end;
$$;

create or replace function private.receive_group_relay_update(
  p_group_profile_id uuid, p_object_uri text, p_local_message_id uuid, p_content text)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform set_config('harmony.federation_inbound', 'on', true);
  update public.messages m set content = left(p_content, 4000)
   where m.id = private.mirror_message(p_group_profile_id, p_object_uri, p_local_message_id)
     and m.deleted_at is null and m.content is distinct from left(p_content, 4000);
  return found;
end;
$$;

create or replace function private.receive_group_relay_delete(
  p_group_profile_id uuid, p_object_uri text, p_local_message_id uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  target uuid := private.mirror_message(p_group_profile_id, p_object_uri, p_local_message_id);
begin
  if target is null then
    return false;
  end if;
  perform set_config('harmony.federation_inbound', 'on', true);
  update public.messages
     set deleted_at = now(), content = '', attachments = '[]', embeds = '[]',
         mention_profile_ids = '{}', mention_role_ids = '{}', mention_everyone = false,
         pinned_at = null, pinned_by = null
   where id = target and deleted_at is null;
  delete from public.message_reactions where message_id = target;
  delete from public.notifications where message_id = target;
  return true;
end;
$$;

-- A local member's message in a mirror goes to the Group (not the relayed ones).
create or replace function private.federate_mirror_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  action text;
begin
  if coalesce(current_setting('harmony.federation_inbound', true), '') = 'on' then
    return null;
  end if;
  if tg_op = 'INSERT' then
    action := 'create';
  elsif new.deleted_at is not null and old.deleted_at is null then
    action := 'delete';
  elsif new.content is distinct from old.content and new.deleted_at is null then
    action := 'update';
  else
    return null;
  end if;
  if exists (select 1 from private.remote_channels rc where rc.channel_id = new.channel_id)
     and exists (select 1 from public.profiles p where p.id = new.author_id and p.domain is null) then
    perform private.enqueue_job('federation-server-note',
      jsonb_build_object('message_id', new.id, 'action', action, 'at', now()));
  end if;
  return null;
end;
$$;

drop trigger if exists federate_mirror_message_insert on public.messages;
create trigger federate_mirror_message_insert after insert on public.messages
  for each row execute function private.federate_mirror_message();
drop trigger if exists federate_mirror_message_update on public.messages;
create trigger federate_mirror_message_update after update of content, deleted_at on public.messages
  for each row execute function private.federate_mirror_message();

-- apps/server: what a federation-server-note job sends.
create or replace function private.mirror_message_for_delivery(p_message_id uuid)
returns table (author_id uuid, content text, channel_uri text, group_uri text)
language sql
stable
security definer
set search_path = ''
as $$
  select m.author_id, m.content, rc.channel_uri, r.group_uri
    from public.messages m
    join private.remote_channels rc on rc.channel_id = m.channel_id
    join private.remote_servers r on r.server_id = rc.server_id
   where m.id = p_message_id;
$$;

do $$
declare
  fn regprocedure;
begin
  foreach fn in array array[
    'private.channel_is_public(uuid)', 'private.federated_server_channels(uuid)',
    'private.federated_channel_history(uuid, integer)',
    'private.receive_group_follow(uuid, uuid)', 'private.receive_group_unfollow(uuid, uuid)',
    'private.receive_group_note(text, uuid, uuid, uuid, text)', 'private.federate_group_message()',
    'private.is_group_member(uuid, uuid)', 'private.receive_group_note_update(text, uuid, text)',
    'private.group_message_for_relay(uuid)', 'private.group_remote_members(uuid)',
    'private.federate_member_removed()',
    'private.sync_remote_server(uuid, text, uuid, text, text, jsonb, text)',
    'private.fail_remote_server_join(uuid, text)', 'private.receive_group_accept(text, uuid)',
    'private.receive_group_reject(uuid, uuid)', 'private.mirror_message(uuid, text, uuid)',
    'private.receive_group_relay_note(uuid, text, text, uuid, uuid, text)',
    'private.receive_group_relay_update(uuid, text, uuid, text)',
    'private.receive_group_relay_delete(uuid, text, uuid)', 'private.federate_mirror_message()',
    'private.mirror_message_for_delivery(uuid)']::regprocedure[] loop
    execute format('revoke execute on function %s from public, anon, authenticated, service_role', fn);
  end loop;
  foreach fn in array array[
    'private.federated_server_channels(uuid)', 'private.federated_channel_history(uuid, integer)',
    'private.receive_group_follow(uuid, uuid)', 'private.receive_group_unfollow(uuid, uuid)',
    'private.receive_group_note(text, uuid, uuid, uuid, text)', 'private.is_group_member(uuid, uuid)',
    'private.receive_group_note_update(text, uuid, text)', 'private.group_message_for_relay(uuid)', 'private.group_remote_members(uuid)',
    'private.sync_remote_server(uuid, text, uuid, text, text, jsonb, text)',
    'private.fail_remote_server_join(uuid, text)', 'private.receive_group_accept(text, uuid)',
    'private.receive_group_reject(uuid, uuid)',
    'private.receive_group_relay_note(uuid, text, text, uuid, uuid, text)',
    'private.receive_group_relay_update(uuid, text, uuid, text)',
    'private.receive_group_relay_delete(uuid, text, uuid)',
    'private.mirror_message_for_delivery(uuid)']::regprocedure[] loop
    execute format('grant execute on function %s to harmony_server', fn);
  end loop;
end $$;

COMMIT;
