-- Enumerated types shared by the tables. Adding a value later needs a migration
-- (`alter type … add value`), so each list is the complete set the app understands.

create type public.presence_status as enum ('online', 'idle', 'dnd', 'invisible', 'offline');

-- dm and group_dm channels have no server; their members are channel_recipients.
create type public.channel_type as enum ('text', 'voice', 'dm', 'group_dm');

create type public.message_type as enum ('default', 'reply', 'member_join', 'pin_notice', 'system');

create type public.overwrite_target as enum ('role', 'member');

create type public.notification_type as enum (
  'mention', 'reply', 'direct_message', 'friend_request', 'friend_accept', 'server_invite', 'reaction', 'system'
);

-- Per-channel or per-server override of what notifies a member; null means "inherit".
create type public.notification_level as enum ('all', 'mentions', 'nothing');

create type public.audit_action as enum (
  'server_update', 'channel_create', 'channel_update', 'channel_delete',
  'role_create', 'role_update', 'role_delete', 'member_role_update', 'overwrite_update',
  'member_kick', 'member_ban', 'member_unban', 'member_timeout',
  'invite_create', 'invite_revoke', 'message_delete', 'message_pin', 'message_unpin',
  'emoji_create', 'emoji_delete', 'bot_add', 'bot_remove'
);

create type public.federation_job_status as enum ('pending', 'processing', 'done', 'failed');

create type public.encryption_mode as enum ('disabled', 'optional', 'required');
