import { createStore } from 'zustand/vanilla';
import { describeError } from '../lib/errors.js';
import type { HarmonyClient } from '../lib/supabase.js';
import type { Profile } from '../lib/types.js';

export interface FriendRequest {
  id: string;
  sender_id: string;
  recipient_id: string;
  created_at: string;
}

/** A DM or group DM the user is in, with everyone in it (the user included). */
export interface DmChannel {
  id: string;
  type: 'dm' | 'group_dm';
  name: string | null;
  ownerId: string | null;
  lastMessageAt: string | null;
  createdAt: string;
  recipientIds: string[];
  /** Hidden from the user's list (close_dm) until the next message. */
  closed: boolean;
}

export type FriendsTab = 'online' | 'all' | 'pending' | 'blocked';

export interface SocialState {
  me: string | null;
  friends: string[];
  incoming: FriendRequest[];
  outgoing: FriendRequest[];
  blocked: string[];
  dms: DmChannel[];
  loaded: boolean;
  error: string | null;
  tab: FriendsTab;
  /** On narrow screens the friends view replaces the DM list only when asked for. */
  friendsOpen: boolean;
  setTab(tab: FriendsTab): void;
  setFriendsOpen(open: boolean): void;
  /** Loads friends, requests, blocks and DMs of `me` (a profile id). */
  load(me: string): Promise<void>;
  loadFriends(): Promise<void>;
  loadDms(): Promise<void>;
  /** Returns 'pending', or 'accepted' when they had already asked. */
  sendFriendRequest(username: string): Promise<string>;
  accept(requestId: string): Promise<void>;
  /** Declines an incoming request or withdraws an outgoing one. */
  dismissRequest(requestId: string): Promise<void>;
  removeFriend(profileId: string): Promise<void>;
  block(profileId: string): Promise<void>;
  unblock(profileId: string): Promise<void>;
  openDm(profileId: string): Promise<string>;
  createGroupDm(profileIds: string[], name?: string): Promise<string>;
  closeDm(channelId: string): Promise<void>;
  leaveGroupDm(channelId: string): Promise<void>;
}

export interface SocialDeps {
  /** Makes sure the profiles store knows these people (names, avatars, status). */
  ensureProfiles?(ids: string[]): Promise<void>;
}

// == pure helpers ==

/** friendships stores each pair once, lower uuid first (least/greatest in SQL). */
export function friendPair(a: string, b: string): { profile_a: string; profile_b: string } {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()].sort();
  return { profile_a: x as string, profile_b: y as string };
}

export function otherOfPair(row: { profile_a: string; profile_b: string }, me: string): string {
  return row.profile_a === me ? row.profile_b : row.profile_a;
}

export function profileName(
  profile: Pick<Profile, 'display_name' | 'username'> | undefined,
): string | undefined {
  return profile ? profile.display_name || profile.username : undefined;
}

/**
 * What a DM is called for `me`: the other person's name; a group's own name, else its other
 * members' names. `nameOf` returns undefined for profiles not loaded yet.
 */
export function dmDisplayName(
  dm: Pick<DmChannel, 'type' | 'name' | 'recipientIds'>,
  me: string | null,
  nameOf: (profileId: string) => string | undefined,
): string {
  const others = dm.recipientIds.filter((id) => id !== me);
  if (dm.type === 'group_dm') {
    if (dm.name?.trim()) return dm.name.trim();
    const names = others.map((id) => nameOf(id) ?? 'Someone');
    return names.length > 0 ? names.join(', ') : 'Empty group';
  }
  const other = others[0] ?? me;
  return (other && nameOf(other)) ?? (other ? 'Unknown user' : 'Direct message');
}

/** The other person of a 1:1 DM. */
export function dmPartner(dm: Pick<DmChannel, 'type' | 'recipientIds'>, me: string | null): string | null {
  if (dm.type !== 'dm') return null;
  return dm.recipientIds.find((id) => id !== me) ?? null;
}

/** Most recent conversation first; never-used DMs by creation. */
export function sortDms<T extends Pick<DmChannel, 'lastMessageAt' | 'createdAt' | 'id'>>(
  dms: readonly T[],
): T[] {
  return [...dms].sort(
    (a, b) =>
      (b.lastMessageAt ?? b.createdAt).localeCompare(a.lastMessageAt ?? a.createdAt) ||
      a.id.localeCompare(b.id),
  );
}

/** Friends shown on the online/all tabs, sorted by name; `isOnline` is their live presence. */
export function friendsForTab(
  tab: 'online' | 'all',
  friends: readonly string[],
  profiles: Record<string, Pick<Profile, 'display_name' | 'username'> | undefined>,
  isOnline: (profileId: string) => boolean = () => false,
): string[] {
  const shown = tab === 'online' ? friends.filter(isOnline) : friends;
  const name = (id: string) => (profileName(profiles[id]) ?? id).toLowerCase();
  return [...shown].sort((a, b) => name(a).localeCompare(name(b)));
}

interface ChannelWithRecipients {
  id: string;
  type: string;
  name: string | null;
  owner_id: string | null;
  created_at: string;
  channel_recipients: { profile_id: string; closed: boolean }[] | null;
  /** One-to-one embed: the channel's message counter row. */
  channel_sequences: { last_message_at: string | null } | null;
}

