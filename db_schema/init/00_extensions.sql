-- Extensions Harmony needs beyond the platform defaults. Supabase keeps them in schema
-- `extensions`; pgcrypto (hmac, digest, gen_random_bytes) is already there on every target.
create extension if not exists pg_trgm with schema extensions;
create extension if not exists pgcrypto with schema extensions;

-- Nothing in public is exposed by accident: new tables, sequences and functions get no
-- privileges for the API roles (Supabase's 2026 default for new projects), and functions
-- lose Postgres' implicit EXECUTE for PUBLIC. Each domain grants what it needs explicitly.
alter default privileges for role postgres in schema public
  revoke all on tables from anon, authenticated;
alter default privileges for role postgres in schema public
  revoke all on sequences from anon, authenticated;
alter default privileges for role postgres in schema public
  revoke execute on functions from anon, authenticated, service_role;
alter default privileges for role postgres revoke execute on functions from public;
