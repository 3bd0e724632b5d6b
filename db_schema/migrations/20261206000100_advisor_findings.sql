-- What Supabase's database advisor (splinter) found on a fresh database (issue 11, items 7
-- and 4b), closed. db_schema/tests/advisor.test.ts checks the same conditions and holds the
-- reasons for what stays.
BEGIN;

-- == Foreign keys without an index (lint 0001) ==
-- Deleting a profile, server, role or channel looks these up; without an index each delete
-- scans the whole referencing table. Sparse nullable columns get partial indexes: a lookup
-- `col = $1` never matches null.
create index if not exists server_bans_profile_idx on public.server_bans (profile_id);
create index if not exists server_bans_banned_by_idx on public.server_bans (banned_by)
  where banned_by is not null;
create index if not exists channels_owner_idx on public.channels (owner_id) where owner_id is not null;
create index if not exists invites_channel_idx on public.invites (channel_id) where channel_id is not null;
create index if not exists invites_inviter_idx on public.invites (inviter_id) where inviter_id is not null;
create index if not exists messages_pinned_by_idx on public.messages (pinned_by) where pinned_by is not null;
create index if not exists channel_slowmode_profile_idx on public.channel_slowmode (profile_id);
create index if not exists notifications_actor_idx on public.notifications (actor_id) where actor_id is not null;
create index if not exists notifications_server_idx on public.notifications (server_id)
  where server_id is not null;
create index if not exists custom_emojis_created_by_idx on public.custom_emojis (created_by)
  where created_by is not null;
create index if not exists audit_log_actor_idx on public.audit_log (actor_id) where actor_id is not null;
create index if not exists bot_server_installs_installed_by_idx on public.bot_server_installs (installed_by)
  where installed_by is not null;
create index if not exists bot_server_installs_role_idx on public.bot_server_installs (role_id)
  where role_id is not null;
create index if not exists device_one_time_keys_claimed_by_idx on public.device_one_time_keys (claimed_by)
  where claimed_by is not null;

-- == SECURITY DEFINER functions callable through /rest/v1/rpc (lints 0028, 0029) ==
-- Signed out, the web app calls no RPC, and no policy applies to anon (so no policy helper runs
-- as anon): anon executes no SECURITY DEFINER function in public.
do $$
declare
  fn regprocedure;
begin
  for fn in select p.oid::regprocedure from pg_proc p
             where p.pronamespace = 'public'::regnamespace and p.prosecdef loop
    execute format('revoke execute on function %s from anon', fn);
  end loop;
end $$;

-- Only other SECURITY DEFINER functions call these (as the owner); no policy or client does.
revoke execute on function public.channel_ids_with(bigint), public.is_server_member(uuid)
  from authenticated;

-- == Internal tables out of the API (lint 0008, issue 11 item 7) ==
-- The federation worker's queue, its actor cache and the federation state of servers are read
-- and written only by SECURITY DEFINER functions (as their owner). In `private`, which PostgREST
-- does not serve, no client can even name them; RLS stays on with an explicit deny for the
-- client roles, so a grant added by mistake still exposes no row.
create schema if not exists private;

alter table if exists public.federation_jobs set schema private;
alter table if exists public.ap_actor_cache set schema private;
alter table if exists public.server_federation set schema private;

do $$
declare
  t regclass;
