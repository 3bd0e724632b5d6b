import type { StoreApi } from 'zustand/vanilla';
import { createStore } from 'zustand/vanilla';
import type { HarmonyClient } from '../../lib/supabase.js';
import type { ServersState } from '../../stores/servers.js';
import { applyLayout, type ChannelLayout } from './layout.js';

/**
 * Managing a server's channels, categories and role order, and the categories the user keeps
 * collapsed. The database decides (every call is an RPC that checks permissions); the store only
 * applies an order at once so a drag does not jump back while the call is under way.
 */
export interface ChannelAdminState {
  /** Category ids the user keeps collapsed (on every device: stored per user). */
  collapsed: Record<string, true>;
  loadCollapsed(): Promise<void>;
  setCollapsed(categoryId: string, collapsed: boolean): Promise<void>;
  updateChannel(
    serverId: string,
    channelId: string,
    fields: { name?: string; topic?: string; slowmodeSeconds?: number; nsfw?: boolean },
  ): Promise<void>;
  deleteChannel(serverId: string, channelId: string): Promise<void>;
  createCategory(serverId: string, name: string): Promise<string>;
  renameCategory(serverId: string, categoryId: string, name: string): Promise<void>;
  /** Its channels stay, uncategorised. */
  deleteCategory(serverId: string, categoryId: string): Promise<void>;
  /** The whole channel list order (set_channel_layout), shown at once. */
  setLayout(serverId: string, layout: ChannelLayout): Promise<void>;
  /** Every role but @everyone, highest first (reorder_roles), shown at once. */
  reorderRoles(serverId: string, roleIds: string[]): Promise<void>;
}

export function createChannelAdminStore(client: HarmonyClient, servers: StoreApi<ServersState>) {
  const reload = (serverId: string) => servers.getState().loadServer(serverId);
  const call = async (result: PromiseLike<{ error: unknown; data?: unknown }>) => {
    const { data, error } = await result;
    if (error) throw error;
    return data;
  };
  /** Shows a change at once; if the database refuses it, shows what the database has again. */
  const optimistic = async (
    serverId: string,
    change: (detail: ServersState['details'][string]) => Partial<ServersState['details'][string]>,
    request: PromiseLike<{ error: unknown }>,
  ) => {
    const detail = servers.getState().details[serverId];
    if (detail)
      servers.setState((s) => ({ details: { ...s.details, [serverId]: { ...detail, ...change(detail) } } }));
    try {
      await call(request);
    } catch (error) {
      await reload(serverId).catch(() => undefined);
      throw error;
    }
  };

  return createStore<ChannelAdminState>()((set, get) => ({
    collapsed: {},

    async loadCollapsed() {
      const { data, error } = await client.from('collapsed_categories').select('category_id');
      if (error) throw error;
      set({ collapsed: Object.fromEntries((data ?? []).map((r) => [r.category_id, true as const])) });
    },

    async setCollapsed(categoryId, collapsed) {
      const before = get().collapsed;
      const { [categoryId]: _was, ...rest } = before;
      set({ collapsed: collapsed ? { ...rest, [categoryId]: true } : rest });
      // The row's profile is the caller's own (the column's default); a row already there is fine.
      const request = collapsed
        ? client.from('collapsed_categories').insert({ category_id: categoryId })
        : client.from('collapsed_categories').delete().eq('category_id', categoryId);
      const { error } = await request;
      if (error && error.code !== '23505') {
        set({ collapsed: before });
        throw error;
      }
    },

    async updateChannel(serverId, channelId, fields) {
      await call(
        client.rpc('update_channel', {
          p_channel_id: channelId,
          p_name: fields.name,
          // '' clears the topic; undefined leaves it.
          p_topic: fields.topic,
          p_slowmode_seconds: fields.slowmodeSeconds,
          p_nsfw: fields.nsfw,
        }),
      );
      await reload(serverId);
    },

    async deleteChannel(serverId, channelId) {
      await call(client.rpc('delete_channel', { p_channel_id: channelId }));
      await reload(serverId);
    },

    async createCategory(serverId, name) {
      const id = (await call(
        client.rpc('create_category', { p_server_id: serverId, p_name: name }),
      )) as string;
      await reload(serverId);
      return id;
    },

    async renameCategory(serverId, categoryId, name) {
      await call(client.rpc('update_category', { p_category_id: categoryId, p_name: name }));
      await reload(serverId);
    },

    async deleteCategory(serverId, categoryId) {
      await call(client.rpc('delete_category', { p_category_id: categoryId }));
      await reload(serverId);
    },

    setLayout: (serverId, layout) =>
      optimistic(
        serverId,
        (detail) => applyLayout(layout, detail.channels, detail.categories),
        client.rpc('set_channel_layout', {
          p_server_id: serverId,
          p_category_ids: layout.categoryIds,
          p_channels: layout.channels,
        }),
      ),

    reorderRoles: (serverId, roleIds) =>
      optimistic(
        serverId,
        (detail) => ({
          roles: detail.roles.map((role) => {
            const rank = roleIds.indexOf(role.id);
            return rank < 0 ? role : { ...role, position: roleIds.length - rank };
          }),
        }),
        client.rpc('reorder_roles', { p_server_id: serverId, p_role_ids: roleIds }),
      ),
  }));
}
