import { lazy, Suspense } from 'react';
import { useThreads } from './threads-store.js';

const ThreadSummaryButton = lazy(() =>
  import('./ThreadSummaryButton.js').then((m) => ({ default: m.ThreadSummaryButton })),
);

/** Under a message that started a thread: the summary, loaded once some message has one. */
export function ThreadSummary({ messageId }: { messageId: string }) {
  const hasThread = useThreads((s) => Boolean(s.byStarter[messageId]));
  if (!hasThread) return null;
  return (
    <Suspense fallback={null}>
      <ThreadSummaryButton messageId={messageId} />
    </Suspense>
  );
}
