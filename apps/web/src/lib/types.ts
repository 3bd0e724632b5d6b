import type { Database } from '@harmony/shared';

type Tables = Database['public']['Tables'];
export type Row<T extends keyof Tables> = Tables[T]['Row'];

export type Message = Row<'messages'>;
export type Profile = Row<'profiles'>;
/** A profile as profile_update broadcasts it: presence travels on presence topics instead. */
export type ProfileChange = Omit<Profile, 'status' | 'last_seen_at'>;
export type Server = Row<'servers'>;
export type Channel = Row<'channels'>;
export type Category = Row<'channel_categories'>;
export type Role = Row<'roles'>;
export type Member = Row<'server_members'>;
export type Reaction = Row<'message_reactions'>;
export type Notification = Row<'notifications'>;
export type CustomEmoji = Row<'custom_emojis'>;

/** A message the user sent that the server has not confirmed yet. */
export interface PendingMessage {
  nonce: string;
  channelId: string;
  content: string;
  replyToId: string | null;
  attachments: Attachment[];
  createdAt: string;
  status: 'sending' | 'failed';
  error?: string;
}

export interface Attachment {
  path: string;
  name: string;
  size: number;
  content_type: string;
  width?: number;
  height?: number;
  /** Seconds, for audio, video and voice messages. */
  duration?: number;
  /** A voice message's amplitudes, 0–255 each (at most 256). */
  waveform?: number[];
  /** Blurred until clicked. */
  spoiler?: boolean;
}
