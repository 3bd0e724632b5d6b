import { lazy, Suspense } from 'react';
import { useInteractions } from './interactions-store.js';

const InteractionList = lazy(() => import('./InteractionList.js'));

/**
 * Above the composer: the member's commands waiting for their bot and replies only they see.
 * The list loads the first time there is one.
 */
export function InteractionFeed({ channelId }: { channelId: string }) {
  const any = useInteractions(
    (s) =>
      s.ephemeral.some((m) => m.channel_id === channelId) ||
      Object.values(s.running).some((r) => r.channelId === channelId),
  );
  if (!any) return null;
  return (
    <Suspense fallback={null}>
      <InteractionList channelId={channelId} />
    </Suspense>
  );
}
