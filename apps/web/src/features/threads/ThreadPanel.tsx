import {
  Archive,
  ArchiveRestore,
  ArrowLeft,
  Lock,
  LockOpen,
  MessagesSquare,
  Plus,
  Users,
  X,
} from 'lucide-react';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { client, stores, useAuth, useMessages, useUi, watchChannel } from '../../app/stores.js';
import { TypingIndicator } from '../../components/TypingIndicator.js';
import { describeError } from '../../lib/errors.js';
import { newestSeq } from '../../lib/message-list.js';
import { IconButton } from '../../ui/IconButton.js';
import { useChannelPermission } from '../access/use-permissions.js';
import { Composer } from '../composer/Composer.js';
import { useAuthor } from '../messages/MessageItem.js';
import { MessageList } from '../messages/MessageList.js';
import { AUTO_ARCHIVE_CHOICES, threadActions } from './thread-actions.js';
import { isArchived, type Thread } from './thread-api.js';
import { threadActivity } from './thread-text.js';
import { type ThreadPanel as Panel, threadsStore, useThreads } from './threads-store.js';
import './threads.css';

const close = () => threadsStore.getState().open(null);
const show = (panel: Panel) => threadsStore.getState().open(panel);

/** The panel beside the channel: one thread, a channel's threads, or the form starting one. */
export function ThreadPanel() {
  const panel = useThreads((s) => s.panel);
  const heading = useRef<HTMLHeadingElement>(null);
  const channelId = useUi((s) => s.activeChannelId);
  const shownFor = useRef(channelId);
  // Going to another channel closes a panel about a different one, as in Discord (a panel opened
  // with the move to its channel, as a search result does, stays).
  useEffect(() => {
    if (shownFor.current === channelId) return;
    shownFor.current = channelId;
    const { panel, byId, open } = threadsStore.getState();
    const parent = panel?.kind === 'thread' ? byId[panel.threadId]?.parent_id : panel?.parentId;
    if (panel && parent !== channelId) open(null);
  }, [channelId]);
  // Focus moves into the panel when what it shows changes, for keyboard and screen reader users.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run for each new panel.
  useEffect(() => heading.current?.focus(), [panel]);
  if (!panel) return null;
  return (
    <aside
      className="thread-panel"
      aria-label={panel.kind === 'thread' ? 'Thread' : panel.kind === 'list' ? 'Threads' : 'Create thread'}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !(e.target instanceof HTMLTextAreaElement)) close();
      }}
    >
      {panel.kind === 'thread' && (
        <ThreadView key={panel.threadId} threadId={panel.threadId} heading={heading} />
      )}
      {panel.kind === 'list' && <ThreadList parentId={panel.parentId} heading={heading} />}
      {panel.kind === 'create' && <CreateThreadForm panel={panel} heading={heading} />}
    </aside>
  );
}

type HeadingRef = React.RefObject<HTMLHeadingElement | null>;

function PanelHeader({
  heading,
  title,
  back,
  children,
}: {
  heading: HeadingRef;
  title: React.ReactNode;
  back?: () => void;
  children?: React.ReactNode;
}) {
  return (
    <header className="thread-panel-header">
      {back && <IconButton label="All threads" icon={ArrowLeft} onClick={back} />}
      <h2 ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <div className="thread-panel-actions">
        {children}
        <IconButton label="Close" icon={X} onClick={close} />
      </div>
    </header>
  );
}

/** Whether the signed-in user may rename, archive and unarchive the thread (as update_thread checks). */
function useCanManageThread(thread: Thread | undefined): boolean {
  const me = useAuth((s) => s.profile?.id);
  const manager = useChannelPermission(thread?.id ?? null, 'MANAGE_THREADS');
  const canSend = useChannelPermission(thread?.id ?? null, 'SEND_MESSAGES');
  if (!thread) return false;
  return manager || (!thread.locked && thread.owner_id === me && canSend);
}

