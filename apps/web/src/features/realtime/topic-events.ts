import type { RealtimeChannel } from '@supabase/supabase-js';
import type { Message, Notification, ProfileChange, Reaction } from '../../lib/types.js';
import type { DmCall } from '../calls/call-api.js';
import { onDatabaseEvents } from './broadcast.js';

/** The events of the user's personal topic that are not about access (access-events.ts has those). */
export interface UserTopicHandlers {
  notification(notification: Notification): void;
  /** Notifications marked read (or unread: `readAt` null) on any device. */
  notificationsRead(ids: string[], readAt: string | null): void;
  /** Notifications dismissed, or removed with their message. */
  notificationsRemoved(ids: string[]): void;
  /** The user's read marker moved (on any device). */
  readState(channelId: string, lastReadSeq: number): void;
  /** The user's friends or friend requests changed (on any device, or by the other person). */
  friendsChanged(): void;
  /** Someone followed the user across instances, or a follow of theirs was answered or undone. */
  remoteFollowsChanged(): void;
  /** The user's DMs or group DMs changed: joined, left, closed, reopened, renamed. */
  dmsChanged(): void;
  /** The user's own notification levels or mutes changed (on any device). */
  notificationSettingsChanged(): void;
  /** A report the user reviews arrived or was handled (moderators only). */
  reportsChanged(serverId: string): void;
  /** A DM call of the user rang, was answered or ended (features/calls). */
  call(call: DmCall): void;
  /** The user's slash command moved on, or a reply only they see arrived (features/bots). */
  interaction(event: string, record: Record<string, unknown>): void;
  /**
   * Someone the user sees (a co-member, friend, DM partner, or the user on another device)
   * changed their name, picture, bio or custom status. Without presence columns.
   */
  profile(profile: ProfileChange): void;
}

/** profile_update, on the user's topic and on each server topic. */
export function onProfileChange(channel: RealtimeChannel, changed: (profile: ProfileChange) => void): void {
  onDatabaseEvents<ProfileChange>(channel, ['profile_update'], ({ record }) => {
    if (record) changed(record);
  });
}

export function onUserTopicEvents(channel: RealtimeChannel, handlers: UserTopicHandlers): void {
  onProfileChange(channel, handlers.profile);
  onDatabaseEvents<Notification>(channel, ['notification_create'], ({ record }) => {
    if (record) handlers.notification(record);
  });
  onDatabaseEvents<{ ids: string[]; read_at: string | null }>(
    channel,
    ['notification_update'],
    ({ record }) => {
      if (record) handlers.notificationsRead(record.ids, record.read_at);
    },
  );
  onDatabaseEvents<{ ids: string[] }>(channel, ['notification_delete'], ({ old_record }) => {
    if (old_record?.ids) handlers.notificationsRemoved(old_record.ids);
  });
  onDatabaseEvents<{ channel_id: string; last_read_seq: number }>(
    channel,
    ['read_state_update'],
    ({ record }) => {
      if (record) handlers.readState(record.channel_id, Number(record.last_read_seq));
    },
  );
  onDatabaseEvents(
    channel,
    ['friend_request_create', 'friend_request_delete', 'friendship_create', 'friendship_delete'],
    () => handlers.friendsChanged(),
  );
  onDatabaseEvents(channel, ['remote_follow_create', 'remote_follow_update', 'remote_follow_delete'], () =>
    handlers.remoteFollowsChanged(),
  );
  onDatabaseEvents(
    channel,
    ['recipient_create', 'recipient_update', 'recipient_delete', 'channel_update'],
    () => handlers.dmsChanged(),
  );
  onDatabaseEvents(channel, ['notification_settings_update'], () => handlers.notificationSettingsChanged());
  onDatabaseEvents<{ server_id: string }>(channel, ['report_create', 'report_update'], ({ record }) => {
    if (record) handlers.reportsChanged(record.server_id);
  });
  onDatabaseEvents<DmCall>(channel, ['call_update'], ({ record }) => {
    if (record) handlers.call(record);
  });
  onDatabaseEvents(channel, ['interaction_update', 'ephemeral_message'], ({ record }, event) => {
    if (record) handlers.interaction(event, record);
  });
}

export interface ChannelTopicHandlers {
  /** A new, edited, pinned or deleted message (deleted: its tombstone). */
  message(message: Message): void;
  /** A message sent to the channel (counted as unread where no server topic carries it). */
  created(message: Message): void;
  reaction(reaction: Reaction, removed: boolean): void;
}

export function onChannelTopicEvents(channel: RealtimeChannel, handlers: ChannelTopicHandlers): void {
  onDatabaseEvents<Message>(
    channel,
    ['message_create', 'message_update', 'message_pin', 'message_delete'],
    ({ record }, event) => {
      // A row deleted outright has no record: nothing to show, and its seq stays taken.
      if (!record) return;
      handlers.message(record);
      if (event === 'message_create') handlers.created(record);
    },
  );
  onDatabaseEvents<Reaction>(channel, ['reaction_create', 'reaction_delete'], (change) => {
    const removed = change.operation === 'DELETE';
    const reaction = removed ? change.old_record : change.record;
    if (reaction) handlers.reaction(reaction as Reaction, removed);
  });
}
