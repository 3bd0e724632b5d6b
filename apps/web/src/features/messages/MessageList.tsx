import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { stores, useMessages } from '../app/stores.js';
import { dayKey, startsGroup } from '../lib/message-list.js';
import type { Message, PendingMessage } from '../lib/types.js';
import { MessageItem, PendingItem } from './MessageItem.js';

type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'message'; key: string; message: Message; grouped: boolean }
  | { kind: 'pending'; key: string; pending: PendingMessage };

const EMPTY: Message[] = [];
const NO_PENDING: PendingMessage[] = [];

function buildRows(items: Message[], pending: PendingMessage[]): Row[] {
  const rows: Row[] = [];
  let previous: Message | undefined;
  for (const message of items) {
    if (!previous || dayKey(previous.created_at) !== dayKey(message.created_at)) {
      const label = new Date(message.created_at).toLocaleDateString(undefined, { dateStyle: 'long' });
      rows.push({ kind: 'day', key: `day-${dayKey(message.created_at)}`, label });
    }
    rows.push({ kind: 'message', key: message.id, message, grouped: !startsGroup(previous, message) });
    previous = message;
  }
  for (const p of pending) rows.push({ kind: 'pending', key: p.nonce, pending: p });
  return rows;
}

/** Virtualized: only the rows on screen are in the DOM, so long histories stay fast. */
export function MessageList({ channelId }: { channelId: string }) {
  const items = useMessages((s) => s.channels[channelId]?.items ?? EMPTY);
  const pending = useMessages((s) => s.channels[channelId]?.pending ?? NO_PENDING);
  const hasOlder = useMessages((s) => s.channels[channelId]?.hasOlder ?? true);
  const loading = useMessages((s) => s.channels[channelId]?.loading ?? false);
  const rows = useMemo(() => buildRows(items, pending), [items, pending]);
  const scroller = useRef<HTMLDivElement>(null);
  const [atBottom, setAtBottom] = useState(true);
  // The oldest loaded message (not the first row: the day separator above it often stays the same).
  const firstKey = items[0]?.id;
  const previousFirst = useRef<{ key: string | undefined; size: number }>({ key: undefined, size: 0 });

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) =>
      rows[i]?.kind === 'day' ? 36 : rows[i]?.kind === 'message' && rows[i].grouped ? 28 : 56,
    overscan: 12,
    getItemKey: (i) => rows[i]?.key ?? i,
  });

  // Older messages were prepended: keep the same messages under the reader's eyes.
  useLayoutEffect(() => {
    const el = scroller.current;
    const total = virtualizer.getTotalSize();
    if (el && previousFirst.current.key && firstKey !== previousFirst.current.key && !atBottom) {
      el.scrollTop += total - previousFirst.current.size;
    }
    previousFirst.current = { key: firstKey, size: total };
  }, [firstKey, virtualizer, atBottom]);

  // New messages at the bottom: follow them if the reader was already there.
  useLayoutEffect(() => {
    if (atBottom && rows.length > 0) virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
  }, [rows.length, atBottom, virtualizer]);

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
    setAtBottom(false);
    virtualizer.scrollToIndex(index, { align: 'center' });
    const timer = setTimeout(() => stores.messages.getState().clearFocus(), 3000);
    return () => clearTimeout(timer);
  }, [focused, rows, virtualizer]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    setAtBottom(el.scrollHeight - el.scrollTop - el.clientHeight < 80);
    loadOlderIfNearTop();
  };

  return (
    <div
      className="message-scroller"
      ref={scroller}
      onScroll={onScroll}
      role="log"
      aria-label="Messages"
      aria-live="polite"
    >
      {!hasOlder && rows.length > 0 && <p className="channel-start">This is the beginning of the channel.</p>}
      {rows.length === 0 && !loading && <p className="channel-start">No messages yet. Say hello!</p>}
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
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
          onClick={() => virtualizer.scrollToIndex(rows.length - 1, { align: 'end' })}
        >
          Jump to latest
        </button>
      )}
    </div>
  );
}
