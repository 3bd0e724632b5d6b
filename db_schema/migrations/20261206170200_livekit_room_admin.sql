-- What apps/server (role harmony_server) needs to apply voice moderation in a LiveKit room at
-- once (job livekit-moderate, queued by moderate_voice): the key pair to sign a roomAdmin
-- token for LiveKit's server API, and the permission a member should hold in a room now, the
-- same grants get_livekit_token gives at join. No API role may call either.
BEGIN;

create or replace function private.livekit_admin_config()
returns table (api_key text, api_secret text, server_url text)
language sql
stable
security definer
set search_path = ''
as $$
  select c.api_key, c.api_secret, c.server_url from private.livekit_config c where c.id
$$;

create or replace function private.livekit_participant_permission(p_room uuid, p_identity uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  perms bigint := public.channel_permissions(p_room, p_identity);
  membership public.server_members;
  can_speak boolean;
  can_stream boolean;
begin
  select m.* into membership from public.server_members m
    join public.channels c on c.server_id = m.server_id
   where c.id = p_room and m.profile_id = p_identity;
  can_speak := perms & public.permission('SPEAK') <> 0 and not coalesce(membership.voice_muted, false);
  can_stream := perms & public.permission('STREAM') <> 0;
  return jsonb_build_object(
    'canPublish', can_speak or can_stream,
    'canPublishSources',
      (case when can_speak then '["microphone"]'::jsonb else '[]'::jsonb end)
      || (case when can_stream then '["camera", "screen_share", "screen_share_audio"]'::jsonb else '[]'::jsonb end),
    'canSubscribe', not coalesce(membership.voice_deafened, false),
    'canPublishData', true
  );
end;
$$;

revoke execute on function private.livekit_admin_config() from public, anon, authenticated, service_role;
revoke execute on function private.livekit_participant_permission(uuid, uuid) from public, anon, authenticated, service_role;
grant execute on function private.livekit_admin_config() to harmony_server;
grant execute on function private.livekit_participant_permission(uuid, uuid) to harmony_server;

COMMIT;
