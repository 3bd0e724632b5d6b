import { Permissions, parsePermissions } from '@harmony/shared';
import { permissionLabel } from '../../lib/permission-editor.js';
import type { PermissionName } from '../access/use-permissions.js';
import { slowmodeLabel } from '../channels/slowmode.js';
import { LEVEL_LABELS } from '../notification-settings/mute.js';
import type { AuditAction, AuditEntry } from './moderation-api.js';

/** Names of what an entry points at (ids never reach the screen). */
export interface AuditNames {
  profile(id: string): string | undefined;
  channel(id: string): string | undefined;
  role(id: string): string | undefined;
  category(id: string): string | undefined;
}

/** The actions the filter offers, with their labels (audit_action in SQL). */
export const AUDIT_ACTIONS: { value: AuditAction; label: string }[] = [
  { value: 'server_update', label: 'Server updated' },
  { value: 'channel_create', label: 'Channel created' },
  { value: 'channel_update', label: 'Channel updated' },
  { value: 'channel_delete', label: 'Channel deleted' },
  { value: 'category_create', label: 'Category created' },
  { value: 'category_update', label: 'Category updated' },
  { value: 'category_delete', label: 'Category deleted' },
  { value: 'channel_reorder', label: 'Channels reordered' },
  { value: 'role_create', label: 'Role created' },
  { value: 'role_update', label: 'Role updated' },
  { value: 'role_delete', label: 'Role deleted' },
  { value: 'role_reorder', label: 'Roles reordered' },
  { value: 'member_role_update', label: 'Member roles changed' },
  { value: 'overwrite_update', label: 'Channel permissions changed' },
  { value: 'member_update', label: 'Nickname changed' },
  { value: 'member_timeout', label: 'Member timed out' },
  { value: 'member_kick', label: 'Member kicked' },
  { value: 'member_ban', label: 'Member banned' },
  { value: 'member_unban', label: 'Member unbanned' },
  { value: 'report_resolve', label: 'Report resolved' },
  { value: 'message_delete', label: 'Message deleted' },
  { value: 'message_pin', label: 'Message pinned' },
  { value: 'message_unpin', label: 'Message unpinned' },
  { value: 'invite_create', label: 'Invite created' },
  { value: 'invite_revoke', label: 'Invite revoked' },
  { value: 'emoji_create', label: 'Emoji added' },
  { value: 'emoji_delete', label: 'Emoji removed' },
  { value: 'bot_add', label: 'Bot added' },
  { value: 'bot_remove', label: 'Bot removed' },
];

type Change = { before: unknown; after: unknown };
const isChange = (value: unknown): value is Change =>
  typeof value === 'object' && value !== null && 'before' in value && 'after' in value;

const changesOf = (entry: AuditEntry) => (entry.changes ?? {}) as Record<string, unknown>;

/** The name an entry's own row had: after it was made or changed, before it was deleted. */
function ownName(entry: AuditEntry): string | undefined {
  const name = changesOf(entry).name;
  if (!isChange(name)) return undefined;
  return (name.after ?? name.before) as string | undefined;
}

const RESOLUTIONS: Record<string, string> = {
  delete_message: 'deleted the message',
  timeout: 'timed the member out',
  kick: 'kicked the member',
  ban: 'banned the member',
  dismiss: 'dismissed it',
};

