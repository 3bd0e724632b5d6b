-- Last phase: row-level security on every table in public, whatever phase created it, and
-- the service role's full table access (it bypasses RLS, as on Supabase). A table added
-- later without RLS makes the schema tests fail rather than silently exposing rows.
do $$
declare
  t record;
begin
  for t in select c.oid::regclass as name from pg_class c
            where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') loop
    execute format('alter table %s enable row level security', t.name);
  end loop;
end $$;

grant select, insert, update, delete on all tables in schema public to service_role;
grant usage, select on all sequences in schema public to service_role;
