import { Mic } from 'lucide-react';
import { lazy, Suspense, useState } from 'react';
import { IconButton } from '../../ui/IconButton.js';

// The recorder loads on the first press.
const VoiceRecorder = lazy(() => import('./VoiceRecorder.js'));

/**
 * The composer's microphone: a first press opens the recorder and starts recording, a second
 * stops it (the recording can then be played, sent or deleted); pressed again, it closes.
 */
export function VoiceMessageButton({ channelId }: { channelId: string }) {
  const [open, setOpen] = useState(false);
  const [recording, setRecording] = useState(false);
  const [stopRequests, setStopRequests] = useState(0);
  const press = () => {
    if (!open) setOpen(true);
    else if (recording) setStopRequests((n) => n + 1);
    else setOpen(false);
  };
  return (
    <>
      <IconButton
        label={recording ? 'Stop recording' : 'Record a voice message'}
        icon={Mic}
        tooltip="top"
        aria-pressed={recording}
        className={recording ? 'recording' : undefined}
        onClick={press}
      />
      {open && (
        <Suspense fallback={null}>
          <VoiceRecorder
            channelId={channelId}
            stopRequests={stopRequests}
            onRecording={setRecording}
            onClose={() => {
              setRecording(false);
              setOpen(false);
            }}
          />
        </Suspense>
      )}
    </>
  );
}
