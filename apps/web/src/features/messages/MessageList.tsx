import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDown } from 'lucide-react';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { stores, useMessages } from '../../app/stores.js';
import { longDate } from '../../lib/date-format.js';
import { dayKey, startsGroup } from '../../lib/message-list.js';
import type { Message, PendingMessage } from '../../lib/types.js';
import { MessageItem, PendingItem } from './MessageItem.js';
import { estimateMessageHeight } from './row-height.js';

type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'message'; key: string; message: Message; grouped: boolean }
  | { kind: 'pending'; key: string; pending: PendingMessage };

const EMPTY: Message[] = [];
const NO_PENDING: PendingMessage[] = [];
/** Within this many pixels of the bottom, the list counts as following the newest message. */
const STICK_PX = 80;

/** Rows to render: deleted messages leave no trace (their tombstones only keep seq gap-free). */
function buildRows(items: Message[], pending: PendingMessage[]): Row[] {
  const rows: Row[] = [];
  let previous: Message | undefined;
  for (const message of items) {
    if (message.deleted_at) continue;
    if (!previous || dayKey(previous.created_at) !== dayKey(message.created_at)) {
      const label = longDate(new Date(message.created_at));
      rows.push({ kind: 'day', key: `day-${dayKey(message.created_at)}`, label });
    }
    rows.push({ kind: 'message', key: message.id, message, grouped: !startsGroup(previous, message) });
    previous = message;
  }
  for (const p of pending) rows.push({ kind: 'pending', key: p.nonce, pending: p });
  return rows;
}

/**
 * Virtualized: only the rows on screen are in the DOM, so long histories stay fast. Follows the
 * newest message (also when images or edits change heights) unless the reader scrolled up.
 */
export function MessageList({
  channelId,
  beginning = 'This is the beginning of the channel.',
}: {
  channelId: string;
  /** Shown above the first message once the whole history is loaded (threads say so). */
  beginning?: string;
}) {
  const items = useMessages((s) => s.channels[channelId]?.items ?? EMPTY);
  const pending = useMessages((s) => s.channels[channelId]?.pending ?? NO_PENDING);
  const loading = useMessages((s) => s.channels[channelId]?.loading ?? false);
  const rows = useMemo(() => buildRows(items, pending), [items, pending]);
  // The rows mount (per channel) once there are some, so their first render can start at the newest.
  if (rows.length === 0) {
    return (
      <div className="message-scroller" role="log" aria-label="Messages" aria-live="polite">
        <div className="message-spacer" />
        {!loading && <p className="channel-start">No messages yet. Say hello!</p>}
      </div>
    );
  }
  return (
    <MessageRows
      key={channelId}
      channelId={channelId}
      rows={rows}
      firstKey={items[0]?.id}
      beginning={beginning}
    />
  );
}

