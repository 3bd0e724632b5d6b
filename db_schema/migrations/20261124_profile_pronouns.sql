-- Pronouns on profiles, shown next to the display name. Idempotent: safe to run again,
-- and wrapped in BEGIN/COMMIT so it can also be applied by hand with psql.
BEGIN;

alter table public.profiles add column if not exists pronouns text;

do $$
begin
  if not exists (
    select 1 from pg_constraint
     where conrelid = 'public.profiles'::regclass and conname = 'profiles_pronouns_length'
  ) then
    alter table public.profiles
      add constraint profiles_pronouns_length check (char_length(pronouns) <= 40);
  end if;
end $$;

grant update (pronouns) on public.profiles to authenticated;

COMMIT;
