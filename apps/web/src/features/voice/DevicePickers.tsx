import { useId } from 'react';
import { stores, useVoice } from '../../app/stores.js';
import { type DeviceKind, useDevices } from './devices.js';
import { PushToTalkSetting } from './PushToTalkSetting.js';

const LABELS: Record<DeviceKind, string> = {
  audioinput: 'Microphone',
  audiooutput: 'Speaker',
  videoinput: 'Camera',
};

/** A device menu that follows plugging and unplugging; '' is the system default. */
function DevicePicker({ kind }: { kind: DeviceKind }) {
  const devices = useDevices(kind);
  const active = useVoice((s) => s.devices[kind]);
  const id = useId();
  // Chromium lists a "default" entry itself; others get one here.
  const choices = devices.filter((d) => d.deviceId && d.deviceId !== 'default');
  if (choices.length === 0) return null;
  return (
    <div className="voice-device">
      <label htmlFor={id}>{LABELS[kind]}</label>
      <select
        id={id}
        value={choices.some((d) => d.deviceId === active) ? active : ''}
        onChange={(e) => void stores.voice.getState().setDevice(kind, e.target.value)}
      >
        <option value="">System default</option>
        {choices.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || `${LABELS[kind]} ${i + 1}`}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Input, output and camera (output only where the browser can route sound: setSinkId), push to talk. */
export function DevicePickers() {
  const canRoute = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
  return (
    <div className="voice-devices">
      <DevicePicker kind="audioinput" />
      {canRoute && <DevicePicker kind="audiooutput" />}
      <DevicePicker kind="videoinput" />
      <PushToTalkSetting />
    </div>
  );
}
