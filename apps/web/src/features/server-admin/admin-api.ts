import type { StoreApi } from 'zustand/vanilla';
import { imagePath, imageProblem } from '../../lib/images.js';
import { go } from '../../lib/route.js';
import type { HarmonyClient } from '../../lib/supabase.js';
import type { ServersState } from '../../stores/servers.js';
import type { UiState } from '../../stores/ui.js';

/** Invite lifetimes offered, in seconds (0 = never); create_invite allows up to 7 days. */
export const INVITE_MAX_AGES = [
  { seconds: 1800, label: '30 minutes' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 6 * 3600, label: '6 hours' },
  { seconds: 12 * 3600, label: '12 hours' },
  { seconds: 86400, label: '1 day' },
  { seconds: 7 * 86400, label: '7 days' },
  { seconds: 0, label: 'Never' },
] as const;

/** Use limits offered (null = no limit). */
export const INVITE_MAX_USES = [null, 1, 5, 10, 25, 50, 100] as const;

export interface InviteOptions {
  maxAgeSeconds: number;
  maxUses: number | null;
  temporary: boolean;
}

export interface ServerAdminDeps {
  client: HarmonyClient;
  servers: StoreApi<ServersState>;
  ui: StoreApi<UiState>;
  unwatchServer(serverId: string): void;
}

const check = async (result: PromiseLike<{ error: unknown }>) => {
  const { error } = await result;
  if (error) throw error;
};

/**
 * What a member does to a server as a whole: its owner deletes or hands it over, anyone leaves
 * or renames themselves, managers create invites and set its banner and system channel. The
 * database checks every one (owner only, MANAGE_GUILD, CREATE_INSTANT_INVITE, CHANGE_NICKNAME).
 */
export function createServerAdmin(deps: ServerAdminDeps) {
  const { client } = deps;
  const servers = () => deps.servers.getState();
  const reload = (serverId: string) => Promise.all([servers().loadServer(serverId), servers().loadServers()]);

  /** The server is gone for this user: stop listening, drop it, and leave its screens. */
  const drop = (serverId: string) => {
    deps.unwatchServer(serverId);
    servers().forget(serverId);
    const ui = deps.ui.getState();
    if (ui.activeServerId === serverId) {
      ui.navigate(null, null);
      go({ kind: 'dm', channelId: null });
    }
  };

  return {
    async deleteServer(serverId: string) {
      await check(client.rpc('delete_server', { p_server_id: serverId }));
      drop(serverId);
    },

    async transferOwnership(serverId: string, profileId: string) {
      await check(client.rpc('transfer_server_ownership', { p_server_id: serverId, p_new_owner: profileId }));
      await reload(serverId);
    },

    async leave(serverId: string) {
      await check(client.rpc('leave_server', { p_server_id: serverId }));
      drop(serverId);
    },

    async setNickname(serverId: string, profileId: string, nickname: string) {
      await check(
        client.rpc('set_nickname', { p_server_id: serverId, p_profile_id: profileId, p_nickname: nickname }),
      );
      await servers().loadServer(serverId);
    },

    async setSystemChannel(serverId: string, channelId: string | null) {
      // null clears it: the RPC takes an explicit null.
      await check(
        client.rpc('set_system_channel', { p_server_id: serverId, p_channel_id: channelId as string }),
      );
      await reload(serverId);
    },

    async setDefaultLevel(serverId: string, level: 'all' | 'mentions' | 'nothing') {
      await check(
        client.rpc('update_server', { p_server_id: serverId, p_default_notification_level: level }),
      );
      await reload(serverId);
    },

    /** '' removes the banner. */
    async setBanner(serverId: string, url: string) {
      await check(client.rpc('update_server', { p_server_id: serverId, p_banner_url: url }));
      await reload(serverId);
    },

    /** Uploads to server-icons/<server id>/banner-… (the bucket Manage Server may write). */
    async uploadBanner(serverId: string, file: File) {
      const problem = imageProblem(file);
      if (problem) throw new Error(problem);
      const bucket = client.storage.from('server-icons');
      const path = imagePath(serverId, 'banner', file);
      await check(bucket.upload(path, file, { contentType: file.type, upsert: false }));
      await this.setBanner(serverId, bucket.getPublicUrl(path).data.publicUrl);
    },

    async createInvite(serverId: string, options: InviteOptions): Promise<string> {
      const { data, error } = await client.rpc('create_invite', {
        p_server_id: serverId,
        p_max_uses: options.maxUses ?? undefined,
        p_expires_in_seconds: options.maxAgeSeconds,
        p_temporary: options.temporary,
      });
      if (error) throw error;
      return data as string;
    },
  };
}

export type ServerAdmin = ReturnType<typeof createServerAdmin>;
