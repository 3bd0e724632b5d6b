-- Rows of storage.objects and storage.buckets are written by the Storage API only.
-- ONLY for plain PostgreSQL (the local stack). An object row says who owns the file and the
-- content type it is served with, so a client that could write it directly could serve its
-- bytes as another type or hand them to another user. On Supabase no client path reaches these
-- tables (the storage schema is not exposed over REST); here the same holds even for an app
-- function that runs as its caller (SECURITY INVOKER) or a schema exposed by configuration.
--
-- The Storage API logs in as supabase_storage_admin and switches to the caller's role per
-- request (fact sheet §3), so the caller's policies still decide every upload, update, move,
-- copy and delete; the session user is what tells its connections apart from any other
-- (a role cannot change its session user, only SET ROLE). Other roles (service_role,
-- postgres, migrations) are not affected.

set local role supabase_storage_admin;

create or replace function storage.only_storage_api_writes()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if current_user in ('anon', 'authenticated') and session_user <> 'supabase_storage_admin' then
    raise exception '% on %.% is only allowed through the Storage API', tg_op, tg_table_schema, tg_table_name
      using errcode = '42501',
            hint = 'Upload, update, move, copy and delete files with the Storage API (supabase.storage).';
  end if;
  return null;
end;
$$;

create or replace trigger only_storage_api_writes
  before insert or update or delete or truncate on storage.objects
  for each statement execute function storage.only_storage_api_writes();

create or replace trigger only_storage_api_writes
  before insert or update or delete or truncate on storage.buckets
  for each statement execute function storage.only_storage_api_writes();

reset role;

-- TRUNCATE skips row-level security and delete triggers, TRIGGER would let a role attach its
-- own code to the table, REFERENCES lets it pin rows with a foreign key: API roles need none.
revoke truncate, trigger, references on storage.objects, storage.buckets from anon, authenticated;
