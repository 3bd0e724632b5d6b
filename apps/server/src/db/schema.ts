// Generated from the live database by drizzle-kit introspection (pnpm db:server-schema); do not edit.
// The tables apps/server uses (drizzle.config.ts), columns only: constraints, indexes and policies
// stay in db_schema.
import {
  bigint,
  boolean,
  integer,
  jsonb,
  pgEnum,
  pgSchema,
  pgTable,
  text,
  time,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

export const privateSchema = pgSchema('private');
export const auditAction = pgEnum('audit_action', [
  'server_update',
  'channel_create',
  'channel_update',
  'channel_delete',
  'role_create',
  'role_update',
  'role_delete',
  'member_role_update',
  'overwrite_update',
  'member_kick',
  'member_ban',
  'member_unban',
  'member_timeout',
  'invite_create',
  'invite_revoke',
  'message_delete',
  'message_pin',
  'message_unpin',
  'emoji_create',
  'emoji_delete',
  'bot_add',
  'bot_remove',
  'category_create',
  'category_update',
  'category_delete',
  'member_update',
  'report_resolve',
  'channel_reorder',
  'role_reorder',
]);
export const channelType = pgEnum('channel_type', ['text', 'voice', 'dm', 'group_dm', 'thread']);
export const encryptionMode = pgEnum('encryption_mode', ['disabled', 'optional', 'required']);
export const federationJobStatus = pgEnum('federation_job_status', [
  'pending',
  'processing',
  'done',
  'failed',
]);
export const messageType = pgEnum('message_type', [
  'default',
  'reply',
  'member_join',
  'pin_notice',
  'system',
]);
export const notificationLevel = pgEnum('notification_level', ['all', 'mentions', 'nothing']);
export const notificationType = pgEnum('notification_type', [
  'mention',
  'reply',
  'direct_message',
  'friend_request',
  'friend_accept',
  'server_invite',
  'reaction',
  'system',
]);
export const overwriteTarget = pgEnum('overwrite_target', ['role', 'member']);
export const presenceStatus = pgEnum('presence_status', ['online', 'idle', 'dnd', 'invisible', 'offline']);
export const reportReason = pgEnum('report_reason', [
  'spam',
  'harassment',
  'hate',
  'sexual_content',
  'violence',
  'self_harm',
  'impersonation',
  'other',
]);
export const reportStatus = pgEnum('report_status', ['open', 'resolved', 'dismissed']);

export const profiles = pgTable('profiles', {
  id: uuid().defaultRandom().primaryKey().notNull(),
  userId: uuid('user_id'),
  username: text().notNull(),
  domain: text(),
  displayName: text('display_name'),
  avatarUrl: text('avatar_url'),
  bannerUrl: text('banner_url'),
  bio: text().default('').notNull(),
  status: presenceStatus().default('offline').notNull(),
  customStatus: text('custom_status'),
  customStatusEmoji: text('custom_status_emoji'),
  customStatusExpiresAt: timestamp('custom_status_expires_at', { withTimezone: true, mode: 'string' }),
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'string' }),
  isBot: boolean('is_bot').default(false).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).defaultNow().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).defaultNow().notNull(),
  pronouns: text(),
  deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'string' }),
});

export const userSettings = pgTable('user_settings', {
  profileId: uuid('profile_id').primaryKey().notNull(),
  preferredStatus: presenceStatus('preferred_status').default('online').notNull(),
  friendRequestsFrom: text('friend_requests_from').default('everyone').notNull(),
  allowDmsFromServerMembers: boolean('allow_dms_from_server_members').default(true).notNull(),
  theme: text().default('dark').notNull(),
  locale: text().default('en').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).defaultNow().notNull(),
  quietHoursEnabled: boolean('quiet_hours_enabled').default(false).notNull(),
  quietHoursStart: time('quiet_hours_start').default('22:00:00').notNull(),
  quietHoursEnd: time('quiet_hours_end').default('08:00:00').notNull(),
  quietHoursTimeZone: text('quiet_hours_time_zone').default('UTC').notNull(),
  showLinkPreviews: boolean('show_link_previews').default(true).notNull(),
});

