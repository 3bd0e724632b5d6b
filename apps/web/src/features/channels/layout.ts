/**
 * The channel list as one flat, sortable list: uncategorised channels first, then each category's
 * header followed by its channels, as Discord shows it. Drag and drop moves one entry in that list;
 * `layoutFromList` turns the result into what set_channel_layout takes (the whole order).
 */

export interface LayoutChannel {
  id: string;
  category_id: string | null;
  position: number;
}

export interface LayoutCategory {
  id: string;
  position: number;
}

/** What set_channel_layout takes: every category top first, every channel with its category in list order. */
export interface ChannelLayout {
  categoryIds: string[];
  channels: { id: string; category_id: string | null }[];
}

export type ListEntry = { kind: 'category'; id: string } | { kind: 'channel'; id: string };

const byPosition = <T extends { position: number; id: string }>(a: T, b: T) =>
  a.position - b.position || a.id.localeCompare(b.id);

/** The sortable key of an entry ("category:<id>", "channel:<id>"). */
export const entryKey = (entry: ListEntry) => `${entry.kind}:${entry.id}`;

export function parseEntryKey(key: string): ListEntry | null {
  const [kind, id] = key.split(':');
  if (!id || (kind !== 'category' && kind !== 'channel')) return null;
  return { kind, id };
}

/** Channels of each category (null: uncategorised), in order; a channel of a missing category counts as uncategorised. */
export function channelsByCategory<C extends LayoutChannel>(
  channels: readonly C[],
  categories: readonly LayoutCategory[],
): Map<string | null, C[]> {
  const known = new Set(categories.map((c) => c.id));
  const groups = new Map<string | null, C[]>([[null, []]]);
  for (const category of categories) groups.set(category.id, []);
  for (const channel of [...channels].sort(byPosition)) {
    const key = channel.category_id && known.has(channel.category_id) ? channel.category_id : null;
    groups.get(key)?.push(channel);
  }
  return groups;
}

export function sortedCategories<K extends LayoutCategory>(categories: readonly K[]): K[] {
  return [...categories].sort(byPosition);
}

/**
 * The list as shown. `hidden(categoryId)` lists only a category's header (collapsed, or every
 * category while one is being dragged); `keep` names channels shown anyway (the open one).
 */
export function listEntries(
  channels: readonly LayoutChannel[],
  categories: readonly LayoutCategory[],
  hidden: (categoryId: string) => boolean = () => false,
  keep: (channelId: string) => boolean = () => false,
): ListEntry[] {
  const groups = channelsByCategory(channels, categories);
  const entries: ListEntry[] = (groups.get(null) ?? []).map((c) => ({ kind: 'channel', id: c.id }));
  for (const category of sortedCategories(categories)) {
    entries.push({ kind: 'category', id: category.id });
    for (const channel of groups.get(category.id) ?? [])
      if (!hidden(category.id) || keep(channel.id)) entries.push({ kind: 'channel', id: channel.id });
  }
  return entries;
}

/** Moves the entry `from` to where `to` is (dnd-kit's arrayMove semantics). */
export function moveEntry(list: readonly ListEntry[], from: number, to: number): ListEntry[] {
  const next = [...list];
  const [moved] = next.splice(from, 1);
  if (moved) next.splice(to, 0, moved);
  return next;
}

/**
 * The whole order after a move. A channel belongs to the nearest category header above it (none
 * above: uncategorised); channels the list did not show (a collapsed category's) keep their
 * category and come first in it, in their order. Categories above every uncategorised channel
 * are simply the first categories.
 */
export function layoutFromList(
  list: readonly ListEntry[],
  channels: readonly LayoutChannel[],
  categories: readonly LayoutCategory[],
): ChannelLayout {
  const shown = new Set(list.filter((e) => e.kind === 'channel').map((e) => e.id));
  const groups = channelsByCategory(channels, categories);
  const categoryIds = list.filter((e) => e.kind === 'category').map((e) => e.id);
  const listed = new Set(categoryIds);
  // Categories the list left out (none should) keep their relative order at the end.
  for (const category of sortedCategories(categories))
    if (!listed.has(category.id)) categoryIds.push(category.id);

  const inCategory = new Map<string | null, string[]>([[null, []]]);
  for (const id of categoryIds)
    inCategory.set(
      id,
      (groups.get(id) ?? []).filter((c) => !shown.has(c.id)).map((c) => c.id),
    );
  let current: string | null = null;
  for (const entry of list) {
    if (entry.kind === 'category') current = entry.id;
    else inCategory.get(current)?.push(entry.id);
  }
  // Uncategorised channels the list did not show (none should) stay uncategorised.
  for (const channel of groups.get(null) ?? [])
    if (!shown.has(channel.id)) inCategory.get(null)?.push(channel.id);

  const ordered: ChannelLayout['channels'] = [];
  for (const key of [null, ...categoryIds])
    for (const id of inCategory.get(key) ?? []) ordered.push({ id, category_id: key });
  return { categoryIds, channels: ordered };
}

/**
 * The whole order after a category was dragged: the categories in the list's order, every
 * channel staying in its category (while a category is dragged the list shows only headers and
 * uncategorised channels, so where a header lands says nothing about channels).
 */
export function layoutWithCategoryOrder(
  list: readonly ListEntry[],
  channels: readonly LayoutChannel[],
  categories: readonly LayoutCategory[],
): ChannelLayout {
  // Listing only the headers leaves every channel where it is.
  return layoutFromList(
    list.filter((e) => e.kind === 'category'),
    channels,
    categories,
  );
}

/** Whether applying `layout` changes anything for these channels and categories. */
export function layoutChanged(
  layout: ChannelLayout,
  channels: readonly LayoutChannel[],
  categories: readonly LayoutCategory[],
): boolean {
  const current = layoutFromList(listEntries(channels, categories), channels, categories);
  return JSON.stringify(current) !== JSON.stringify(layout);
}

/** Channels and categories with the positions and categories a layout gives them (for an optimistic update). */
export function applyLayout<C extends LayoutChannel, K extends LayoutCategory>(
  layout: ChannelLayout,
  channels: readonly C[],
  categories: readonly K[],
): { channels: C[]; categories: K[] } {
  const channelPlace = new Map(layout.channels.map((c, i) => [c.id, { ...c, position: i }]));
  const categoryPlace = new Map(layout.categoryIds.map((id, i) => [id, i]));
  return {
    channels: channels
      .map((c) => {
        const place = channelPlace.get(c.id);
        return place ? { ...c, category_id: place.category_id, position: place.position } : c;
      })
      .sort(byPosition),
    categories: categories
      .map((k) => ({ ...k, position: categoryPlace.get(k.id) ?? k.position }))
      .sort(byPosition),
  };
}
