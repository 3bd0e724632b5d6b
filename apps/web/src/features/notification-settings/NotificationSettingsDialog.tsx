import { useId } from 'react';
import { stores, useAuth, useNotificationPrefs, useServers } from '../../app/stores.js';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import { describeMute, LEVEL_LABELS, MUTE_CHOICES, muteUntil } from './mute.js';
import { isMuted, type NotificationLevel, type NotificationPref } from './prefs-store.js';
import './notification-settings.css';

const NO_PREF: NotificationPref = { level: null, mutedUntil: null };
const LEVELS = Object.keys(LEVEL_LABELS) as NotificationLevel[];

/**
 * A member's own notification level and mute for a server, or for one channel (a server's or
 * a DM). Each choice is saved at once; the badges and the database's notifications follow it.
 */
export function NotificationSettingsDialog({
  serverId,
  channelId,
}: {
  serverId: string | null;
  channelId?: string;
}) {
  const me = useAuth((s) => s.profile?.id);
  const pref = useNotificationPrefs(
    (s) => (channelId ? s.channels[channelId] : serverId ? s.servers[serverId] : undefined) ?? NO_PREF,
  );
  useNotificationPrefs((s) => s.clock);
  const server = useServers((s) => s.servers.find((x) => x.id === serverId));
  const serverPref = useNotificationPrefs((s) => (serverId ? s.servers[serverId] : undefined));
  const action = useAction();
  const groupName = useId();
  if (!me) return null;

  const save = (next: NotificationPref) =>
    void action.run(() =>
      channelId
        ? stores.notificationPrefs.getState().setChannel(me, channelId, next)
        : stores.notificationPrefs.getState().setServer(me, serverId as string, next),
    );
  // What "default" means here: for a channel, the server's setting for this member; for a
  // server, the server's default.
  const inherited: NotificationLevel =
    (channelId ? serverPref?.level : null) ?? server?.default_notification_level ?? 'all';
  const target = channelId ? 'channel' : 'server';
  const muted = isMuted(pref);

  return (
    <div className="notification-settings">
      <section aria-label={`Mute this ${target}`}>
        <h3>Mute</h3>
        {muted && pref.mutedUntil ? (
          <>
            <p className="mute-state">{describeMute(pref.mutedUntil)}</p>
            <button type="button" onClick={() => save({ ...pref, mutedUntil: null })} disabled={action.busy}>
              Unmute {target}
            </button>
          </>
        ) : (
          <div className="form-actions mute-choices">
            {MUTE_CHOICES.map((choice) => (
              <button
                key={choice.label}
                type="button"
                disabled={action.busy}
                onClick={() => save({ ...pref, mutedUntil: muteUntil(choice.ms) })}
              >
                {choice.label}
              </button>
            ))}
          </div>
        )}
        <p className="hint">
          A muted {target} shows no unread marker and sends no notifications; mentions still show their count.
        </p>
      </section>
      <fieldset>
        <legend>Notify me about</legend>
        <label className="radio-row">
          <input
            type="radio"
            name={groupName}
            checked={pref.level === null}
            disabled={action.busy}
            onChange={() => save({ ...pref, level: null })}
          />
          {channelId ? 'Use the server setting' : 'Server default'} ({LEVEL_LABELS[inherited]})
        </label>
        {LEVELS.map((level) => (
          <label key={level} className="radio-row">
            <input
              type="radio"
              name={groupName}
              checked={pref.level === level}
              disabled={action.busy}
              onChange={() => save({ ...pref, level })}
            />
            {LEVEL_LABELS[level]}
          </label>
        ))}
      </fieldset>
      {!channelId && (
        <section aria-label="@everyone and @here">
          <label className="toggle">
            <input
              type="checkbox"
              checked={pref.suppressEveryone ?? false}
              disabled={action.busy}
              onChange={(event) => save({ ...pref, suppressEveryone: event.target.checked })}
            />
            Suppress @everyone and @here
          </label>
          <p className="hint">Messages that mention everyone in this server do not notify you.</p>
        </section>
      )}
      <ActionMessage error={action.error} />
    </div>
  );
}
