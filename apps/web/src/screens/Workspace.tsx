import { lazy, Suspense, useEffect } from 'react';
import { getRealtime, stores, useServers, useUi } from '../app/stores.js';
import { ChannelSidebar } from '../components/ChannelSidebar.js';
import { ChannelView } from '../components/ChannelView.js';
import { ConnectionBanner } from '../components/ConnectionBanner.js';
import { FriendsView } from '../components/dms/FriendsView.js';
import { MemberList } from '../components/MemberList.js';
import { Modals } from '../components/Modals.js';
import { ServerRail } from '../components/ServerRail.js';
import { Toasts } from '../components/Toasts.js';
import { CallOverlay } from '../features/calls/CallOverlay.js';
import { ThreadPanelHost } from '../features/threads/ThreadPanelHost.js';
import { describeError } from '../lib/errors.js';
import { go } from '../lib/route.js';

// Member cards and moderation dialogs load after the first screen: nothing shows them until a click.
const ModerationLayer = lazy(() =>
  import('../features/moderation/ModerationLayer.js').then((m) => ({ default: m.ModerationLayer })),
);

export function Workspace() {
  const serverId = useUi((s) => s.activeServerId);
  const channelId = useUi((s) => s.activeChannelId);
  const memberListOpen = useUi((s) => s.memberListOpen);
  const channelListOpen = useUi((s) => s.channelListOpen);
  const detail = useServers((s) => (serverId ? s.details[serverId] : undefined));

  useEffect(() => {
    if (!serverId) return;
    stores.servers
      .getState()
      .loadServer(serverId)
      .catch((error: unknown) => stores.ui.getState().toast(describeError(error)));
    getRealtime()?.watchServer(serverId);
  }, [serverId]);

  // Opening a server without a channel lands on its first text channel.
  useEffect(() => {
    if (serverId && !channelId && detail) {
      const first = detail.channels.find((c) => c.type === 'text');
      if (first) go({ kind: 'channel', serverId, channelId: first.id });
    }
  }, [serverId, channelId, detail]);

  return (
    <div
      className={`workspace${memberListOpen && serverId ? ' with-members' : ''}${channelListOpen ? ' channel-list-open' : ''}`}
    >
      <ConnectionBanner />
      <ServerRail />
      <ChannelSidebar />
      <main className="channel-pane">
        {channelId ? (
          <ChannelView key={channelId} channelId={channelId} />
        ) : serverId === null ? (
          <FriendsView />
        ) : (
          <div className="empty-state">
            <h2>Welcome to Harmony</h2>
            <p>Pick a server on the left, create one, or join with an invite link.</p>
          </div>
        )}
      </main>
      <ThreadPanelHost />
      {serverId && memberListOpen && <MemberList serverId={serverId} />}
      <Modals />
      <Suspense fallback={null}>
        <ModerationLayer />
      </Suspense>
      <CallOverlay />
      <Toasts />
    </div>
  );
}
