-- Instance-level rows every installation needs. Demo users and servers for development
-- live in supabase/seed.sql, never here: init also runs in production.

-- The author of system notices (joins, pins) shown as "Harmony". A bot profile: no login.
insert into public.profiles (id, username, display_name, is_bot, bio)
values ('00000000-0000-0000-0000-00000000beef', 'harmony', 'Harmony', true, 'System messages from this instance.')
on conflict do nothing;
