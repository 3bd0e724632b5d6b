import { isQuietTime, mentionsToPlainText } from '@harmony/shared';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { schema } from '../db/client.js';
import { type PushOutcome, sendPush } from '../push/send.js';
import { defineJob, type JobContext } from './job.js';

const {
  notifications,
  profiles,
  userSettings,
  serverNotificationSettings,
  channels,
  servers,
  messages,
  pushSubscriptions,
} = schema;
const pushDeliveries = schema.pushDeliveriesInPrivate;

/** Seconds a push service keeps a message for an offline device: after a day it is stale news. */
const PUSH_TTL_SECONDS = 24 * 3600;
const BODY_LIMIT = 180;

/** What the service worker receives (JSON, encrypted): enough to show it and open the message. */
export interface PushPayload {
  notificationId: string;
  type: 'mention' | 'reply' | 'direct_message';
  title: string;
  body: string;
  /** The app route to open on click. */
  url: string;
  /** Notifications with the same tag replace each other (one per channel). */
  tag: string;
  icon: string | null;
  timestamp: number;
  serverId: string | null;
  channelId: string | null;
  messageId: string | null;
}

const actor = alias(profiles, 'actor');

async function loadNotification(context: JobContext, notificationId: string) {
  const [row] = await context.db
    .select({
      id: notifications.id,
      type: notifications.type,
      recipientId: notifications.recipientId,
      readAt: notifications.readAt,
      createdAt: notifications.createdAt,
      serverId: notifications.serverId,
      channelId: notifications.channelId,
      messageId: notifications.messageId,
      actorName: sql<string | null>`coalesce(${actor.displayName}, ${actor.username})`,
      actorAvatar: actor.avatarUrl,
      channelName: channels.name,
      channelType: channels.type,
      serverName: servers.name,
      serverIcon: servers.iconUrl,
      content: messages.content,
      attachments: sql<number>`jsonb_array_length(${messages.attachments})`,
      messageDeleted: sql<boolean>`${messages.deletedAt} is not null`,
      preferredStatus: userSettings.preferredStatus,
      quietHours: {
        enabled: sql<boolean>`coalesce(${userSettings.quietHoursEnabled}, false)`,
        start: sql<string>`coalesce(${userSettings.quietHoursStart}, '00:00')`,
        end: sql<string>`coalesce(${userSettings.quietHoursEnd}, '00:00')`,
        timeZone: sql<string>`coalesce(${userSettings.quietHoursTimeZone}, 'UTC')`,
      },
      viaEveryone: sql<boolean>`${notifications.data} ->> 'via' = 'everyone'`,
      suppressEveryone: sql<boolean>`coalesce(${serverNotificationSettings.suppressEveryone}, false)`,
    })
    .from(notifications)
    .leftJoin(actor, eq(actor.id, notifications.actorId))
    .leftJoin(channels, eq(channels.id, notifications.channelId))
    .leftJoin(servers, eq(servers.id, notifications.serverId))
    .leftJoin(messages, eq(messages.id, notifications.messageId))
    .leftJoin(userSettings, eq(userSettings.profileId, notifications.recipientId))
    .leftJoin(
      serverNotificationSettings,
      and(
        eq(serverNotificationSettings.profileId, notifications.recipientId),
        eq(serverNotificationSettings.serverId, notifications.serverId),
      ),
    )
    .where(eq(notifications.id, notificationId));
  return row;
}

type LoadedNotification = NonNullable<Awaited<ReturnType<typeof loadNotification>>>;

/** Why a notification gets no push at all, or null when it should be pushed. */
async function suppression(context: JobContext, n: LoadedNotification): Promise<string | null> {
  if (n.readAt) return 'already read';
  if (n.messageDeleted) return 'message deleted';
  if (n.preferredStatus === 'dnd') return 'do not disturb';
  if (isQuietTime(n.quietHours)) return 'quiet hours';
  if (n.viaEveryone && n.suppressEveryone) return '@everyone suppressed';
  if (n.channelId) {
    // Levels and mutes can change between the notification and its push.
    const result = await context.db.execute<{ level: string | null }>(
      sql`select public.notification_level_for(${n.recipientId}::uuid, ${n.channelId}::uuid) as level`,
    );
    if (result.rows[0]?.level === 'nothing') return 'muted or level nothing';
  }
  return null;
}

/** Names for the mention tokens of the message, as its recipient would see them. */
async function mentionNames(context: JobContext, n: LoadedNotification): Promise<MentionNameMaps> {
  const empty = { users: {}, roles: {}, channels: {} };
  if (!n.content?.includes('<')) return empty;
  const result = await context.db.execute<{ names: MentionNameMaps }>(
    sql`select private.push_mention_names(${n.id}::uuid) as names`,
  );
  return result.rows[0]?.names ?? empty;
}

/** By id: what private.push_mention_names() returns. */
export interface MentionNameMaps {
  users: Record<string, string>;
  roles: Record<string, string>;
  channels: Record<string, string>;
}

