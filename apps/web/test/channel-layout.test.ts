import { describe, expect, it } from 'vitest';
import {
  applyLayout,
  layoutChanged,
  layoutFromList,
  layoutWithCategoryOrder,
  listEntries,
  moveEntry,
} from '../src/features/channels/layout.js';
import { hierarchy, moveRole, roleLockReason } from '../src/features/roles/role-order.js';
import { availableGroups, COMING_LATER, PERMISSION_GROUPS } from '../src/lib/permission-editor.js';

// A server: #rules (no category), Text: #general #memes, Voice: Lounge.
const categories = [
  { id: 'voice', position: 1 },
  { id: 'text', position: 0 },
];
const channels = [
  { id: 'memes', category_id: 'text', position: 3 },
  { id: 'general', category_id: 'text', position: 1 },
  { id: 'lounge', category_id: 'voice', position: 2 },
  { id: 'rules', category_id: null, position: 0 },
];
/** '#channel' and '[category]'. */
const names = (list: ReturnType<typeof listEntries>) =>
  list.map((e) => (e.kind === 'category' ? `[${e.id}]` : `#${e.id}`));

describe('channel list layout', () => {
  it('lists uncategorised channels first, then each category with its channels', () => {
    expect(names(listEntries(channels, categories))).toEqual([
      '#rules',
      '[text]',
      '#general',
      '#memes',
      '[voice]',
      '#lounge',
    ]);
    // Collapsed: only the header, unless a channel is kept (the open one).
    expect(
      names(
        listEntries(
          channels,
          categories,
          (id) => id === 'text',
          (id) => id === 'memes',
        ),
      ),
    ).toEqual(['#rules', '[text]', '#memes', '[voice]', '#lounge']);
  });

  it('puts a moved channel in the category above it, or none above every header', () => {
    const list = listEntries(channels, categories);
    // Lounge (5) dragged to where #memes is (3): into Text, before #memes.
    const intoText = layoutFromList(moveEntry(list, 5, 3), channels, categories);
    expect(intoText).toEqual({
      categoryIds: ['text', 'voice'],
      channels: [
        { id: 'rules', category_id: null },
        { id: 'general', category_id: 'text' },
        { id: 'lounge', category_id: 'text' },
        { id: 'memes', category_id: 'text' },
      ],
    });
    // #general (2) dragged to the top: uncategorised, before #rules.
    expect(layoutFromList(moveEntry(list, 2, 0), channels, categories).channels.slice(0, 2)).toEqual([
      { id: 'general', category_id: null },
      { id: 'rules', category_id: null },
    ]);
    expect(layoutChanged(layoutFromList(list, channels, categories), channels, categories)).toBe(false);
  });

  it('keeps channels a collapsed category hides, and moves categories with their channels', () => {
    const collapsed = listEntries(channels, categories, (id) => id === 'text');
    // Lounge dropped under the collapsed Text header: after its hidden channels.
    const moved = layoutFromList(moveEntry(collapsed, 3, 2), channels, categories);
    expect(moved.channels.filter((c) => c.category_id === 'text').map((c) => c.id)).toEqual([
      'general',
      'memes',
      'lounge',
    ]);
    // While a category is dragged only headers and uncategorised channels show.
    const headers = listEntries(channels, categories, () => true);
    const swapped = layoutWithCategoryOrder(moveEntry(headers, 2, 1), channels, categories);
    expect(swapped.categoryIds).toEqual(['voice', 'text']);
    expect(swapped.channels).toEqual([
      { id: 'rules', category_id: null },
      { id: 'lounge', category_id: 'voice' },
      { id: 'general', category_id: 'text' },
      { id: 'memes', category_id: 'text' },
    ]);
    const applied = applyLayout(swapped, channels, categories);
    expect(applied.categories.map((c) => [c.id, c.position])).toEqual([
      ['voice', 0],
      ['text', 1],
    ]);
    expect(applied.channels.map((c) => c.id)).toEqual(['rules', 'lounge', 'general', 'memes']);
  });
});

describe('role hierarchy', () => {
  const server = 's';
  const roles = [
    { id: 's', server_id: server, name: '@everyone', position: 0 },
    { id: 'helper', server_id: server, name: 'Helper', position: 2 },
    { id: 'senior', server_id: server, name: 'Senior', position: 8 },
    { id: 'mod', server_id: server, name: 'Moderator', position: 5 },
  ];
  const ordered = hierarchy(roles);
  const mod = { canManageRoles: true, isOwner: false, myTop: 5, myTopRole: ordered[1] ?? null };

  it('orders roles highest first without @everyone, and moves only below the user’s highest role', () => {
    expect(ordered.map((r) => r.id)).toEqual(['senior', 'mod', 'helper']);
    expect(moveRole(ordered, 5, 2, 1)).toBeNull();
    expect(moveRole(ordered, 5, 0, 2)).toBeNull();
    expect(moveRole(ordered, Number.POSITIVE_INFINITY, 2, 0)).toEqual(['helper', 'senior', 'mod']);
  });

  it('says why a role cannot be edited', () => {
    expect(roleLockReason(ordered[0] as (typeof roles)[number], mod)).toBe(
      'Senior is above your highest role, Moderator. You can only edit roles below Moderator.',
    );
    expect(roleLockReason(ordered[1] as (typeof roles)[number], mod)).toMatch(
      /^Moderator is your highest role/,
    );
    expect(roleLockReason(ordered[2] as (typeof roles)[number], mod)).toBeNull();
    expect(roleLockReason(ordered[2] as (typeof roles)[number], { ...mod, canManageRoles: false })).toBe(
      'You need the Manage Roles permission to edit roles.',
    );
    expect(roleLockReason(ordered[0] as (typeof roles)[number], { ...mod, isOwner: true })).toBeNull();
  });

  it('shows only permissions of features that exist, the rest as coming later', () => {
    const available = availableGroups().flatMap((g) => [...g.names]);
    const all = PERMISSION_GROUPS.flatMap((g) => [...g.names]);
    expect(available).toContain('MANAGE_CHANNELS');
    expect(available).not.toContain('SEND_POLLS');
    expect(available.length + COMING_LATER.size).toBe(all.length);
    for (const name of COMING_LATER) expect(all).toContain(name);
  });
});