function ThreadView({ threadId, heading }: { threadId: string; heading: HeadingRef }) {
  const thread = useThreads((s) => s.byId[threadId]);
  const newest = useMessages((s) => newestSeq(s.channels[threadId]?.items ?? []));
  const canManage = useCanManageThread(thread);
  const isManager = useChannelPermission(threadId, 'MANAGE_THREADS');
  const canSend = useChannelPermission(threadId, 'SEND_MESSAGES');
  const [showPeople, setShowPeople] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void stores.messages.getState().loadLatest(threadId);
    return watchChannel(threadId);
  }, [threadId]);

  // Reading the thread marks it read, as reading a channel does.
  useEffect(() => {
    if (newest === 0) return;
    const mark = () => {
      if (document.visibilityState === 'visible')
        stores.unread
          .getState()
          .markRead(threadId, newest)
          .catch(() => undefined);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [threadId, newest]);

  if (!thread) {
    return (
      <>
        <PanelHeader heading={heading} title="Thread" />
        <p className="thread-panel-empty">This thread does not exist or you do not have access to it.</p>
      </>
    );
  }
  const archived = isArchived(thread);
  const change = async (what: { archived: boolean } | { locked: boolean }, action: string) => {
    setError(null);
    try {
      await threadActions.update(client, thread.id, what);
      await threadsStore.getState().loadChannel(thread.parent_id);
    } catch (e) {
      setError(describeError(e, action));
    }
  };

  return (
    <>
      <PanelHeader
        heading={heading}
        back={() => show({ kind: 'list', parentId: thread.parent_id })}
        title={
          <>
            <MessagesSquare aria-hidden="true" size={18} className="channel-icon" />
            <span className="thread-title">{thread.name}</span>
          </>
        }
      >
        <IconButton
          label={showPeople ? 'Hide participants' : 'Participants'}
          icon={Users}
          aria-pressed={showPeople}
          onClick={() => setShowPeople(!showPeople)}
        />
        {canManage && (
          <IconButton
            label={archived ? 'Unarchive thread' : 'Archive thread'}
            icon={archived ? ArchiveRestore : Archive}
            onClick={() =>
              void change({ archived: !archived }, archived ? 'unarchive this thread' : 'archive this thread')
            }
          />
        )}
        {isManager && (
          <IconButton
            label={thread.locked ? 'Unlock thread' : 'Lock thread'}
            icon={thread.locked ? LockOpen : Lock}
            onClick={() => void change({ locked: !thread.locked }, 'lock or unlock this thread')}
          />
        )}
      </PanelHeader>
      <p className="thread-state">
        {threadActivity(thread)}
        {archived && <span className="thread-badge">Archived</span>}
        {thread.locked && (
          <span className="thread-badge">
            <Lock aria-hidden="true" size={12} /> Locked
          </span>
        )}
      </p>
      {error && (
        <p className="thread-error" role="alert">
          {error}
        </p>
      )}
      {showPeople && <Participants threadId={thread.id} count={thread.member_count} />}
      <MessageList channelId={thread.id} beginning="This is the beginning of the thread." />
      <TypingIndicator channelId={thread.id} />
      {thread.locked && !isManager ? (
        <div className="composer disabled" role="status">
          This thread is locked. Only members who manage threads can send messages here.
        </div>
      ) : (
        <>
          {archived && canSend && (
            <p className="thread-note" role="status">
              This thread is archived. Sending a message will unarchive it.
            </p>
          )}
          <Composer channelId={thread.id} channelLabel={thread.name} />
        </>
      )}
    </>
  );
}

function Participant({ profileId }: { profileId: string }) {
  const author = useAuthor(profileId);
  return <li>{author.name}</li>;
}

function Participants({ threadId, count }: { threadId: string; count: number }) {
  const [ids, setIds] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Again when someone new joins (the count comes with every thread event).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `count` says the list changed.
  useEffect(() => {
    let live = true;
    threadActions
      .participants(client, threadId)
      .then((rows) => live && setIds(rows.map((r) => r.profile_id)))
      .catch((e: unknown) => live && setError(describeError(e)));
    return () => {
      live = false;
    };
  }, [threadId, count]);
  return (
    <section className="thread-participants" aria-label="Participants">
      <h3>Participants{ids ? ` — ${ids.length}` : ''}</h3>
      {error && <p role="alert">{error}</p>}
      <ul>
        {(ids ?? []).map((id) => (
          <Participant key={id} profileId={id} />
        ))}
      </ul>
    </section>
  );
}

function ThreadList({ parentId, heading }: { parentId: string; heading: HeadingRef }) {
  const byId = useThreads((s) => s.byId);
  const [archivedTab, setArchivedTab] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const canCreate = useChannelPermission(parentId, 'CREATE_PUBLIC_THREADS');
  useEffect(() => {
    threadsStore
      .getState()
      .loadChannel(parentId)
      .catch((e: unknown) => setError(describeError(e)));
  }, [parentId]);
  const threads = useMemo(
    () =>
      Object.values(byId)
        .filter((t) => t.parent_id === parentId && isArchived(t) === archivedTab)
        .sort((a, b) => (b.last_message_at ?? b.created_at).localeCompare(a.last_message_at ?? a.created_at)),
    [byId, parentId, archivedTab],
  );
  return (
    <>
      <PanelHeader
        heading={heading}
        title={
          <>
            <MessagesSquare aria-hidden="true" size={18} className="channel-icon" />
            Threads
          </>
        }
      >
        {canCreate && (
          <IconButton
            label="Create thread"
            icon={Plus}
            onClick={() => show({ kind: 'create', parentId, messageId: null, name: '' })}
          />
        )}
      </PanelHeader>
      <div className="thread-tabs">
        <button type="button" aria-pressed={!archivedTab} onClick={() => setArchivedTab(false)}>
          Active
        </button>
        <button type="button" aria-pressed={archivedTab} onClick={() => setArchivedTab(true)}>
          Archived
        </button>
      </div>
      {error && (
        <p className="thread-error" role="alert">
          {error}
        </p>
      )}
      {threads.length === 0 ? (
        <p className="thread-panel-empty">
          {archivedTab ? 'No archived threads.' : 'No active threads yet.'}
        </p>
      ) : (
        <ul className="thread-list">
          {threads.map((t) => (
            <li key={t.id}>
              <button type="button" onClick={() => show({ kind: 'thread', threadId: t.id })}>
                <span className="thread-summary-name">{t.name}</span>
                <span className="thread-summary-activity">{threadActivity(t)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The first words of the starter message, as the name offered for its thread. */
function suggestedName(content: string): string {
  const words = content.replace(/\s+/g, ' ').trim();
  return words.length > 40 ? `${words.slice(0, 40).trimEnd()}…` : words;
}

function CreateThreadForm({
  panel,
  heading,
}: {
  panel: Extract<Panel, { kind: 'create' }>;
  heading: HeadingRef;
}) {
  const [name, setName] = useState(() => suggestedName(panel.name));
  const [minutes, setMinutes] = useState(1440);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const id = await threadActions.create(client, {
        channelId: panel.parentId,
        name: name.trim(),
        messageId: panel.messageId,
        autoArchiveMinutes: minutes,
      });
      await threadsStore.getState().loadChannel(panel.parentId);
      // Its creator takes part: the thread joins their sidebar and their unread counts.
      void threadsStore.getState().loadJoined(threadsStore.getState().byId[id]?.server_id ?? '', true);
      void stores.unread.getState().load();
      show({ kind: 'thread', threadId: id });
    } catch (e) {
      setError(describeError(e, 'create threads here'));
      setBusy(false);
    }
  };

  return (
    <>
      <PanelHeader
        heading={heading}
        back={() => show({ kind: 'list', parentId: panel.parentId })}
        title={
          <>
            <MessagesSquare aria-hidden="true" size={18} className="channel-icon" />
            Create thread
          </>
        }
      />
      <form className="thread-create" onSubmit={(e) => void submit(e)}>
        {panel.messageId && <p className="thread-note">The thread starts from the message you chose.</p>}
        <label>
          Thread name
          <input
            value={name}
            required
            maxLength={100}
            placeholder="What is it about?"
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label>
          Archive after inactivity
          <select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
            {AUTO_ARCHIVE_CHOICES.map((c) => (
              <option key={c.minutes} value={c.minutes}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        {error && (
          <p className="thread-error" role="alert">
            {error}
          </p>
        )}
        <div className="thread-create-actions">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !name.trim()}>
            Create thread
          </button>
        </div>
      </form>
    </>
  );
}
