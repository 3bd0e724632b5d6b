import { MessagesSquare } from 'lucide-react';
import { useId } from 'react';
import { UnreadMarks } from '../../components/ServerRail.js';
import { useChannelMarks } from '../notification-settings/use-marks.js';
import type { Thread } from './thread-api.js';
import { threadsStore, useThreads } from './threads-store.js';
import './threads-base.css';

function SidebarThread({ thread }: { thread: Thread }) {
  const active = useThreads((s) => s.panel?.kind === 'thread' && s.panel.threadId === thread.id);
  const marks = useChannelMarks(thread.id);
  const marksId = useId();
  return (
    <li>
      <button
        type="button"
        className={`channel-link${active ? ' active' : ''}${marks.unread ? ' unread' : ''}${marks.muted ? ' muted' : ''}`}
        aria-current={active ? 'page' : undefined}
        aria-describedby={marksId}
        onClick={() => threadsStore.getState().open({ kind: 'thread', threadId: thread.id })}
      >
        <MessagesSquare aria-hidden="true" size={16} className="channel-icon" />
        <span className="channel-name">{thread.name}</span>
        <UnreadMarks id={marksId} unread={marks.unread} mentions={marks.mentions} />
      </button>
    </li>
  );
}

/** The followed active threads of one channel (SidebarThreads decides there are some). */
export function SidebarThreadList({ threads }: { threads: Thread[] }) {
  return (
    <ul className="sidebar-threads" aria-label="Threads">
      {threads.map((t) => (
        <SidebarThread key={t.id} thread={t} />
      ))}
    </ul>
  );
}
