-- Moderation in voice channels (docs-source/voice.md, "Moderation"): members with MUTE_MEMBERS,
-- DEAFEN_MEMBERS or MOVE_MEMBERS in a voice channel can server-mute, server-deafen, disconnect
-- or move someone they outrank. Server mute and deafen are stored on the membership, so every
-- later LiveKit token leaves out the microphone (muted) or subscribing (deafened); the change
-- reaches the members through member_update on the server topic. What must happen in a room
-- now (mute the published microphone, stop subscriptions, remove or move the participant) is a
-- `livekit-moderate` job for apps/server, the service holding the LiveKit secret: the browser
-- never talks to LiveKit's server API.
BEGIN;

alter table public.server_members
  add column if not exists voice_muted boolean not null default false,
  add column if not exists voice_deafened boolean not null default false;
comment on column public.server_members.voice_muted is
  'Server mute: LiveKit tokens for this server leave out the microphone (moderate_voice).';
comment on column public.server_members.voice_deafened is
  'Server deafen: LiveKit tokens for this server cannot subscribe to others (moderate_voice).';

/*
 * p_action: mute, unmute, deafen, undeafen (stored, and applied in the room), disconnect, or
 * move (to p_to_channel_id, a voice channel of the same server where the moderator also has
 * MOVE_MEMBERS and the member may CONNECT).
 */
create or replace function public.moderate_voice(
  p_channel_id uuid,
  p_profile_id uuid,
  p_action text,
  p_to_channel_id uuid default null
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  channel public.channels;
  destination public.channels;
  needed text := case p_action
    when 'mute' then 'MUTE_MEMBERS' when 'unmute' then 'MUTE_MEMBERS'
    when 'deafen' then 'DEAFEN_MEMBERS' when 'undeafen' then 'DEAFEN_MEMBERS'
    when 'disconnect' then 'MOVE_MEMBERS' when 'move' then 'MOVE_MEMBERS' end;
begin
  if needed is null then
    raise exception 'unknown voice action' using errcode = '22023',
      hint = 'p_action is mute, unmute, deafen, undeafen, disconnect or move';
  end if;
  select * into channel from public.channels c where c.id = p_channel_id and c.type = 'voice';
  if channel.id is null
     or private.channel_permissions(p_channel_id, me) & public.permission('VIEW_CHANNEL') = 0 then
    raise exception 'voice channel not found' using errcode = 'PT404';
  end if;
  if private.channel_permissions(p_channel_id, me) & public.permission(needed) = 0 then
    raise exception 'you do not have the % permission in this channel', needed using errcode = '42501';
  end if;
  perform public.require_member(channel.server_id, p_profile_id);
  perform public.require_moderatable(channel.server_id, me, p_profile_id);
  if p_action = 'move' then
    select * into destination from public.channels c
     where c.id = p_to_channel_id and c.server_id = channel.server_id and c.type = 'voice'
       and private.channel_permissions(c.id, me) & public.permission('VIEW_CHANNEL') <> 0;
    if destination.id is null or destination.id = channel.id then
      raise exception 'destination voice channel not found' using errcode = 'PT404';
    end if;
    if private.channel_permissions(destination.id, me) & public.permission('MOVE_MEMBERS') = 0 then
      raise exception 'you do not have the MOVE_MEMBERS permission in the destination' using errcode = '42501';
    end if;
    if private.channel_permissions(destination.id, p_profile_id) & public.permission('CONNECT') = 0 then
      raise exception 'this member cannot connect to the destination' using errcode = '42501';
    end if;
  end if;
  if p_action in ('mute', 'unmute') then
    update public.server_members set voice_muted = (p_action = 'mute')
     where server_id = channel.server_id and profile_id = p_profile_id;
  elsif p_action in ('deafen', 'undeafen') then
    update public.server_members set voice_deafened = (p_action = 'deafen')
     where server_id = channel.server_id and profile_id = p_profile_id;
  end if;
  perform private.enqueue_job('livekit-moderate', jsonb_build_object(
    'room', p_channel_id, 'identity', p_profile_id, 'action', p_action, 'destination', destination.id));
end;
$$;

revoke execute on function public.moderate_voice(uuid, uuid, text, uuid) from public, anon;
grant execute on function public.moderate_voice(uuid, uuid, text, uuid) to authenticated;

-- Tokens honour server mute and deafen (the rest as in 20261206000100_advisor_findings.sql).
create or replace function public.get_livekit_token(p_channel_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  config private.livekit_config;
  channel public.channels;
  membership public.server_members;
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
    raise exception 'voice channel not found' using errcode = 'PT404';
  end if;
  select * into membership from public.server_members m
   where m.server_id = channel.server_id and m.profile_id = me;
  can_speak := perms & public.permission('SPEAK') <> 0 and not coalesce(membership.voice_muted, false);
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
      'canSubscribe', not coalesce(membership.voice_deafened, false),
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

COMMIT;
