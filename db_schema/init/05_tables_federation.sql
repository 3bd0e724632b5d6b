-- ActivityPub federation: the instances we know, cached remote actors, the outbound
-- delivery queue the federation worker drains, and which servers are exposed as AP Groups.
-- The API roles see only the instance directory; everything else belongs to the worker
-- (service_role) and to SECURITY DEFINER functions (90_federation_functions.sql).

create table public.federated_instances (
  id uuid primary key default gen_random_uuid(),
  -- Host name, lowercase, optionally with a port (how ActivityPub ids name an instance).
  domain text not null unique
    check (domain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$'
           and char_length(domain) <= 253),
  -- From NodeInfo: mastodon, misskey, pleroma, harmony, …
  software text check (char_length(software) <= 64),
  software_version text check (char_length(software_version) <= 64),
  -- A blocked instance receives nothing and its activities are rejected.
  status text not null default 'active' check (status in ('active', 'blocked')),
  -- Trusted instances may host members of our multi-instance servers.
  trusted boolean not null default false,
  shared_inbox_url text check (shared_inbox_url ~ '^https?://'),
  last_seen_at timestamptz,
  created_at timestamptz not null default now(),
  constraint federated_instances_blocked_untrusted check (status = 'active' or not trusted)
);

-- Remote actors as last fetched; a remote user's profile row links here.
create table public.ap_actor_cache (
  id uuid primary key default gen_random_uuid(),
  actor_uri text not null unique check (actor_uri ~ '^https?://'),
  profile_id uuid unique references public.profiles (id) on delete set null,
  -- Verifies the actor's HTTP signatures.
  public_key_pem text,
  inbox_url text check (inbox_url ~ '^https?://'),
  outbox_url text check (outbox_url ~ '^https?://'),
  shared_inbox_url text check (shared_inbox_url ~ '^https?://'),
  fetched_at timestamptz not null default now()
);
create index ap_actor_cache_fetched_idx on public.ap_actor_cache (fetched_at);

-- Outbound deliveries. Workers claim due rows with FOR UPDATE SKIP LOCKED, so several can
-- run at once without handing the same job out twice.
create table public.federation_jobs (
  id bigint generated always as identity primary key,
  kind text not null check (kind ~ '^[a-z][a-z0-9_.]{0,63}$'),
  payload jsonb not null default '{}' check (jsonb_typeof(payload) = 'object'),
  -- null = no single target (e.g. fan-out to every follower's inbox).
  target_domain text,
  status public.federation_job_status not null default 'pending',
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null default 8 check (max_attempts between 1 and 100),
  next_attempt_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now(),
  locked_at timestamptz,
  locked_by text,
  constraint federation_jobs_lock_consistent check ((status = 'processing') = (locked_at is not null))
);
-- The claim query: due pending jobs in order.
create index federation_jobs_due_idx on public.federation_jobs (next_attempt_at, id) where status = 'pending';
-- Recovering jobs whose worker died mid-delivery.
create index federation_jobs_locked_idx on public.federation_jobs (locked_at) where status = 'processing';

-- A server exposed to the fediverse as an ActivityPub Group.
create table public.server_federation (
  server_id uuid primary key references public.servers (id) on delete cascade,
  federated boolean not null default false,
  ap_group_uri text unique check (ap_group_uri ~ '^https?://'),
  updated_at timestamptz not null default now(),
  constraint server_federation_uri_when_federated check (not federated or ap_group_uri is not null)
);