function MessageRows({
  channelId,
  rows,
  firstKey,
  beginning,
}: {
  channelId: string;
  rows: Row[];
  /** The oldest loaded message (not the first row: the day separator above it often stays the same). */
  firstKey: string | undefined;
  beginning: string;
}) {
  const hasOlder = useMessages((s) => s.channels[channelId]?.hasOlder ?? true);
  const loading = useMessages((s) => s.channels[channelId]?.loading ?? false);
  const scroller = useRef<HTMLDivElement>(null);
  // A ref for the scrolling logic (no render in between), state for the "Jump to latest" button.
  const following = useRef(true);
  const [atBottom, setAtBottom] = useState(true);
  const previousFirst = useRef<{ key: string | undefined; size: number }>({ key: undefined, size: 0 });

  const estimateSize = (i: number) => {
    const row = rows[i];
    if (row?.kind === 'message') return estimateMessageHeight(row.message, row.grouped);
    return row?.kind === 'day' ? 36 : 60;
  };
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize,
    overscan: 12,
    getItemKey: (i) => rows[i]?.key ?? i,
    // The first render is of the newest rows, at most a window tall: the list opens at the
    // bottom, so rendering the oldest rows of the page first would be thrown away at once.
    initialRect: { width: 0, height: typeof window === 'undefined' ? 0 : window.innerHeight },
    initialOffset: () => rows.reduce((total, _, i) => total + estimateSize(i), 0),
  });
  const totalSize = virtualizer.getTotalSize();

  const toBottom = () => {
    const el = scroller.current;
    if (el) el.scrollTop = el.scrollHeight;
  };
  // At the bottom before the virtualizer first reads the scroll position (refs attach before
  // layout effects run), so it keeps the newest rows it rendered instead of switching to the top.
  const attachScroller = useCallback((el: HTMLDivElement | null) => {
    scroller.current = el;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, []);

  // Older messages were prepended: keep the same messages under the reader's eyes.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && previousFirst.current.key && firstKey !== previousFirst.current.key && !following.current) {
      el.scrollTop += totalSize - previousFirst.current.size;
    }
    previousFirst.current = { key: firstKey, size: totalSize };
  }, [firstKey, totalSize]);

  // New rows, or rows that grew (an image arrived, an edit): stay on the newest if following.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run whenever the content changes size.
  useLayoutEffect(() => {
    if (following.current) toBottom();
  }, [rows.length, totalSize]);

  // A tap elsewhere hides a message toolbar opened by a tap (touch screens).
  useEffect(() => {
    const hide = (e: PointerEvent) => {
      if (!(e.target as HTMLElement).closest?.('.message.toolbar-open'))
        stores.ui.getState().showToolbar(null);
    };
    document.addEventListener('pointerdown', hide);
    return () => document.removeEventListener('pointerdown', hide);
  }, []);

  const loadOlderIfNearTop = () => {
    const el = scroller.current;
    if (el && el.scrollTop < 300 && hasOlder && !loading)
      void stores.messages.getState().loadOlder(channelId);
  };

  // A page that leaves the reader still near the top (short pages, a fast flick) loads the next
  // one too: no scroll event would come to ask for it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-check whenever a load finishes.
  useLayoutEffect(loadOlderIfNearTop, [loading, hasOlder]);

  // A jump (search, notification) scrolls its message into view and highlights it briefly.
  const focused = useMessages((s) => (s.focused?.channelId === channelId ? s.focused.messageId : null));
  useLayoutEffect(() => {
    if (!focused) return;
    const index = rows.findIndex((r) => r.kind === 'message' && r.message.id === focused);
    if (index < 0) return;
    following.current = false;
    setAtBottom(false);
    virtualizer.scrollToIndex(index, { align: 'center' });
    const timer = setTimeout(() => stores.messages.getState().clearFocus(), 3000);
    return () => clearTimeout(timer);
  }, [focused, rows, virtualizer]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    following.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    setAtBottom(following.current);
    loadOlderIfNearTop();
  };

  return (
    <div
      className="message-scroller"
      ref={attachScroller}
      onScroll={onScroll}
      role="log"
      aria-label="Messages"
      aria-live="polite"
    >
      {/* Pushes a short history to the bottom, next to the composer, as chat apps do. */}
      <div className="message-spacer" />
      {!hasOlder && <p className="channel-start">{beginning}</p>}
      <div style={{ height: totalSize, position: 'relative', flex: 'none' }}>
        {virtualizer.getVirtualItems().map((v) => {
          const row = rows[v.index];
          if (!row) return null;
          return (
            <div
              key={v.key}
              data-index={v.index}
              ref={virtualizer.measureElement}
              className={`virtual-row${row.kind === 'message' && row.message.id === focused ? ' focused' : ''}`}
              style={{ transform: `translateY(${v.start}px)` }}
            >
              {row.kind === 'day' && (
                <div className="day-separator">
                  <span>{row.label}</span>
                </div>
              )}
              {row.kind === 'message' && <MessageItem message={row.message} grouped={row.grouped} />}
              {row.kind === 'pending' && <PendingItem pending={row.pending} />}
            </div>
          );
        })}
      </div>
      {!atBottom && (
        <button
          type="button"
          className="jump-latest"
          onClick={() => {
            following.current = true;
            setAtBottom(true);
            toBottom();
          }}
        >
          <ArrowDown aria-hidden="true" size={16} /> Jump to latest
        </button>
      )}
    </div>
  );
}
