import { isQuietTime, type QuietHours } from '@harmony/shared';
import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import { stores, useAuth, useNotificationPrefs } from '../../app/stores.js';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import './notification-settings.css';

const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Never saved yet (the database's defaults): offer the browser's zone rather than UTC. */
function draftOf(saved: QuietHours | null): QuietHours {
  const quiet = saved ?? { enabled: false, start: '22:00', end: '08:00', timeZone: 'UTC' };
  return !quiet.enabled && quiet.timeZone === 'UTC' ? { ...quiet, timeZone: browserTimeZone() } : quiet;
}

/** "7:00 AM", in the user's clock format, with the zone when it is not this browser's. */
function untilText({ end, timeZone }: QuietHours): string {
  const time = new Date(`1970-01-01T${end}`).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
  return timeZone === browserTimeZone() ? time : `${time} (${timeZone.replaceAll('_', ' ')})`;
}

/**
 * User settings → Notifications → Quiet hours: a daily window with no desktop notifications,
 * sounds or pushes (on every device; counts and badges still update).
 */
export function QuietHoursSettings() {
  const me = useAuth((s) => s.profile?.id);
  const saved = useNotificationPrefs((s) => s.quietHours);
  const [draft, setDraft] = useState(() => draftOf(saved));
  // Changed in another tab or device: show that.
  useEffect(() => setDraft(draftOf(saved)), [saved]);
  const action = useAction();
  const headingId = useId();
  const zones = useMemo(() => {
    const all = Intl.supportedValuesOf('timeZone');
    return all.includes(draft.timeZone) ? all : [draft.timeZone, ...all];
  }, [draft.timeZone]);
  if (!me) return null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(() => stores.notificationPrefs.getState().setQuietHours(me, draft), 'Quiet hours saved.');
  };
  const quietNow = isQuietTime(saved);
  return (
    <form className="quiet-hours" aria-labelledby={headingId} onSubmit={submit}>
      <h4 id={headingId}>Quiet hours</h4>
      <p className="hint">
        Every day in this window Harmony shows no desktop notifications, plays no sound and sends no pushes to
        your devices. Unread counts and badges still update.
      </p>
      <label className="toggle">
        <input
          type="checkbox"
          checked={draft.enabled}
          onChange={(event) => setDraft({ ...draft, enabled: event.target.checked })}
        />
        Turn on quiet hours
      </label>
      <div className="quiet-hours-window">
        <label>
          From
          <input
            type="time"
            required
            value={draft.start}
            onChange={(event) => setDraft({ ...draft, start: event.target.value })}
          />
        </label>
        <label>
          To
          <input
            type="time"
            required
            value={draft.end}
            onChange={(event) => setDraft({ ...draft, end: event.target.value })}
          />
        </label>
        <label>
          Time zone
          <select
            value={draft.timeZone}
            onChange={(event) => setDraft({ ...draft, timeZone: event.target.value })}
          >
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </label>
      </div>
      {quietNow && saved && (
        <p role="status" className="quiet-now">
          Quiet hours are on now, until {untilText(saved)}.
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={action.busy}>
          Save quiet hours
        </button>
      </div>
      <ActionMessage error={action.error} notice={action.notice} />
    </form>
  );
}
