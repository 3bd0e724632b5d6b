-- Harmony's schema, in phase order. The migration runner (pnpm db:migrate) and psql both
-- read these includes: `psql -v ON_ERROR_STOP=1 -f db_schema/init/init.sql` loads the same files.
\ir 00_extensions.sql
\ir 01_types.sql
\ir 02_tables_core.sql
\ir 03_tables_social.sql
\ir 04_tables_servers.sql
\ir 05_tables_federation.sql
\ir 06_tables_misc.sql
\ir 07_tables_trending.sql
\ir 08_tables_bots.sql
\ir 09_tables_encryption.sql
\ir 10_functions_core.sql
\ir 11_functions_servers.sql
\ir 12_functions_messages.sql
\ir 13_functions_rpc_extended.sql
\ir 30_rls_policies.sql
\ir 31_rls_policies_extended.sql
\ir 40_triggers.sql
\ir 50_realtime.sql
\ir 70_views.sql
\ir 71_views_performance.sql
\ir 90_federation_functions.sql
\ir 95_livekit_tokens.sql
\ir 96_seed_data.sql
\ir 97_storage_buckets.sql
\ir 98_enable_rls.sql
