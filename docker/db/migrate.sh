#!/bin/sh
# Applies Harmony's schema to the self-hosted stack: every supabase/migrations/*.sql not yet
# recorded in supabase_migrations.schema_migrations, in version order, connected as the
# non-superuser postgres role and recorded exactly as `supabase db push` records them (so
# the CLI and this job agree on what is applied). Then gives harmony_server its password and
# stores the LiveKit key pair.
#
# It runs as a one-shot compose service, not from /docker-entrypoint-initdb.d: our schema
# needs what Auth, Storage and Realtime create when THEY start (auth tables, storage.buckets
# columns, realtime.messages), so it must run after those services are healthy. Rerunning
# it is harmless: applied versions are skipped.
set -eu

: "${PGHOST:=db}" "${PGPORT:=5432}" "${PGUSER:=postgres}" "${PGDATABASE:=postgres}"
: "${MIGRATIONS_DIR:=/migrations}"
export PGHOST PGPORT PGUSER PGDATABASE
if [ -z "${PGPASSWORD:-}" ]; then
  echo "migrate: PGPASSWORD is not set" >&2
  exit 1
fi
export PGPASSWORD

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

tries=0
until pg_isready -q; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "migrate: database $PGHOST:$PGPORT is not ready" >&2
    exit 1
  fi
  sleep 1
done

# Databases initialised before docker/db/jwt.sql was removed still hold the JWT secret as a
# database default any session can read (current_setting) and mint service_role tokens with:
# drop it (a no-op once gone). Changing a database's defaults takes its owner or a superuser;
# supabase_admin logs in with POSTGRES_PASSWORD too.
psql_q -U supabase_admin <<'SQL'
alter database :"DBNAME" reset "app.settings.jwt_secret";
SQL

# The same history table the Supabase CLI creates.
psql_q <<'SQL'
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
alter table supabase_migrations.schema_migrations add column if not exists statements text[];
alter table supabase_migrations.schema_migrations add column if not exists name text;
SQL

applied=0
for file in "$MIGRATIONS_DIR"/*.sql; do
  [ -e "$file" ] || continue
  base=$(basename "$file" .sql)
  version=${base%%_*}
  name=${base#*_}
  case "$version$name" in
    *[!a-z0-9_]* | '' )
      echo "migrate: $file is not named <digits>_<snake_case>.sql" >&2
      exit 1
      ;;
  esac
  done_already=$(psql -X -tA -v ON_ERROR_STOP=1 \
    -c "select count(*) from supabase_migrations.schema_migrations where version = '$version'")
  [ "$done_already" = 0 ] || continue
  echo "migrate: applying $base.sql"
  # The file and its history row in one transaction, so a failure anywhere (even at COMMIT)
  # leaves neither: the baseline is not re-runnable. -1 wraps every -c/-f in BEGIN/COMMIT and
  # rolls back on the first error (ON_ERROR_STOP). The row goes first because a file's own
  # BEGIN; ... COMMIT; (there so it also runs by hand) ends psql's transaction at its COMMIT;
  # its BEGIN only draws a warning. A concurrent run fails on the row's primary key instead
  # of applying the file twice.
  psql_q -1 \
    -c "insert into supabase_migrations.schema_migrations (version, name) values ('$version', '$name')" \
    -f "$file"
  applied=$((applied + 1))
done
echo "migrate: $applied migration(s) applied"

# apps/server logs in as harmony_server (created NOLOGIN by the migrations) with this password.
if [ -n "${HARMONY_SERVER_DB_PASSWORD:-}" ]; then
  psql_q -v pw="$HARMONY_SERVER_DB_PASSWORD" <<'SQL'
alter role harmony_server with login password :'pw';
SQL
  echo "migrate: harmony_server can log in"
fi

# Voice: the key pair LiveKit verifies tokens with, signed by get_livekit_token().
if [ -n "${LIVEKIT_API_KEY:-}" ] && [ -n "${LIVEKIT_API_SECRET:-}" ] && [ -n "${LIVEKIT_PUBLIC_URL:-}" ]; then
  psql_q -v key="$LIVEKIT_API_KEY" -v secret="$LIVEKIT_API_SECRET" -v url="$LIVEKIT_PUBLIC_URL" <<'SQL'
select public.set_livekit_config(:'key', :'secret', :'url');
SQL
  echo "migrate: LiveKit configured for $LIVEKIT_PUBLIC_URL"
fi
