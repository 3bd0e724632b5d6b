import { HeadphoneOff, MicOff, Video } from 'lucide-react';
import { useServers, useUi, useVoice } from '../../app/stores.js';
import type { Channel } from '../../lib/types.js';
import type { VoiceParticipant } from '../../stores/voice.js';
import { Avatar } from '../../ui/Avatar.js';
import './voice.css';

/** One empty list, so the selector's answer stays the same while nobody is connected here. */
const NOBODY: VoiceParticipant[] = [];

/**
 * Who is in a voice channel, under it in the channel list, for every member of the server: from
 * the presence each participant shares (voiceChannelId and voiceFlags), so it shows without
 * joining. Speaking rings only where the viewer is in the same channel (LiveKit tells them).
 */
export function VoiceOccupants({ channel, serverId }: { channel: Channel; serverId: string }) {
  const presence = useUi((s) => s.presence[serverId]);
  const members = useServers((s) => s.details[serverId]?.members);
  const participants = useVoice((s) => (s.channelId === channel.id ? s.participants : NOBODY));
  const speaking = participants.filter((p) => p.speaking).map((p) => p.identity);
  const inVoice = Object.values(presence ?? {}).filter((p) => p.voiceChannelId === channel.id);
  if (channel.type !== 'voice' || inVoice.length === 0) return null;
  const member = (id: string) => members?.find((x) => x.profile_id === id);
  const name = (id: string) => {
    const m = member(id);
    return m?.nickname ?? m?.profile.display_name ?? m?.profile.username ?? 'someone';
  };
  return (
    <ul className="voice-occupants" aria-label={`In ${channel.name}`}>
      {inVoice.map((p) => {
        const flags = p.voiceFlags;
        return (
          <li key={p.profileId} className={speaking.includes(p.profileId) ? 'speaking' : undefined}>
            <Avatar
              id={p.profileId}
              name={name(p.profileId)}
              url={member(p.profileId)?.profile.avatar_url}
              size={20}
            />
            <span className="voice-occupant-name">{name(p.profileId)}</span>
            <span className="voice-occupant-flags">
              {flags?.streaming && <span className="live-badge">LIVE</span>}
              {flags?.camera && <Video aria-label="Camera on" size={14} />}
              {flags?.deafened ? (
                <HeadphoneOff aria-label="Deafened" size={14} />
              ) : (
                flags?.muted && <MicOff aria-label="Muted" size={14} />
              )}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
