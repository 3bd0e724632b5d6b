import { createStore } from 'zustand/vanilla';
import { coalesced } from '../../lib/coalesce.js';
import type { HarmonyClient } from '../../lib/supabase.js';
import type { Row } from '../../lib/types.js';

export type NotificationLevel = NonNullable<Row<'channel_notification_settings'>['level']>;

/** A member's own setting for a server or a channel: null level = inherit. */
export interface NotificationPref {
  level: NotificationLevel | null;
  /** ISO time, 'infinity' (until turned off), or null. */
  mutedUntil: string | null;
}

export interface NotificationPrefsState {
  /** By server id (server_notification_settings) and by channel id (channel_notification_settings). */
  servers: Record<string, NotificationPref>;
  channels: Record<string, NotificationPref>;
  /** Bumped when a mute runs out, so what reads mutes is computed again. */
  clock: number;
  load(): Promise<void>;
  setServer(profileId: string, serverId: string, pref: NotificationPref): Promise<void>;
  setChannel(profileId: string, channelId: string, pref: NotificationPref): Promise<void>;
}

/** Whether a mute is in force now ('infinity' is until turned off). */
export function isMuted(pref: NotificationPref | undefined, now = Date.now()): boolean {
  if (!pref?.mutedUntil) return false;
  return pref.mutedUntil === 'infinity' || Date.parse(pref.mutedUntil) > now;
}

const toPref = (row: { level: NotificationLevel | null; muted_until: string | null }): NotificationPref => ({
  level: row.level,
  mutedUntil: row.muted_until,
});

/**
 * The signed-in member's notification levels and mutes. Rows are their own (RLS); a setting
 * back to "inherit, not muted" deletes the row.
 */
export function createNotificationPrefsStore(client: HarmonyClient) {
  return createStore<NotificationPrefsState>()((set, get) => {
    let timer: ReturnType<typeof setTimeout> | undefined;

    /** Wakes up when the next timed mute ends. */
    const scheduleExpiry = () => {
      clearTimeout(timer);
      const now = Date.now();
      const ends = [...Object.values(get().servers), ...Object.values(get().channels)]
        .map((p) => (p.mutedUntil && p.mutedUntil !== 'infinity' ? Date.parse(p.mutedUntil) : Number.NaN))
        .filter((t) => t > now);
      if (ends.length === 0) return;
      // setTimeout's delay is a 32-bit number of milliseconds.
      const wait = Math.min(Math.min(...ends) - now + 50, 2_000_000_000);
      timer = setTimeout(() => {
        set((s) => ({ clock: s.clock + 1 }));
        scheduleExpiry();
      }, wait);
    };

    const load = coalesced(async () => {
      const [servers, channels] = await Promise.all([
        client.from('server_notification_settings').select('server_id, level, muted_until'),
        client.from('channel_notification_settings').select('channel_id, level, muted_until'),
      ]);
      if (servers.error) throw servers.error;
      if (channels.error) throw channels.error;
      set({
        servers: Object.fromEntries((servers.data ?? []).map((r) => [r.server_id, toPref(r)])),
        channels: Object.fromEntries((channels.data ?? []).map((r) => [r.channel_id, toPref(r)])),
      });
      scheduleExpiry();
    });

    /**
     * Writes one setting: "inherit, not muted" deletes the row; otherwise update, or insert when
     * there is none (not an upsert: its ON CONFLICT UPDATE would also set the key columns, which
     * members may not update).
     */
    const save = async (
      table: 'server_notification_settings' | 'channel_notification_settings',
      profileId: string,
      target: { column: 'server_id' | 'channel_id'; id: string },
      pref: NotificationPref,
    ) => {
      const rows = client.from(table as 'channel_notification_settings');
      const column = target.column as 'channel_id';
      if (pref.level === null && pref.mutedUntil === null) {
        const { error } = await rows.delete().eq('profile_id', profileId).eq(column, target.id);
        if (error) throw error;
        return;
      }
      const values = { level: pref.level, muted_until: pref.mutedUntil };
      const updated = await rows
        .update(values)
        .eq('profile_id', profileId)
        .eq(column, target.id)
        .select('level');
      if (updated.error) throw updated.error;
      if (updated.data.length > 0) return;
      const { error } = await rows.insert({ profile_id: profileId, [column]: target.id, ...values } as {
        profile_id: string;
        channel_id: string;
      });
      if (error) throw error;
    };

    return {
      servers: {},
      channels: {},
      clock: 0,
      load: () => load(null),

      async setServer(profileId, serverId, pref) {
        await save('server_notification_settings', profileId, { column: 'server_id', id: serverId }, pref);
        set((s) => ({ servers: { ...s.servers, [serverId]: pref } }));
        scheduleExpiry();
      },

      async setChannel(profileId, channelId, pref) {
        await save('channel_notification_settings', profileId, { column: 'channel_id', id: channelId }, pref);
        set((s) => ({ channels: { ...s.channels, [channelId]: pref } }));
        scheduleExpiry();
      },
    };
  });
}
