import { MessagesSquare } from 'lucide-react';
import { useEffect } from 'react';
import { useServers } from '../../app/stores.js';
import { describeError } from '../../lib/errors.js';
import type { Message } from '../../lib/types.js';
import { IconButton } from '../../ui/IconButton.js';
import { useChannelPermission } from '../access/use-permissions.js';
import { threadsStore, useThreads } from './threads-store.js';

/** Whether a channel is a server text channel (threads live there, not in DMs or threads). */
function useIsTextChannel(channelId: string): boolean {
  return useServers((s) =>
    Object.values(s.details).some((d) => d.channels.some((c) => c.id === channelId && c.type === 'text')),
  );
}

/** "Create thread" in a message's toolbar. */
export function CreateThreadButton({ message }: { message: Message }) {
  const textChannel = useIsTextChannel(message.channel_id);
  const canCreate = useChannelPermission(message.channel_id, 'CREATE_PUBLIC_THREADS');
  const hasThread = useThreads((s) => Boolean(s.byStarter[message.id]));
  if (!textChannel || !canCreate || hasThread) return null;
  return (
    <IconButton
      label="Create thread"
      icon={MessagesSquare}
      tooltip="top"
      onClick={() =>
        threadsStore.getState().open({
          kind: 'create',
          parentId: message.channel_id,
          messageId: message.id,
          name: message.content,
        })
      }
    />
  );
}

/** "Threads" in a text channel's header: the channel's threads, and where new ones start. */
export function ThreadsHeaderButton({ channelId }: { channelId: string }) {
  const textChannel = useIsTextChannel(channelId);
  const open = useThreads((s) => s.panel?.kind === 'list' && s.panel.parentId === channelId);
  // The channel's threads, for the summaries under their starter messages.
  useEffect(() => {
    if (textChannel)
      threadsStore
        .getState()
        .loadChannel(channelId)
        .catch((error: unknown) => console.warn(describeError(error)));
  }, [channelId, textChannel]);
  if (!textChannel) return null;
  return (
    <IconButton
      label="Threads"
      icon={MessagesSquare}
      aria-pressed={open}
      onClick={() => threadsStore.getState().open(open ? null : { kind: 'list', parentId: channelId })}
    />
  );
}