/** "Alice kicked Bob", "Alice created channel #news"… */
export function describeAudit(entry: AuditEntry, names: AuditNames): string {
  const actor = entry.actor_id ? (names.profile(entry.actor_id) ?? 'Someone') : 'Harmony';
  const target = entry.target_id ?? '';
  const member = names.profile(target) ?? 'a former member';
  const changes = changesOf(entry);
  const channel = `#${names.channel(target) ?? ownName(entry) ?? 'deleted-channel'}`;
  const role = names.role(target) ?? ownName(entry) ?? 'a deleted role';
  const category = names.category(target) ?? ownName(entry) ?? 'a deleted category';
  const timedOut = changes.timed_out_until;
  switch (entry.action) {
    case 'server_update':
      return `${actor} updated the server`;
    case 'channel_create':
      return `${actor} created channel ${channel}`;
    case 'channel_update':
      return `${actor} updated channel ${channel}`;
    case 'channel_delete':
      return `${actor} deleted channel ${channel}`;
    case 'category_create':
      return `${actor} created category ${category}`;
    case 'category_update':
      return `${actor} updated category ${category}`;
    case 'category_delete':
      return `${actor} deleted category ${category}`;
    case 'channel_reorder':
      return `${actor} reordered the channel list`;
    case 'role_create':
      return `${actor} created role ${role}`;
    case 'role_update':
      return `${actor} updated role ${role}`;
    case 'role_delete':
      return `${actor} deleted role ${role}`;
    case 'role_reorder':
      return `${actor} reordered the roles`;
    case 'member_role_update': {
      const link = changes.role_id;
      const roleName = isChange(link)
        ? (names.role(String(link.after ?? link.before)) ?? 'a deleted role')
        : 'a role';
      return isChange(link) && link.after
        ? `${actor} gave ${member} the role ${roleName}`
        : `${actor} took the role ${roleName} from ${member}`;
    }
    case 'overwrite_update':
      return `${actor} changed permissions in ${channel}`;
    case 'member_update':
      return entry.actor_id === target
        ? `${actor} changed their nickname`
        : `${actor} changed the nickname of ${member}`;
    case 'member_timeout':
      return isChange(timedOut) && timedOut.after === null
        ? `${actor} removed the timeout of ${member}`
        : `${actor} timed out ${member}`;
    case 'member_kick':
      return `${actor} kicked ${member}`;
    case 'member_ban':
      return `${actor} banned ${member}`;
    case 'member_unban':
      return `${actor} unbanned ${member}`;
    case 'report_resolve':
      return `${actor} resolved a report about ${member}: ${RESOLUTIONS[String(changes.resolution)] ?? 'handled it'}`;
    case 'message_delete': {
      const author = names.profile(String(changes.author_id ?? '')) ?? 'a former member';
      const where = names.channel(String(changes.channel_id ?? ''));
      return `${actor} deleted a message by ${author}${where ? ` in #${where}` : ''}`;
    }
    case 'message_pin':
      return `${actor} pinned a message`;
    case 'message_unpin':
      return `${actor} unpinned a message`;
    case 'invite_create':
      return `${actor} created an invite`;
    case 'invite_revoke':
      return `${actor} revoked an invite`;
    case 'emoji_create':
      return `${actor} added an emoji`;
    case 'emoji_delete':
      return `${actor} removed an emoji`;
    case 'bot_add':
      return `${actor} added a bot`;
    case 'bot_remove':
      return `${actor} removed a bot`;
    default:
      return `${actor} changed the server`;
  }
}

/** Fields that are ids, and what they name. */
const ID_FIELDS: Record<string, keyof AuditNames> = {
  owner_id: 'profile',
  category_id: 'category',
  system_channel_id: 'channel',
  channel_id: 'channel',
  parent_id: 'channel',
};
/** Orders a reorder logs (lists of ids, first on top), and what their ids name. */
const ORDER_FIELDS: Record<string, keyof AuditNames> = {
  channels: 'channel',
  categories: 'category',
  roles: 'role',
};
const PERMISSION_FIELDS = new Set(['permissions', 'allow', 'deny']);
/** Keys that only identify the row (shown in the sentence already). */
const HIDDEN_FIELDS = new Set([
  'role_id',
  'profile_id',
  'author_id',
  'target_type',
  'target_id',
  'report_id',
]);

/** Columns whose name alone would not say what they are, in the settings' own words. */
const FIELD_LABELS: Record<string, string> = {
  nsfw: 'Age-restricted (NSFW)',
  is_encrypted: 'End-to-end encrypted',
  encryption_mode: 'Encryption',
  slowmode_seconds: 'Slow mode',
  user_limit: 'User limit',
  icon_url: 'Icon',
  banner_url: 'Banner',
  is_public: 'Listed in server discovery',
  default_notification_level: 'Default notifications',
  system_channel_id: 'System messages channel',
  parent_id: 'Parent channel',
  hoist: 'Show members separately',
  mentionable: 'Anyone can @mention',
  max_uses: 'Max uses',
  expires_at: 'Expires',
  temporary: 'Temporary membership',
  image_path: 'Image',
};

