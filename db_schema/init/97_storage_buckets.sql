-- Storage buckets and the storage.objects policies that govern them. The Storage API runs
-- every request as the caller's role with request.jwt.claims set, so these policies apply
-- exactly as RLS does for PostgREST. Public buckets are also served without a JWT through
-- /object/public/…, which checks only buckets.public; writes always go through RLS.

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values
  ('avatars', 'avatars', true, 5242880, array['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
  ('banners', 'banners', true, 10485760, array['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
  ('server-icons', 'server-icons', true, 5242880, array['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
  ('emoji', 'emoji', true, 524288, array['image/png', 'image/gif', 'image/webp']),
  -- Message attachments: private (signed URLs only), any file type.
  ('attachments', 'attachments', false, 52428800, null)
on conflict (id) do update
  set name = excluded.name,
      public = excluded.public,
      file_size_limit = excluded.file_size_limit,
      allowed_mime_types = excluded.allowed_mime_types;

-- A path segment as a uuid, or null when it is not one, so a policy on a malformed path
-- simply does not match instead of failing the request with a cast error.
create function public.try_uuid(p_text text)
returns uuid
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case
    when p_text ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then p_text::uuid
  end
$$;

-- The policies below are for authenticated only (anon gets none; service_role bypasses RLS).
grant execute on function public.try_uuid(text) to authenticated;

-- Avatars and banners: <auth user id>/<file>. Anyone signed in may list and download;
-- each user writes only inside their own folder.
create policy profile_images_select_signed_in on storage.objects
  for select to authenticated
  using (bucket_id in ('avatars', 'banners'));

create policy profile_images_insert_own on storage.objects
  for insert to authenticated
  with check (
    bucket_id in ('avatars', 'banners')
    and (storage.foldername(name))[1] = (select auth.uid())::text
  );

create policy profile_images_update_own on storage.objects
  for update to authenticated
  using (
    bucket_id in ('avatars', 'banners')
    and (storage.foldername(name))[1] = (select auth.uid())::text
  )
  with check (
    bucket_id in ('avatars', 'banners')
    and (storage.foldername(name))[1] = (select auth.uid())::text
  );

create policy profile_images_delete_own on storage.objects
  for delete to authenticated
  using (
    bucket_id in ('avatars', 'banners')
    and (storage.foldername(name))[1] = (select auth.uid())::text
  );

-- Server icons: <server id>/<file>, written by members with Manage Server.
create policy server_icons_select_signed_in on storage.objects
  for select to authenticated
  using (bucket_id = 'server-icons');

create policy server_icons_insert_manager on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'server-icons'
    and public.has_server_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD'))
  );

create policy server_icons_update_manager on storage.objects
  for update to authenticated
  using (
    bucket_id = 'server-icons'
    and public.has_server_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD'))
  )
  with check (
    bucket_id = 'server-icons'
    and public.has_server_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD'))
  );

create policy server_icons_delete_manager on storage.objects
  for delete to authenticated
  using (
    bucket_id = 'server-icons'
    and public.has_server_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD'))
  );

-- Custom emoji images: <server id>/<file>, written by members with Manage Expressions.
create policy emoji_select_signed_in on storage.objects
  for select to authenticated
  using (bucket_id = 'emoji');

create policy emoji_insert_manager on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'emoji'
    and public.has_server_permission(
      public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD_EXPRESSIONS'))
  );

create policy emoji_update_manager on storage.objects
  for update to authenticated
  using (
    bucket_id = 'emoji'
    and public.has_server_permission(
      public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD_EXPRESSIONS'))
  )
  with check (
    bucket_id = 'emoji'
    and public.has_server_permission(
      public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD_EXPRESSIONS'))
  );

create policy emoji_delete_manager on storage.objects
  for delete to authenticated
  using (
    bucket_id = 'emoji'
    and public.has_server_permission(
      public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD_EXPRESSIONS'))
  );

-- Attachments: <channel id>/<upload uuid>/<file name>. Uploading needs ATTACH_FILES in the
-- channel and the object must be owned by the uploader; whoever can read the channel can
-- download; the uploader or a member with Manage Messages can delete. No updates: an
-- attachment never changes once a message refers to it.
create policy attachments_select_reader on storage.objects
  for select to authenticated
  using (
    bucket_id = 'attachments'
    and public.try_uuid((storage.foldername(name))[1]) in (select public.readable_channel_ids())
  );

create policy attachments_insert_attacher on storage.objects
  for insert to authenticated
  with check (
    bucket_id = 'attachments'
    and owner_id = (select auth.uid())::text
    and array_length(storage.foldername(name), 1) = 2
    and public.try_uuid((storage.foldername(name))[2]) is not null
    and public.has_channel_permission(
      public.try_uuid((storage.foldername(name))[1]), public.permission('ATTACH_FILES'))
  );

create policy attachments_delete_uploader_or_moderator on storage.objects
  for delete to authenticated
  using (
    bucket_id = 'attachments'
    and (
      owner_id = (select auth.uid())::text
      or public.has_channel_permission(
        public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_MESSAGES'))
    )
  );