export function toDmChannel(row: ChannelWithRecipients, me: string): DmChannel | null {
  if (row.type !== 'dm' && row.type !== 'group_dm') return null;
  const recipients = row.channel_recipients ?? [];
  const mine = recipients.find((r) => r.profile_id === me);
  if (!mine) return null;
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    ownerId: row.owner_id,
    lastMessageAt: row.channel_sequences?.last_message_at ?? null,
    createdAt: row.created_at,
    recipientIds: recipients.map((r) => r.profile_id),
    closed: mine.closed,
  };
}

// == store ==

export function createSocialStore(client: HarmonyClient, deps: SocialDeps = {}) {
  return createStore<SocialState>()((set, get) => {
    const requireMe = () => {
      const me = get().me;
      if (!me) throw new Error('Not signed in');
      return me;
    };
    const ensure = (ids: string[]) => (ids.length ? deps.ensureProfiles?.(ids) : undefined);

    return {
      me: null,
      friends: [],
      incoming: [],
      outgoing: [],
      blocked: [],
      dms: [],
      loaded: false,
      error: null,
      tab: 'online',
      friendsOpen: false,

      setTab: (tab) => set({ tab }),
      setFriendsOpen: (friendsOpen) => set({ friendsOpen }),

      async load(me) {
        set({ me, error: null });
        try {
          await Promise.all([get().loadFriends(), get().loadDms()]);
          set({ loaded: true });
        } catch (error) {
          set({ error: describeError(error), loaded: true });
        }
      },

      async loadFriends() {
        const me = requireMe();
        const [friendships, requests, blocks] = await Promise.all([
          client.from('friendships').select('profile_a, profile_b'),
          client.from('friend_requests').select('*').order('created_at', { ascending: false }),
          client.from('user_blocks').select('blocked_id').eq('blocker_id', me),
        ]);
        const failed = [friendships, requests, blocks].find((r) => r.error);
        if (failed?.error) throw failed.error;
        const friends = (friendships.data ?? []).map((row) => otherOfPair(row, me));
        const all = (requests.data ?? []) as FriendRequest[];
        const incoming = all.filter((r) => r.recipient_id === me);
        const outgoing = all.filter((r) => r.sender_id === me);
        const blocked = (blocks.data ?? []).map((b) => b.blocked_id);
        set({ friends, incoming, outgoing, blocked });
        await ensure([
          ...friends,
          ...incoming.map((r) => r.sender_id),
          ...outgoing.map((r) => r.recipient_id),
          ...blocked,
        ]);
      },

      async loadDms() {
        const me = requireMe();
        const { data, error } = await client
          .from('channels')
          .select(
            'id, type, name, owner_id, created_at, channel_recipients(profile_id, closed), channel_sequences(last_message_at)',
          )
          .in('type', ['dm', 'group_dm']);
        if (error) throw error;
        const dms = sortDms(
          ((data ?? []) as unknown as ChannelWithRecipients[])
            .map((row) => toDmChannel(row, me))
            .filter((dm): dm is DmChannel => dm !== null),
        );
        set({ dms });
        await ensure([...new Set(dms.flatMap((dm) => dm.recipientIds))]);
      },

      async sendFriendRequest(username) {
        const { data, error } = await client.rpc('send_friend_request', {
          p_username: username.trim().replace(/^@/, ''),
        });
        if (error) throw error;
        await get().loadFriends();
        return data as string;
      },

      async accept(requestId) {
        const { error } = await client.rpc('accept_friend_request', { p_request_id: requestId });
        if (error) throw error;
        await get().loadFriends();
      },

      async dismissRequest(requestId) {
        const { error } = await client.from('friend_requests').delete().eq('id', requestId);
        if (error) throw error;
        set((s) => ({
          incoming: s.incoming.filter((r) => r.id !== requestId),
          outgoing: s.outgoing.filter((r) => r.id !== requestId),
        }));
      },

      async removeFriend(profileId) {
        const pair = friendPair(requireMe(), profileId);
        const { error } = await client
          .from('friendships')
          .delete()
          .eq('profile_a', pair.profile_a)
          .eq('profile_b', pair.profile_b);
        if (error) throw error;
        set((s) => ({ friends: s.friends.filter((id) => id !== profileId) }));
      },

      async block(profileId) {
        const { error } = await client.rpc('block_user', { p_profile_id: profileId });
        if (error) throw error;
        await get().loadFriends();
      },

      async unblock(profileId) {
        const { error } = await client
          .from('user_blocks')
          .delete()
          .eq('blocker_id', requireMe())
          .eq('blocked_id', profileId);
        if (error) throw error;
        set((s) => ({ blocked: s.blocked.filter((id) => id !== profileId) }));
      },

      async openDm(profileId) {
        const { data, error } = await client.rpc('open_dm', { p_profile_id: profileId });
        if (error) throw error;
        await get().loadDms();
        return data as string;
      },

      async createGroupDm(profileIds, name) {
        const { data, error } = await client.rpc('create_group_dm', {
          p_profile_ids: profileIds,
          p_name: name?.trim() || undefined,
        });
        if (error) throw error;
        await get().loadDms();
        return data as string;
      },

      async closeDm(channelId) {
        const { error } = await client.rpc('close_dm', { p_channel_id: channelId });
        if (error) throw error;
        set((s) => ({ dms: s.dms.map((dm) => (dm.id === channelId ? { ...dm, closed: true } : dm)) }));
      },

      async leaveGroupDm(channelId) {
        const { error } = await client.rpc('leave_group_dm', { p_channel_id: channelId });
        if (error) throw error;
        set((s) => ({ dms: s.dms.filter((dm) => dm.id !== channelId) }));
      },
    };
  });
}