const capitalised = (words: string) => words.charAt(0).toUpperCase() + words.slice(1);

const fieldLabel = (key: string) =>
  FIELD_LABELS[key] ?? capitalised(key.replace(/_id$/, '').replace(/_/g, ' '));

/** Values whose raw form reads badly: seconds, 0 meaning "no limit", enum names, image URLs. */
const VALUE_WORDS: Record<string, (value: unknown) => string> = {
  slowmode_seconds: (value) => slowmodeLabel(Number(value)),
  user_limit: (value) => (Number(value) === 0 ? 'no limit' : String(value)),
  max_uses: (value) => (Number(value) === 0 ? 'no limit' : String(value)),
  type: (value) => capitalised(String(value).replace(/_/g, ' ')),
  encryption_mode: (value) => (value === 'disabled' ? 'off' : String(value)),
  default_notification_level: (value) => LEVEL_LABELS[value as keyof typeof LEVEL_LABELS] ?? String(value),
  icon_url: () => 'an image',
  banner_url: () => 'an image',
  image_path: () => 'an image',
};

function formatValue(key: string, value: unknown, names: AuditNames): string {
  if (value === null || value === undefined || value === '') return 'none';
  const words = VALUE_WORDS[key];
  if (words) return words(value);
  const kind = ID_FIELDS[key];
  if (kind) return names[kind](String(value)) ?? 'a deleted item';
  const listed = ORDER_FIELDS[key];
  if (listed && Array.isArray(value))
    return value
      .map((id) => {
        const name = names[listed](String(id));
        return name === undefined ? 'a deleted item' : listed === 'channel' ? `#${name}` : name;
      })
      .join(', ');
  if (key === 'color') return `#${Number(value).toString(16).padStart(6, '0')}`;
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (key.endsWith('_until') || key.endsWith('_at')) return new Date(String(value)).toLocaleString();
  if (typeof value === 'object') return 'changed';
  return String(value);
}

/** Permission names a bit mask gained and lost: "+Kick Members, −Ban Members". */
function permissionDiff(before: unknown, after: unknown): string {
  const was = parsePermissions((before as string | number | null) ?? 0);
  const now = parsePermissions((after as string | number | null) ?? 0);
  const parts: string[] = [];
  for (const [name, bit] of Object.entries(Permissions) as [PermissionName, bigint][]) {
    if ((now & bit) !== 0n && (was & bit) === 0n) parts.push(`+${permissionLabel(name)}`);
    if ((was & bit) !== 0n && (now & bit) === 0n) parts.push(`−${permissionLabel(name)}`);
  }
  return parts.join(', ') || 'no change';
}

/** A value a creation did not choose: empty, off, zero, or the position it was given. */
const isUnset = (key: string, value: unknown) =>
  key === 'position' || value === null || value === '' || value === false || value === 0;

/** One line per changed field: label, before and after, in words. */
export interface AuditChangeLine {
  field: string;
  before?: string;
  after?: string;
  /** Instead of before → after (permission masks). */
  summary?: string;
}

export function auditChanges(entry: AuditEntry, names: AuditNames): AuditChangeLine[] {
  if (entry.action === 'member_role_update') return [];
  return Object.entries(changesOf(entry)).flatMap(([key, value]): AuditChangeLine[] => {
    if (HIDDEN_FIELDS.has(key) || !isChange(value)) return [];
    if (PERMISSION_FIELDS.has(key))
      return [{ field: fieldLabel(key), summary: permissionDiff(value.before, value.after) }];
    // Something created or deleted has only one side to show; a creation shows what was set.
    if (entry.action.endsWith('_create'))
      return isUnset(key, value.after)
        ? []
        : [{ field: fieldLabel(key), summary: formatValue(key, value.after, names) }];
    if (entry.action.endsWith('_delete'))
      return [{ field: fieldLabel(key), summary: formatValue(key, value.before, names) }];
    return [
      {
        field: fieldLabel(key),
        before: formatValue(key, value.before, names),
        after: formatValue(key, value.after, names),
      },
    ];
  });
}
