-- Re-hosted preview images (20261206182000) are pruned once nothing shows them any more.
--
-- Until now they were kept for good: up to 5 MB each in private.link_preview_images, for every
-- picture of every page ever linked, long after the messages showing them were edited,
-- suppressed or deleted.
--
-- 1. private.link_preview_image_uses: which live messages' link previews show which image,
--    kept by triggers on public.messages (backfilled below). Messages without embeds, most of
--    them, do not call the trigger at all.
-- 2. private.prune_link_preview_images(grace): deletes the images that no live message shows and
--    no cached preview (private.link_previews) offers, once they are older than the grace period
--    (the daily prune-link-previews job). The grace period covers a fetch-preview job between
--    storing an image and storing the message's embeds; the job also renews an image it reuses,
--    so a reused image is never taken from under it.
BEGIN;

-- == 1. which messages show which image ==

create table if not exists private.link_preview_image_uses (
  message_id uuid not null references public.messages (id) on delete cascade,
  -- No foreign key: pruning an image never waits for, or fails, a message write.
  image_id uuid not null,
  primary key (message_id, image_id)
);
create index if not exists link_preview_image_uses_image_idx on private.link_preview_image_uses (image_id);

-- The re-hosted images the link previews among p_embeds show (/api/media/previews/<id>).
create or replace function private.preview_image_ids(p_embeds jsonb)
returns setof uuid
language sql
immutable
set search_path = ''
as $$
  select distinct m[1]::uuid
    from jsonb_array_elements(case when jsonb_typeof(p_embeds) = 'array' then p_embeds else '[]'::jsonb end) e,
         regexp_match(e.value -> 'image' ->> 'url',
                      '^/api/media/previews/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$') m
   where private.is_link_preview(e.value) and m is not null
$$;

-- Rewrites the message's uses: none once it is deleted.
create or replace function private.track_preview_image_uses()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    delete from private.link_preview_image_uses where message_id = new.id;
  end if;
  if new.deleted_at is null then
    insert into private.link_preview_image_uses (message_id, image_id)
    select new.id, ids.id from private.preview_image_ids(new.embeds) as ids(id)
    on conflict do nothing;
  end if;
  return null;
end;
$$;

drop trigger if exists messages_track_preview_image_uses on public.messages;
create trigger messages_track_preview_image_uses after insert on public.messages
  for each row when (new.embeds <> '[]'::jsonb and new.deleted_at is null)
  execute function private.track_preview_image_uses();
drop trigger if exists messages_track_preview_image_uses_edit on public.messages;
create trigger messages_track_preview_image_uses_edit after update of embeds, deleted_at on public.messages
  for each row when (old.embeds is distinct from new.embeds or (old.deleted_at is null) <> (new.deleted_at is null))
  execute function private.track_preview_image_uses();

insert into private.link_preview_image_uses (message_id, image_id)
select m.id, ids.id
  from public.messages m
 cross join lateral private.preview_image_ids(m.embeds) as ids(id)
 where m.embeds <> '[]'::jsonb and m.deleted_at is null
on conflict do nothing;

-- == 2. pruning ==

-- Deletes the images no live message shows and no cached preview offers, older than p_grace.
create or replace function private.prune_link_preview_images(p_grace interval default interval '1 day')
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  removed integer;
begin
  delete from private.link_preview_images i
   where i.fetched_at < now() - p_grace
     and not exists (select 1 from private.link_preview_image_uses u where u.image_id = i.id)
     and i.id not in (select offered.id from private.link_previews p
                       cross join lateral private.preview_image_ids(jsonb_build_array(p.embed)) as offered(id));
  get diagnostics removed = row_count;
  return removed;
end;
$$;

-- == 3. grants ==

revoke all on private.link_preview_image_uses from public, anon, authenticated, service_role;
revoke execute on function private.preview_image_ids(jsonb), private.track_preview_image_uses(),
  private.prune_link_preview_images(interval)
  from public, anon, authenticated, service_role;
grant execute on function private.prune_link_preview_images(interval) to harmony_server;

COMMIT;
