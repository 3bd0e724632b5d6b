-- Recreates Supabase's grants and default privileges on schema public (fact sheet §1.3/§1.4)
-- and the graphql_public schema. ONLY for plain PostgreSQL: real Supabase already has them.
-- Defaults for auth/storage/realtime/extensions live in those files, set before their objects.

-- Owned by pg_database_owner, i.e. postgres since 00_roles.sql made it the database owner.
alter schema public owner to pg_database_owner;
grant usage on schema public to postgres, anon, authenticated, service_role;
grant create, usage on schema public to supabase_realtime_admin;

-- Supabase's classic "auto-expose" defaults: whatever postgres or supabase_admin creates in
-- public is fully granted to the API roles (RLS is then the only gate). Supabase cloud is
-- retiring this for new tables (2026), so Harmony's migrations nonetheless carry explicit
-- GRANTs per table and function and must behave the same with or without these lines.
alter default privileges for role postgres in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to postgres, anon, authenticated, service_role;

alter default privileges for role supabase_admin in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on functions to postgres, anon, authenticated, service_role;

-- PostgREST's default schema list includes graphql_public; pg_graphql itself is off by
-- default on current Supabase, so only the empty schema is provided.
create schema if not exists graphql_public authorization supabase_admin;
alter schema graphql_public owner to supabase_admin;
grant usage on schema graphql_public to postgres, anon, authenticated, service_role;

alter default privileges for role supabase_admin in schema graphql_public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema graphql_public
  grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema graphql_public
  grant all on functions to postgres, anon, authenticated, service_role;
