-- Bots as real Auth users. An application (public.bots, made by create_bot) has a profile
-- flagged is_bot; the first time its token is exchanged, apps/server creates an auth.users row
-- for it through GoTrue's admin API with app_metadata {"harmony_bot_id": <bot id>} (only the
-- service role can set app_metadata), and handle_new_user links that user to the bot's profile
-- instead of making a new one. From then on the bot signs in with a normal session and
-- auth.uid() maps to its profile: the same RLS, REST and Realtime as members.
--
-- Also: bot_token_account (apps/server's token lookup), regenerate_bot_token, and a guard that
-- bots enter servers only by install_bot (never through an invite), leaving with their install.
BEGIN;

create or replace function public.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  bot_id uuid := nullif(new.raw_app_meta_data ->> 'harmony_bot_id', '')::uuid;
  requested text := lower(btrim(new.raw_user_meta_data ->> 'username'));
  chosen text;
  display text := coalesce(
    nullif(btrim(new.raw_user_meta_data ->> 'display_name'), ''),
    nullif(btrim(new.raw_user_meta_data ->> 'full_name'), ''),
    nullif(btrim(new.raw_user_meta_data ->> 'name'), '')
  );
begin
  -- A bot's account: it takes over the bot's profile, once.
  if bot_id is not null then
    update public.profiles p set user_id = new.id
      from public.bots b
     where b.id = bot_id and p.id = b.profile_id and p.is_bot and p.user_id is null
    returning p.id into chosen;
    if chosen is null then
      raise exception 'no bot % without an account', bot_id using errcode = '23514';
    end if;
    insert into public.user_settings (profile_id) values (chosen::uuid) on conflict do nothing;
    return new;
  end if;

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

/**
 * For apps/server (harmony_server): the bot a live token belongs to, its profile and its auth
 * user (null until the first exchange creates it). No row for an unknown or revoked token.
 */
create or replace function public.bot_token_account(p_token text)
returns table (bot_id uuid, profile_id uuid, user_id uuid)
language plpgsql
security definer
set search_path = ''
as $$
declare
  found_bot uuid := public.verify_bot_token(p_token);
begin
  return query
    select b.id, b.profile_id, p.user_id
      from public.bots b join public.profiles p on p.id = b.profile_id
     where b.id = found_bot;
end;
$$;

-- Revokes every live token of one of the caller's bots and issues a new one (shown once).
create or replace function public.regenerate_bot_token(p_bot_id uuid)
returns text
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (
    select 1 from public.bots b where b.id = p_bot_id and b.owner_id = public.get_current_profile_id()
  ) then
    raise exception 'bot not found' using errcode = 'PT404';
  end if;
  update public.bot_tokens t set revoked_at = now() where t.bot_id = p_bot_id and t.revoked_at is null;
  return public.issue_bot_token(p_bot_id);
end;
$$;

-- Bots become members only through install_bot (checked at commit: install_bot adds the
-- member before its install row). An invite code does not let a bot in.
create or replace function private.bot_member_installed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from public.bots b where b.profile_id = new.profile_id)
     and not exists (select 1 from public.bots b
                       join public.bot_server_installs i on i.bot_id = b.id
                      where b.profile_id = new.profile_id and i.server_id = new.server_id) then
    raise exception 'bots join a server only when someone who may manage it adds them'
      using errcode = '42501';
  end if;
  return null;
end;
$$;
revoke all on function private.bot_member_installed() from public, anon, authenticated, service_role;
drop trigger if exists server_members_bot_installed on public.server_members;
create constraint trigger server_members_bot_installed
  after insert on public.server_members
  deferrable initially deferred
  for each row execute function private.bot_member_installed();

-- A bot that leaves or is kicked loses its install (and so its way back in without an admin).
create or replace function private.bot_member_left()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from public.bot_server_installs i
   using public.bots b
   where b.profile_id = old.profile_id and i.bot_id = b.id and i.server_id = old.server_id;
  return null;
end;
$$;
revoke all on function private.bot_member_left() from public, anon, authenticated, service_role;
drop trigger if exists server_members_bot_left on public.server_members;
create trigger server_members_bot_left
  after delete on public.server_members
  for each row execute function private.bot_member_left();

revoke all on function public.bot_token_account(text), public.regenerate_bot_token(uuid)
  from public, anon, authenticated, service_role;
grant execute on function public.regenerate_bot_token(uuid) to authenticated;
grant execute on function public.bot_token_account(text) to harmony_server;

COMMIT;
