-- Attachment metadata is checked by the database, so no client can store junk that other
-- people's clients then render (docs-source/attachments.md). A message carries at most 10
-- files; each is an object with exactly these keys:
--   path          "<channel id>/<upload uuid>/<file name>" in the attachments bucket, inside
--                 the message's own channel folder (where the storage policies let it be)
--   name          1–255 characters
--   size          bytes, a whole number from 0 to 50 GiB (Supabase's largest upload)
--   content_type  one media type ("type/subtype", parameters allowed), at most 255 characters
--   width, height optional, whole pixels from 1 to 65535 (images and videos: the client
--                 reserves the box before the file loads)
--   duration      optional, seconds from 0 to 86400 (audio, video, voice messages)
--   waveform      optional, 1–256 whole numbers from 0 to 255 (a voice message's amplitudes)
--   spoiler       optional boolean (blurred until clicked)
-- The constraint is NOT VALID: rows already stored stay as they are; every new or changed row
-- is checked.
BEGIN;

-- An absent value, or a whole JSON number within [low, high].
create or replace function public.attachment_whole_number_is_valid(p_value jsonb, p_low numeric, p_high numeric)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case
    when p_value is null then true
    when jsonb_typeof(p_value) <> 'number' then false
    else p_value::text::numeric between p_low and p_high
      and p_value::text::numeric = trunc(p_value::text::numeric)
  end
$$;

-- One attachment object of a message in channel p_channel_id, as described above.
create or replace function public.attachment_is_valid(p_attachment jsonb, p_channel_id uuid)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case
    when jsonb_typeof(p_attachment) <> 'object' then false
    -- Only the known keys, and the required ones present.
    when exists (
      select from jsonb_object_keys(p_attachment) as k(key)
      where k.key not in ('path', 'name', 'size', 'content_type', 'width', 'height', 'duration', 'waveform', 'spoiler')
    ) then false
    when jsonb_typeof(p_attachment -> 'path') is distinct from 'string'
      or jsonb_typeof(p_attachment -> 'name') is distinct from 'string'
      or jsonb_typeof(p_attachment -> 'size') is distinct from 'number'
      or jsonb_typeof(p_attachment -> 'content_type') is distinct from 'string' then false
    when p_channel_id is null
      or char_length(p_attachment ->> 'path') > 400
      or (p_attachment ->> 'path') !~ (
        '^' || p_channel_id::text || '/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[^/]+$'
      ) then false
    when char_length(p_attachment ->> 'name') not between 1 and 255 then false
    when (p_attachment ->> 'size')::numeric not between 0 and 53687091200
      or (p_attachment ->> 'size')::numeric <> trunc((p_attachment ->> 'size')::numeric) then false
    when char_length(p_attachment ->> 'content_type') > 255
      or (p_attachment ->> 'content_type') !~ '^[a-zA-Z0-9!#$&^_.+-]+/[a-zA-Z0-9!#$&^_.+-]+( *;[ -~]*)?$' then false
    when not public.attachment_whole_number_is_valid(p_attachment -> 'width', 1, 65535)
      or not public.attachment_whole_number_is_valid(p_attachment -> 'height', 1, 65535) then false
    when p_attachment ? 'duration' and (
      jsonb_typeof(p_attachment -> 'duration') <> 'number'
      or (p_attachment ->> 'duration')::numeric not between 0 and 86400
    ) then false
    when p_attachment ? 'spoiler' and jsonb_typeof(p_attachment -> 'spoiler') <> 'boolean' then false
    when p_attachment ? 'waveform' and (
      jsonb_typeof(p_attachment -> 'waveform') <> 'array'
      or jsonb_array_length(p_attachment -> 'waveform') not between 1 and 256
      or exists (
        select from jsonb_array_elements(p_attachment -> 'waveform') as w(sample)
        where not public.attachment_whole_number_is_valid(w.sample, 0, 255)
      )
    ) then false
    else true
  end
$$;

-- A message's attachments: an array of at most 10 valid attachment objects (messages_attachments_valid).
create or replace function public.attachments_are_valid(p_attachments jsonb, p_channel_id uuid)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select jsonb_typeof(p_attachments) = 'array'
    and jsonb_array_length(p_attachments) <= 10
    and not exists (
      select from jsonb_array_elements(p_attachments) as a(file)
      where not public.attachment_is_valid(a.file, p_channel_id)
    )
$$;

revoke execute on function public.attachment_whole_number_is_valid(jsonb, numeric, numeric) from public;
revoke execute on function public.attachment_is_valid(jsonb, uuid) from public;
revoke execute on function public.attachments_are_valid(jsonb, uuid) from public;
-- The check runs as the writer: every role that may insert or update messages calls them
-- (harmony_server too: its jobs may update a message, e.g. its embeds).
grant execute on function public.attachment_whole_number_is_valid(jsonb, numeric, numeric)
  to anon, authenticated, service_role, harmony_server;
grant execute on function public.attachment_is_valid(jsonb, uuid)
  to anon, authenticated, service_role, harmony_server;
grant execute on function public.attachments_are_valid(jsonb, uuid)
  to anon, authenticated, service_role, harmony_server;

alter table public.messages drop constraint if exists messages_attachments_valid;
alter table public.messages
  add constraint messages_attachments_valid
  check (public.attachments_are_valid(attachments, channel_id)) not valid;

COMMIT;
