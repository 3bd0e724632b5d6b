import { createStore } from 'zustand/vanilla';
import { imagePath, imageProblem } from '../lib/images.js';
import { maskToNumber } from '../lib/permission-editor.js';
import type { HarmonyClient } from '../lib/supabase.js';
import type { Row } from '../lib/types.js';

export type Ban = Row<'server_bans'>;
export type Invite = Row<'invites'>;

export interface ServerSettingsState {
  /** By server id. */
  bans: Record<string, Ban[]>;
  invites: Record<string, Invite[]>;
  loadBans(serverId: string): Promise<void>;
  loadInvites(serverId: string): Promise<void>;
  updateServer(
    serverId: string,
    fields: { name?: string; description?: string; iconUrl?: string },
  ): Promise<void>;
  /** Uploads to server-icons/<server id>/… and makes it the server's icon; returns its URL. */
  uploadIcon(serverId: string, file: File): Promise<string>;
  createRole(serverId: string, name: string, permissions?: bigint, color?: number): Promise<string>;
  updateRole(
    serverId: string,
    roleId: string,
    changes: {
      p_name?: string;
      p_permissions?: number;
      p_color?: number;
      p_hoist?: boolean;
      p_mentionable?: boolean;
    },
  ): Promise<void>;
  deleteRole(serverId: string, roleId: string): Promise<void>;
  assignRole(serverId: string, profileId: string, roleId: string): Promise<void>;
  removeRole(serverId: string, profileId: string, roleId: string): Promise<void>;
  setOverwrite(
    serverId: string,
    channelId: string,
    target: { type: 'role' | 'member'; id: string },
    overwrite: { allow: bigint; deny: bigint },
  ): Promise<void>;
  deleteOverwrite(
    serverId: string,
    channelId: string,
    target: { type: 'role' | 'member'; id: string },
  ): Promise<void>;
  unban(serverId: string, profileId: string): Promise<void>;
  revokeInvite(serverId: string, code: string): Promise<void>;
}

export interface ServerSettingsDeps {
  /** Reloads the server's structure (roles, members, overwrites) and the server list, and tells its other members. */
  reload(serverId: string): Promise<void>;
  ensureProfiles?(ids: string[]): Promise<void>;
}

/** Invites that still work (not revoked, expired or used up). */
export function isLiveInvite(invite: Invite, now = Date.now()): boolean {
  if (invite.revoked_at) return false;
  if (invite.expires_at && Date.parse(invite.expires_at) <= now) return false;
  return invite.max_uses === null || invite.uses < invite.max_uses;
}

export function createServerSettingsStore(client: HarmonyClient, deps: ServerSettingsDeps) {
  return createStore<ServerSettingsState>()((set, get) => {
    /** Runs an RPC and throws its error (the message is the server's refusal, shown as is). */
    const call = async (result: PromiseLike<{ error: unknown; data?: unknown }>) => {
      const { data, error } = await result;
      if (error) throw error;
      return data;
    };

    return {
      bans: {},
      invites: {},

      async loadBans(serverId) {
        const { data, error } = await client
          .from('server_bans')
          .select('*')
          .eq('server_id', serverId)
          .order('created_at', { ascending: false });
        if (error) throw error;
        set((s) => ({ bans: { ...s.bans, [serverId]: data ?? [] } }));
        await deps.ensureProfiles?.(
          (data ?? []).flatMap((b) => [b.profile_id, b.banned_by ?? '']).filter(Boolean),
        );
      },

      async loadInvites(serverId) {
        const { data, error } = await client
          .from('invites')
          .select('*')
          .eq('server_id', serverId)
          .is('revoked_at', null)
          .order('created_at', { ascending: false });
        if (error) throw error;
        set((s) => ({ invites: { ...s.invites, [serverId]: data ?? [] } }));
        await deps.ensureProfiles?.((data ?? []).map((i) => i.inviter_id ?? '').filter(Boolean));
      },

      async updateServer(serverId, fields) {
        await call(
          client.rpc('update_server', {
            p_server_id: serverId,
            p_name: fields.name,
            // '' clears an optional text in update_server; undefined leaves it.
            p_description: fields.description,
            p_icon_url: fields.iconUrl,
          }),
        );
        await deps.reload(serverId);
      },

      async uploadIcon(serverId, file) {
        const problem = imageProblem(file);
        if (problem) throw new Error(problem);
        const path = imagePath(serverId, 'icon', file);
        const bucket = client.storage.from('server-icons');
        const { error } = await bucket.upload(path, file, { contentType: file.type, upsert: false });
        if (error) throw error;
        const url = bucket.getPublicUrl(path).data.publicUrl;
        await get().updateServer(serverId, { iconUrl: url });
        return url;
      },

      async createRole(serverId, name, permissions = 0n, color = 0) {
        const id = (await call(
          client.rpc('create_role', {
            p_server_id: serverId,
            p_name: name,
            p_permissions: maskToNumber(permissions),
            p_color: color,
          }),
        )) as string;
        await deps.reload(serverId);
        return id;
      },

      async updateRole(serverId, roleId, changes) {
        if (Object.keys(changes).length === 0) return;
        await call(client.rpc('update_role', { p_role_id: roleId, ...changes }));
        await deps.reload(serverId);
      },

      async deleteRole(serverId, roleId) {
        await call(client.rpc('delete_role', { p_role_id: roleId }));
        await deps.reload(serverId);
      },

      async assignRole(serverId, profileId, roleId) {
        await call(
          client.rpc('assign_role', { p_server_id: serverId, p_profile_id: profileId, p_role_id: roleId }),
        );
        await deps.reload(serverId);
      },

      async removeRole(serverId, profileId, roleId) {
        await call(
          client.rpc('remove_role', { p_server_id: serverId, p_profile_id: profileId, p_role_id: roleId }),
        );
        await deps.reload(serverId);
      },

      async setOverwrite(serverId, channelId, target, overwrite) {
        await call(
          client.rpc('set_channel_overwrite', {
            p_channel_id: channelId,
            p_target_type: target.type,
            p_target_id: target.id,
            p_allow: maskToNumber(overwrite.allow),
            p_deny: maskToNumber(overwrite.deny),
          }),
        );
        await deps.reload(serverId);
      },

      async deleteOverwrite(serverId, channelId, target) {
        await call(
          client.rpc('delete_channel_overwrite', {
            p_channel_id: channelId,
            p_target_type: target.type,
            p_target_id: target.id,
          }),
        );
        await deps.reload(serverId);
      },

      async unban(serverId, profileId) {
        await call(client.rpc('unban_member', { p_server_id: serverId, p_profile_id: profileId }));
        set((s) => ({
          bans: { ...s.bans, [serverId]: (s.bans[serverId] ?? []).filter((b) => b.profile_id !== profileId) },
        }));
      },

      async revokeInvite(serverId, code) {
        await call(client.rpc('revoke_invite', { p_code: code }));
        set((s) => ({
          invites: { ...s.invites, [serverId]: (s.invites[serverId] ?? []).filter((i) => i.code !== code) },
        }));
      },
    };
  });
}
