import { HeadphoneOff, LogOut, MicOff } from 'lucide-react';
import { client, stores, useServers } from '../../app/stores.js';
import { describeError } from '../../lib/errors.js';
import type { Channel } from '../../lib/types.js';
import { IconButton } from '../../ui/IconButton.js';
import { useChannelPermission } from '../access/use-permissions.js';

type VoiceAction = 'mute' | 'unmute' | 'deafen' | 'undeafen' | 'disconnect' | 'move';

/** moderate_voice: stored, then applied in the room by apps/server (docs-source/voice.md, "Moderation"). */
async function moderate(channelId: string, profileId: string, action: VoiceAction, to: string | null = null) {
  const { error } = await client.rpc('moderate_voice', {
    p_channel_id: channelId,
    p_profile_id: profileId,
    p_action: action,
    ...(to ? { p_to_channel_id: to } : {}),
  });
  if (error) stores.ui.getState().toast(describeError(error, 'moderate voice'));
}

/**
 * Server mute, server deafen, disconnect and move for someone in the call, shown only with
 * MUTE_MEMBERS / DEAFEN_MEMBERS / MOVE_MEMBERS in the channel (the database checks them, and rank).
 */
export function VoiceModeration({
  channel,
  identity,
  name,
}: {
  channel: Channel;
  identity: string;
  name: string;
}) {
  const canMute = useChannelPermission(channel.id, 'MUTE_MEMBERS');
  const canDeafen = useChannelPermission(channel.id, 'DEAFEN_MEMBERS');
  const canMove = useChannelPermission(channel.id, 'MOVE_MEMBERS');
  const state = useServers((s) => {
    const member = s.details[channel.server_id ?? '']?.members.find((m) => m.profile_id === identity) as
      | { voice_muted?: boolean; voice_deafened?: boolean }
      | undefined;
    return `${member?.voice_muted ? 'm' : ''}${member?.voice_deafened ? 'd' : ''}`;
  });
  const channels = useServers((s) => s.details[channel.server_id ?? '']?.channels);
  const others = (channels ?? []).filter((c) => c.type === 'voice' && c.id !== channel.id);
  if (!canMute && !canDeafen && !canMove) return null;
  const muted = state.includes('m');
  const deafened = state.includes('d');
  return (
    <div className="voice-moderation">
      {canMute && (
        <IconButton
          label={muted ? `Server unmute ${name}` : `Server mute ${name}`}
          icon={MicOff}
          size={16}
          tooltip="top"
          aria-pressed={muted}
          onClick={() => void moderate(channel.id, identity, muted ? 'unmute' : 'mute')}
        />
      )}
      {canDeafen && (
        <IconButton
          label={deafened ? `Server undeafen ${name}` : `Server deafen ${name}`}
          icon={HeadphoneOff}
          size={16}
          tooltip="top"
          aria-pressed={deafened}
          onClick={() => void moderate(channel.id, identity, deafened ? 'undeafen' : 'deafen')}
        />
      )}
      {canMove && (
        <>
          <IconButton
            label={`Disconnect ${name}`}
            icon={LogOut}
            size={16}
            tooltip="top"
            onClick={() => void moderate(channel.id, identity, 'disconnect')}
          />
          {others.length > 0 && (
            <select
              aria-label={`Move ${name} to`}
              value=""
              onChange={(e) => e.target.value && void moderate(channel.id, identity, 'move', e.target.value)}
            >
              <option value="">Move to…</option>
              {others.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </>
      )}
    </div>
  );
}
