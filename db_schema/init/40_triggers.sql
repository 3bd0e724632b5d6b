-- Triggers: profile creation on signup, timestamps, message numbering and mentions,
-- notifications, and the moderation audit log.

-- == section: core and social ==

-- A profile for every new account. The username comes from the signup metadata
-- (options.data.username); a bad or taken one fails the signup with a clear message,
-- and none at all derives one from the email address.
create function public.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  requested text := lower(btrim(new.raw_user_meta_data ->> 'username'));
  chosen text;
  display text := coalesce(
    nullif(btrim(new.raw_user_meta_data ->> 'display_name'), ''),
    nullif(btrim(new.raw_user_meta_data ->> 'full_name'), ''),
    nullif(btrim(new.raw_user_meta_data ->> 'name'), '')
  );
begin
  if requested is not null and requested <> '' then
    if requested !~ '^[a-z0-9_.]{2,32}$' then
      raise exception 'username must be 2 to 32 characters of a-z, 0-9, _ and .'
        using errcode = '23514', hint = 'choose another username';
    end if;
    if public.is_reserved_username(requested)
       or exists (select 1 from public.profiles p where p.username = requested and p.domain is null) then
      raise exception 'username "%" is already taken', requested
        using errcode = '23505', hint = 'choose another username';
    end if;
    chosen := requested;
  else
    chosen := left(regexp_replace(lower(split_part(coalesce(new.email, 'user'), '@', 1)), '[^a-z0-9_.]', '', 'g'), 27);
    if char_length(chosen) < 2 then
      chosen := 'user';
    end if;
    while public.is_reserved_username(chosen)
          or exists (select 1 from public.profiles p where p.username = chosen and p.domain is null) loop
      chosen := left(chosen, 27) || lpad((floor(random() * 10000))::int::text, 4, '0');
    end loop;
  end if;

  insert into public.profiles (user_id, username, display_name)
  values (new.id, chosen, left(display, 64))
  returning id into strict chosen;
  insert into public.user_settings (profile_id) values (chosen::uuid);
  return new;
end;
$$;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function public.handle_new_user();

-- updated_at maintenance for tables that carry it.
create function public.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

create trigger profiles_touch before update on public.profiles
  for each row execute function public.touch_updated_at();
create trigger user_settings_touch before update on public.user_settings
  for each row execute function public.touch_updated_at();
create trigger servers_touch before update on public.servers
  for each row execute function public.touch_updated_at();
create trigger channels_touch before update on public.channels
  for each row execute function public.touch_updated_at();

-- == end section: core and social ==

-- == section: servers ==
-- == end section: servers ==

-- == section: messages ==
-- == end section: messages ==
