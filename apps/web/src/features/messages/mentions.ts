import { client, stores, useServers, useUi } from '../../app/stores.js';
import type { MentionResolver } from '../../lib/markdown.js';
import { customEmojiUrl } from '../emoji/custom-emoji.js';

/** Names for the mention, channel and emoji tokens in messages of the open server (or DM). */
export function useMentionResolver(): MentionResolver {
  const serverId = useUi((s) => s.activeServerId);
  const detail = useServers((s) => (serverId ? s.details[serverId] : undefined));
  return {
    user: (id) => {
      const m = detail?.members.find((x) => x.profile_id === id);
      const profile = stores.profiles.getState().byId[id];
      return (
        m?.nickname ??
        m?.profile.display_name ??
        m?.profile.username ??
        profile?.display_name ??
        profile?.username
      );
    },
    role: (id) => detail?.roles.find((r) => r.id === id)?.name,
    channel: (id) => detail?.channels.find((c) => c.id === id)?.name ?? undefined,
    emoji: (id) => {
      const emoji = detail?.emojis.find((e) => e.id === id);
      return emoji ? customEmojiUrl(client, emoji) : undefined;
    },
  };
}
