-- Recreates the roles, memberships and per-role settings that Supabase's Postgres image
-- sets up before any user migration (fact sheet §1.2), plus database ownership/grants.
-- ONLY for plain PostgreSQL: real Supabase already has all of this (the runner skips it there).
-- Roles are cluster-wide but this runs once per database, so every statement is idempotent.

-- Create missing roles bare; attributes are (re)applied below so reruns converge.
-- unique_violation covers two databases being migrated at the same moment.
do $$
declare
  r text;
begin
  foreach r in array array[
    'postgres', 'anon', 'authenticated', 'service_role', 'authenticator',
    'supabase_auth_admin', 'supabase_storage_admin', 'supabase_realtime_admin',
    'supabase_replication_admin', 'supabase_etl_admin', 'supabase_read_only_user',
    'dashboard_user', 'supabase_superuser', 'pgbouncer'
  ] loop
    if not exists (select from pg_roles where rolname = r) then
      begin
        execute format('create role %I', r);
      exception when duplicate_object or unique_violation then
        null;
      end;
    end if;
  end loop;
end $$;

-- The bootstrap superuser already exists; its password belongs to whoever created the cluster.
alter role supabase_admin superuser createdb createrole replication bypassrls login inherit;

-- Local development only: every login role gets the password 'postgres'.
alter role postgres nosuperuser createdb createrole login replication bypassrls inherit password 'postgres';
alter role anon nosuperuser nocreatedb nocreaterole nologin noreplication nobypassrls inherit;
alter role authenticated nosuperuser nocreatedb nocreaterole nologin noreplication nobypassrls inherit;
alter role service_role nosuperuser nocreatedb nocreaterole nologin noreplication bypassrls inherit;
alter role authenticator nosuperuser nocreatedb nocreaterole login noreplication nobypassrls noinherit password 'postgres';
alter role supabase_auth_admin nosuperuser nocreatedb nocreaterole login noreplication nobypassrls noinherit password 'postgres';
alter role supabase_storage_admin nosuperuser nocreatedb createrole login noreplication nobypassrls noinherit password 'postgres';
alter role supabase_realtime_admin nosuperuser nocreatedb createrole login replication nobypassrls noinherit password 'postgres';
alter role supabase_replication_admin nosuperuser nocreatedb nocreaterole login replication nobypassrls inherit password 'postgres';
alter role supabase_etl_admin nosuperuser nocreatedb nocreaterole login replication nobypassrls inherit password 'postgres';
alter role supabase_read_only_user nosuperuser nocreatedb nocreaterole login noreplication bypassrls inherit password 'postgres';
alter role dashboard_user nosuperuser createdb createrole nologin replication nobypassrls inherit;
alter role supabase_superuser nosuperuser nocreatedb nocreaterole nologin noreplication nobypassrls inherit;
alter role pgbouncer nosuperuser nocreatedb nocreaterole login noreplication nobypassrls inherit password 'postgres';

-- Memberships. authenticator is NOINHERIT, so it only reaches the API roles through SET ROLE,
-- exactly as PostgREST uses them.
grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres with admin option;
grant pg_read_all_data, pg_signal_backend, pg_monitor, supabase_superuser to postgres;
grant anon, authenticated, service_role to supabase_realtime_admin;
grant authenticator to supabase_storage_admin;
grant pg_read_all_data to supabase_read_only_user;
grant supabase_superuser to supabase_etl_admin;

-- Deliberate deviation: real Supabase lets postgres create policies on storage.objects and
-- realtime.messages through supautils' policy grants, which plain Postgres lacks. Owning-role
-- membership is the only way to allow CREATE POLICY there (Realtime itself grants this one
-- wherever supautils does not cover it). Side effect: postgres could also alter those tables.
grant supabase_storage_admin, supabase_realtime_admin to postgres;

-- Per-role settings (cluster-wide, like Supabase's ALTER ROLE ... SET). No
-- session_preload_libraries: supautils and safeupdate do not exist on plain Postgres.
alter role supabase_admin set search_path to "$user", public, auth, extensions;
alter role postgres set search_path to "$user", public, extensions;
alter role anon set statement_timeout to '3s';
alter role authenticated set statement_timeout to '8s';
alter role authenticator set statement_timeout to '8s';
alter role authenticator set lock_timeout to '8s';
alter role supabase_auth_admin set search_path to auth;
alter role supabase_auth_admin set idle_in_transaction_session_timeout to 60000;
alter role supabase_storage_admin set search_path to storage;
alter role supabase_realtime_admin set search_path to public, extensions, realtime;

-- realtime.list_changes lowers log_min_messages for itself.
grant set on parameter log_min_messages to supabase_realtime_admin;

-- On Supabase, postgres owns its database, hence schema public (owned by pg_database_owner).
-- Applied to whichever database this runs in (postgres, or a test database).
do $$
begin
  execute format('alter database %I owner to postgres', current_database());
  execute format('grant all on database %I to postgres, dashboard_user', current_database());
  execute format(
    'grant create on database %I to supabase_auth_admin, supabase_storage_admin, supabase_realtime_admin',
    current_database()
  );
end $$;
