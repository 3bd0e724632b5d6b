import { hasPermission, Permissions, parsePermissions } from '@harmony/shared';
import type { HarmonyClient } from '../../lib/supabase.js';
import type { ServerDetail } from '../../stores/servers.js';

/** What decides whether a server's channels are open: its roles (@everyone at least) and overwrites. */
export interface AccessRules {
  roles: Pick<ServerDetail['roles'][number], 'id' | 'permissions'>[];
  overwrites: ServerDetail['overwrites'];
}

/**
 * Whether every member of the server sees a channel, by the rule the database uses to put its
 * events on the server topic (docs-source/realtime.md, "Channels nobody may learn about"): the
 * @everyone role holds ADMINISTRATOR, or VIEW_CHANNEL after the channel's @everyone overwrite
 * while no overwrite on the channel denies VIEW_CHANNEL. Any other channel is restricted: its
 * new messages arrive only on its own topic.
 */
export function isOpenChannel(serverId: string, rules: AccessRules, channelId: string): boolean {
  const everyone = parsePermissions(rules.roles.find((r) => r.id === serverId)?.permissions ?? 0);
  if (hasPermission(everyone, Permissions.ADMINISTRATOR)) return true;
  const overwrites = rules.overwrites.filter((o) => o.channel_id === channelId);
  if (overwrites.some((o) => hasPermission(parsePermissions(o.deny), Permissions.VIEW_CHANNEL))) return false;
  const own = overwrites.find((o) => o.target_type === 'role' && o.target_id === serverId);
  const allowed = own ? (everyone & ~parsePermissions(own.deny)) | parsePermissions(own.allow) : everyone;
  return hasPermission(allowed, Permissions.VIEW_CHANNEL);
}

/**
 * The rules of servers whose details are not loaded (not opened yet), in two requests. Null
 * when they cannot be read: the caller then treats every channel as restricted.
 */
export async function fetchAccessRules(
  client: HarmonyClient,
  serverIds: readonly string[],
): Promise<Record<string, AccessRules> | null> {
  // The @everyone role's id is its server's id.
  const [roles, overwrites] = await Promise.all([
    client.from('roles').select('id, permissions').in('id', serverIds),
    client
      .from('channel_overwrites')
      .select('channel_id, target_type, target_id, allow, deny, channel:channels!inner(server_id)')
      .in('channel.server_id', serverIds),
  ]);
  if (roles.error || overwrites.error) return null;
  const rules: Record<string, AccessRules> = {};
  for (const id of serverIds) rules[id] = { roles: [], overwrites: [] };
  for (const role of roles.data ?? []) rules[role.id]?.roles.push(role);
  for (const { channel, ...overwrite } of overwrites.data ?? [])
    if (channel?.server_id) rules[channel.server_id]?.overwrites.push(overwrite);
  return rules;
}
