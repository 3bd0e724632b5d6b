-- Runs once, when the db volume is first initialised (mounted into the supabase/postgres
-- image's /docker-entrypoint-initdb.d/init-scripts/). The service roles log in with the
-- same password as postgres: POSTGRES_PASSWORD from .env.
\set pgpass `echo "$POSTGRES_PASSWORD"`

alter user authenticator with password :'pgpass';
alter user pgbouncer with password :'pgpass';
alter user supabase_auth_admin with password :'pgpass';
alter user supabase_storage_admin with password :'pgpass';