begin
  foreach t in array array['private.federation_jobs', 'private.ap_actor_cache', 'private.server_federation',
                           'private.livekit_config']::regclass[] loop
    execute format('revoke all on table %s from public, anon, authenticated, service_role', t);
    execute format('alter table %s enable row level security', t);
    execute format('drop policy if exists no_client_access on %s', t);
    execute format(
      'create policy no_client_access on %s as restrictive for all to anon, authenticated
         using (false) with check (false)', t);
  end loop;
end $$;
revoke all on sequence private.federation_jobs_id_seq from public, anon, authenticated, service_role;

-- The queue's interface (90_federation_functions.sql), now reading its table in `private`. A job
-- that is not being processed is "not found" with PT404 (HTTP 404), not P0002 (500).
create or replace function public.queue_federation_job(p_kind text, p_payload jsonb, p_target_domain text default null)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  target text := lower(btrim(p_target_domain));
  created bigint;
begin
  if p_kind is null or p_kind !~ '^[a-z][a-z0-9_.]{0,63}$' then
    raise exception 'job kind must be 1 to 64 characters of a-z, 0-9, _ and ., starting with a letter'
      using errcode = '22023';
  end if;
  if p_payload is null or jsonb_typeof(p_payload) <> 'object' then
    raise exception 'job payload must be a JSON object' using errcode = '22023';
  end if;
  if target = '' then
    raise exception 'target domain must not be empty' using errcode = '22023';
  end if;
  if exists (select 1 from public.federated_instances i where i.domain = target and i.status = 'blocked') then
    return null;
  end if;
  insert into private.federation_jobs (kind, payload, target_domain)
  values (p_kind, p_payload, target)
  returning id into created;
  return created;
end;
$$;

-- The row type moved with its table, so the result type is the same one under its new name.
create or replace function public.claim_federation_jobs(p_worker text, p_limit integer default 10)
returns setof private.federation_jobs
language plpgsql
security definer
set search_path = ''
as $$
begin
  if p_worker is null or char_length(btrim(p_worker)) not between 1 and 128 then
    raise exception 'worker id must be 1 to 128 characters' using errcode = '22023';
  end if;
  if p_limit is null or p_limit not between 1 and 1000 then
    raise exception 'limit must be between 1 and 1000' using errcode = '22023';
  end if;

  update private.federation_jobs j
     set status = 'failed', locked_at = null, locked_by = null, last_error = 'target instance is blocked'
    from public.federated_instances i
   where i.domain = j.target_domain and i.status = 'blocked'
     and (j.status = 'pending' or (j.status = 'processing' and j.locked_at < now() - interval '15 minutes'));

  return query
    update private.federation_jobs j
       set status = 'processing', locked_at = now(), locked_by = p_worker, attempts = j.attempts + 1
     where j.id in (
       select d.id from private.federation_jobs d
        where (d.status = 'pending' and d.next_attempt_at <= now())
           or (d.status = 'processing' and d.locked_at < now() - interval '15 minutes')
        order by d.next_attempt_at, d.id
        limit p_limit
        for update skip locked)
    returning j.*;
end;
$$;

create or replace function public.complete_federation_job(p_id bigint, p_error text default null)
returns public.federation_job_status
language plpgsql
security definer
set search_path = ''
as $$
declare
  job private.federation_jobs;
begin
  select * into job from private.federation_jobs j where j.id = p_id for update;
  if not found or job.status <> 'processing' then
    raise exception 'federation job % is not being processed', p_id using errcode = 'PT404';
  end if;
  if p_error is null then
    update private.federation_jobs j
       set status = 'done', locked_at = null, locked_by = null, last_error = null
     where j.id = p_id;
    return 'done';
  end if;
  if job.attempts >= job.max_attempts then
    update private.federation_jobs j
       set status = 'failed', locked_at = null, locked_by = null, last_error = left(p_error, 2000)
     where j.id = p_id;
    return 'failed';
  end if;
  update private.federation_jobs j
     set status = 'pending', locked_at = null, locked_by = null, last_error = left(p_error, 2000),
         next_attempt_at = now() + least(interval '30 seconds' * power(2, job.attempts - 1), interval '6 hours')
   where j.id = p_id;
  return 'pending';
end;
$$;

-- == LiveKit tokens (95_livekit_tokens.sql): "not found" answers 404 like the other RPCs ==
-- A missing or forbidden voice channel raised P0002, which PostgREST answers with 500; PT404 is
-- answered 404 (issue 11 item 4a, the convention of 20261206000400_rpc_error_statuses.sql).
create or replace function public.get_livekit_token(p_channel_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  config private.livekit_config;
  channel public.channels;
  perms bigint;
  can_speak boolean;
  can_stream boolean;
  can_moderate boolean;
  display text;
  issued bigint := floor(extract(epoch from now()))::bigint;
  claims jsonb;
  signing_input text;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  select * into config from private.livekit_config c where c.id;
  if not found then
    raise exception 'voice is not configured on this instance' using errcode = 'P0001';
  end if;
  select * into channel from public.channels c where c.id = p_channel_id;
  perms := public.channel_permissions(p_channel_id, me);
  if channel.id is null or channel.type not in ('voice', 'dm', 'group_dm')
     or perms & public.permission('CONNECT') = 0 then
    raise exception 'voice channel not found' using errcode = 'PT404';
  end if;
  can_speak := perms & public.permission('SPEAK') <> 0;
  can_stream := perms & public.permission('STREAM') <> 0;
  -- Moderators mute others through LiveKit's room API, which needs roomAdmin in this room.
  can_moderate := perms & public.permission('MUTE_MEMBERS') <> 0;

  select coalesce(m.nickname, p.display_name, p.username) into display
    from public.profiles p
    left join public.server_members m on m.server_id = channel.server_id and m.profile_id = p.id
   where p.id = me;

  claims := jsonb_build_object(
    'iss', config.api_key,
    'sub', me::text,
    'name', display,
    'nbf', issued,
    'iat', issued,
    'exp', issued + 6 * 3600,
    'video', jsonb_build_object(
      'room', p_channel_id::text,
      'roomJoin', true,
      'canPublish', can_speak or can_stream,
      'canPublishSources',
        (case when can_speak then '["microphone"]'::jsonb else '[]'::jsonb end)
        || (case when can_stream then '["camera", "screen_share", "screen_share_audio"]'::jsonb
                 else '[]'::jsonb end),
      'canSubscribe', true,
      'canPublishData', true,
      'roomAdmin', can_moderate
    ),
    'metadata', jsonb_build_object('server_id', channel.server_id, 'channel_id', channel.id)::text
  );
  signing_input := private.base64url(convert_to('{"alg":"HS256","typ":"JWT"}', 'UTF8'))
    || '.' || private.base64url(convert_to(claims::text, 'UTF8'));
  return jsonb_build_object(
    'token', signing_input || '.' || private.base64url(
      extensions.hmac(convert_to(signing_input, 'UTF8'), convert_to(config.api_secret, 'UTF8'), 'sha256')),
    'url', config.server_url,
    'room', p_channel_id::text,
    'identity', me::text
  );
end;
$$;

-- == Public buckets that let clients list every file (lint 0025) ==
-- Public URLs need no SELECT policy. Listing (and what Storage's upsert and remove read back)
-- stays with those who may write there: the owner of an avatar folder, and members who manage
-- a server's icon or emoji.
drop policy if exists profile_images_select_signed_in on storage.objects;
drop policy if exists profile_images_select_own on storage.objects;
create policy profile_images_select_own on storage.objects
  for select to authenticated
  using (
    bucket_id in ('avatars', 'banners')
    and (storage.foldername(name))[1] = (select auth.uid())::text
  );

drop policy if exists server_icons_select_signed_in on storage.objects;
drop policy if exists server_icons_select_manager on storage.objects;
create policy server_icons_select_manager on storage.objects
  for select to authenticated
  using (
    bucket_id = 'server-icons'
    and public.has_server_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD'))
  );

drop policy if exists emoji_select_signed_in on storage.objects;
drop policy if exists emoji_select_manager on storage.objects;
create policy emoji_select_manager on storage.objects
  for select to authenticated
  using (
    bucket_id = 'emoji'
    and public.has_server_permission(
      public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD_EXPRESSIONS'))
  );

-- == Writes to read-only views (issue 11 item 4b) ==
-- No API role may write to a view. PostgreSQL reports "cannot update view" (a 500 through
-- PostgREST) before it checks privileges, unless the view has an INSTEAD OF trigger: with one,
-- a client without the privilege gets 42501 (401/403 through PostgREST), and the trigger itself
-- refuses whoever does hold it (the owner).
create or replace function private.reject_view_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'view %.% is read-only', tg_table_schema, tg_table_name using errcode = '42501';
end;
$$;
revoke execute on function private.reject_view_write() from public, anon, authenticated, service_role;

do $$
declare
  v regclass;
begin
  foreach v in array array['public.public_server_directory', 'public.trending_servers',
                           'public.server_member_counts']::regclass[] loop
    execute format('revoke insert, update, delete, truncate, references, trigger on %s
                      from public, anon, authenticated, service_role', v);
    execute format('drop trigger if exists reject_writes on %s', v);
    execute format('create trigger reject_writes instead of insert or update or delete on %s
                      for each row execute function private.reject_view_write()', v);
  end loop;
end $$;

COMMIT;
