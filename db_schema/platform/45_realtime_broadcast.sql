-- Broadcast from Database: Realtime streams realtime.messages through a publication of its
-- own, apart from supabase_realtime (which apps fill for Postgres Changes). Realtime creates
-- it on its first connection as supabase_admin, FOR TABLE realtime.messages only, and
-- recreates it if it holds anything else; the stack does the same if it is missing.
-- ONLY for plain PostgreSQL: real Supabase creates it itself.
do $$
begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime_messages_publication') then
    create publication supabase_realtime_messages_publication for table realtime.messages;
  end if;
end $$;
alter publication supabase_realtime_messages_publication owner to supabase_admin;
