-- Runs once at first initialisation: the schema Realtime keeps its own tables in
-- (its DB_AFTER_CONNECT_QUERY sets search_path to it); Realtime connects as supabase_admin.
create schema if not exists _realtime;
alter schema _realtime owner to supabase_admin;
