-- Account deletion (issue 16), as Discord does it: the profile stays as "Deleted user" so the
-- messages others read keep an author, unless the user also deletes their messages. The auth
-- user is deleted the way Supabase projects do it from SQL: a SECURITY DEFINER function owned by
-- postgres deletes auth.users' row of auth.uid() after its checks (it works on Supabase Cloud,
-- where the admin API is not reachable from the database).
--
-- Files: Storage's objects cannot be deleted with SQL (storage.protect_delete), so the client
-- removes the user's avatar and, with "delete my messages too", their messages' attachments
-- through the Storage API before calling delete_my_account. See docs-source/accounts.md.
BEGIN;

alter table public.profiles add column if not exists deleted_at timestamptz;
comment on column public.profiles.deleted_at is
  'Set when the account was deleted: the profile is anonymised ("Deleted user") and has no auth user.';

-- A deleted account keeps its local profile without an auth user.
alter table public.profiles drop constraint if exists profiles_local_or_remote;
alter table public.profiles add constraint profiles_local_or_remote
  check ((user_id is null) = (domain is not null) or is_bot or deleted_at is not null);

-- The caller's proof that they are at the keyboard: their password (bcrypt, as GoTrue stores
-- it), or the code GoTrue's /reauthenticate mailed them (hex SHA-224 of address and code, valid
-- for an hour, [auth.email] otp_expiry's local default).
create or replace function private.check_reauthentication(p_user_id uuid, p_password text, p_code text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  account auth.users;
  stored text;
begin
  select * into account from auth.users u where u.id = p_user_id for update;
  if coalesce(p_password, '') <> '' then
    -- bcrypt's $2b$ and $2a$ hash the same; pgcrypto reads $2a$.
    stored := regexp_replace(coalesce(account.encrypted_password, ''), '^\$2b\$', '$2a$');
    if stored !~ '^\$2[axy]\$' or extensions.crypt(p_password, stored) <> stored then
      raise exception 'the password is not correct' using errcode = '42501';
    end if;
  elsif coalesce(p_code, '') <> '' then
    if coalesce(account.reauthentication_token, '') = ''
       or account.reauthentication_sent_at is null
       or account.reauthentication_sent_at < now() - interval '1 hour'
       or encode(extensions.digest(coalesce(account.email, '') || btrim(p_code), 'sha224'), 'hex')
          <> account.reauthentication_token then
      raise exception 'the code is not valid or has expired' using errcode = '42501';
    end if;
  else
    raise exception 'enter your password or the code we emailed you' using errcode = '22023';
  end if;
end;
$$;
revoke all on function private.check_reauthentication(uuid, text, text) from public, anon, authenticated;

/**
 * Deletes the caller's account after re-entering their password (or a reauthentication code).
 * Refused while they own servers (transfer or delete them first). Their memberships, friends,
 * blocks, settings, notifications and group DMs end; one-to-one DMs stay for the other side.
 * p_delete_messages also removes what their messages said (tombstones, as delete_message).
 */
create or replace function public.delete_my_account(
  p_password text default null,
  p_code text default null,
  p_delete_messages boolean default false
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
  owned text;
begin
  select string_agg(s.name, ', ' order by s.name) into owned from public.servers s where s.owner_id = me;
  if owned is not null then
    raise exception 'transfer or delete the servers you own first: %', owned using errcode = 'PT409';
  end if;
  perform private.check_reauthentication((select auth.uid()), p_password, p_code);

  if p_delete_messages then
    delete from public.message_reactions r using public.messages m
     where m.id = r.message_id and m.author_id = me;
    delete from public.notifications n using public.messages m
     where m.id = n.message_id and m.author_id = me;
    update public.messages
       set deleted_at = now(), content = '', attachments = '[]', embeds = '[]',
           mention_profile_ids = '{}', mention_role_ids = '{}', mention_everyone = false,
           pinned_at = null, pinned_by = null
     where author_id = me and deleted_at is null;
  end if;

  -- Group DMs go on without them (ownership passes to the longest-standing other recipient).
  update public.channels c
     set owner_id = (select r.profile_id from public.channel_recipients r
                      where r.channel_id = c.id and r.profile_id <> me
                      order by r.added_at limit 1)
   where c.type = 'group_dm' and c.owner_id = me;
  delete from public.channel_recipients r using public.channels c
   where c.id = r.channel_id and c.type = 'group_dm' and r.profile_id = me;

  delete from public.server_members where profile_id = me;
  delete from public.server_bans where profile_id = me;
  delete from public.friend_requests where sender_id = me or recipient_id = me;
  delete from public.friendships where profile_a = me or profile_b = me;
  delete from public.user_blocks where blocker_id = me or blocked_id = me;
  delete from public.notifications where recipient_id = me;
  delete from public.channel_notification_settings where profile_id = me;
  delete from public.server_notification_settings where profile_id = me;
  delete from public.collapsed_categories where profile_id = me;
  delete from public.read_states where profile_id = me;
  delete from public.channel_slowmode where profile_id = me;
  -- Revoked devices keep their rows (key shares refer to them).
  update public.user_devices set revoked_at = coalesce(revoked_at, now()) where profile_id = me;
  delete from public.user_settings where profile_id = me;

  update public.profiles
     set user_id = null,
         deleted_at = now(),
         username = 'deleted_' || substr(replace(id::text, '-', ''), 1, 12),
         display_name = 'Deleted user',
         avatar_url = null, banner_url = null, bio = '', pronouns = null,
         status = 'offline', custom_status = null, custom_status_emoji = null,
         custom_status_expires_at = null, last_seen_at = null
   where id = me;

  -- Sessions, identities and factors go with the user (auth's own foreign keys).
  delete from auth.users where id = (select auth.uid());
end;
$$;
revoke all on function public.delete_my_account(text, text, boolean) from public, anon, authenticated;
grant execute on function public.delete_my_account(text, text, boolean) to authenticated;

COMMIT;
