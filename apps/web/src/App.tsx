import { lazy, Suspense, useEffect } from 'react';
import { client, endSession, startSession, stores, useAuth } from './app/stores.js';
import { preloadFormatting } from './features/formatting/FormattedText.js';
import { afterNextPaint } from './lib/after-paint.js';
import { describeError } from './lib/errors.js';
import { channelOfHash, parseRoute } from './lib/route.js';
import { AuthScreen } from './screens/AuthScreen.js';
import { MfaScreen } from './screens/MfaScreen.js';
import { Workspace } from './screens/Workspace.js';

// Screens for the moments after a mail link (recovery, invite): not part of the first load.
const SetNewPasswordScreen = lazy(() =>
  import('./features/account/SetNewPasswordScreen.js').then((m) => ({ default: m.SetNewPasswordScreen })),
);
const WelcomeScreen = lazy(() =>
  import('./features/account/WelcomeScreen.js').then((m) => ({ default: m.WelcomeScreen })),
);

/** Keeps the UI store in step with the URL hash. */
function useHashRoute() {
  useEffect(() => {
    const apply = () => {
      const route = parseRoute(window.location.hash);
      const ui = stores.ui.getState();
      if (route.kind === 'channel') ui.navigate(route.serverId, route.channelId);
      else if (route.kind === 'dm' || route.kind === 'home')
        ui.navigate(null, route.kind === 'dm' ? route.channelId : null);
      else if (route.kind === 'invite') ui.openModal({ kind: 'joinServer', code: route.code });
      else if (route.kind === 'addBot')
        ui.openModal({ kind: 'addBot', botId: route.botId, permissions: route.permissions });
    };
    apply();
    window.addEventListener('hashchange', apply);
    return () => window.removeEventListener('hashchange', apply);
  }, []);
}

/**
 * A reload on a channel: its newest messages load alongside the sign-in check (the session is
 * read from storage at once), not after it; the channel view then shares that load.
 */
async function prefetchOpenChannel(): Promise<void> {
  const channelId = channelOfHash(window.location.hash);
  if (channelId && (await client.auth.getSession()).data.session) {
    preloadFormatting();
    await stores.messages.getState().loadLatest(channelId);
  }
}

export function App() {
  const status = useAuth((s) => s.status);
  const profileId = useAuth((s) => s.profile?.id);
  const recovering = useAuth((s) => s.recovering);
  const welcoming = useAuth((s) => s.welcoming);
  const error = useAuth((s) => s.error);
  useHashRoute();

  useEffect(() => {
    void stores.auth.getState().init();
    void prefetchOpenChannel();
  }, []);

  useEffect(() => {
    if (status !== 'signedIn' || !profileId) return;
    // After the first frame: a reload shows the open channel before the session's requests start.
    const cancelStart = afterNextPaint(() => {
      startSession(profileId).catch((error: unknown) => stores.ui.getState().toast(describeError(error)));
    });
    // What an auth mail's link landed with (a confirmed address, half an email change).
    const { notice } = stores.auth.getState();
    if (notice) {
      stores.ui.getState().toast(notice, 'info');
      stores.auth.getState().clearError();
    }
    return () => {
      cancelStart();
      void endSession();
    };
  }, [status, profileId]);

  if (status === 'loading') {
    return (
      <div className="splash" aria-busy="true">
        Loading Harmony…
        {error && <p className="form-error">{error} Trying again…</p>}
      </div>
    );
  }
  if (status === 'signedOut') return <AuthScreen />;
  if (status === 'mfaRequired') return <MfaScreen />;
  if (recovering || welcoming)
    return <Suspense fallback={null}>{recovering ? <SetNewPasswordScreen /> : <WelcomeScreen />}</Suspense>;
  return <Workspace />;
}
