-- Recreates the `storage` schema as Supabase's Storage server leaves it (fact sheet §3):
-- buckets, objects, migrations, path helpers and delete protection.
-- ONLY for plain PostgreSQL: real Supabase already has it. Not recreated: search()/list_*
-- listing functions, S3 multipart and analytics/vector/iceberg tables.

create schema if not exists storage authorization supabase_admin;
alter schema storage owner to supabase_admin;

grant usage on schema storage to anon, authenticated, service_role;
grant usage on schema storage to postgres with grant option;
revoke create on schema storage from postgres;
grant all on schema storage to supabase_storage_admin with grant option;
grant all on schema storage to dashboard_user;

-- Set before the tables exist so they get the same ACLs as when the Storage server creates them.
alter default privileges for role supabase_storage_admin in schema storage
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_storage_admin in schema storage
  grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_storage_admin in schema storage
  grant all on functions to postgres, anon, authenticated, service_role;

-- The Storage server migrates as supabase_storage_admin, which therefore owns everything.
set local role supabase_storage_admin;

do $$
begin
  create type storage.buckettype as enum ('STANDARD', 'ANALYTICS', 'VECTOR');
exception when duplicate_object then null;
end $$;

-- The Storage server's migration ledger; present so its history table has the real shape.
create table if not exists storage.migrations (
  id integer not null,
  name varchar(100) not null unique,
  hash varchar(40) not null,
  executed_at timestamp default current_timestamp,
  constraint migrations_pkey primary key (id)
);

create table if not exists storage.buckets (
  id text not null,
  name text not null,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  owner_id text,
  type storage.buckettype not null default 'STANDARD',
  versioning_status text not null default 'DISABLED',
  constraint buckets_pkey primary key (id),
  constraint buckets_versioning_status_check check (versioning_status in ('DISABLED', 'ENABLED', 'SUSPENDED')),
  constraint buckets_versioning_standard_only_check check (type = 'STANDARD' or versioning_status = 'DISABLED'),
  -- Versioning is not switched on anywhere yet; the real schema forbids it outright.
  constraint buckets_versioning_dark_check check (versioning_status = 'DISABLED')
);
create unique index if not exists bname on storage.buckets (name);
comment on column storage.buckets.owner is 'Field is deprecated, use owner_id instead';

-- owner has no foreign key to auth.users (dropped upstream), so users can be deleted freely.
create table if not exists storage.objects (
  id uuid not null default gen_random_uuid(),
  bucket_id text,
  name text,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  owner_id text,
  user_metadata jsonb,
  archived_at timestamptz,
  is_delete_marker boolean not null default false,
  is_versioned boolean not null default false,
  constraint objects_pkey primary key (id),
  constraint "objects_bucketId_fkey" foreign key (bucket_id) references storage.buckets (id)
);
create unique index if not exists bucketid_objname on storage.objects (bucket_id, name);
create index if not exists name_prefix_search on storage.objects (name text_pattern_ops);
create index if not exists idx_objects_bucket_id_name on storage.objects (bucket_id, (name collate "C"));
create index if not exists idx_objects_bucket_id_name_lower on storage.objects (bucket_id, (lower(name) collate "C"));
comment on column storage.objects.owner is 'Field is deprecated, use owner_id instead';

-- Path helpers used in policies, e.g. (storage.foldername(name))[1] = auth.uid()::text.
create or replace function storage.foldername(name text)
returns text[]
language plpgsql
immutable
as $$
declare
  segments text[] := string_to_array(name, '/');
begin
  return segments[1 : array_length(segments, 1) - 1];
end;
$$;

create or replace function storage.filename(name text)
returns text
language plpgsql
immutable
as $$
declare
  segments text[] := string_to_array(name, '/');
begin
  return segments[array_length(segments, 1)];
end;
$$;

-- Text after the LAST dot of the last segment ('c.tar.gz' -> 'gz'); a name without a dot
-- comes back whole, as upstream does.
create or replace function storage.extension(name text)
returns text
language plpgsql
immutable
as $$
declare
  segments text[] := string_to_array(name, '/');
  last_segment text := segments[array_length(segments, 1)];
begin
  return reverse(split_part(reverse(last_segment), '.', 1));
end;
$$;

-- The Storage API sets storage.operation per request; policies may branch on it.
create or replace function storage.operation()
returns text
language plpgsql
stable
as $$
begin
  return current_setting('storage.operation', true);
end;
$$;

-- Operation names compare with or without their 'storage.' prefix.
create or replace function storage.allow_only_operation(expected_operation text)
returns boolean
language sql
stable
as $$
  select case
    when wanted is null or wanted = '' then false
    else coalesce(current_op = wanted, false)
  end
  from (
    select
      regexp_replace(storage.operation(), '^storage\.', '') as current_op,
      regexp_replace(expected_operation, '^storage\.', '') as wanted
  ) as ops
$$;

create or replace function storage.allow_any_operation(expected_operations text[])
returns boolean
language sql
stable
as $$
  select exists (
    select 1
    from unnest(expected_operations) as wanted
    where wanted is not null
      and wanted <> ''
      and regexp_replace(wanted, '^storage\.', '')
        = regexp_replace(storage.operation(), '^storage\.', '')
  )
$$;

create or replace function storage.update_updated_at_column()
returns trigger
language plpgsql
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

create or replace function storage.enforce_bucket_name_length()
returns trigger
language plpgsql
as $$
begin
  if length(new.name) > 100 then
    raise exception 'bucket name "%" is too long (% characters). Max is 100.', new.name, length(new.name);
  end if;
  return new;
end;
$$;

-- Rows deleted by plain SQL would orphan the stored files, so only a transaction that
-- opted in (the Storage API does, per request) may delete.
create or replace function storage.protect_delete()
returns trigger
language plpgsql
as $$
begin
  if coalesce(current_setting('storage.allow_delete_query', true), 'false') <> 'true' then
    raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
      using errcode = '42501',
            hint = 'Set storage.allow_delete_query = ''true'' locally if the files are removed as well.';
  end if;
  return null;
end;
$$;

create or replace trigger update_objects_updated_at
  before update on storage.objects
  for each row execute function storage.update_updated_at_column();

create or replace trigger enforce_bucket_name_length_trigger
  before insert or update of name on storage.buckets
  for each row execute function storage.enforce_bucket_name_length();

create or replace trigger protect_buckets_delete
  before delete on storage.buckets
  for each statement execute function storage.protect_delete();

create or replace trigger protect_objects_delete
  before delete on storage.objects
  for each statement execute function storage.protect_delete();

reset role;

-- No policies: anon/authenticated can do nothing until the app adds some.
alter table storage.migrations enable row level security;
alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;

grant all on storage.buckets, storage.objects to anon, authenticated, service_role;
grant all on storage.buckets, storage.objects to postgres with grant option;
revoke all on storage.migrations from anon, authenticated, service_role, postgres;
grant all on all sequences in schema storage to dashboard_user;
grant all on all routines in schema storage to dashboard_user;
