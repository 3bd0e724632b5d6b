import type { DragEndEvent } from '@dnd-kit/core';
import { ChevronDown, ChevronRight, Plus, Settings } from 'lucide-react';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { stores, useAuth, useChannelAdmin, useServers, useUi } from '../../app/stores.js';
import { describeError } from '../../lib/errors.js';
import type { Category, Channel } from '../../lib/types.js';
import { IconButton } from '../../ui/IconButton.js';
import { useLazyModule } from '../../ui/use-lazy-module.js';
import { useServerPermission } from '../access/use-permissions.js';
import {
  entryKey,
  type ListEntry,
  layoutChanged,
  layoutFromList,
  layoutWithCategoryOrder,
  listEntries,
  moveEntry,
  parseEntryKey,
} from './layout.js';
import './channels.css';

const loadSortable = () => import('./SortableChannels.js');

/** A row of the list before (or without) drag and drop: same markup, no handle. */
function StaticRow({ className, children }: { className: string; children: ReactNode }) {
  return <li className={className}>{children}</li>;
}

/** A category of voice channels (or named so) offers a voice channel first. */
function kindOf(channels: readonly Channel[], category: Category): 'text' | 'voice' {
  const inside = channels.filter((c) => c.category_id === category.id);
  if (inside.length > 0) return inside.every((c) => c.type === 'voice') ? 'voice' : 'text';
  return /voice/i.test(category.name) ? 'voice' : 'text';
}

/**
 * The server's channel list: uncategorised channels, then categories (collapsible, remembered per
 * user) with their channels. Members with MANAGE_CHANNELS drag channels and categories (pointer or
 * keyboard from each row's handle); the new order is saved in one call and reaches every member.
 */
export function ChannelTree({
  serverId,
  renderChannel,
}: {
  serverId: string;
  renderChannel(channel: Channel): ReactNode;
}) {
  const detail = useServers((s) => s.details[serverId]);
  const profileId = useAuth((s) => s.profile?.id);
  const activeChannelId = useUi((s) => s.activeChannelId);
  const collapsed = useChannelAdmin((s) => s.collapsed);
  const canManage = useServerPermission(serverId, 'MANAGE_CHANNELS');
  const sortable = useLazyModule(loadSortable, canManage);
  const Row = sortable && canManage ? sortable.SortableRow : StaticRow;
  const [draggingCategory, setDraggingCategory] = useState(false);

  useEffect(() => {
    if (profileId)
      stores.channelAdmin
        .getState()
        .loadCollapsed()
        .catch(() => undefined);
  }, [profileId]);

  const channels = detail?.channels ?? [];
  const categories = detail?.categories ?? [];
  const entries = useMemo(
    () =>
      listEntries(
        channels,
        categories,
        (id) => draggingCategory || Boolean(collapsed[id]),
        // A collapsed category still shows the open channel, as Discord does.
        (id) => !draggingCategory && id === activeChannelId,
      ),
    [channels, categories, collapsed, draggingCategory, activeChannelId],
  );
  const keys = entries.map(entryKey);
  const channelById = new Map(channels.map((c) => [c.id, c]));
  const categoryById = new Map(categories.map((c) => [c.id, c]));

  const nameOf = (key: string) => {
    const entry = parseEntryKey(key);
    if (entry?.kind === 'category') return `category ${categoryById.get(entry.id)?.name ?? ''}`;
    const channel = entry && channelById.get(entry.id);
    return channel ? `${channel.type === 'voice' ? 'voice channel' : '#'}${channel.name}` : 'this place';
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDraggingCategory(false);
    if (!over || active.id === over.id) return;
    const from = keys.indexOf(String(active.id));
    const to = keys.indexOf(String(over.id));
    if (from < 0 || to < 0) return;
    const moved: ListEntry[] = moveEntry(entries, from, to);
    const layout =
      entries[from]?.kind === 'category'
        ? layoutWithCategoryOrder(moved, channels, categories)
        : layoutFromList(moved, channels, categories);
    if (!layoutChanged(layout, channels, categories)) return;
    stores.channelAdmin
      .getState()
      .setLayout(serverId, layout)
      .catch((e: unknown) => stores.ui.getState().toast(describeError(e, 'reorder channels')));
  };

  const openModal = stores.ui.getState().openModal;
  const renderEntry = (entry: ListEntry) => {
    const key = entryKey(entry);
    if (entry.kind === 'channel') {
      const channel = channelById.get(entry.id);
      if (!channel) return null;
      return (
        <Row key={key} id={key} label={`Move ${channel.name}`} disabled={!canManage} className="channel-row">
          {renderChannel(channel)}
          {canManage && (
            <IconButton
              label={`Edit channel ${channel.name}`}
              icon={Settings}
              size={16}
              tooltip="top"
              className="row-action"
              onClick={() => openModal({ kind: 'channelSettings', serverId, channelId: channel.id })}
            />
          )}
        </Row>
      );
    }
    const category = categoryById.get(entry.id);
    if (!category) return null;
    const isCollapsed = Boolean(collapsed[category.id]);
    return (
      <Row
        key={key}
        id={key}
        label={`Move category ${category.name}`}
        disabled={!canManage}
        className="category-row"
      >
        <h3 className="category">
          <button
            type="button"
            className="category-toggle"
            aria-expanded={!isCollapsed}
            onClick={() =>
              stores.channelAdmin
                .getState()
                .setCollapsed(category.id, !isCollapsed)
                .catch((e: unknown) => stores.ui.getState().toast(describeError(e)))
            }
          >
            {isCollapsed ? (
              <ChevronRight aria-hidden="true" size={12} />
            ) : (
              <ChevronDown aria-hidden="true" size={12} />
            )}
            <span className="category-name">{category.name}</span>
          </button>
          {canManage && (
            <>
              <IconButton
                label={`Create channel in ${category.name}`}
                icon={Plus}
                size={16}
                tooltip="top"
                onClick={() =>
                  openModal({
                    kind: 'createChannel',
                    serverId,
                    categoryId: category.id,
                    type: kindOf(channels, category),
                  })
                }
              />
              <IconButton
                label={`Edit category ${category.name}`}
                icon={Settings}
                size={14}
                tooltip="top"
                onClick={() => openModal({ kind: 'category', serverId, categoryId: category.id })}
              />
            </>
          )}
        </h3>
      </Row>
    );
  };

  /** Uncategorised channels, then one group per category (its header and its channels). */
  const groups: { categoryId: string | null; entries: ListEntry[] }[] = [];
  for (const entry of entries) {
    const last = groups[groups.length - 1];
    if (entry.kind === 'category') groups.push({ categoryId: entry.id, entries: [entry] });
    else if (last) last.entries.push(entry);
    else groups.push({ categoryId: null, entries: [entry] });
  }

  const list = groups.map((group) =>
    group.categoryId === null ? (
      <ul key="uncategorised" className="channel-tree">
        {group.entries.map(renderEntry)}
      </ul>
    ) : (
      <section key={group.categoryId} aria-label={categoryById.get(group.categoryId)?.name}>
        <ul className="channel-tree">{group.entries.map(renderEntry)}</ul>
      </section>
    ),
  );
  if (!sortable || !canManage) return list;
  return (
    <sortable.SortableChannels
      keys={keys}
      nameOf={nameOf}
      onDragStart={(key) => setDraggingCategory(parseEntryKey(key)?.kind === 'category')}
      onDragEnd={onDragEnd}
      onDragCancel={() => setDraggingCategory(false)}
    >
      {list}
    </sortable.SortableChannels>
  );
}