export function buildPayload(n: LoadedNotification, names: MentionNameMaps): PushPayload {
  const who = n.actorName ?? 'Someone';
  const where =
    n.channelType === 'dm'
      ? null
      : n.channelType === 'group_dm'
        ? (n.channelName ?? 'a group DM')
        : `#${n.channelName ?? 'channel'}${n.serverName ? ` (${n.serverName})` : ''}`;
  const verb = n.type === 'reply' ? 'replied' : n.type === 'mention' ? 'mentioned you' : null;
  const title = [who, verb, where ? `in ${where}` : null].filter(Boolean).join(' ');
  const text = mentionsToPlainText(n.content ?? '', {
    user: (id) => names.users[id],
    role: (id) => names.roles[id],
    channel: (id) => names.channels[id],
  }).trim();
  const body =
    text.length > BODY_LIMIT
      ? `${text.slice(0, BODY_LIMIT - 1)}…`
      : text || (n.attachments > 0 ? 'Sent an attachment' : '');
  const serverRoute = n.serverId ?? '@me';
  return {
    notificationId: n.id,
    type: n.type as PushPayload['type'],
    title,
    body,
    url: n.channelId ? `/#/channels/${serverRoute}/${n.channelId}` : '/#/',
    tag: n.channelId ?? n.id,
    icon: n.actorAvatar ?? n.serverIcon ?? null,
    timestamp: Date.parse(n.createdAt),
    serverId: n.serverId,
    channelId: n.channelId,
    messageId: n.messageId,
  };
}

/** The recipient's devices this notification has not reached yet, minus those in use right now. */
function pendingDevices(context: JobContext, n: LoadedNotification) {
  const activeSince = sql`now() - make_interval(secs => ${context.config.pushActiveWindowSeconds})`;
  return context.db
    .select({
      id: pushSubscriptions.id,
      endpoint: pushSubscriptions.endpoint,
      p256dh: pushSubscriptions.publicKey,
      auth: pushSubscriptions.authSecret,
    })
    .from(pushSubscriptions)
    .leftJoin(
      pushDeliveries,
      and(eq(pushDeliveries.subscriptionId, pushSubscriptions.id), eq(pushDeliveries.notificationId, n.id)),
    )
    .where(
      and(
        eq(pushSubscriptions.profileId, n.recipientId),
        isNull(pushDeliveries.subscriptionId),
        or(isNull(pushSubscriptions.lastActiveAt), lt(pushSubscriptions.lastActiveAt, activeSince)),
      ),
    );
}

/**
 * Sends one notification to each of its recipient's devices. Idempotent: each device that
 * accepted it is recorded, so a retry (after a push service error or a crash) sends only to
 * the rest. Devices the push service reports gone (404/410), and endpoints the outbound guard
 * refuses (not public https), are removed.
 */
export const sendPushJob = defineJob({
  name: 'send-push',
  payload: z.object({ notificationId: z.string().uuid() }),
  async run({ notificationId }, context) {
    const log = context.log.child({ notificationId });
    const vapid = context.config.vapid;
    if (!vapid)
      throw new Error('VAPID keys are not configured (VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY; pnpm keys)');
    const notification = await loadNotification(context, notificationId);
    if (!notification) return log.debug('notification gone; nothing to push');
    const reason = await suppression(context, notification);
    if (reason) return log.debug({ reason }, 'push suppressed');
    const devices = await pendingDevices(context, notification);
    if (devices.length === 0) return;
    const payload = buildPayload(notification, await mentionNames(context, notification));
    const options = {
      vapid,
      ttl: PUSH_TTL_SECONDS,
      topic: notificationId.replaceAll('-', ''),
      urgency: 'high' as const,
      timeoutMs: context.config.pushTimeoutMs,
      allowPrivateEndpoints: context.config.pushAllowPrivateEndpoints,
    };
    const results = await Promise.allSettled(
      devices.map(async (device) => {
        const outcome = await sendPush(device, payload, options);
        await record(context, notificationId, device.id, outcome);
        return outcome;
      }),
    );
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    log.debug({ devices: devices.length, failed: failures.length }, 'push sent');
    if (failures.length > 0) {
      const first = failures[0] instanceof Error ? failures[0].message : String(failures[0]);
      throw new AggregateError(
        failures,
        `push failed for ${failures.length} of ${devices.length} devices: ${first}`,
      );
    }
  },
});

async function record(
  context: JobContext,
  notificationId: string,
  subscriptionId: string,
  outcome: PushOutcome,
) {
  if (outcome.kind === 'sent') {
    await context.db.insert(pushDeliveries).values({ notificationId, subscriptionId }).onConflictDoNothing();
  } else if (outcome.kind === 'gone') {
    await context.db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, subscriptionId));
    context.log.info({ subscriptionId, status: outcome.status }, 'push subscription gone; removed');
  } else if (outcome.kind === 'refused') {
    // A loopback, private or plain-http endpoint: never a push service, maybe an SSRF attempt.
    await context.db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, subscriptionId));
    context.log.warn(
      { subscriptionId, reason: outcome.reason },
      'push endpoint refused; subscription removed',
    );
  } else {
    context.log.warn({ subscriptionId, status: outcome.status, reason: outcome.reason }, 'push rejected');
  }
}
