-- Link previews (issue 20): apps/server's fetch-preview job reads the pages a message links to
-- (through its private-address guard) and stores what it found in messages.embeds, which the
-- message_update broadcast carries to every reader.
--
-- 1. messages.suppress_embeds: the author removed the previews (suppress_message_embeds), so
--    later edits do not bring them back. user_settings.show_link_previews: a reader's choice not
--    to see previews at all (the client hides them).
-- 2. A fetch-preview job whenever a message with http(s) links is sent, or its content edited
--    (an edit that removes the links clears the previews the same way).
-- 3. What the job reads and writes, for harmony_server only: link_preview_source (the text, and
--    whether its author may embed links: EMBED_LINKS in the channel now), store_message_embeds
--    (writes the previews unless the message changed meanwhile), a cache of fetched URLs with
--    expiry (one fetch for a URL many messages share), a per-host rate limit, and re-hosted
--    preview images (served by apps/server at /api/media/previews/<id>, so readers' browsers
--    never contact the linked site).
BEGIN;

-- == 1. columns ==

alter table public.messages add column if not exists suppress_embeds boolean not null default false;
alter table public.user_settings add column if not exists show_link_previews boolean not null default true;
grant update (show_link_previews) on public.user_settings to authenticated;

-- == 2. a job for each message with links ==

-- Link previews are the embeds whose type says so (Discord's link, article, video and image
-- embeds); other embeds (a webhook's or bot's own, which have no type) are never touched here.
create or replace function private.is_link_preview(p_embed jsonb)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select coalesce(p_embed ->> 'type' in ('link', 'article', 'video', 'image'), false)
$$;

-- The message's embeds without its link previews, in their order.
create or replace function private.without_link_previews(p_embeds jsonb)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select coalesce(jsonb_agg(e.value order by e.ordinality), '[]'::jsonb)
    from jsonb_array_elements(p_embeds) with ordinality e
   where not private.is_link_preview(e.value)
$$;

create or replace function private.enqueue_link_previews()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.deleted_at is null and not new.suppress_embeds and new.type in ('default', 'reply')
     and (new.content ~* 'https?://' or new.embeds <> private.without_link_previews(new.embeds)) then
    -- One pending job per message: a quick second edit replaces the first's (same key).
    perform private.enqueue_job('fetch-preview', jsonb_build_object('messageId', new.id),
                                'fetch-preview:' || new.id);
  end if;
  return null;
end;
$$;
revoke execute on function private.enqueue_link_previews(), private.is_link_preview(jsonb),
  private.without_link_previews(jsonb) from public, anon, authenticated, service_role;

drop trigger if exists messages_enqueue_link_previews on public.messages;
create trigger messages_enqueue_link_previews after insert on public.messages
  for each row execute function private.enqueue_link_previews();
drop trigger if exists messages_enqueue_link_previews_edit on public.messages;
create trigger messages_enqueue_link_previews_edit after update of content on public.messages
  for each row when (new.content is distinct from old.content)
  execute function private.enqueue_link_previews();

-- == 3. what the job reads and writes ==

-- The message's text and whether previews may be made for it: nothing for a deleted or
-- suppressed message; may_embed is false when its author lacks EMBED_LINKS there now.
create or replace function private.link_preview_source(p_message_id uuid)
returns table (content text, may_embed boolean)
language sql
stable
security definer
set search_path = ''
as $$
  select m.content,
         m.author_id is not null
           and private.channel_permissions(m.channel_id, m.author_id) & public.permission('EMBED_LINKS') <> 0
    from public.messages m
   where m.id = p_message_id and m.deleted_at is null and not m.suppress_embeds
$$;

