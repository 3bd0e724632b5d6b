import { Phone } from 'lucide-react';
import { stores, useCalls } from '../../app/stores.js';
import { IconButton } from '../../ui/IconButton.js';

/** Rings the other person of a 1:1 DM. */
export function CallButton({ channelId }: { channelId: string }) {
  const busy = useCalls((s) => s.phase !== 'idle');
  return (
    <IconButton
      label="Start a voice call"
      icon={Phone}
      disabled={busy}
      onClick={() => void stores.calls.getState().startCall(channelId)}
    />
  );
}
