import type { QuietHours } from '@harmony/shared';
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
  /** Servers only: @everyone and @here do not notify. */
  suppressEveryone?: boolean;
}

export interface NotificationPrefsState {
  /** By server id (server_notification_settings) and by channel id (channel_notification_settings). */
  servers: Record<string, NotificationPref>;
  channels: Record<string, NotificationPref>;
  /** The user's daily do-not-disturb window (user_settings); null until loaded. */
  quietHours: QuietHours | null;
  /** Bumped when a mute runs out, so what reads mutes is computed again. */
  clock: number;
  load(): Promise<void>;
  setQuietHours(profileId: string, quietHours: QuietHours): Promise<void>;
  setServer(profileId: string, serverId: string, pref: NotificationPref): Promise<void>;
  setChannel(profileId: string, channelId: string, pref: NotificationPref): Promise<void>;
}

/** Whether a mute is in force now ('infinity' is until turned off). */
export function isMuted(pref: NotificationPref | undefined, now = Date.now()): boolean {
  if (!pref?.mutedUntil) return false;
  return pref.mutedUntil === 'infinity' || Date.parse(pref.mutedUntil) > now;
}

const toPref = (row: {
  level: NotificationLevel | null;
  muted_until: string | null;
  suppress_everyone?: boolean;
}): NotificationPref => ({
  level: row.level,
  mutedUntil: row.muted_until,
  ...(row.suppress_everyone ? { suppressEveryone: true } : {}),
});

const QUIET_COLUMNS = 'quiet_hours_enabled, quiet_hours_start, quiet_hours_end, quiet_hours_time_zone';

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
      const [servers, channels, quiet] = await Promise.all([
        client
          .from('server_notification_settings')
          .select('server_id, level, muted_until, suppress_everyone'),
        client.from('channel_notification_settings').select('channel_id, level, muted_until'),
        client.from('user_settings').select(QUIET_COLUMNS).maybeSingle(),
      ]);
      if (servers.error) throw servers.error;
      if (channels.error) throw channels.error;
      if (quiet.error) throw quiet.error;
      set({
        servers: Object.fromEntries((servers.data ?? []).map((r) => [r.server_id, toPref(r)])),
        channels: Object.fromEntries((channels.data ?? []).map((r) => [r.channel_id, toPref(r)])),
        quietHours: quiet.data && {
          enabled: quiet.data.quiet_hours_enabled,
          start: quiet.data.quiet_hours_start.slice(0, 5),
          end: quiet.data.quiet_hours_end.slice(0, 5),
          timeZone: quiet.data.quiet_hours_time_zone,
        },
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
      if (pref.level === null && pref.mutedUntil === null && !pref.suppressEveryone) {
        const { error } = await rows.delete().eq('profile_id', profileId).eq(column, target.id);
        if (error) throw error;
        return;
      }
      // Typed as the channel table's (rows is): the server table also has suppress_everyone.
      const values = {
        level: pref.level,
        muted_until: pref.mutedUntil,
        ...(table === 'server_notification_settings'
          ? { suppress_everyone: pref.suppressEveryone ?? false }
          : {}),
      } as { level: NotificationLevel | null; muted_until: string | null };
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
      quietHours: null,
      clock: 0,
      load: () => load(null),

      async setQuietHours(profileId, quiet) {
        const { error } = await client
          .from('user_settings')
          .update({
            quiet_hours_enabled: quiet.enabled,
            quiet_hours_start: quiet.start,
            quiet_hours_end: quiet.end,
            quiet_hours_time_zone: quiet.timeZone,
          })
          .eq('profile_id', profileId);
        if (error) throw error;
        set({ quietHours: quiet });
      },

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
