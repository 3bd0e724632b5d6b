import {
  ALL_PERMISSIONS,
  computeBasePermissions,
  computeChannelPermissions,
  type Overwrite,
  Permissions,
  parsePermissions,
  threadPermissions,
} from '@harmony/shared';
import { createStore } from 'zustand/vanilla';
import { coalesced } from '../lib/coalesce.js';
import type { HarmonyClient } from '../lib/supabase.js';
import type {
  Category,
  Channel,
  CustomEmoji,
  Member,
  Profile,
  ProfileChange,
  Role,
  Server,
} from '../lib/types.js';

export interface MemberWithProfile extends Member {
  profile: Profile;
  roleIds: string[];
}

interface OverwriteRow {
  channel_id: string;
  target_type: 'role' | 'member';
  target_id: string;
  allow: number | string;
  deny: number | string;
}

export interface ServerDetail {
  channels: Channel[];
  categories: Category[];
  roles: Role[];
  members: MemberWithProfile[];
  overwrites: OverwriteRow[];
  emojis: CustomEmoji[];
}

export interface ServersState {
  servers: Server[];
  details: Record<string, ServerDetail>;
  loaded: boolean;
  loadServers(): Promise<void>;
  loadServer(serverId: string): Promise<void>;
  /** Drops what is known about a server the user left or was removed from. */
  forget(serverId: string): void;
  /** A member's profile changed (profile_update): their entry in each member list follows. */
  profileChanged(change: ProfileChange): void;
  createServer(name: string): Promise<string>;
  joinByInvite(code: string): Promise<string>;
  createInvite(serverId: string, options?: { maxUses?: number; expiresInSeconds?: number }): Promise<string>;
  leaveServer(serverId: string): Promise<void>;
  createChannel(serverId: string, name: string, type: 'text' | 'voice', categoryId?: string): Promise<string>;
  /** Effective permissions of `profileId` in a channel, by the shared algorithm. */
  channelPermissions(channelId: string, profileId: string): bigint;
  serverPermissions(serverId: string, profileId: string): bigint;
}

const overwriteOf = (row: OverwriteRow | undefined): Overwrite | null =>
  row ? { allow: parsePermissions(row.allow), deny: parsePermissions(row.deny) } : null;

/** A thread's parent channel, when a channel id names a thread (threads are not in `channels`). */
export type ThreadParentLookup = (channelId: string) => string | undefined;

