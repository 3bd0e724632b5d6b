import { lazy, Suspense } from 'react';
import type { Attachment } from '../../lib/types.js';
import { attachmentBox } from './attachment-kind.js';

// Players, cards and the gallery load with the first message that has files.
const MessageAttachments = lazy(() => import('./MessageAttachments.js'));

/** A message's files; until their code arrives, empty boxes of their final size hold the place. */
export function Attachments({ channelId, attachments }: { channelId: string; attachments: Attachment[] }) {
  if (attachments.length === 0) return null;
  return (
    <Suspense
      fallback={attachments.map((a) => (
        <div key={a.path} className="attachment-reserved" style={{ ...attachmentBox(a), marginTop: 4 }} />
      ))}
    >
      <MessageAttachments channelId={channelId} attachments={attachments} />
    </Suspense>
  );
}