export const channels = pgTable('channels', {
  id: uuid().defaultRandom().primaryKey().notNull(),
  serverId: uuid('server_id'),
  categoryId: uuid('category_id'),
  type: channelType().default('text').notNull(),
  name: text(),
  topic: text(),
  position: integer().default(0).notNull(),
  slowmodeSeconds: integer('slowmode_seconds').default(0).notNull(),
  nsfw: boolean().default(false).notNull(),
  isEncrypted: boolean('is_encrypted').default(false).notNull(),
  userLimit: integer('user_limit').default(0).notNull(),
  ownerId: uuid('owner_id'),
  iconUrl: text('icon_url'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).defaultNow().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).defaultNow().notNull(),
  parentId: uuid('parent_id'),
});

export const servers = pgTable('servers', {
  id: uuid().defaultRandom().primaryKey().notNull(),
  name: text().notNull(),
  description: text(),
  ownerId: uuid('owner_id').notNull(),
  iconUrl: text('icon_url'),
  bannerUrl: text('banner_url'),
  isPublic: boolean('is_public').default(false).notNull(),
  defaultNotificationLevel: notificationLevel('default_notification_level').default('mentions').notNull(),
  encryptionMode: encryptionMode('encryption_mode').default('disabled').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).defaultNow().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).defaultNow().notNull(),
  systemChannelId: uuid('system_channel_id'),
});

export const messages = pgTable('messages', {
  id: uuid().defaultRandom().primaryKey().notNull(),
  channelId: uuid('channel_id').notNull(),
  seq: bigint({ mode: 'number' }).default(0).notNull(),
  authorId: uuid('author_id'),
  type: messageType().default('default').notNull(),
  content: text().default('').notNull(),
  replyToId: uuid('reply_to_id'),
  attachments: jsonb().default([]).notNull(),
  embeds: jsonb().default([]).notNull(),
  mentionProfileIds: uuid('mention_profile_ids').array().default([]).notNull(),
  mentionRoleIds: uuid('mention_role_ids').array().default([]).notNull(),
  mentionEveryone: boolean('mention_everyone').default(false).notNull(),
  nonce: text(),
  editedAt: timestamp('edited_at', { withTimezone: true, mode: 'string' }),
  deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'string' }),
  pinnedAt: timestamp('pinned_at', { withTimezone: true, mode: 'string' }),
  pinnedBy: uuid('pinned_by'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).defaultNow().notNull(),
  suppressEmbeds: boolean('suppress_embeds').default(false).notNull(),
  webhookId: uuid('webhook_id'),
  authorName: text('author_name'),
  authorAvatarUrl: text('author_avatar_url'),
});

export const notifications = pgTable('notifications', {
  id: uuid().defaultRandom().primaryKey().notNull(),
  recipientId: uuid('recipient_id').notNull(),
  type: notificationType().notNull(),
  actorId: uuid('actor_id'),
  serverId: uuid('server_id'),
  channelId: uuid('channel_id'),
  messageId: uuid('message_id'),
  data: jsonb().default({}).notNull(),
  readAt: timestamp('read_at', { withTimezone: true, mode: 'string' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).defaultNow().notNull(),
});

export const pushSubscriptions = pgTable('push_subscriptions', {
  id: uuid().defaultRandom().primaryKey().notNull(),
  profileId: uuid('profile_id').notNull(),
  endpoint: text().notNull(),
  publicKey: text('public_key').notNull(),
  authSecret: text('auth_secret').notNull(),
  deviceName: text('device_name'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).defaultNow().notNull(),
  lastActiveAt: timestamp('last_active_at', { withTimezone: true, mode: 'string' }),
});

export const pushDeliveriesInPrivate = privateSchema.table('push_deliveries', {
  notificationId: uuid('notification_id').notNull(),
  subscriptionId: uuid('subscription_id').notNull(),
  sentAt: timestamp('sent_at', { withTimezone: true, mode: 'string' }).defaultNow().notNull(),
});

export const serverNotificationSettings = pgTable('server_notification_settings', {
  profileId: uuid('profile_id').notNull(),
  serverId: uuid('server_id').notNull(),
  level: notificationLevel(),
  mutedUntil: timestamp('muted_until', { withTimezone: true, mode: 'string' }),
  suppressEveryone: boolean('suppress_everyone').default(false).notNull(),
});
