import { lazy, Suspense } from 'react';
import { useCalls } from '../../app/stores.js';

/** The call bar's code (and calls.css) loads with the first ring, call or call message. */
const CallPanel = lazy(() => import('./CallPanel.js').then((m) => ({ default: m.CallPanel })));

/** The ringing, calling and in-call bar of DM calls, over whatever screen is open. */
export function CallOverlay() {
  const shown = useCalls((s) => s.phase !== 'idle' || s.error !== null || s.outcome !== null);
  return shown ? (
    <Suspense fallback={null}>
      <CallPanel />
    </Suspense>
  ) : null;
}
