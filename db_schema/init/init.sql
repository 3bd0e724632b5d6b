-- Harmony's schema, in phase order. The migration runner (pnpm db:migrate) and psql both
-- read these includes: `psql -v ON_ERROR_STOP=1 -f db_schema/init/init.sql` loads the same files.
\ir 00_extensions.sql
\ir 01_types.sql
\ir 02_tables_core.sql
\ir 03_tables_social.sql
\ir 04_tables_servers.sql
\ir 06_tables_misc.sql
\ir 10_functions_core.sql
