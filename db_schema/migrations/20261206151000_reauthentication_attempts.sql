-- delete_my_account checked the password with no limit: a stolen session could guess the
-- password through it. Wrong passwords and codes are now counted per user: 5 in 15 minutes, then
-- every attempt (even a right one) is refused until the oldest of them is 15 minutes old.
--
-- A refusal that raised would roll the recorded attempt back with the request, so a wrong proof
-- answers the way PostgREST lets a function answer an error and still commit: the error body
-- ({code, message, details, hint}) as the result, with the response.status GUC (403, or 429 with
-- Retry-After once the limit is reached). supabase-js reads it as the call's error.
BEGIN;

create table if not exists private.reauthentication_failures (
  user_id uuid not null references auth.users (id) on delete cascade,
  failed_at timestamptz not null default now()
);
create index if not exists reauthentication_failures_user_time
  on private.reauthentication_failures (user_id, failed_at);
comment on table private.reauthentication_failures is
  'Wrong passwords and codes given to delete_my_account, to limit guessing (5 per user per 15 minutes).';
revoke all on table private.reauthentication_failures from public, anon, authenticated, service_role;

/**
 * Null when p_password (or the mailed reauthentication code p_code) proves the user is at the
 * keyboard; otherwise the PostgREST error body to answer with, the response status already set.
 */
create or replace function private.reauthentication_refusal(p_user_id uuid, p_password text, p_code text)
returns json
language plpgsql
security definer
set search_path = ''
as $$
declare
  max_failures constant int := 5;
  failure_window constant interval := interval '15 minutes';
  account auth.users;
  stored text;
  oldest timestamptz;
  failures int;
  wait_seconds int;
  proven boolean;
begin
  if coalesce(p_password, '') = '' and coalesce(p_code, '') = '' then
    raise exception 'enter your password or the code we emailed you' using errcode = '22023';
  end if;
  -- The row lock serialises one user's attempts, so parallel guesses cannot pass the count.
  select * into account from auth.users u where u.id = p_user_id for update;
  delete from private.reauthentication_failures f
   where f.user_id = p_user_id and f.failed_at <= now() - failure_window;
  select count(*), min(f.failed_at) into failures, oldest
    from private.reauthentication_failures f where f.user_id = p_user_id;
  if failures >= max_failures then
    wait_seconds := greatest(1, ceil(extract(epoch from oldest + failure_window - now())))::int;
    perform set_config('response.status', '429', true);
    perform set_config('response.headers', json_build_array(json_build_object('Retry-After', wait_seconds::text))::text, true);
    return json_build_object(
      'code', 'PT429',
      'message', format('too many wrong attempts: try again in %s minute%s',
                        ceil(wait_seconds / 60.0)::int, case when wait_seconds > 60 then 's' else '' end),
      'details', null,
      'hint', format('retry after %s seconds', wait_seconds));
  end if;

  if coalesce(p_password, '') <> '' then
    -- bcrypt's $2b$ and $2a$ hash the same; pgcrypto reads $2a$.
    stored := regexp_replace(coalesce(account.encrypted_password, ''), '^\$2b\$', '$2a$');
    proven := stored ~ '^\$2[axy]\$' and extensions.crypt(p_password, stored) = stored;
  else
    -- GoTrue's /reauthenticate code: hex SHA-224 of address and code, valid for an hour.
    proven := coalesce(account.reauthentication_token, '') <> ''
      and account.reauthentication_sent_at >= now() - interval '1 hour'
      and encode(extensions.digest(coalesce(account.email, '') || btrim(p_code), 'sha224'), 'hex')
          = account.reauthentication_token;
  end if;
  if proven then
    return null;
  end if;
  insert into private.reauthentication_failures (user_id) values (p_user_id);
  perform set_config('response.status', '403', true);
  return json_build_object(
    'code', '42501',
    'message', case when coalesce(p_password, '') <> '' then 'the password is not correct'
                    else 'the code is not valid or has expired' end,
    'details', null,
    'hint', null);
end;
$$;
revoke all on function private.reauthentication_refusal(uuid, text, text) from public, anon, authenticated, service_role;

drop function if exists private.check_reauthentication(uuid, text, text);

-- Returns json now (null when done, the error body when refused), so it is recreated.
drop function if exists public.delete_my_account(text, text, boolean);

/**
 * Deletes the caller's account after re-entering their password (or a reauthentication code).
 * Refused while they own servers (transfer or delete them first). Their memberships, friends,
 * blocks, settings, notifications and group DMs end; one-to-one DMs stay for the other side.
 * p_delete_messages also removes what their messages said (tombstones, as delete_message).
 * A wrong password or code answers 403 with an error body; 5 of them in 15 minutes, 429.
 */
create function public.delete_my_account(
  p_password text default null,
  p_code text default null,
  p_delete_messages boolean default false
)
returns json
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
  owned text;
  refusal json;
begin
  select string_agg(s.name, ', ' order by s.name) into owned from public.servers s where s.owner_id = me;
  if owned is not null then
    raise exception 'transfer or delete the servers you own first: %', owned using errcode = 'PT409';
  end if;
  refusal := private.reauthentication_refusal((select auth.uid()), p_password, p_code);
  if refusal is not null then
    return refusal;
  end if;

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

  -- Sessions, identities, factors and counted failures go with the user (foreign keys).
  delete from auth.users where id = (select auth.uid());
  return null;
end;
$$;
revoke all on function public.delete_my_account(text, text, boolean) from public, anon, authenticated;
grant execute on function public.delete_my_account(text, text, boolean) to authenticated;

COMMIT;
