-- LiveKit access tokens, signed in the database so the permission check and the grant are
-- one step: get_livekit_token() checks CONNECT/SPEAK/STREAM and returns an HS256 JWT that a
-- LiveKit server configured with the same key pair accepts.

-- The API secret lives in a schema no API role can even look into (and PostgREST does not
-- expose it); only SECURITY DEFINER functions owned by postgres read it.
create schema if not exists private;
revoke all on schema private from public, anon, authenticated, service_role;

create table private.livekit_config (
  -- At most one row.
  id boolean primary key default true check (id),
  api_key text not null check (char_length(api_key) between 1 and 256),
  api_secret text not null check (char_length(api_secret) between 1 and 1024),
  -- What clients connect to (wss://…), returned with every token.
  server_url text not null check (server_url ~ '^(wss?|https?)://'),
  updated_at timestamptz not null default now()
);
revoke all on private.livekit_config from public, anon, authenticated, service_role;
alter table private.livekit_config enable row level security;

-- JWTs use base64url without padding; encode() also wraps lines every 76 characters.
create function private.base64url(p_data bytea)
returns text
language sql
immutable
parallel safe
set search_path = ''
as $$
  select translate(encode(p_data, 'base64'), E'+/=\n', '-_')
$$;

-- A token for the caller to join the voice of a voice channel, or a call in a DM or group
-- DM, valid for 6 hours. Identity is the profile id; SPEAK allows the microphone, STREAM
-- the camera and screen share. A missing channel and a forbidden one give the same error.
create function public.get_livekit_token(p_channel_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  config private.livekit_config;
  channel public.channels;
  perms bigint;
  can_speak boolean;
  can_stream boolean;
  can_moderate boolean;
  display text;
  issued bigint := floor(extract(epoch from now()))::bigint;
  claims jsonb;
  signing_input text;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  select * into config from private.livekit_config c where c.id;
  if not found then
    raise exception 'voice is not configured on this instance' using errcode = 'P0001';
  end if;
  select * into channel from public.channels c where c.id = p_channel_id;
  perms := public.channel_permissions(p_channel_id, me);
  if channel.id is null or channel.type not in ('voice', 'dm', 'group_dm')
     or perms & public.permission('CONNECT') = 0 then
    raise exception 'voice channel not found' using errcode = 'P0002';
  end if;
  can_speak := perms & public.permission('SPEAK') <> 0;
  can_stream := perms & public.permission('STREAM') <> 0;
  -- Moderators mute others through LiveKit's room API, which needs roomAdmin in this room.
  can_moderate := perms & public.permission('MUTE_MEMBERS') <> 0;

  select coalesce(m.nickname, p.display_name, p.username) into display
    from public.profiles p
    left join public.server_members m on m.server_id = channel.server_id and m.profile_id = p.id
   where p.id = me;

  claims := jsonb_build_object(
    'iss', config.api_key,
    'sub', me::text,
    'name', display,
    'nbf', issued,
    'iat', issued,
    'exp', issued + 6 * 3600,
    'video', jsonb_build_object(
      'room', p_channel_id::text,
      'roomJoin', true,
      'canPublish', can_speak or can_stream,
      'canPublishSources',
        (case when can_speak then '["microphone"]'::jsonb else '[]'::jsonb end)
        || (case when can_stream then '["camera", "screen_share", "screen_share_audio"]'::jsonb
                 else '[]'::jsonb end),
      'canSubscribe', true,
      'canPublishData', true,
      'roomAdmin', can_moderate
    ),
    'metadata', jsonb_build_object('server_id', channel.server_id, 'channel_id', channel.id)::text
  );
  signing_input := private.base64url(convert_to('{"alg":"HS256","typ":"JWT"}', 'UTF8'))
    || '.' || private.base64url(convert_to(claims::text, 'UTF8'));
  return jsonb_build_object(
    'token', signing_input || '.' || private.base64url(
      extensions.hmac(convert_to(signing_input, 'UTF8'), convert_to(config.api_secret, 'UTF8'), 'sha256')),
    'url', config.server_url,
    'room', p_channel_id::text,
    'identity', me::text
  );
end;
$$;

-- Deployment sets the key pair (service_role, e.g. from LIVEKIT_API_KEY/SECRET at startup).
create function public.set_livekit_config(p_api_key text, p_api_secret text, p_server_url text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if coalesce(btrim(p_api_key), '') = '' or coalesce(p_api_secret, '') = '' then
    raise exception 'LiveKit API key and secret are required' using errcode = '22023';
  end if;
  if p_server_url is null or p_server_url !~ '^(wss?|https?)://' then
    raise exception 'LiveKit URL must start with ws://, wss://, http:// or https://' using errcode = '22023';
  end if;
  insert into private.livekit_config (id, api_key, api_secret, server_url)
  values (true, btrim(p_api_key), p_api_secret, p_server_url)
  on conflict (id) do update
    set api_key = excluded.api_key, api_secret = excluded.api_secret, server_url = excluded.server_url,
        updated_at = now();
end;
$$;

grant execute on function public.get_livekit_token(uuid) to authenticated;
grant execute on function public.set_livekit_config(text, text, text) to service_role;