-- Writes the previews made from p_content (after the message's other embeds), unless the
-- message was edited, deleted or suppressed meanwhile (a newer job makes that version's).
-- True when the row changed.
create or replace function private.store_message_embeds(p_message_id uuid, p_content text, p_embeds jsonb)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  if jsonb_typeof(p_embeds) is distinct from 'array' or jsonb_array_length(p_embeds) > 10
     or exists (select 1 from jsonb_array_elements(p_embeds) e where not private.is_link_preview(e.value)) then
    raise exception 'embeds must be an array of at most 10 link previews' using errcode = '22023';
  end if;
  update public.messages m set embeds = private.without_link_previews(m.embeds) || p_embeds
   where m.id = p_message_id and m.content = p_content and m.deleted_at is null and not m.suppress_embeds
     and m.embeds is distinct from private.without_link_previews(m.embeds) || p_embeds;
  return found;
end;
$$;

-- One row per URL fetched: its preview (null when the page gave none) until expires_at.
create table if not exists private.link_previews (
  url text primary key check (length(url) <= 2048),
  embed jsonb check (embed is null or jsonb_typeof(embed) = 'object'),
  -- Why there is no preview (refused, too large, not HTML, ...): for the logs and tests.
  failure text check (length(failure) <= 500),
  fetched_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index if not exists link_previews_expires_idx on private.link_previews (expires_at);

-- Fetches started per host in the current window (the per-domain rate limit).
create table if not exists private.link_preview_hosts (
  host text primary key check (length(host) <= 255),
  window_start timestamptz not null default now(),
  fetches integer not null default 0
);

-- Counts one fetch from p_host; false when the host already had p_limit in this window.
create or replace function private.claim_link_preview_fetch(p_host text, p_limit integer, p_window interval)
returns boolean
language sql
security definer
set search_path = ''
as $$
  insert into private.link_preview_hosts as h (host, window_start, fetches)
  values (lower(p_host), now(), 1)
  on conflict (host) do update
    set window_start = case when h.window_start <= now() - p_window then now() else h.window_start end,
        fetches = case when h.window_start <= now() - p_window then 1 else h.fetches + 1 end
  returning fetches <= p_limit
$$;

-- Preview images, re-hosted: the id is the capability in /api/media/previews/<id>.
create table if not exists private.link_preview_images (
  id uuid primary key default gen_random_uuid(),
  source_url text not null unique check (length(source_url) <= 2048),
  content_type text not null check (content_type in ('image/png', 'image/jpeg', 'image/gif', 'image/webp')),
  width integer not null check (width > 0),
  height integer not null check (height > 0),
  bytes bytea not null check (octet_length(bytes) <= 5 * 1024 * 1024),
  fetched_at timestamptz not null default now()
);

-- Expired cache entries and rate-limit windows (images stay: messages show them).
create or replace function private.prune_link_previews(p_grace interval default interval '1 day')
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  removed integer;
begin
  delete from private.link_preview_hosts where window_start < now() - p_grace;
  delete from private.link_previews where expires_at < now() - p_grace;
  get diagnostics removed = row_count;
  return removed;
end;
$$;

revoke all on private.link_previews, private.link_preview_hosts, private.link_preview_images
  from public, anon, authenticated, service_role;
grant select, insert, update, delete on private.link_previews to harmony_server;
grant select, insert, update on private.link_preview_images to harmony_server;

revoke execute on function private.link_preview_source(uuid), private.store_message_embeds(uuid, text, jsonb),
  private.claim_link_preview_fetch(text, integer, interval), private.prune_link_previews(interval)
  from public, anon, authenticated, service_role;
grant execute on function private.link_preview_source(uuid), private.store_message_embeds(uuid, text, jsonb),
  private.claim_link_preview_fetch(text, integer, interval), private.prune_link_previews(interval)
  to harmony_server;

-- == 4. the author removes the previews ==

-- Removes the message's previews for good (p_suppress) or lets them be made again. Only its
-- author may: a message the caller cannot read is "not found".
create or replace function public.suppress_message_embeds(p_message_id uuid, p_suppress boolean default true)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
  target record;
begin
  select m.id, m.author_id, m.channel_id, m.deleted_at into target from public.messages m
   where m.id = p_message_id
     and private.channel_permissions(m.channel_id, me) & public.permission('VIEW_CHANNEL') <> 0;
  if not found or target.deleted_at is not null then
    raise exception 'message not found' using errcode = 'PT404';
  end if;
  if target.author_id is distinct from me then
    raise exception 'only the author can remove a message''s previews' using errcode = '42501';
  end if;
  update public.messages m
     set suppress_embeds = coalesce(p_suppress, true),
         embeds = case when coalesce(p_suppress, true) then private.without_link_previews(m.embeds)
                       else m.embeds end
   where m.id = p_message_id;
  if not coalesce(p_suppress, true) then
    perform private.enqueue_job('fetch-preview', jsonb_build_object('messageId', p_message_id),
                                'fetch-preview:' || p_message_id);
  end if;
end;
$$;
revoke execute on function public.suppress_message_embeds(uuid, boolean) from public, anon;
grant execute on function public.suppress_message_embeds(uuid, boolean) to authenticated;

COMMIT;
