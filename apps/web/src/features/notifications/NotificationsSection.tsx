import { useEffect, useId, useState, useSyncExternalStore } from 'react';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import { QuietHoursSettings } from '../notification-settings/QuietHoursSettings.js';
import { type DevicePushState, devicePush, PUSH_UNAVAILABLE, type PushDevice } from './device-push.js';
import { setSoundEnabled, soundEnabled } from './sound.js';
import './notifications.css';

/** `selector` must return a primitive or a value kept in the state (compared by identity). */
const useDevicePush = <T,>(selector: (state: DevicePushState) => T): T =>
  useSyncExternalStore(devicePush.subscribe, () => selector(devicePush.getState()));

/** What this device does with notifications now, in a sentence. */
function deviceStatus({ permission, push }: Pick<DevicePushState, 'permission' | 'push'>): string {
  if (permission === 'unsupported') return 'This browser cannot show notifications.';
  if (permission === 'denied')
    return "Notifications are blocked for Harmony in this browser. Allow them in the browser's site settings.";
  if (permission === 'default') return 'This device shows no notifications yet.';
  switch (push) {
    case 'on':
      return 'This device gets notifications, also while Harmony is closed.';
    case 'unavailable':
      return PUSH_UNAVAILABLE;
    case 'unsupported':
      return 'This browser cannot receive push notifications.';
    case 'unconfigured':
      return 'Push notifications are not set up on this Harmony server.';
    case 'off':
      return 'This device shows notifications while Harmony is open.';
  }
}

/** User settings → Notifications: this device's notifications and sound, and the devices that get pushes. */
export function NotificationsSection() {
  const headingId = useId();
  const permission = useDevicePush((s) => s.permission);
  const push = useDevicePush((s) => s.push);
  const [sound, setSound] = useState(soundEnabled);
  const enable = useAction();
  useEffect(() => {
    void devicePush
      .getState()
      .refresh()
      .catch(() => undefined);
  }, []);

  // Asking again is useless once denied; once granted, only an unsubscribed push is left to turn on.
  const canEnable = permission === 'default' || (permission === 'granted' && push === 'off');
  return (
    <section aria-labelledby={headingId} className="settings-section device-notifications">
      <h3 id={headingId}>Notifications</h3>
      <p
        role="status"
        className={push === 'unavailable' && permission === 'granted' ? 'push-unavailable' : 'hint'}
      >
        {deviceStatus({ permission, push })}
        {push === 'unavailable' && permission === 'granted' && (
          <span className="hint"> Harmony still shows desktop notifications while it is open in a tab.</span>
        )}
      </p>
      {canEnable && (
        <button
          type="button"
          className="primary"
          disabled={enable.busy}
          onClick={() => void enable.run(() => devicePush.getState().enable())}
        >
          Enable notifications on this device
        </button>
      )}
      <ActionMessage error={enable.error} />
      <label className="toggle">
        <input
          type="checkbox"
          checked={sound}
          onChange={(event) => {
            setSoundEnabled(event.target.checked);
            setSound(event.target.checked);
          }}
        />
        Play a sound for mentions and direct messages
      </label>
      <QuietHoursSettings />
      <PushDevices />
    </section>
  );
}

function PushDevices() {
  const devices = useDevicePush((s) => s.devices);
  const current = useDevicePush((s) => s.endpoint);
  const remove = useAction();
  const headingId = useId();
  const label = (device: PushDevice) => device.device_name ?? 'Unnamed device';
  return (
    <div className="push-devices">
      <h4 id={headingId}>Devices that get push notifications</h4>
      {devices.length === 0 ? (
        <p className="hint">None yet.</p>
      ) : (
        <ul aria-labelledby={headingId} className="settings-list">
          {devices.map((device) => (
            <li key={device.id}>
              <span>
                {label(device)}
                {device.endpoint === current && <span className="this-device"> (this device)</span>}
                <small className="hint"> — added {new Date(device.created_at).toLocaleDateString()}</small>
              </span>
              <button
                type="button"
                disabled={remove.busy}
                aria-label={`Remove ${label(device)}`}
                onClick={() => void remove.run(() => devicePush.getState().removeDevice(device.id))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <ActionMessage error={remove.error} />
    </div>
  );
}
