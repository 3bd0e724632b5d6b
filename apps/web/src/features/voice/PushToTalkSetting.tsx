import { useEffect, useState } from 'react';
import { stores, useVoice } from '../../app/stores.js';
import { keyLabel } from './push-to-talk.js';

/** Push to talk on or off, and its key: click "Change key", then press the key to use. */
export function PushToTalkSetting() {
  const pushToTalk = useVoice((s) => s.pushToTalk);
  const talking = useVoice((s) => s.talking);
  const [choosing, setChoosing] = useState(false);
  useEffect(() => {
    if (!choosing) return;
    const pick = (event: KeyboardEvent) => {
      event.preventDefault();
      setChoosing(false);
      if (event.code !== 'Escape')
        void stores.voice.getState().setPushToTalk({ ...pushToTalk, key: event.code });
    };
    window.addEventListener('keydown', pick, { once: true });
    return () => window.removeEventListener('keydown', pick);
  }, [choosing, pushToTalk]);
  return (
    <div className="voice-ptt">
      <label>
        <input
          type="checkbox"
          checked={pushToTalk.enabled}
          onChange={(e) =>
            void stores.voice.getState().setPushToTalk({ ...pushToTalk, enabled: e.target.checked })
          }
        />
        Push to talk
      </label>
      {pushToTalk.enabled && (
        <>
          <button type="button" onClick={() => setChoosing(true)} aria-live="polite">
            {choosing ? 'Press a key…' : `Key: ${keyLabel(pushToTalk.key)}`}
          </button>
          <span role="status" className={talking ? 'voice-talking' : 'sr-only'}>
            {talking ? 'Talking' : ''}
          </span>
        </>
      )}
    </div>
  );
}
