-- Federation, step 1 (issue 22): what apps/server (role harmony_server) needs to serve this
-- instance's actors and to cache remote ones.
--
-- 1. private.ap_key_pairs: each local actor's signing key pair (a user's Person, a federated
--    server's Group), made by apps/server on first use. Only harmony_server reads it: no API
--    role, not even service_role, sees a private key.
-- 2. private.fedify_kv: the key-value store Fedify keeps its caches and inbound idempotency
--    keys in (rows expire).
-- 3. private.federation_settings: the instance operator's switch that pauses federation, and
--    the instance blocklist (public.federated_instances.status = 'blocked'), both set through
--    service_role-only functions.
-- 4. private.cache_remote_actor: a fetched and verified remote actor becomes a remote profile
--    (profiles.domain = its host) plus its row in private.ap_actor_cache.
BEGIN;

-- == 1. key pairs ==

create table if not exists private.ap_key_pairs (
  -- A local profile's or server's id: the identifier in the actor's URI.
  actor_id uuid primary key,
  -- RSASSA-PKCS1-v1_5 (what HTTP Signatures use across the fediverse), as JWK.
  private_jwk jsonb not null,
  public_jwk jsonb not null,
  created_at timestamptz not null default now()
);

-- == 2. Fedify's key-value store ==

create table if not exists private.fedify_kv (
  key text[] primary key,
  value jsonb not null,
  expires_at timestamptz
);
create index if not exists fedify_kv_expires_idx on private.fedify_kv (expires_at) where expires_at is not null;

-- == 3. the operator's controls ==

create table if not exists private.federation_settings (
  singleton boolean primary key default true check (singleton),
  -- Paused: the federation routes answer 503 and nothing is delivered (deliveries wait and retry).
  paused boolean not null default false,
  updated_at timestamptz not null default now()
);
insert into private.federation_settings (singleton) values (true) on conflict do nothing;

do $$
declare
  t regclass;