export function createServersStore(
  client: HarmonyClient,
  threadParent: ThreadParentLookup = () => undefined,
) {
  return createStore<ServersState>()((set, get) => {
    const findChannel = (channelId: string) => {
      for (const [serverId, detail] of Object.entries(get().details)) {
        const channel = detail.channels.find((c) => c.id === channelId);
        if (channel) return { serverId, detail, channel };
      }
      return null;
    };

    const memberInput = (serverId: string, detail: ServerDetail, profileId: string) => {
      const server = get().servers.find((s) => s.id === serverId);
      const member = detail.members.find((m) => m.profile_id === profileId);
      if (!server || !member) return null;
      const everyone = detail.roles.find((r) => r.id === serverId);
      const roles = detail.roles.filter((r) => member.roleIds.includes(r.id));
      return {
        member,
        roles,
        base: {
          isOwner: server.owner_id === profileId,
          everyone: parsePermissions(everyone?.permissions ?? 0),
          roles: roles.map((r) => parsePermissions(r.permissions)),
          timedOut: Boolean(member.timed_out_until && Date.parse(member.timed_out_until) > Date.now()),
        },
      };
    };

    const loadServers = coalesced(async () => {
      // Members can see each other's membership rows, so select the caller's own.
      const userId = (await client.auth.getSession()).data.session?.user.id;
      if (!userId) return set({ servers: [], loaded: true });
      const { data, error } = await client
        .from('server_members')
        .select('server:servers(*), profile:profiles!inner(user_id)')
        .eq('profile.user_id', userId);
      if (error) throw error;
      const servers = (data ?? []).map((row) => row.server).filter((s): s is Server => Boolean(s));
      set({ servers: servers.sort((a, b) => a.created_at.localeCompare(b.created_at)), loaded: true });
    });

    const loadServer = coalesced(async (serverId: string) => {
      const [channels, categories, roles, members, memberRoles, overwrites, emojis] = await Promise.all([
        // Threads are channels too (with a parent): they live in their own store, not the sidebar list.
        client.from('channels').select('*').eq('server_id', serverId).is('parent_id', null).order('position'),
        client.from('channel_categories').select('*').eq('server_id', serverId).order('position'),
        client.from('roles').select('*').eq('server_id', serverId).order('position', { ascending: false }),
        client.from('server_members').select('*, profile:profiles(*)').eq('server_id', serverId),
        client.from('member_roles').select('profile_id, role_id').eq('server_id', serverId),
        client
          .from('channel_overwrites')
          .select('*, channel:channels!inner(server_id)')
          .eq('channel.server_id', serverId),
        client.from('custom_emojis').select('*').eq('server_id', serverId).order('name'),
      ]);
      const failed = [channels, categories, roles, members, memberRoles, overwrites, emojis].find(
        (r) => r.error,
      );
      if (failed?.error) throw failed.error;
      const rolesByMember = new Map<string, string[]>();
      for (const row of memberRoles.data ?? []) {
        rolesByMember.set(row.profile_id, [...(rolesByMember.get(row.profile_id) ?? []), row.role_id]);
      }
      const detail: ServerDetail = {
        channels: channels.data ?? [],
        categories: categories.data ?? [],
        roles: roles.data ?? [],
        members: (members.data ?? []).map((m) => ({
          ...m,
          profile: m.profile as Profile,
          roleIds: rolesByMember.get(m.profile_id) ?? [],
        })),
        overwrites: (overwrites.data ?? []) as OverwriteRow[],
        emojis: emojis.data ?? [],
      };
      set((s) => ({ details: { ...s.details, [serverId]: detail } }));
    });

    return {
      servers: [],
      details: {},
      loaded: false,
      loadServers: () => loadServers(null),
      loadServer,

      forget(serverId) {
        set((s) => {
          const { [serverId]: _gone, ...details } = s.details;
          return { details, servers: s.servers.filter((server) => server.id !== serverId) };
        });
      },

      profileChanged(change) {
        const entries = Object.entries(get().details).filter(([, detail]) =>
          detail.members.some((m) => m.profile_id === change.id),
        );
        if (entries.length === 0) return;
        const withChange = (detail: ServerDetail): ServerDetail => ({
          ...detail,
          members: detail.members.map((m) =>
            m.profile_id === change.id ? { ...m, profile: { ...m.profile, ...change } } : m,
          ),
        });
        set((s) => ({
          details: {
            ...s.details,
            ...Object.fromEntries(entries.map(([id, detail]) => [id, withChange(detail)])),
          },
        }));
      },

      async createServer(name) {
        const { data, error } = await client.rpc('create_server', { p_name: name });
        if (error) throw error;
        await get().loadServers();
        return data as string;
      },

      async joinByInvite(code) {
        const { data, error } = await client.rpc('join_server_by_invite', { p_code: code });
        if (error) throw error;
        await get().loadServers();
        return data as string;
      },

      async createInvite(serverId, options = {}) {
        const { data, error } = await client.rpc('create_invite', {
          p_server_id: serverId,
          p_max_uses: options.maxUses,
          p_expires_in_seconds: options.expiresInSeconds,
        });
        if (error) throw error;
        return data as string;
      },

      async leaveServer(serverId) {
        const { error } = await client.rpc('leave_server', { p_server_id: serverId });
        if (error) throw error;
        set((s) => ({ servers: s.servers.filter((server) => server.id !== serverId) }));
      },

      async createChannel(serverId, name, type, categoryId) {
        const { data, error } = await client.rpc('create_channel', {
          p_server_id: serverId,
          p_name: name,
          p_type: type,
          p_category_id: categoryId,
        });
        if (error) throw error;
        await get().loadServer(serverId);
        return data as string;
      },

      channelPermissions(channelId, profileId) {
        const found = findChannel(channelId);
        if (!found) {
          const parent = threadParent(channelId);
          return parent ? threadPermissions(get().channelPermissions(parent, profileId)) : 0n;
        }
        const input = memberInput(found.serverId, found.detail, profileId);
        if (!input) return 0n;
        const forChannel = found.detail.overwrites.filter((o) => o.channel_id === channelId);
        const roleOverwrites = forChannel
          .filter(
            (o) =>
              o.target_type === 'role' &&
              o.target_id !== found.serverId &&
              input.member.roleIds.includes(o.target_id),
          )
          .map((o) => overwriteOf(o) as Overwrite);
        return computeChannelPermissions({
          ...input.base,
          everyoneOverwrite: overwriteOf(
            forChannel.find((o) => o.target_type === 'role' && o.target_id === found.serverId),
          ),
          roleOverwrites,
          memberOverwrite: overwriteOf(
            forChannel.find((o) => o.target_type === 'member' && o.target_id === profileId),
          ),
        });
      },

      serverPermissions(serverId, profileId) {
        const detail = get().details[serverId];
        const input = detail && memberInput(serverId, detail, profileId);
        if (!input) return 0n;
        const base = computeBasePermissions(input.base);
        // Timed-out members may only look, as in SQL's server_permissions().
        const limited = input.base.timedOut && base !== ALL_PERMISSIONS;
        return limited ? base & (Permissions.VIEW_CHANNEL | Permissions.READ_MESSAGE_HISTORY) : base;
      },
    };
  });
}
