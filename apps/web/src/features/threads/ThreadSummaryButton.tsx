import { MessagesSquare } from 'lucide-react';
import { useAuthor } from '../messages/MessageItem.js';
import { isArchived } from './thread-api.js';
import { threadActivity } from './thread-text.js';
import { threadsStore, useThreads } from './threads-store.js';
import './threads-base.css';

/** Under a message that started a thread: its name and activity; opens the thread. */
export function ThreadSummaryButton({ messageId }: { messageId: string }) {
  const thread = useThreads((s) => {
    const id = s.byStarter[messageId];
    return id ? s.byId[id] : undefined;
  });
  const lastAuthor = useAuthor(thread?.last_author_id ?? null);
  if (!thread) return null;
  return (
    <button
      type="button"
      className="thread-summary"
      onClick={() => threadsStore.getState().open({ kind: 'thread', threadId: thread.id })}
    >
      <MessagesSquare aria-hidden="true" size={16} />
      <span className="thread-summary-name">{thread.name}</span>
      <span className="thread-summary-activity">
        {threadActivity(thread)}
        {thread.last_author_id && thread.message_count > 0 ? ` by ${lastAuthor.name}` : ''}
        {isArchived(thread) ? ' · Archived' : ''}
      </span>
    </button>
  );
}