begin
  foreach t in array array['private.ap_key_pairs', 'private.fedify_kv', 'private.federation_settings']::regclass[] loop
    execute format('revoke all on table %s from public, anon, authenticated, service_role', t);
    execute format('alter table %s enable row level security', t);
    execute format('drop policy if exists no_client_access on %s', t);
    execute format(
      'create policy no_client_access on %s as restrictive for all to anon, authenticated
         using (false) with check (false)', t);
  end loop;
end $$;

grant select, insert on private.ap_key_pairs to harmony_server;
drop policy if exists ap_key_pairs_server on private.ap_key_pairs;
create policy ap_key_pairs_server on private.ap_key_pairs for all to harmony_server using (true) with check (true);

grant select, insert, update, delete on private.fedify_kv to harmony_server;
drop policy if exists fedify_kv_server on private.fedify_kv;
create policy fedify_kv_server on private.fedify_kv for all to harmony_server using (true) with check (true);

grant select on private.federation_settings to harmony_server;
drop policy if exists federation_settings_server on private.federation_settings;
create policy federation_settings_server on private.federation_settings for select to harmony_server using (true);

-- What apps/server reads to answer for actors and to refuse blocked instances.
grant select on public.federated_instances, private.ap_actor_cache, private.server_federation to harmony_server;
drop policy if exists federated_instances_server on public.federated_instances;
create policy federated_instances_server on public.federated_instances for select to harmony_server using (true);
drop policy if exists ap_actor_cache_server on private.ap_actor_cache;
create policy ap_actor_cache_server on private.ap_actor_cache for select to harmony_server using (true);
drop policy if exists server_federation_server on private.server_federation;
create policy server_federation_server on private.server_federation for select to harmony_server using (true);

-- Pauses or resumes federation for the whole instance. The operator's call (service_role).
create or replace function public.set_federation_paused(p_paused boolean)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  if p_paused is null then
    raise exception 'paused must be true or false' using errcode = '22023';
  end if;
  update private.federation_settings set paused = p_paused, updated_at = now() where singleton;
  return p_paused;
end;
$$;
revoke execute on function public.set_federation_paused(boolean) from public, anon, authenticated;
grant execute on function public.set_federation_paused(boolean) to service_role;

-- Blocks (or unblocks) a whole instance: its activities are refused and nothing is sent to it.
create or replace function public.set_instance_blocked(p_domain text, p_blocked boolean)
returns public.federated_instances
language plpgsql
security definer
set search_path = ''
as $$
declare
  target text := lower(btrim(p_domain));
  result public.federated_instances;
begin
  if target is null or target = '' or p_blocked is null then
    raise exception 'domain and blocked are required' using errcode = '22023';
  end if;
  insert into public.federated_instances (domain, status, trusted)
  values (target, case when p_blocked then 'blocked' else 'active' end, false)
  on conflict (domain) do update
    set status = excluded.status,
        trusted = case when p_blocked then false else public.federated_instances.trusted end
  returning * into result;
  return result;
end;
$$;
revoke execute on function public.set_instance_blocked(text, boolean) from public, anon, authenticated;
grant execute on function public.set_instance_blocked(text, boolean) to service_role;

-- == 4. remote actors ==

-- A remote username as a Harmony username: lowercase, [a-z0-9_.], 2 to 32 characters.
create or replace function private.remote_username(p_name text)
returns text
language sql
immutable
set search_path = ''
as $$
  -- (rpad also cuts longer text: only short names are padded.)
  select case when char_length(n) < 2 then rpad(n, 2, '_') else n end
    from (select left(regexp_replace(lower(coalesce(p_name, '')), '[^a-z0-9_.]', '_', 'g'), 32) as n) s;
$$;
revoke execute on function private.remote_username(text) from public, anon, authenticated, service_role;

-- Caches a remote actor apps/server fetched and verified, creating or updating its remote
-- profile. Returns the profile id, or null when the actor's instance is blocked.
create or replace function private.cache_remote_actor(
  p_actor_uri text,
  p_domain text,
  p_username text,
  p_display_name text,
  p_avatar_url text,
  p_inbox_url text,
  p_shared_inbox_url text,
  p_outbox_url text,
  p_public_key_pem text
)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  target text := lower(btrim(p_domain));
  name text := private.remote_username(p_username);
  shown text := nullif(left(btrim(coalesce(p_display_name, '')), 64), '');
  profile uuid;
begin
  if p_actor_uri !~ '^https?://' or lower(split_part(split_part(p_actor_uri, '://', 2), '/', 1)) <> target then
    raise exception 'actor % is not on %', p_actor_uri, target using errcode = '22023';
  end if;
  insert into public.federated_instances (domain, shared_inbox_url, last_seen_at)
  values (target, p_shared_inbox_url, now())
  on conflict (domain) do update
    set last_seen_at = now(),
        shared_inbox_url = coalesce(excluded.shared_inbox_url, public.federated_instances.shared_inbox_url);
  if exists (select 1 from public.federated_instances i where i.domain = target and i.status = 'blocked') then
    return null;
  end if;

  select c.profile_id into profile from private.ap_actor_cache c where c.actor_uri = p_actor_uri;
  if profile is null then
    insert into public.profiles (user_id, domain, username, display_name, avatar_url)
    values (null, target, name, shown, p_avatar_url)
    on conflict (username, domain) where domain is not null do nothing
    returning id into profile;
    if profile is null then
      -- Another actor of that instance already has the name (renamed accounts): keep both.
      insert into public.profiles (user_id, domain, username, display_name, avatar_url)
      values (null, target, left(name, 23) || '_' || substr(md5(p_actor_uri), 1, 8), shown, p_avatar_url)
      returning id into profile;
    end if;
  else
    update public.profiles p
       set display_name = shown, avatar_url = p_avatar_url
     where p.id = profile;
  end if;

  insert into private.ap_actor_cache (actor_uri, profile_id, public_key_pem, inbox_url, outbox_url,
                                      shared_inbox_url, fetched_at)
  values (p_actor_uri, profile, p_public_key_pem, p_inbox_url, p_outbox_url, p_shared_inbox_url, now())
  on conflict (actor_uri) do update
    set profile_id = excluded.profile_id,
        public_key_pem = excluded.public_key_pem,
        inbox_url = excluded.inbox_url,
        outbox_url = excluded.outbox_url,
        shared_inbox_url = excluded.shared_inbox_url,
        fetched_at = now();
  return profile;
end;
$$;
revoke execute on function private.cache_remote_actor(text, text, text, text, text, text, text, text, text)
  from public, anon, authenticated, service_role;
grant execute on function private.cache_remote_actor(text, text, text, text, text, text, text, text, text)
  to harmony_server;

COMMIT;
