-- Schema-only dump of a fresh Harmony install (generated: pnpm db:dump; do not edit).
-- The source of truth is db_schema/init and db_schema/migrations; this file shows the result.

set check_function_bodies = false;

-- Extensions

create extension if not exists pg_trgm with schema extensions;

create extension if not exists pgcrypto with schema extensions;

create extension if not exists "uuid-ossp" with schema extensions;

-- Schemas

create schema if not exists private;

-- Types

create type public.audit_action as enum ('server_update', 'channel_create', 'channel_update', 'channel_delete', 'role_create', 'role_update', 'role_delete', 'member_role_update', 'overwrite_update', 'member_kick', 'member_ban', 'member_unban', 'member_timeout', 'invite_create', 'invite_revoke', 'message_delete', 'message_pin', 'message_unpin', 'emoji_create', 'emoji_delete', 'bot_add', 'bot_remove', 'category_create', 'category_update', 'category_delete', 'member_update', 'report_resolve', 'channel_reorder', 'role_reorder');

create type public.channel_type as enum ('text', 'voice', 'dm', 'group_dm', 'thread');

create type public.encryption_mode as enum ('disabled', 'optional', 'required');

create type public.federation_job_status as enum ('pending', 'processing', 'done', 'failed');

create type public.message_type as enum ('default', 'reply', 'member_join', 'pin_notice', 'system');

create type public.notification_level as enum ('all', 'mentions', 'nothing');

create type public.notification_type as enum ('mention', 'reply', 'direct_message', 'friend_request', 'friend_accept', 'server_invite', 'reaction', 'system');

create type public.overwrite_target as enum ('role', 'member');

create type public.presence_status as enum ('online', 'idle', 'dnd', 'invisible', 'offline');

create type public.report_reason as enum ('spam', 'harassment', 'hate', 'sexual_content', 'violence', 'self_harm', 'impersonation', 'other');

create type public.report_status as enum ('open', 'resolved', 'dismissed');

-- Tables

create table private.ap_actor_cache (
  id uuid default gen_random_uuid() not null,
  actor_uri text not null,
  profile_id uuid,
  public_key_pem text,
  inbox_url text,
  outbox_url text,
  shared_inbox_url text,
  fetched_at timestamp with time zone default now() not null
);

create table private.ap_key_pairs (
  actor_id uuid not null,
  private_jwk jsonb not null,
  public_jwk jsonb not null,
  created_at timestamp with time zone default now() not null
);

create table private.ap_objects (
  object_uri text not null,
  message_id uuid not null,
  author_id uuid not null,
  created_at timestamp with time zone default now() not null
);

create table private.channel_member_permissions (
  profile_id uuid not null,
  channel_id uuid not null,
  server_id uuid not null,
  permissions bigint not null,
  timed_out_until timestamp with time zone,
  timed_out_permissions bigint
);

create table private.everyone_mention_cursors (
  profile_id uuid not null,
  channel_id uuid not null,
  seq bigint not null
);

create table private.federation_jobs (
  id bigint generated always as identity not null,
  kind text not null,
  payload jsonb default '{}'::jsonb not null,
  target_domain text,
  status public.federation_job_status default 'pending'::public.federation_job_status not null,
  attempts integer default 0 not null,
  max_attempts integer default 8 not null,
  next_attempt_at timestamp with time zone default now() not null,
  last_error text,
  created_at timestamp with time zone default now() not null,
  locked_at timestamp with time zone,
  locked_by text
);

create table private.federation_settings (
  singleton boolean default true not null,
  paused boolean default false not null,
  updated_at timestamp with time zone default now() not null
);

create table private.fedify_kv (
  key text[] not null,
  value jsonb not null,
  expires_at timestamp with time zone
);

create table private.job_outbox (
  id bigint generated always as identity not null,
  task text not null,
  payload jsonb default '{}'::jsonb not null,
  job_key text,
  created_at timestamp with time zone default now() not null
);

create table private.link_preview_hosts (
  host text not null,
  window_start timestamp with time zone default now() not null,
  fetches integer default 0 not null
);

create table private.link_preview_image_uses (
  message_id uuid not null,
  image_id uuid not null
);

create table private.link_preview_images (
  id uuid default gen_random_uuid() not null,
  source_url text not null,
  content_type text not null,
  width integer not null,
  height integer not null,
  bytes bytea not null,
  fetched_at timestamp with time zone default now() not null
);

create table private.link_previews (
  url text not null,
  embed jsonb,
  failure text,
  fetched_at timestamp with time zone default now() not null,
  expires_at timestamp with time zone not null
);

create table private.livekit_config (
  id boolean default true not null,
  api_key text not null,
  api_secret text not null,
  server_url text not null,
  updated_at timestamp with time zone default now() not null
);

create table private.message_gaps (
  channel_id uuid not null,
  seq bigint not null
);

create table private.message_mention_targets (
  target_id uuid not null,
  channel_id uuid not null,
  seq bigint not null,
  author_id uuid
);

create table private.push_deliveries (
  notification_id uuid not null,
  subscription_id uuid not null,
  sent_at timestamp with time zone default now() not null
);

create table private.reauthentication_failures (
  user_id uuid not null,
  failed_at timestamp with time zone default now() not null
);

create table private.remote_channels (
  channel_id uuid not null,
  server_id uuid not null,
  channel_uri text not null
);

create table private.remote_lookups (
  id uuid default gen_random_uuid() not null,
  requester_id uuid not null,
  handle text not null,
  status text default 'pending'::text not null,
  profile_id uuid,
  error text,
  created_at timestamp with time zone default now() not null
);

create table private.remote_servers (
  server_id uuid not null,
  group_uri text not null,
  group_profile_id uuid not null
);

create table private.server_federation (
  server_id uuid not null,
  federated boolean default false not null,
  ap_group_uri text,
  updated_at timestamp with time zone default now() not null
);

create table private.webhook_rate_windows (
  webhook_id uuid not null,
  started_at timestamp with time zone default now() not null,
  used integer default 0 not null
);

create table public.application_commands (
  id uuid default gen_random_uuid() not null,
  bot_id uuid not null,
  server_id uuid,
  name text not null,
  description text not null,
  options jsonb default '[]'::jsonb not null,
  default_member_permissions bigint,
  created_at timestamp with time zone default now() not null
);

create table public.audit_log (
  id bigint generated always as identity not null,
  server_id uuid not null,
  actor_id uuid,
  action public.audit_action not null,
  target_id uuid,
  changes jsonb default '{}'::jsonb not null,
  reason text,
  created_at timestamp with time zone default now() not null
);

create table public.bot_server_installs (
  bot_id uuid not null,
  server_id uuid not null,
  permissions bigint default 0 not null,
  role_id uuid,
  installed_by uuid,
  installed_at timestamp with time zone default now() not null
);

create table public.bot_tokens (
  id uuid default gen_random_uuid() not null,
  bot_id uuid not null,
  token_hash text not null,
  token_prefix text not null,
  created_at timestamp with time zone default now() not null,
  last_used_at timestamp with time zone,
  revoked_at timestamp with time zone
);

create table public.bots (
  id uuid default gen_random_uuid() not null,
  profile_id uuid not null,
  owner_id uuid not null,
  name text not null,
  description text default ''::text not null,
  is_public boolean default false not null,
  created_at timestamp with time zone default now() not null
);

create table public.channel_categories (
  id uuid default gen_random_uuid() not null,
  server_id uuid not null,
  name text not null,
  "position" integer default 0 not null,
  created_at timestamp with time zone default now() not null
);

create table public.channel_notification_settings (
  profile_id uuid not null,
  channel_id uuid not null,
  level public.notification_level,
  muted_until timestamp with time zone
);

create table public.channel_overwrites (
  channel_id uuid not null,
  target_type public.overwrite_target not null,
  target_id uuid not null,
  allow bigint default 0 not null,
  deny bigint default 0 not null
);

create table public.channel_recipients (
  channel_id uuid not null,
  profile_id uuid not null,
  added_at timestamp with time zone default now() not null,
  closed boolean default false not null
);

create table public.channel_sequences (
  channel_id uuid not null,
  last_seq bigint default 0 not null,
  last_message_at timestamp with time zone
);

create table public.channel_slowmode (
  channel_id uuid not null,
  profile_id uuid not null,
  last_message_at timestamp with time zone not null
);

create table public.channels (
  id uuid default gen_random_uuid() not null,
  server_id uuid,
  category_id uuid,
  type public.channel_type default 'text'::public.channel_type not null,
  name text,
  topic text,
  "position" integer default 0 not null,
  slowmode_seconds integer default 0 not null,
  nsfw boolean default false not null,
  is_encrypted boolean default false not null,
  user_limit integer default 0 not null,
  owner_id uuid,
  icon_url text,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  parent_id uuid
);

create table public.collapsed_categories (
  profile_id uuid not null,
  category_id uuid not null,
  created_at timestamp with time zone default now() not null
);

create table public.custom_emojis (
  id uuid default gen_random_uuid() not null,
  server_id uuid not null,
  name text not null,
  image_path text not null,
  animated boolean default false not null,
  created_by uuid,
  created_at timestamp with time zone default now() not null
);

create table public.device_one_time_keys (
  device_id uuid not null,
  key_id text not null,
  public_key text not null,
  created_at timestamp with time zone default now() not null,
  claimed_at timestamp with time zone,
  claimed_by uuid
);

create table public.dm_call_members (
  call_id uuid not null,
  profile_id uuid not null,
  state text not null,
  updated_at timestamp with time zone default now() not null
);

create table public.dm_calls (
  id uuid default gen_random_uuid() not null,
  channel_id uuid not null,
  caller_id uuid not null,
  callee_id uuid,
  status text default 'ringing'::text not null,
  created_at timestamp with time zone default now() not null,
  answered_at timestamp with time zone,
  ended_at timestamp with time zone
);

create table public.ephemeral_messages (
  id uuid default gen_random_uuid() not null,
  interaction_id uuid not null,
  channel_id uuid not null,
  recipient_id uuid not null,
  author_id uuid,
  content text default ''::text not null,
  embeds jsonb default '[]'::jsonb not null,
  created_at timestamp with time zone default now() not null
);

create table public.federated_instances (
  id uuid default gen_random_uuid() not null,
  domain text not null,
  software text,
  software_version text,
  status text default 'active'::text not null,
  trusted boolean default false not null,
  shared_inbox_url text,
  last_seen_at timestamp with time zone,
  created_at timestamp with time zone default now() not null
);

create table public.friend_requests (
  id uuid default gen_random_uuid() not null,
  sender_id uuid not null,
  recipient_id uuid not null,
  created_at timestamp with time zone default now() not null
);

create table public.friendships (
  profile_a uuid not null,
  profile_b uuid not null,
  created_at timestamp with time zone default now() not null
);

create table public.instance_admins (
  user_id uuid not null,
  created_at timestamp with time zone default now() not null
);

create table public.interactions (
  id uuid default gen_random_uuid() not null,
  command_id uuid,
  bot_id uuid not null,
  server_id uuid not null,
  channel_id uuid not null,
  user_id uuid not null,
  command_name text not null,
  options jsonb default '{}'::jsonb not null,
  status text default 'pending'::text not null,
  created_at timestamp with time zone default now() not null,
  responded_at timestamp with time zone
);

create table public.invites (
  code text not null,
  server_id uuid not null,
  channel_id uuid,
  inviter_id uuid,
  max_uses integer,
  uses integer default 0 not null,
  expires_at timestamp with time zone,
  revoked_at timestamp with time zone,
  created_at timestamp with time zone default now() not null,
  temporary boolean default false not null
);

create table public.megolm_session_shares (
  id uuid default gen_random_uuid() not null,
  channel_id uuid not null,
  session_id text not null,
  sender_device_id uuid not null,
  recipient_device_id uuid not null,
  encrypted_session_key text not null,
  created_at timestamp with time zone default now() not null
);

create table public.member_roles (
  server_id uuid not null,
  profile_id uuid not null,
  role_id uuid not null
);

create table public.message_reactions (
  message_id uuid not null,
  profile_id uuid not null,
  emoji text not null,
  created_at timestamp with time zone default now() not null
);

create table public.messages (
  id uuid default gen_random_uuid() not null,
  channel_id uuid not null,
  seq bigint default 0 not null,
  author_id uuid,
  type public.message_type default 'default'::public.message_type not null,
  content text default ''::text not null,
  reply_to_id uuid,
  attachments jsonb default '[]'::jsonb not null,
  embeds jsonb default '[]'::jsonb not null,
  mention_profile_ids uuid[] default '{}'::uuid[] not null,
  mention_role_ids uuid[] default '{}'::uuid[] not null,
  mention_everyone boolean default false not null,
  nonce text,
  edited_at timestamp with time zone,
  deleted_at timestamp with time zone,
  pinned_at timestamp with time zone,
  pinned_by uuid,
  created_at timestamp with time zone default now() not null,
  search_vector tsvector generated always as (to_tsvector('simple'::regconfig, content)) stored,
  suppress_embeds boolean default false not null,
  webhook_id uuid,
  author_name text,
  author_avatar_url text
);

create table public.notifications (
  id uuid default gen_random_uuid() not null,
  recipient_id uuid not null,
  type public.notification_type not null,
  actor_id uuid,
  server_id uuid,
  channel_id uuid,
  message_id uuid,
  data jsonb default '{}'::jsonb not null,
  read_at timestamp with time zone,
  created_at timestamp with time zone default now() not null
);

create table public.profiles (
  id uuid default gen_random_uuid() not null,
  user_id uuid,
  username text not null,
  domain text,
  display_name text,
  avatar_url text,
  banner_url text,
  bio text default ''::text not null,
  status public.presence_status default 'offline'::public.presence_status not null,
  custom_status text,
  custom_status_emoji text,
  custom_status_expires_at timestamp with time zone,
  last_seen_at timestamp with time zone,
  is_bot boolean default false not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  pronouns text,
  deleted_at timestamp with time zone
);

create table public.push_subscriptions (
  id uuid default gen_random_uuid() not null,
  profile_id uuid not null,
  endpoint text not null,
  public_key text not null,
  auth_secret text not null,
  device_name text,
  created_at timestamp with time zone default now() not null,
  last_active_at timestamp with time zone
);

create table public.read_states (
  profile_id uuid not null,
  channel_id uuid not null,
  last_read_seq bigint default 0 not null,
  updated_at timestamp with time zone default now() not null
);

create table public.remote_follows (
  id uuid default gen_random_uuid() not null,
  follower_id uuid not null,
  followee_id uuid not null,
  state text default 'pending'::text not null,
  activity_uri text,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null
);

create table public.remote_server_joins (
  id uuid default gen_random_uuid() not null,
  profile_id uuid not null,
  address text not null,
  state text default 'pending'::text not null,
  server_id uuid,
  activity_uri text,
  error text,
  created_at timestamp with time zone default now() not null
);

create table public.reports (
  id bigint generated always as identity not null,
  server_id uuid not null,
  reporter_id uuid,
  target_id uuid not null,
  message_id uuid,
  channel_id uuid,
  message_content text,
  reason public.report_reason not null,
  details text,
  status public.report_status default 'open'::public.report_status not null,
  resolution text,
  resolution_note text,
  resolved_by uuid,
  resolved_at timestamp with time zone,
  created_at timestamp with time zone default now() not null
);

create table public.roles (
  id uuid default gen_random_uuid() not null,
  server_id uuid not null,
  name text not null,
  color integer default 0 not null,
  "position" integer default 1 not null,
  permissions bigint default 0 not null,
  hoist boolean default false not null,
  mentionable boolean default false not null,
  created_at timestamp with time zone default now() not null,
  managed boolean default false not null
);

create table public.server_activity_daily (
  server_id uuid not null,
  day date not null,
  message_count integer default 0 not null,
  active_members integer default 0 not null
);

create table public.server_bans (
  server_id uuid not null,
  profile_id uuid not null,
  reason text,
  banned_by uuid,
  created_at timestamp with time zone default now() not null
);

create table public.server_members (
  server_id uuid not null,
  profile_id uuid not null,
  nickname text,
  joined_at timestamp with time zone default now() not null,
  timed_out_until timestamp with time zone,
  temporary boolean default false not null,
  voice_muted boolean default false not null,
  voice_deafened boolean default false not null
);

create table public.server_notification_settings (
  profile_id uuid not null,
  server_id uuid not null,
  level public.notification_level,
  muted_until timestamp with time zone,
  suppress_everyone boolean default false not null
);

create table public.servers (
  id uuid default gen_random_uuid() not null,
  name text not null,
  description text,
  owner_id uuid not null,
  icon_url text,
  banner_url text,
  is_public boolean default false not null,
  default_notification_level public.notification_level default 'mentions'::public.notification_level not null,
  encryption_mode public.encryption_mode default 'disabled'::public.encryption_mode not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  system_channel_id uuid
);

create table public.thread_members (
  thread_id uuid not null,
  profile_id uuid not null,
  joined_at timestamp with time zone default now() not null
);

create table public.threads (
  channel_id uuid not null,
  parent_id uuid not null,
  starter_message_id uuid,
  owner_id uuid,
  auto_archive_minutes integer default 1440 not null,
  archived_at timestamp with time zone,
  locked boolean default false not null,
  last_activity_at timestamp with time zone default now() not null,
  message_count integer default 0 not null,
  last_message_at timestamp with time zone,
  last_author_id uuid,
  created_at timestamp with time zone default now() not null
);

create table public.user_blocks (
  blocker_id uuid not null,
  blocked_id uuid not null,
  created_at timestamp with time zone default now() not null
);

create table public.user_devices (
  id uuid default gen_random_uuid() not null,
  profile_id uuid not null,
  device_name text not null,
  identity_key text not null,
  signing_key text not null,
  created_at timestamp with time zone default now() not null,
  last_seen_at timestamp with time zone,
  revoked_at timestamp with time zone
);

create table public.user_settings (
  profile_id uuid not null,
  preferred_status public.presence_status default 'online'::public.presence_status not null,
  friend_requests_from text default 'everyone'::text not null,
  allow_dms_from_server_members boolean default true not null,
  theme text default 'dark'::text not null,
  locale text default 'en'::text not null,
  updated_at timestamp with time zone default now() not null,
  quiet_hours_enabled boolean default false not null,
  quiet_hours_start time without time zone default '22:00:00'::time without time zone not null,
  quiet_hours_end time without time zone default '08:00:00'::time without time zone not null,
  quiet_hours_time_zone text default 'UTC'::text not null,
  show_link_previews boolean default true not null
);

create table public.webhooks (
  id uuid default gen_random_uuid() not null,
  server_id uuid not null,
  channel_id uuid not null,
  name text not null,
  avatar_url text,
  token_hash text not null,
  mention_everyone boolean default false not null,
  created_by uuid,
  created_at timestamp with time zone default now() not null
);

-- Constraints

alter table only private.ap_actor_cache add constraint ap_actor_cache_actor_uri_check CHECK ((actor_uri ~ '^https?://'::text));

alter table only private.ap_actor_cache add constraint ap_actor_cache_actor_uri_key UNIQUE (actor_uri);

alter table only private.ap_actor_cache add constraint ap_actor_cache_inbox_url_check CHECK ((inbox_url ~ '^https?://'::text));

alter table only private.ap_actor_cache add constraint ap_actor_cache_outbox_url_check CHECK ((outbox_url ~ '^https?://'::text));

alter table only private.ap_actor_cache add constraint ap_actor_cache_pkey PRIMARY KEY (id);

alter table only private.ap_actor_cache add constraint ap_actor_cache_profile_id_key UNIQUE (profile_id);

alter table only private.ap_actor_cache add constraint ap_actor_cache_shared_inbox_url_check CHECK ((shared_inbox_url ~ '^https?://'::text));

alter table only private.ap_key_pairs add constraint ap_key_pairs_pkey PRIMARY KEY (actor_id);

alter table only private.ap_objects add constraint ap_objects_message_id_key UNIQUE (message_id);

alter table only private.ap_objects add constraint ap_objects_object_uri_check CHECK ((object_uri ~ '^https?://'::text));

alter table only private.ap_objects add constraint ap_objects_pkey PRIMARY KEY (object_uri);

alter table only private.channel_member_permissions add constraint channel_member_permissions_pkey PRIMARY KEY (profile_id, channel_id);

alter table only private.channel_member_permissions add constraint channel_member_permissions_timeout CHECK (((timed_out_until IS NULL) = (timed_out_permissions IS NULL)));

alter table only private.everyone_mention_cursors add constraint everyone_mention_cursors_pkey PRIMARY KEY (profile_id, channel_id);

alter table only private.federation_jobs add constraint federation_jobs_attempts_check CHECK ((attempts >= 0));

alter table only private.federation_jobs add constraint federation_jobs_kind_check CHECK ((kind ~ '^[a-z][a-z0-9_.]{0,63}$'::text));

alter table only private.federation_jobs add constraint federation_jobs_lock_consistent CHECK (((status = 'processing'::public.federation_job_status) = (locked_at IS NOT NULL)));

alter table only private.federation_jobs add constraint federation_jobs_max_attempts_check CHECK (((max_attempts >= 1) AND (max_attempts <= 100)));

alter table only private.federation_jobs add constraint federation_jobs_payload_check CHECK ((jsonb_typeof(payload) = 'object'::text));

alter table only private.federation_jobs add constraint federation_jobs_pkey PRIMARY KEY (id);

alter table only private.federation_settings add constraint federation_settings_pkey PRIMARY KEY (singleton);

alter table only private.federation_settings add constraint federation_settings_singleton_check CHECK (singleton);

alter table only private.fedify_kv add constraint fedify_kv_pkey PRIMARY KEY (key);

alter table only private.job_outbox add constraint job_outbox_pkey PRIMARY KEY (id);

alter table only private.link_preview_hosts add constraint link_preview_hosts_host_check CHECK ((length(host) <= 255));

alter table only private.link_preview_hosts add constraint link_preview_hosts_pkey PRIMARY KEY (host);

alter table only private.link_preview_image_uses add constraint link_preview_image_uses_pkey PRIMARY KEY (message_id, image_id);

alter table only private.link_preview_images add constraint link_preview_images_bytes_check CHECK ((octet_length(bytes) <= ((5 * 1024) * 1024)));

alter table only private.link_preview_images add constraint link_preview_images_content_type_check CHECK ((content_type = ANY (ARRAY['image/png'::text, 'image/jpeg'::text, 'image/gif'::text, 'image/webp'::text])));

alter table only private.link_preview_images add constraint link_preview_images_height_check CHECK ((height > 0));

alter table only private.link_preview_images add constraint link_preview_images_pkey PRIMARY KEY (id);

alter table only private.link_preview_images add constraint link_preview_images_source_url_check CHECK ((length(source_url) <= 2048));

alter table only private.link_preview_images add constraint link_preview_images_source_url_key UNIQUE (source_url);

alter table only private.link_preview_images add constraint link_preview_images_width_check CHECK ((width > 0));

alter table only private.link_previews add constraint link_previews_embed_check CHECK (((embed IS NULL) OR (jsonb_typeof(embed) = 'object'::text)));

alter table only private.link_previews add constraint link_previews_failure_check CHECK ((length(failure) <= 500));

alter table only private.link_previews add constraint link_previews_pkey PRIMARY KEY (url);

alter table only private.link_previews add constraint link_previews_url_check CHECK ((length(url) <= 2048));

alter table only private.livekit_config add constraint livekit_config_api_key_check CHECK (((char_length(api_key) >= 1) AND (char_length(api_key) <= 256)));

alter table only private.livekit_config add constraint livekit_config_api_secret_check CHECK (((char_length(api_secret) >= 1) AND (char_length(api_secret) <= 1024)));

alter table only private.livekit_config add constraint livekit_config_id_check CHECK (id);

alter table only private.livekit_config add constraint livekit_config_pkey PRIMARY KEY (id);

alter table only private.livekit_config add constraint livekit_config_server_url_check CHECK ((server_url ~ '^(wss?|https?)://'::text));

alter table only private.message_gaps add constraint message_gaps_pkey PRIMARY KEY (channel_id, seq);

alter table only private.message_mention_targets add constraint message_mention_targets_pkey PRIMARY KEY (target_id, channel_id, seq);

alter table only private.push_deliveries add constraint push_deliveries_pkey PRIMARY KEY (notification_id, subscription_id);

alter table only private.remote_channels add constraint remote_channels_channel_uri_check CHECK ((channel_uri ~ '^https?://'::text));

alter table only private.remote_channels add constraint remote_channels_channel_uri_key UNIQUE (channel_uri);

alter table only private.remote_channels add constraint remote_channels_pkey PRIMARY KEY (channel_id);

alter table only private.remote_lookups add constraint remote_lookups_error_check CHECK ((char_length(error) <= 500));

alter table only private.remote_lookups add constraint remote_lookups_handle_check CHECK ((char_length(handle) <= 320));

alter table only private.remote_lookups add constraint remote_lookups_pkey PRIMARY KEY (id);

alter table only private.remote_lookups add constraint remote_lookups_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'done'::text, 'failed'::text])));

alter table only private.remote_servers add constraint remote_servers_group_profile_id_key UNIQUE (group_profile_id);

alter table only private.remote_servers add constraint remote_servers_group_uri_check CHECK ((group_uri ~ '^https?://'::text));

alter table only private.remote_servers add constraint remote_servers_group_uri_key UNIQUE (group_uri);

alter table only private.remote_servers add constraint remote_servers_pkey PRIMARY KEY (server_id);

alter table only private.server_federation add constraint server_federation_ap_group_uri_check CHECK ((ap_group_uri ~ '^https?://'::text));

alter table only private.server_federation add constraint server_federation_ap_group_uri_key UNIQUE (ap_group_uri);

alter table only private.server_federation add constraint server_federation_pkey PRIMARY KEY (server_id);

alter table only private.webhook_rate_windows add constraint webhook_rate_windows_pkey PRIMARY KEY (webhook_id);

alter table only public.application_commands add constraint application_commands_default_member_permissions_check CHECK ((default_member_permissions >= 0));

alter table only public.application_commands add constraint application_commands_description_check CHECK (((char_length(description) >= 1) AND (char_length(description) <= 100)));

alter table only public.application_commands add constraint application_commands_name_check CHECK ((name ~ '^[a-z0-9_-]{1,32}$'::text));

alter table only public.application_commands add constraint application_commands_options_check CHECK ((jsonb_typeof(options) = 'array'::text));

alter table only public.application_commands add constraint application_commands_pkey PRIMARY KEY (id);

alter table only public.audit_log add constraint audit_log_pkey PRIMARY KEY (id);

alter table only public.bot_server_installs add constraint bot_server_installs_permissions_check CHECK ((permissions >= 0));

alter table only public.bot_server_installs add constraint bot_server_installs_pkey PRIMARY KEY (bot_id, server_id);

alter table only public.bot_tokens add constraint bot_tokens_pkey PRIMARY KEY (id);

alter table only public.bot_tokens add constraint bot_tokens_token_hash_check CHECK ((token_hash ~ '^[0-9a-f]{64}$'::text));

alter table only public.bot_tokens add constraint bot_tokens_token_hash_key UNIQUE (token_hash);

alter table only public.bot_tokens add constraint bot_tokens_token_prefix_check CHECK ((char_length(token_prefix) = 8));

alter table only public.bots add constraint bots_description_check CHECK ((char_length(description) <= 400));

alter table only public.bots add constraint bots_name_check CHECK (((char_length(btrim(name)) >= 1) AND (char_length(btrim(name)) <= 64)));

alter table only public.bots add constraint bots_pkey PRIMARY KEY (id);

alter table only public.bots add constraint bots_profile_id_key UNIQUE (profile_id);

alter table only public.channel_categories add constraint channel_categories_name_check CHECK (((char_length(btrim(name)) >= 1) AND (char_length(btrim(name)) <= 100)));

alter table only public.channel_categories add constraint channel_categories_pkey PRIMARY KEY (id);

alter table only public.channel_notification_settings add constraint channel_notification_settings_pkey PRIMARY KEY (profile_id, channel_id);

alter table only public.channel_overwrites add constraint channel_overwrites_allow_check CHECK ((allow >= 0));

alter table only public.channel_overwrites add constraint channel_overwrites_deny_check CHECK ((deny >= 0));

alter table only public.channel_overwrites add constraint channel_overwrites_disjoint CHECK (((allow & deny) = 0));

alter table only public.channel_overwrites add constraint channel_overwrites_pkey PRIMARY KEY (channel_id, target_type, target_id);

alter table only public.channel_recipients add constraint channel_recipients_pkey PRIMARY KEY (channel_id, profile_id);

alter table only public.channel_sequences add constraint channel_sequences_last_seq_check CHECK ((last_seq >= 0));

alter table only public.channel_sequences add constraint channel_sequences_pkey PRIMARY KEY (channel_id);

alter table only public.channel_slowmode add constraint channel_slowmode_pkey PRIMARY KEY (channel_id, profile_id);

alter table only public.channels add constraint channels_name_check CHECK (((char_length(btrim(name)) >= 1) AND (char_length(btrim(name)) <= 100)));

alter table only public.channels add constraint channels_named CHECK (((type = 'dm'::public.channel_type) OR (name IS NOT NULL)));

alter table only public.channels add constraint channels_pkey PRIMARY KEY (id);

alter table only public.channels add constraint channels_server_kinds CHECK (((server_id IS NULL) = (type = ANY (ARRAY['dm'::public.channel_type, 'group_dm'::public.channel_type]))));

alter table only public.channels add constraint channels_slowmode_seconds_check CHECK (((slowmode_seconds >= 0) AND (slowmode_seconds <= 21600)));

alter table only public.channels add constraint channels_thread_parent CHECK (((parent_id IS NOT NULL) = ((type)::text = 'thread'::text)));

alter table only public.channels add constraint channels_topic_check CHECK ((char_length(topic) <= 1024));

alter table only public.channels add constraint channels_user_limit_check CHECK (((user_limit >= 0) AND (user_limit <= 99)));

alter table only public.collapsed_categories add constraint collapsed_categories_pkey PRIMARY KEY (profile_id, category_id);

alter table only public.custom_emojis add constraint custom_emojis_name_check CHECK ((name ~ '^[A-Za-z0-9_]{2,32}$'::text));

alter table only public.custom_emojis add constraint custom_emojis_name_key UNIQUE (server_id, name);

alter table only public.custom_emojis add constraint custom_emojis_pkey PRIMARY KEY (id);

alter table only public.device_one_time_keys add constraint device_one_time_keys_key_id_check CHECK (((char_length(key_id) >= 1) AND (char_length(key_id) <= 64)));

alter table only public.device_one_time_keys add constraint device_one_time_keys_pkey PRIMARY KEY (device_id, key_id);

alter table only public.device_one_time_keys add constraint device_one_time_keys_public_key_check CHECK (((char_length(public_key) >= 16) AND (char_length(public_key) <= 256)));

alter table only public.dm_call_members add constraint dm_call_members_pkey PRIMARY KEY (call_id, profile_id);

alter table only public.dm_call_members add constraint dm_call_members_state_check CHECK ((state = ANY (ARRAY['ringing'::text, 'joined'::text, 'declined'::text, 'left'::text])));

alter table only public.dm_calls add constraint dm_calls_pkey PRIMARY KEY (id);

alter table only public.dm_calls add constraint dm_calls_status_check CHECK ((status = ANY (ARRAY['ringing'::text, 'active'::text, 'declined'::text, 'missed'::text, 'ended'::text])));

alter table only public.ephemeral_messages add constraint ephemeral_messages_content_check CHECK ((char_length(content) <= 4000));

alter table only public.ephemeral_messages add constraint ephemeral_messages_embeds_check CHECK (((jsonb_typeof(embeds) = 'array'::text) AND (jsonb_array_length(embeds) <= 10)));

alter table only public.ephemeral_messages add constraint ephemeral_messages_pkey PRIMARY KEY (id);

alter table only public.federated_instances add constraint federated_instances_blocked_untrusted CHECK (((status = 'active'::text) OR (NOT trusted)));

alter table only public.federated_instances add constraint federated_instances_domain_check CHECK (((domain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$'::text) AND (char_length(domain) <= 253)));

alter table only public.federated_instances add constraint federated_instances_domain_key UNIQUE (domain);

alter table only public.federated_instances add constraint federated_instances_pkey PRIMARY KEY (id);

alter table only public.federated_instances add constraint federated_instances_shared_inbox_url_check CHECK ((shared_inbox_url ~ '^https?://'::text));

alter table only public.federated_instances add constraint federated_instances_software_check CHECK ((char_length(software) <= 64));

alter table only public.federated_instances add constraint federated_instances_software_version_check CHECK ((char_length(software_version) <= 64));

alter table only public.federated_instances add constraint federated_instances_status_check CHECK ((status = ANY (ARRAY['active'::text, 'blocked'::text])));

alter table only public.friend_requests add constraint friend_requests_not_self CHECK ((sender_id <> recipient_id));

alter table only public.friend_requests add constraint friend_requests_pair_key UNIQUE (sender_id, recipient_id);

alter table only public.friend_requests add constraint friend_requests_pkey PRIMARY KEY (id);

alter table only public.friendships add constraint friendships_ordered CHECK ((profile_a < profile_b));

alter table only public.friendships add constraint friendships_pkey PRIMARY KEY (profile_a, profile_b);

alter table only public.instance_admins add constraint instance_admins_pkey PRIMARY KEY (user_id);

alter table only public.interactions add constraint interactions_pkey PRIMARY KEY (id);

alter table only public.interactions add constraint interactions_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'deferred'::text, 'responded'::text])));

alter table only public.invites add constraint invites_code_check CHECK ((code ~ '^[A-Za-z0-9]{6,16}$'::text));

alter table only public.invites add constraint invites_max_uses_check CHECK ((max_uses > 0));

alter table only public.invites add constraint invites_pkey PRIMARY KEY (code);

alter table only public.invites add constraint invites_uses_check CHECK ((uses >= 0));

alter table only public.invites add constraint invites_uses_within_max CHECK (((max_uses IS NULL) OR (uses <= max_uses)));

alter table only public.megolm_session_shares add constraint megolm_session_shares_encrypted_session_key_check CHECK (((char_length(encrypted_session_key) >= 1) AND (char_length(encrypted_session_key) <= 8192)));

alter table only public.megolm_session_shares add constraint megolm_session_shares_once UNIQUE (recipient_device_id, channel_id, session_id);

alter table only public.megolm_session_shares add constraint megolm_session_shares_pkey PRIMARY KEY (id);

alter table only public.megolm_session_shares add constraint megolm_session_shares_session_id_check CHECK (((char_length(session_id) >= 1) AND (char_length(session_id) <= 128)));

alter table only public.member_roles add constraint member_roles_pkey PRIMARY KEY (server_id, profile_id, role_id);

alter table only public.message_reactions add constraint message_reactions_emoji_check CHECK (((char_length(emoji) >= 1) AND (char_length(emoji) <= 100)));

alter table only public.message_reactions add constraint message_reactions_pkey PRIMARY KEY (message_id, emoji, profile_id);

alter table only public.messages add constraint messages_attachments_check CHECK ((jsonb_typeof(attachments) = 'array'::text));

alter table only public.messages add constraint messages_author_name_length CHECK (((author_name IS NULL) OR ((char_length(author_name) >= 1) AND (char_length(author_name) <= 80))));

alter table only public.messages add constraint messages_channel_seq_key UNIQUE (channel_id, seq);

alter table only public.messages add constraint messages_content_check CHECK ((char_length(content) <= 4000));

alter table only public.messages add constraint messages_embeds_check CHECK ((jsonb_typeof(embeds) = 'array'::text));

alter table only public.messages add constraint messages_has_body CHECK (((deleted_at IS NOT NULL) OR (type <> 'default'::public.message_type) OR (content <> ''::text) OR (attachments <> '[]'::jsonb)));

alter table only public.messages add constraint messages_nonce_check CHECK ((char_length(nonce) <= 64));

alter table only public.messages add constraint messages_pkey PRIMARY KEY (id);

alter table only public.notifications add constraint notifications_data_check CHECK ((jsonb_typeof(data) = 'object'::text));

alter table only public.notifications add constraint notifications_pkey PRIMARY KEY (id);

alter table only public.profiles add constraint profiles_bio_length CHECK ((char_length(bio) <= 1000));

alter table only public.profiles add constraint profiles_custom_status_length CHECK ((char_length(custom_status) <= 128));

alter table only public.profiles add constraint profiles_display_name_length CHECK (((char_length(display_name) >= 1) AND (char_length(display_name) <= 64)));

alter table only public.profiles add constraint profiles_local_or_remote CHECK ((((user_id IS NULL) = (domain IS NOT NULL)) OR is_bot OR (deleted_at IS NOT NULL)));

alter table only public.profiles add constraint profiles_pkey PRIMARY KEY (id);

alter table only public.profiles add constraint profiles_pronouns_length CHECK ((char_length(pronouns) <= 40));

alter table only public.profiles add constraint profiles_user_id_key UNIQUE (user_id);

alter table only public.profiles add constraint profiles_username_format CHECK ((username ~ '^[a-z0-9_.]{2,32}$'::text));

alter table only public.push_subscriptions add constraint push_subscriptions_auth_secret_check CHECK ((auth_secret ~ '^[A-Za-z0-9_-]{16,32}$'::text));

alter table only public.push_subscriptions add constraint push_subscriptions_device_name_check CHECK ((length(device_name) <= 200));

alter table only public.push_subscriptions add constraint push_subscriptions_endpoint_check CHECK (((endpoint ~ '^https?://'::text) AND (length(endpoint) <= 2048)));

alter table only public.push_subscriptions add constraint push_subscriptions_endpoint_key UNIQUE (endpoint);

alter table only public.push_subscriptions add constraint push_subscriptions_pkey PRIMARY KEY (id);

alter table only public.push_subscriptions add constraint push_subscriptions_public_key_check CHECK ((public_key ~ '^[A-Za-z0-9_-]{80,100}$'::text));

alter table only public.read_states add constraint read_states_last_read_seq_check CHECK ((last_read_seq >= 0));

alter table only public.read_states add constraint read_states_pkey PRIMARY KEY (profile_id, channel_id);

alter table only public.remote_follows add constraint remote_follows_activity_uri_check CHECK ((activity_uri ~ '^https?://'::text));

alter table only public.remote_follows add constraint remote_follows_activity_uri_key UNIQUE (activity_uri);

alter table only public.remote_follows add constraint remote_follows_not_self CHECK ((follower_id <> followee_id));

alter table only public.remote_follows add constraint remote_follows_pair_key UNIQUE (follower_id, followee_id);

alter table only public.remote_follows add constraint remote_follows_pkey PRIMARY KEY (id);

alter table only public.remote_follows add constraint remote_follows_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'accepted'::text, 'rejected'::text])));

alter table only public.remote_server_joins add constraint remote_server_joins_activity_uri_check CHECK ((activity_uri ~ '^https?://'::text));

alter table only public.remote_server_joins add constraint remote_server_joins_activity_uri_key UNIQUE (activity_uri);

alter table only public.remote_server_joins add constraint remote_server_joins_address_check CHECK ((char_length(address) <= 512));

alter table only public.remote_server_joins add constraint remote_server_joins_error_check CHECK ((char_length(error) <= 500));

alter table only public.remote_server_joins add constraint remote_server_joins_pkey PRIMARY KEY (id);

alter table only public.remote_server_joins add constraint remote_server_joins_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'accepted'::text, 'rejected'::text, 'failed'::text])));

alter table only public.reports add constraint reports_details_check CHECK ((char_length(details) <= 1000));

alter table only public.reports add constraint reports_message_content_check CHECK ((char_length(message_content) <= 4000));

alter table only public.reports add constraint reports_message_has_channel CHECK (((message_id IS NULL) OR (channel_id IS NOT NULL)));

alter table only public.reports add constraint reports_pkey PRIMARY KEY (id);

alter table only public.reports add constraint reports_resolution_check CHECK ((resolution = ANY (ARRAY['delete_message'::text, 'timeout'::text, 'kick'::text, 'ban'::text, 'dismiss'::text])));

alter table only public.reports add constraint reports_resolution_matches_status CHECK (((status = 'open'::public.report_status) = (resolution IS NULL)));

alter table only public.reports add constraint reports_resolution_note_check CHECK ((char_length(resolution_note) <= 512));

alter table only public.roles add constraint roles_color_check CHECK (((color >= 0) AND (color <= 16777215)));

alter table only public.roles add constraint roles_everyone_position CHECK (((id = server_id) = ("position" = 0)));

alter table only public.roles add constraint roles_name_check CHECK (((char_length(btrim(name)) >= 1) AND (char_length(btrim(name)) <= 100)));

alter table only public.roles add constraint roles_permissions_check CHECK ((permissions >= 0));

alter table only public.roles add constraint roles_pkey PRIMARY KEY (id);

alter table only public.roles add constraint roles_position_check CHECK (("position" >= 0));

alter table only public.server_activity_daily add constraint server_activity_daily_active_members_check CHECK ((active_members >= 0));

alter table only public.server_activity_daily add constraint server_activity_daily_message_count_check CHECK ((message_count >= 0));

alter table only public.server_activity_daily add constraint server_activity_daily_pkey PRIMARY KEY (server_id, day);

alter table only public.server_bans add constraint server_bans_pkey PRIMARY KEY (server_id, profile_id);

alter table only public.server_bans add constraint server_bans_reason_check CHECK ((char_length(reason) <= 512));

alter table only public.server_members add constraint server_members_nickname_check CHECK (((char_length(btrim(nickname)) >= 1) AND (char_length(btrim(nickname)) <= 32)));

alter table only public.server_members add constraint server_members_pkey PRIMARY KEY (server_id, profile_id);

alter table only public.server_notification_settings add constraint server_notification_settings_pkey PRIMARY KEY (profile_id, server_id);

alter table only public.servers add constraint servers_description_check CHECK ((char_length(description) <= 1000));

alter table only public.servers add constraint servers_name_check CHECK (((char_length(btrim(name)) >= 1) AND (char_length(btrim(name)) <= 100)));

alter table only public.servers add constraint servers_pkey PRIMARY KEY (id);

alter table only public.thread_members add constraint thread_members_pkey PRIMARY KEY (thread_id, profile_id);

alter table only public.threads add constraint threads_auto_archive_minutes CHECK ((auto_archive_minutes = ANY (ARRAY[60, 1440, 4320, 10080])));

alter table only public.threads add constraint threads_pkey PRIMARY KEY (channel_id);

alter table only public.threads add constraint threads_starter_message_id_key UNIQUE (starter_message_id);

alter table only public.user_blocks add constraint user_blocks_not_self CHECK ((blocker_id <> blocked_id));

alter table only public.user_blocks add constraint user_blocks_pkey PRIMARY KEY (blocker_id, blocked_id);

alter table only public.user_devices add constraint user_devices_device_name_check CHECK (((char_length(btrim(device_name)) >= 1) AND (char_length(btrim(device_name)) <= 64)));

alter table only public.user_devices add constraint user_devices_identity_key UNIQUE (profile_id, identity_key);

alter table only public.user_devices add constraint user_devices_identity_key_check CHECK (((char_length(identity_key) >= 16) AND (char_length(identity_key) <= 256)));

alter table only public.user_devices add constraint user_devices_pkey PRIMARY KEY (id);

alter table only public.user_devices add constraint user_devices_signing_key_check CHECK (((char_length(signing_key) >= 16) AND (char_length(signing_key) <= 256)));

alter table only public.user_settings add constraint user_settings_friend_requests_from_check CHECK ((friend_requests_from = ANY (ARRAY['everyone'::text, 'friends_of_friends'::text, 'nobody'::text])));

alter table only public.user_settings add constraint user_settings_pkey PRIMARY KEY (profile_id);

alter table only public.user_settings add constraint user_settings_theme_check CHECK ((theme = ANY (ARRAY['dark'::text, 'light'::text, 'system'::text])));

alter table only public.webhooks add constraint webhooks_avatar_url_check CHECK (((avatar_url ~ '^https://'::text) AND (char_length(avatar_url) <= 2048)));

alter table only public.webhooks add constraint webhooks_name_check CHECK (((char_length(btrim(name)) >= 1) AND (char_length(btrim(name)) <= 80)));

alter table only public.webhooks add constraint webhooks_pkey PRIMARY KEY (id);

alter table only public.webhooks add constraint webhooks_token_hash_check CHECK ((token_hash ~ '^[0-9a-f]{64}$'::text));

alter table only public.webhooks add constraint webhooks_token_hash_key UNIQUE (token_hash);

alter table only private.ap_actor_cache add constraint ap_actor_cache_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only private.ap_objects add constraint ap_objects_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only private.ap_objects add constraint ap_objects_message_id_fkey FOREIGN KEY (message_id) REFERENCES public.messages(id) ON DELETE CASCADE;

alter table only private.everyone_mention_cursors add constraint everyone_mention_cursors_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only private.everyone_mention_cursors add constraint everyone_mention_cursors_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only private.link_preview_image_uses add constraint link_preview_image_uses_message_id_fkey FOREIGN KEY (message_id) REFERENCES public.messages(id) ON DELETE CASCADE;

alter table only private.message_gaps add constraint message_gaps_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only private.message_mention_targets add constraint message_mention_targets_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only private.push_deliveries add constraint push_deliveries_notification_id_fkey FOREIGN KEY (notification_id) REFERENCES public.notifications(id) ON DELETE CASCADE;

alter table only private.push_deliveries add constraint push_deliveries_subscription_id_fkey FOREIGN KEY (subscription_id) REFERENCES public.push_subscriptions(id) ON DELETE CASCADE;

alter table only private.reauthentication_failures add constraint reauthentication_failures_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

alter table only private.remote_channels add constraint remote_channels_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only private.remote_channels add constraint remote_channels_server_id_fkey FOREIGN KEY (server_id) REFERENCES private.remote_servers(server_id) ON DELETE CASCADE;

alter table only private.remote_lookups add constraint remote_lookups_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only private.remote_lookups add constraint remote_lookups_requester_id_fkey FOREIGN KEY (requester_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only private.remote_servers add constraint remote_servers_group_profile_id_fkey FOREIGN KEY (group_profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only private.remote_servers add constraint remote_servers_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

alter table only private.server_federation add constraint server_federation_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

alter table only private.webhook_rate_windows add constraint webhook_rate_windows_webhook_id_fkey FOREIGN KEY (webhook_id) REFERENCES public.webhooks(id) ON DELETE CASCADE;

alter table only public.application_commands add constraint application_commands_bot_id_fkey FOREIGN KEY (bot_id) REFERENCES public.bots(id) ON DELETE CASCADE;

alter table only public.application_commands add constraint application_commands_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

alter table only public.audit_log add constraint audit_log_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only public.audit_log add constraint audit_log_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

alter table only public.bot_server_installs add constraint bot_server_installs_bot_id_fkey FOREIGN KEY (bot_id) REFERENCES public.bots(id) ON DELETE CASCADE;

alter table only public.bot_server_installs add constraint bot_server_installs_installed_by_fkey FOREIGN KEY (installed_by) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only public.bot_server_installs add constraint bot_server_installs_role_id_fkey FOREIGN KEY (role_id) REFERENCES public.roles(id) ON DELETE SET NULL;

alter table only public.bot_server_installs add constraint bot_server_installs_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

alter table only public.bot_tokens add constraint bot_tokens_bot_id_fkey FOREIGN KEY (bot_id) REFERENCES public.bots(id) ON DELETE CASCADE;

alter table only public.bots add constraint bots_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.bots add constraint bots_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.channel_categories add constraint channel_categories_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

alter table only public.channel_notification_settings add constraint channel_notification_settings_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.channel_notification_settings add constraint channel_notification_settings_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.channel_overwrites add constraint channel_overwrites_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.channel_recipients add constraint channel_recipients_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.channel_recipients add constraint channel_recipients_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.channel_sequences add constraint channel_sequences_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.channel_slowmode add constraint channel_slowmode_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.channel_slowmode add constraint channel_slowmode_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.channels add constraint channels_category_id_fkey FOREIGN KEY (category_id) REFERENCES public.channel_categories(id) ON DELETE SET NULL;

alter table only public.channels add constraint channels_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only public.channels add constraint channels_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.channels add constraint channels_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

alter table only public.collapsed_categories add constraint collapsed_categories_category_id_fkey FOREIGN KEY (category_id) REFERENCES public.channel_categories(id) ON DELETE CASCADE;

alter table only public.collapsed_categories add constraint collapsed_categories_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.custom_emojis add constraint custom_emojis_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only public.custom_emojis add constraint custom_emojis_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

alter table only public.device_one_time_keys add constraint device_one_time_keys_claimed_by_fkey FOREIGN KEY (claimed_by) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only public.device_one_time_keys add constraint device_one_time_keys_device_id_fkey FOREIGN KEY (device_id) REFERENCES public.user_devices(id) ON DELETE CASCADE;

alter table only public.dm_call_members add constraint dm_call_members_call_id_fkey FOREIGN KEY (call_id) REFERENCES public.dm_calls(id) ON DELETE CASCADE;

alter table only public.dm_call_members add constraint dm_call_members_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.dm_calls add constraint dm_calls_callee_id_fkey FOREIGN KEY (callee_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.dm_calls add constraint dm_calls_caller_id_fkey FOREIGN KEY (caller_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.dm_calls add constraint dm_calls_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.ephemeral_messages add constraint ephemeral_messages_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only public.ephemeral_messages add constraint ephemeral_messages_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.ephemeral_messages add constraint ephemeral_messages_interaction_id_fkey FOREIGN KEY (interaction_id) REFERENCES public.interactions(id) ON DELETE CASCADE;

alter table only public.ephemeral_messages add constraint ephemeral_messages_recipient_id_fkey FOREIGN KEY (recipient_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.friend_requests add constraint friend_requests_recipient_id_fkey FOREIGN KEY (recipient_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.friend_requests add constraint friend_requests_sender_id_fkey FOREIGN KEY (sender_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.friendships add constraint friendships_profile_a_fkey FOREIGN KEY (profile_a) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.friendships add constraint friendships_profile_b_fkey FOREIGN KEY (profile_b) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.instance_admins add constraint instance_admins_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

alter table only public.interactions add constraint interactions_bot_id_fkey FOREIGN KEY (bot_id) REFERENCES public.bots(id) ON DELETE CASCADE;

alter table only public.interactions add constraint interactions_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.interactions add constraint interactions_command_id_fkey FOREIGN KEY (command_id) REFERENCES public.application_commands(id) ON DELETE SET NULL;

alter table only public.interactions add constraint interactions_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

alter table only public.interactions add constraint interactions_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.invites add constraint invites_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE SET NULL;

alter table only public.invites add constraint invites_inviter_id_fkey FOREIGN KEY (inviter_id) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only public.invites add constraint invites_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

alter table only public.megolm_session_shares add constraint megolm_session_shares_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.megolm_session_shares add constraint megolm_session_shares_recipient_device_id_fkey FOREIGN KEY (recipient_device_id) REFERENCES public.user_devices(id) ON DELETE CASCADE;

alter table only public.megolm_session_shares add constraint megolm_session_shares_sender_device_id_fkey FOREIGN KEY (sender_device_id) REFERENCES public.user_devices(id) ON DELETE CASCADE;

alter table only public.member_roles add constraint member_roles_role_id_fkey FOREIGN KEY (role_id) REFERENCES public.roles(id) ON DELETE CASCADE;

alter table only public.member_roles add constraint member_roles_server_id_profile_id_fkey FOREIGN KEY (server_id, profile_id) REFERENCES public.server_members(server_id, profile_id) ON DELETE CASCADE;

alter table only public.message_reactions add constraint message_reactions_message_id_fkey FOREIGN KEY (message_id) REFERENCES public.messages(id) ON DELETE CASCADE;

alter table only public.message_reactions add constraint message_reactions_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.messages add constraint messages_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only public.messages add constraint messages_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.messages add constraint messages_pinned_by_fkey FOREIGN KEY (pinned_by) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only public.messages add constraint messages_reply_to_id_fkey FOREIGN KEY (reply_to_id) REFERENCES public.messages(id) ON DELETE SET NULL;

alter table only public.messages add constraint messages_webhook_id_fkey FOREIGN KEY (webhook_id) REFERENCES public.webhooks(id) ON DELETE SET NULL;

alter table only public.notifications add constraint notifications_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only public.notifications add constraint notifications_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.notifications add constraint notifications_message_id_fkey FOREIGN KEY (message_id) REFERENCES public.messages(id) ON DELETE CASCADE;

alter table only public.notifications add constraint notifications_recipient_id_fkey FOREIGN KEY (recipient_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.notifications add constraint notifications_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

alter table only public.profiles add constraint profiles_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE;

alter table only public.push_subscriptions add constraint push_subscriptions_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.read_states add constraint read_states_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.read_states add constraint read_states_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.remote_follows add constraint remote_follows_followee_id_fkey FOREIGN KEY (followee_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.remote_follows add constraint remote_follows_follower_id_fkey FOREIGN KEY (follower_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.remote_server_joins add constraint remote_server_joins_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.remote_server_joins add constraint remote_server_joins_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE SET NULL;

alter table only public.reports add constraint reports_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.reports add constraint reports_message_id_fkey FOREIGN KEY (message_id) REFERENCES public.messages(id) ON DELETE SET NULL;

alter table only public.reports add constraint reports_reporter_id_fkey FOREIGN KEY (reporter_id) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only public.reports add constraint reports_resolved_by_fkey FOREIGN KEY (resolved_by) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only public.reports add constraint reports_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

alter table only public.reports add constraint reports_target_id_fkey FOREIGN KEY (target_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.roles add constraint roles_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

alter table only public.server_activity_daily add constraint server_activity_daily_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

alter table only public.server_bans add constraint server_bans_banned_by_fkey FOREIGN KEY (banned_by) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only public.server_bans add constraint server_bans_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.server_bans add constraint server_bans_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

alter table only public.server_members add constraint server_members_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.server_members add constraint server_members_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

alter table only public.server_notification_settings add constraint server_notification_settings_server_id_profile_id_fkey FOREIGN KEY (server_id, profile_id) REFERENCES public.server_members(server_id, profile_id) ON DELETE CASCADE;

alter table only public.servers add constraint servers_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.profiles(id);

alter table only public.servers add constraint servers_system_channel_id_fkey FOREIGN KEY (system_channel_id) REFERENCES public.channels(id) ON DELETE SET NULL;

alter table only public.thread_members add constraint thread_members_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.thread_members add constraint thread_members_thread_id_fkey FOREIGN KEY (thread_id) REFERENCES public.threads(channel_id) ON DELETE CASCADE;

alter table only public.threads add constraint threads_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.threads add constraint threads_last_author_id_fkey FOREIGN KEY (last_author_id) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only public.threads add constraint threads_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only public.threads add constraint threads_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.threads add constraint threads_starter_message_id_fkey FOREIGN KEY (starter_message_id) REFERENCES public.messages(id) ON DELETE SET NULL;

alter table only public.user_blocks add constraint user_blocks_blocked_id_fkey FOREIGN KEY (blocked_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.user_blocks add constraint user_blocks_blocker_id_fkey FOREIGN KEY (blocker_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.user_devices add constraint user_devices_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.user_settings add constraint user_settings_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.profiles(id) ON DELETE CASCADE;

alter table only public.webhooks add constraint webhooks_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES public.channels(id) ON DELETE CASCADE;

alter table only public.webhooks add constraint webhooks_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.profiles(id) ON DELETE SET NULL;

alter table only public.webhooks add constraint webhooks_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE;

-- Indexes

CREATE INDEX ap_actor_cache_fetched_idx ON private.ap_actor_cache USING btree (fetched_at);

CREATE INDEX ap_objects_author_idx ON private.ap_objects USING btree (author_id);

CREATE UNIQUE INDEX application_commands_scope_name_key ON public.application_commands USING btree (bot_id, COALESCE(server_id, '00000000-0000-0000-0000-000000000000'::uuid), name);

CREATE INDEX application_commands_server_idx ON public.application_commands USING btree (server_id);

CREATE INDEX audit_log_actor_idx ON public.audit_log USING btree (actor_id) WHERE (actor_id IS NOT NULL);

CREATE INDEX audit_log_server_action_idx ON public.audit_log USING btree (server_id, action, id DESC);

CREATE INDEX audit_log_server_actor_idx ON public.audit_log USING btree (server_id, actor_id, id DESC);

CREATE INDEX audit_log_server_idx ON public.audit_log USING btree (server_id, id DESC);

CREATE INDEX audit_log_server_target_idx ON public.audit_log USING btree (server_id, target_id, id DESC);

CREATE INDEX bot_server_installs_installed_by_idx ON public.bot_server_installs USING btree (installed_by) WHERE (installed_by IS NOT NULL);

CREATE INDEX bot_server_installs_role_idx ON public.bot_server_installs USING btree (role_id) WHERE (role_id IS NOT NULL);

CREATE INDEX bot_server_installs_server_idx ON public.bot_server_installs USING btree (server_id);

CREATE INDEX bot_tokens_bot_idx ON public.bot_tokens USING btree (bot_id);

CREATE INDEX bots_owner_idx ON public.bots USING btree (owner_id);

CREATE INDEX channel_categories_server_idx ON public.channel_categories USING btree (server_id, "position");

CREATE INDEX channel_member_permissions_channel_idx ON private.channel_member_permissions USING btree (channel_id);

CREATE INDEX channel_notification_settings_channel_idx ON public.channel_notification_settings USING btree (channel_id);

CREATE INDEX channel_overwrites_target_idx ON public.channel_overwrites USING btree (target_id);

CREATE INDEX channel_recipients_profile_idx ON public.channel_recipients USING btree (profile_id);

CREATE INDEX channel_slowmode_profile_idx ON public.channel_slowmode USING btree (profile_id);

CREATE INDEX channels_category_idx ON public.channels USING btree (category_id);

CREATE INDEX channels_owner_idx ON public.channels USING btree (owner_id) WHERE (owner_id IS NOT NULL);

CREATE INDEX channels_parent_idx ON public.channels USING btree (parent_id) WHERE (parent_id IS NOT NULL);

CREATE INDEX channels_server_idx ON public.channels USING btree (server_id, "position");

CREATE INDEX collapsed_categories_category_idx ON public.collapsed_categories USING btree (category_id);

CREATE INDEX custom_emojis_created_by_idx ON public.custom_emojis USING btree (created_by) WHERE (created_by IS NOT NULL);

CREATE INDEX device_one_time_keys_claimed_by_idx ON public.device_one_time_keys USING btree (claimed_by) WHERE (claimed_by IS NOT NULL);

CREATE INDEX device_one_time_keys_unclaimed_idx ON public.device_one_time_keys USING btree (device_id, created_at) WHERE (claimed_at IS NULL);

CREATE INDEX dm_call_members_profile_idx ON public.dm_call_members USING btree (profile_id);

CREATE INDEX dm_calls_callee_idx ON public.dm_calls USING btree (callee_id);

CREATE INDEX dm_calls_caller_idx ON public.dm_calls USING btree (caller_id);

CREATE UNIQUE INDEX dm_calls_one_open_per_channel ON public.dm_calls USING btree (channel_id) WHERE (status = ANY (ARRAY['ringing'::text, 'active'::text]));

CREATE INDEX ephemeral_messages_author_idx ON public.ephemeral_messages USING btree (author_id);

CREATE INDEX ephemeral_messages_channel_idx ON public.ephemeral_messages USING btree (channel_id);

CREATE INDEX ephemeral_messages_interaction_idx ON public.ephemeral_messages USING btree (interaction_id);

CREATE INDEX ephemeral_messages_recipient_idx ON public.ephemeral_messages USING btree (recipient_id, channel_id);

CREATE INDEX everyone_mention_cursors_channel_idx ON private.everyone_mention_cursors USING btree (channel_id);

CREATE INDEX federation_jobs_due_idx ON private.federation_jobs USING btree (next_attempt_at, id) WHERE (status = 'pending'::public.federation_job_status);

CREATE INDEX federation_jobs_locked_idx ON private.federation_jobs USING btree (locked_at) WHERE (status = 'processing'::public.federation_job_status);

CREATE INDEX fedify_kv_expires_idx ON private.fedify_kv USING btree (expires_at) WHERE (expires_at IS NOT NULL);

CREATE INDEX friend_requests_recipient_idx ON public.friend_requests USING btree (recipient_id);

CREATE INDEX friendships_profile_b_idx ON public.friendships USING btree (profile_b);

CREATE INDEX interactions_bot_idx ON public.interactions USING btree (bot_id, created_at DESC);

CREATE INDEX interactions_channel_idx ON public.interactions USING btree (channel_id);

CREATE INDEX interactions_command_idx ON public.interactions USING btree (command_id);

CREATE INDEX interactions_server_idx ON public.interactions USING btree (server_id);

CREATE INDEX interactions_user_time_idx ON public.interactions USING btree (user_id, created_at DESC);

CREATE INDEX invites_channel_idx ON public.invites USING btree (channel_id) WHERE (channel_id IS NOT NULL);

CREATE INDEX invites_inviter_idx ON public.invites USING btree (inviter_id) WHERE (inviter_id IS NOT NULL);

CREATE INDEX invites_server_idx ON public.invites USING btree (server_id);

CREATE INDEX link_preview_image_uses_image_idx ON private.link_preview_image_uses USING btree (image_id);

CREATE INDEX link_previews_expires_idx ON private.link_previews USING btree (expires_at);

CREATE INDEX megolm_session_shares_channel_idx ON public.megolm_session_shares USING btree (channel_id);

CREATE INDEX megolm_session_shares_sender_idx ON public.megolm_session_shares USING btree (sender_device_id);

CREATE INDEX member_roles_role_idx ON public.member_roles USING btree (role_id);

CREATE INDEX message_mention_targets_message_idx ON private.message_mention_targets USING btree (channel_id, seq);

CREATE INDEX message_reactions_profile_idx ON public.message_reactions USING btree (profile_id);

CREATE INDEX messages_author_channel_seq_idx ON public.messages USING btree (author_id, channel_id, seq);

CREATE UNIQUE INDEX messages_author_nonce_key ON public.messages USING btree (channel_id, author_id, nonce) WHERE (nonce IS NOT NULL);

CREATE INDEX messages_content_trgm ON public.messages USING gin (content extensions.gin_trgm_ops);

CREATE INDEX messages_created_brin ON public.messages USING brin (created_at);

CREATE INDEX messages_pinned_by_idx ON public.messages USING btree (pinned_by) WHERE (pinned_by IS NOT NULL);

CREATE INDEX messages_pinned_idx ON public.messages USING btree (channel_id, pinned_at) WHERE (pinned_at IS NOT NULL);

CREATE INDEX messages_reply_idx ON public.messages USING btree (reply_to_id) WHERE (reply_to_id IS NOT NULL);

CREATE INDEX messages_search_idx ON public.messages USING gin (search_vector);

CREATE INDEX messages_webhook_idx ON public.messages USING btree (webhook_id) WHERE (webhook_id IS NOT NULL);

CREATE INDEX notifications_actor_idx ON public.notifications USING btree (actor_id) WHERE (actor_id IS NOT NULL);

CREATE INDEX notifications_channel_idx ON public.notifications USING btree (channel_id) WHERE (channel_id IS NOT NULL);

CREATE INDEX notifications_message_idx ON public.notifications USING btree (message_id) WHERE (message_id IS NOT NULL);

CREATE UNIQUE INDEX notifications_message_once ON public.notifications USING btree (recipient_id, message_id, type) WHERE (message_id IS NOT NULL);

CREATE INDEX notifications_recipient_idx ON public.notifications USING btree (recipient_id, created_at DESC);

CREATE INDEX notifications_server_idx ON public.notifications USING btree (server_id) WHERE (server_id IS NOT NULL);

CREATE INDEX notifications_unread_idx ON public.notifications USING btree (recipient_id) WHERE (read_at IS NULL);

CREATE UNIQUE INDEX profiles_username_local_key ON public.profiles USING btree (username) WHERE (domain IS NULL);

CREATE UNIQUE INDEX profiles_username_remote_key ON public.profiles USING btree (username, domain) WHERE (domain IS NOT NULL);

CREATE INDEX profiles_username_trgm ON public.profiles USING gin (username extensions.gin_trgm_ops);

CREATE INDEX push_deliveries_sent_at_idx ON private.push_deliveries USING btree (sent_at);

CREATE INDEX push_deliveries_subscription_idx ON private.push_deliveries USING btree (subscription_id);

CREATE INDEX push_subscriptions_profile_idx ON public.push_subscriptions USING btree (profile_id);

CREATE INDEX read_states_channel_idx ON public.read_states USING btree (channel_id);

CREATE INDEX reauthentication_failures_user_time ON private.reauthentication_failures USING btree (user_id, failed_at);

CREATE INDEX remote_channels_server_idx ON private.remote_channels USING btree (server_id);

CREATE INDEX remote_follows_followee_idx ON public.remote_follows USING btree (followee_id);

CREATE INDEX remote_lookups_profile_idx ON private.remote_lookups USING btree (profile_id);

CREATE INDEX remote_lookups_requester_idx ON private.remote_lookups USING btree (requester_id, created_at);

CREATE INDEX remote_server_joins_profile_idx ON public.remote_server_joins USING btree (profile_id, created_at);

CREATE INDEX remote_server_joins_server_idx ON public.remote_server_joins USING btree (server_id);

CREATE INDEX reports_channel_idx ON public.reports USING btree (channel_id);

CREATE INDEX reports_message_idx ON public.reports USING btree (message_id) WHERE (message_id IS NOT NULL);

CREATE UNIQUE INDEX reports_open_member_once ON public.reports USING btree (server_id, reporter_id, target_id) WHERE ((status = 'open'::public.report_status) AND (message_id IS NULL));

CREATE UNIQUE INDEX reports_open_message_once ON public.reports USING btree (reporter_id, message_id) WHERE ((status = 'open'::public.report_status) AND (message_id IS NOT NULL));

CREATE INDEX reports_reporter_idx ON public.reports USING btree (reporter_id);

CREATE INDEX reports_resolved_by_idx ON public.reports USING btree (resolved_by) WHERE (resolved_by IS NOT NULL);

CREATE INDEX reports_server_status_idx ON public.reports USING btree (server_id, status, id DESC);

CREATE INDEX reports_target_idx ON public.reports USING btree (target_id);

CREATE INDEX roles_server_idx ON public.roles USING btree (server_id, "position" DESC);

CREATE INDEX server_activity_daily_day_idx ON public.server_activity_daily USING btree (day);

CREATE INDEX server_bans_banned_by_idx ON public.server_bans USING btree (banned_by) WHERE (banned_by IS NOT NULL);

CREATE INDEX server_bans_profile_idx ON public.server_bans USING btree (profile_id);

CREATE INDEX server_members_profile_idx ON public.server_members USING btree (profile_id);

CREATE INDEX server_notification_settings_server_idx ON public.server_notification_settings USING btree (server_id, profile_id);

CREATE INDEX servers_owner_idx ON public.servers USING btree (owner_id);

CREATE INDEX servers_public_created_idx ON public.servers USING btree (created_at DESC) WHERE is_public;

CREATE INDEX servers_public_name_trgm ON public.servers USING gin (name extensions.gin_trgm_ops) WHERE is_public;

CREATE INDEX servers_system_channel_idx ON public.servers USING btree (system_channel_id) WHERE (system_channel_id IS NOT NULL);

CREATE INDEX thread_members_profile_idx ON public.thread_members USING btree (profile_id);

CREATE INDEX threads_last_author_idx ON public.threads USING btree (last_author_id);

CREATE INDEX threads_owner_idx ON public.threads USING btree (owner_id);

CREATE INDEX threads_parent_idx ON public.threads USING btree (parent_id, last_activity_at DESC);

CREATE INDEX user_blocks_blocked_idx ON public.user_blocks USING btree (blocked_id);

CREATE INDEX webhooks_channel_idx ON public.webhooks USING btree (channel_id);

CREATE INDEX webhooks_created_by_idx ON public.webhooks USING btree (created_by);

CREATE INDEX webhooks_server_idx ON public.webhooks USING btree (server_id);

-- Functions

CREATE OR REPLACE FUNCTION private.announce_group_dm_call(p_call_id uuid, p_also uuid DEFAULT NULL::uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  call public.dm_calls;
  record jsonb;
  who uuid;
begin
  select * into call from public.dm_calls d where d.id = p_call_id;
  record := private.dm_call_record(call);
  for who in
    select r.profile_id from public.channel_recipients r where r.channel_id = call.channel_id
    union select p_also where p_also is not null
  loop
    perform private.broadcast('user:' || who, 'call_update', 'UPDATE', 'dm_calls', record, null);
  end loop;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.announce_reorder(p_server_id uuid, p_event text, p_table text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform set_config('harmony.reordering_server', p_server_id::text, true);
  perform private.broadcast('server:' || p_server_id, p_event, 'UPDATE', p_table,
    jsonb_build_object('server_id', p_server_id));
end;
$function$
;

CREATE OR REPLACE FUNCTION private.audit_reorder(p_server_id uuid, p_action text, p_before jsonb, p_after jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  changes jsonb := public.audit_changes(p_before, p_after, '{}');
begin
  if changes <> '{}' then
    insert into public.audit_log (server_id, actor_id, action, target_id, changes)
    values (p_server_id, public.get_current_profile_id(), p_action::public.audit_action, p_server_id, changes);
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.base64url(p_data bytea)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO ''
AS $function$
  select translate(encode(p_data, 'base64'), E'+/=\n', '-_')
$function$
;

CREATE OR REPLACE FUNCTION private.bot_install_removed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  delete from public.channel_overwrites o where o.target_type = 'role' and o.target_id = old.role_id;
  delete from public.roles r where r.id = old.role_id and r.managed;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.bot_member_installed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if exists (select 1 from public.bots b where b.profile_id = new.profile_id)
     and not exists (select 1 from public.bots b
                       join public.bot_server_installs i on i.bot_id = b.id
                      where b.profile_id = new.profile_id and i.server_id = new.server_id) then
    raise exception 'bots join a server only when someone who may manage it adds them'
      using errcode = '42501';
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.bot_member_left()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  delete from public.bot_server_installs i
   using public.bots b
   where b.profile_id = old.profile_id and i.bot_id = b.id and i.server_id = old.server_id;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.bot_of_profile(p_profile_id uuid)
 RETURNS uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select b.id from public.bots b where b.profile_id = p_profile_id
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast(p_topic text, p_event text, p_operation text, p_table text, p_record jsonb, p_old_record jsonb DEFAULT NULL::jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
begin
  perform realtime.send(
    jsonb_build_object('operation', p_operation, 'table', p_table, 'schema', 'public',
                       'record', p_record, 'old_record', p_old_record),
    p_event, p_topic, true);
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_audience(p_channel_id uuid, OUT server_id uuid, OUT all_members boolean)
 RETURNS record
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
begin
  select c.server_id,
         c.server_id is not null and (
           coalesce(everyone_role.permissions, 0) & public.permission('ADMINISTRATOR') <> 0
           or ((coalesce(everyone_role.permissions, 0) | coalesce(everyone_ow.allow, 0))
                 & public.permission('VIEW_CHANNEL') <> 0
               and not exists (select 1 from public.channel_overwrites o
                                where o.channel_id = coalesce(c.parent_id, c.id)
                                  and o.deny & public.permission('VIEW_CHANNEL') <> 0)))
    into server_id, all_members
    from public.channels c
    left join public.roles everyone_role on everyone_role.id = c.server_id
    left join public.channel_overwrites everyone_ow
      on everyone_ow.channel_id = coalesce(c.parent_id, c.id) and everyone_ow.target_type = 'role'
     and everyone_ow.target_id = c.server_id
   where c.id = p_channel_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_between_two()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  row_data jsonb := to_jsonb(coalesce(new, old));
  person text;
begin
  foreach person in array array[row_data ->> tg_argv[1], row_data ->> tg_argv[2]] loop
    perform realtime.broadcast_changes('user:' || person, private.broadcast_event(tg_argv[0], tg_op), tg_op,
      tg_table_name, tg_table_schema, new, old);
  end loop;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_channel()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  channel public.channels;
  audience record;
  event text := private.broadcast_event('channel', tg_op);
  channel_key jsonb := case when tg_op = 'UPDATE' then jsonb_build_object('id', old.id, 'server_id', old.server_id) end;
  recipient uuid;
begin
  select * into channel from public.channels c where c.id = new.id;
  if not found or channel.parent_id is not null then
    return null;
  end if;
  if tg_op = 'UPDATE' and private.reordering(channel.server_id) then
    return null;
  end if;
  if channel.server_id is null then
    if tg_op = 'UPDATE' then
      for recipient in select r.profile_id from public.channel_recipients r where r.channel_id = channel.id loop
        perform private.broadcast('user:' || recipient, event, tg_op, tg_table_name, to_jsonb(channel), channel_key);
      end loop;
    end if;
    return null;
  end if;
  select * into audience from private.broadcast_audience(channel.id);
  if audience.all_members then
    perform private.broadcast('server:' || channel.server_id, event, tg_op, tg_table_name, to_jsonb(channel),
      channel_key);
  elsif tg_op = 'INSERT' then
    perform private.broadcast('server:' || channel.server_id, 'access_update', tg_op, tg_table_name,
      jsonb_build_object('server_id', channel.server_id));
  else
    perform private.broadcast('channel:' || channel.id, event, tg_op, tg_table_name, to_jsonb(channel), channel_key);
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_channel_delete()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  audience record;
begin
  if old.server_id is null or old.parent_id is not null
     or not exists (select 1 from public.servers s where s.id = old.server_id) then
    return old;
  end if;
  select * into audience from private.broadcast_audience(old.id);
  if audience.all_members then
    perform private.broadcast('server:' || old.server_id, 'channel_delete', 'DELETE', tg_table_name, null, to_jsonb(old));
  else
    perform private.broadcast('channel:' || old.id, 'channel_delete', 'DELETE', tg_table_name, null, to_jsonb(old));
    perform private.broadcast('server:' || old.server_id, 'access_update', 'DELETE', tg_table_name,
      jsonb_build_object('server_id', old.server_id));
  end if;
  return old;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_event(p_entity text, p_operation text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO ''
AS $function$
begin
  return p_entity || '_' || case p_operation when 'INSERT' then 'create' when 'UPDATE' then 'update' else 'delete' end;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_member()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  event text := private.broadcast_event('member', tg_op);
  member_key jsonb := jsonb_build_object('server_id', coalesce(old.server_id, new.server_id),
                                         'profile_id', coalesce(old.profile_id, new.profile_id));
begin
  if tg_op = 'DELETE' then
    if not exists (select 1 from public.servers s where s.id = old.server_id) then
      return null;
    end if;
    perform private.broadcast('server:' || old.server_id, event, tg_op, tg_table_name, null, member_key);
    perform private.broadcast('user:' || old.profile_id, event, tg_op, tg_table_name, null,
      member_key || jsonb_build_object('banned', exists (
        select 1 from public.server_bans b where b.server_id = old.server_id and b.profile_id = old.profile_id)));
    return null;
  end if;
  perform private.broadcast('server:' || new.server_id, event, tg_op, tg_table_name, to_jsonb(new),
    case when tg_op = 'UPDATE' then member_key end);
  perform private.broadcast('user:' || new.profile_id, event, tg_op, tg_table_name, to_jsonb(new),
    case when tg_op = 'UPDATE' then member_key end);
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_member_role()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  link public.member_roles;
  event text := private.broadcast_event('member_role', tg_op);
begin
  if tg_op = 'DELETE' then
    link := old;
    if not exists (select 1 from public.roles r where r.id = old.role_id)
       or not exists (select 1 from public.server_members m
                       where m.server_id = old.server_id and m.profile_id = old.profile_id) then
      return null;
    end if;
  else
    link := new;
  end if;
  perform realtime.broadcast_changes('server:' || link.server_id, event, tg_op, tg_table_name, tg_table_schema,
    new, old);
  perform realtime.broadcast_changes('user:' || link.profile_id, event, tg_op, tg_table_name, tg_table_schema,
    new, old);
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_message()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  audience record;
  event text;
begin
  if tg_op = 'INSERT' then
    perform private.broadcast('channel:' || new.channel_id, 'message_create', tg_op, tg_table_name,
      to_jsonb(new) - 'search_vector');
    select * into audience from private.broadcast_audience(new.channel_id);
    if audience.all_members then
      perform private.broadcast('server:' || audience.server_id, 'unread_message', tg_op, tg_table_name,
        jsonb_build_object('id', new.id, 'channel_id', new.channel_id, 'seq', new.seq, 'author_id', new.author_id,
                           'type', new.type, 'mention_everyone', new.mention_everyone,
                           'mention_profile_ids', new.mention_profile_ids, 'mention_role_ids', new.mention_role_ids,
                           'created_at', new.created_at));
    end if;
    return null;
  end if;

  if tg_op = 'DELETE' then
    -- A deleted channel takes its messages along: its channel_delete says it all.
    if not exists (select 1 from public.channels c where c.id = old.channel_id) then
      return null;
    end if;
    perform private.broadcast('channel:' || old.channel_id, 'message_delete', tg_op, tg_table_name, null,
      jsonb_build_object('id', old.id, 'channel_id', old.channel_id, 'seq', old.seq));
    return null;
  end if;

  event := case
    when old.deleted_at is null and new.deleted_at is not null then 'message_delete'
    when (old.content, old.attachments, old.embeds) is distinct from (new.content, new.attachments, new.embeds)
      then 'message_update'
    else 'message_pin'
  end;
  perform private.broadcast('channel:' || new.channel_id, event, tg_op, tg_table_name,
    to_jsonb(new) - 'search_vector',
    jsonb_build_object('id', old.id, 'channel_id', old.channel_id, 'seq', old.seq));
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_notification()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform realtime.broadcast_changes('user:' || new.recipient_id, 'notification_create', tg_op, tg_table_name,
    tg_table_schema, new, old);
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_notification_settings()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  gone jsonb;
begin
  if tg_op = 'DELETE' then
    gone := to_jsonb(old);
    if (gone ? 'server_id' and not exists (
          select 1 from public.server_members m
           where m.server_id = (gone ->> 'server_id')::uuid and m.profile_id = old.profile_id))
       or (gone ? 'channel_id' and not exists (
          select 1 from public.channels c where c.id = (gone ->> 'channel_id')::uuid)) then
      return null;
    end if;
  end if;
  perform realtime.broadcast_changes('user:' || coalesce(new.profile_id, old.profile_id), 'notification_settings_update',
    tg_op, tg_table_name, tg_table_schema, new, old);
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_notifications_changed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if tg_op = 'UPDATE' then
    perform private.broadcast('user:' || g.recipient_id, 'notification_update', tg_op, tg_table_name,
              jsonb_build_object('ids', g.ids, 'read_at', g.read_at))
       from (select n.recipient_id, n.read_at, jsonb_agg(n.id order by n.id) as ids
               from (select a.recipient_id, a.read_at, a.id,
                            (row_number() over (partition by a.recipient_id, a.read_at order by a.id) - 1) / 1000 as chunk
                       from notifications_after a join notifications_before b on b.id = a.id
                      where a.read_at is distinct from b.read_at) n
              group by n.recipient_id, n.read_at, n.chunk) g;
  else
    perform private.broadcast('user:' || g.recipient_id, 'notification_delete', tg_op, tg_table_name, null,
              jsonb_build_object('ids', g.ids))
       from (select n.recipient_id, jsonb_agg(n.id order by n.id) as ids
               from (select b.recipient_id, b.id,
                            (row_number() over (partition by b.recipient_id order by b.id) - 1) / 1000 as chunk
                       from notifications_before b
                      where exists (select 1 from public.profiles p where p.id = b.recipient_id)) n
              group by n.recipient_id, n.chunk) g;
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_overwrites()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform private.broadcast('server:' || affected.server_id, 'access_update', tg_op, tg_table_name,
            jsonb_build_object('server_id', affected.server_id))
     from (select distinct c.server_id
             from changed_overwrites o join public.channels c on c.id = o.channel_id
            where c.server_id is not null) affected;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_profile_update()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  shown jsonb := to_jsonb(new) - 'status' - 'last_seen_at';
  topic text;
begin
  for topic in
    select 'server:' || m.server_id from public.server_members m where m.profile_id = new.id
    union
    select 'user:' || person
      from (select new.id as person
            union
            select case when f.profile_a = new.id then f.profile_b else f.profile_a end
              from public.friendships f
             where new.id in (f.profile_a, f.profile_b)
            union
            select case when q.sender_id = new.id then q.recipient_id else q.sender_id end
              from public.friend_requests q
             where new.id in (q.sender_id, q.recipient_id)
            union
            select other.profile_id
              from public.channel_recipients own
              join public.channel_recipients other on other.channel_id = own.channel_id
             where own.profile_id = new.id) people
  loop
    perform private.broadcast(topic, 'profile_update', 'UPDATE', 'profiles', shown);
  end loop;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_reaction()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  reaction public.message_reactions;
  message record;
begin
  if tg_op = 'DELETE' then
    reaction := old;
  else
    reaction := new;
  end if;
  select m.channel_id, m.deleted_at into message from public.messages m where m.id = reaction.message_id;
  if not found or message.deleted_at is not null then
    return null;
  end if;
  perform private.broadcast('channel:' || message.channel_id, private.broadcast_event('reaction', tg_op),
    tg_op, tg_table_name,
    case when tg_op = 'INSERT' then to_jsonb(new) || jsonb_build_object('channel_id', message.channel_id) end,
    case when tg_op = 'DELETE' then to_jsonb(old) || jsonb_build_object('channel_id', message.channel_id) end);
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_read_state()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform realtime.broadcast_changes('user:' || new.profile_id, 'read_state_update', tg_op, tg_table_name,
    tg_table_schema, new, old);
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_recipient()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  link public.channel_recipients;
  event text := private.broadcast_event('recipient', tg_op);
  recipient uuid;
begin
  if tg_op = 'DELETE' then
    link := old;
  else
    link := new;
  end if;
  if not exists (select 1 from public.channels c where c.id = link.channel_id) then
    return null;
  end if;
  if tg_op = 'UPDATE' then
    perform realtime.broadcast_changes('user:' || new.profile_id, event, tg_op, tg_table_name, tg_table_schema,
      new, old);
    return null;
  end if;
  for recipient in
    select r.profile_id from public.channel_recipients r where r.channel_id = link.channel_id
    union
    select link.profile_id
  loop
    perform realtime.broadcast_changes('user:' || recipient, event, tg_op, tg_table_name, tg_table_schema, new, old);
  end loop;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_report()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  reviewer uuid;
  granting constant bigint := public.report_reviewer_permissions() | public.permission('ADMINISTRATOR');
  everyone_reviews boolean;
begin
  select r.permissions & granting <> 0 into everyone_reviews from public.roles r where r.id = new.server_id;
  for reviewer in
    select m.profile_id from public.server_members m
     where m.server_id = new.server_id
       and (coalesce(everyone_reviews, false)
            or m.profile_id = (select s.owner_id from public.servers s where s.id = new.server_id)
            or exists (select 1 from public.member_roles mr join public.roles r on r.id = mr.role_id
                        where mr.server_id = m.server_id and mr.profile_id = m.profile_id
                          and r.permissions & granting <> 0))
       and private.server_permissions(new.server_id, m.profile_id) & public.report_reviewer_permissions() <> 0
       and (new.channel_id is null or exists (
             select 1 from private.channel_member_permissions_now p
              where p.profile_id = m.profile_id and p.channel_id = new.channel_id
                and p.permissions & public.permission('VIEW_CHANNEL') <> 0))
  loop
    perform private.broadcast('user:' || reviewer, private.broadcast_event('report', tg_op), tg_op, tg_table_name,
      jsonb_build_object('id', new.id, 'server_id', new.server_id, 'status', new.status));
  end loop;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_server()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform realtime.broadcast_changes('server:' || coalesce(new.id, old.id), private.broadcast_event('server', tg_op),
    tg_op, tg_table_name, tg_table_schema, new, old);
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_server_row()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  server uuid := coalesce(new.server_id, old.server_id);
begin
  if tg_op = 'DELETE' and not exists (select 1 from public.servers s where s.id = server) then
    return null;
  end if;
  if tg_op = 'UPDATE' and private.reordering(server) then
    return null;
  end if;
  perform realtime.broadcast_changes('server:' || server, private.broadcast_event(tg_argv[0], tg_op),
    tg_op, tg_table_name, tg_table_schema, new, old);
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_thread()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if tg_op = 'DELETE' then
    if exists (select 1 from public.channels c where c.id = old.parent_id) then
      perform private.broadcast('channel:' || old.parent_id, 'thread_delete', tg_op, tg_table_name, null,
        jsonb_build_object('id', old.channel_id, 'parent_id', old.parent_id));
    end if;
    return null;
  end if;
  perform private.broadcast('channel:' || new.parent_id, private.broadcast_event('thread', tg_op), tg_op,
    tg_table_name, private.thread_summary(new),
    case when tg_op = 'UPDATE' then jsonb_build_object('id', old.channel_id, 'parent_id', old.parent_id) end);
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.broadcast_thread_rename()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  thread public.threads;
begin
  select * into thread from public.threads t where t.channel_id = new.id;
  if found then
    perform private.broadcast('channel:' || thread.parent_id, 'thread_update', tg_op, 'threads',
      private.thread_summary(thread), jsonb_build_object('id', thread.channel_id, 'parent_id', thread.parent_id));
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.cache_remote_actor(p_actor_uri text, p_domain text, p_username text, p_display_name text, p_avatar_url text, p_inbox_url text, p_shared_inbox_url text, p_outbox_url text, p_public_key_pem text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  target text := lower(btrim(p_domain));
  name text := private.remote_username(p_username);
  shown text := nullif(left(btrim(coalesce(p_display_name, '')), 64), '');
  profile uuid;
begin
  if p_actor_uri !~ '^https?://' or lower(split_part(split_part(p_actor_uri, '://', 2), '/', 1)) <> target then
    raise exception 'actor % is not on %', p_actor_uri, target using errcode = '22023';
  end if;
  insert into public.federated_instances (domain, shared_inbox_url, last_seen_at)
  values (target, p_shared_inbox_url, now())
  on conflict (domain) do update
    set last_seen_at = now(),
        shared_inbox_url = coalesce(excluded.shared_inbox_url, public.federated_instances.shared_inbox_url);
  if exists (select 1 from public.federated_instances i where i.domain = target and i.status = 'blocked') then
    return null;
  end if;

  select c.profile_id into profile from private.ap_actor_cache c where c.actor_uri = p_actor_uri;
  if profile is null then
    insert into public.profiles (user_id, domain, username, display_name, avatar_url)
    values (null, target, name, shown, p_avatar_url)
    on conflict (username, domain) where domain is not null do nothing
    returning id into profile;
    if profile is null then
      -- Another actor of that instance already has the name (renamed accounts): keep both.
      insert into public.profiles (user_id, domain, username, display_name, avatar_url)
      values (null, target, left(name, 23) || '_' || substr(md5(p_actor_uri), 1, 8), shown, p_avatar_url)
      returning id into profile;
    end if;
  else
    update public.profiles p
       set display_name = shown, avatar_url = p_avatar_url
     where p.id = profile;
  end if;

  insert into private.ap_actor_cache (actor_uri, profile_id, public_key_pem, inbox_url, outbox_url,
                                      shared_inbox_url, fetched_at)
  values (p_actor_uri, profile, p_public_key_pem, p_inbox_url, p_outbox_url, p_shared_inbox_url, now())
  on conflict (actor_uri) do update
    set profile_id = excluded.profile_id,
        public_key_pem = excluded.public_key_pem,
        inbox_url = excluded.inbox_url,
        outbox_url = excluded.outbox_url,
        shared_inbox_url = excluded.shared_inbox_url,
        fetched_at = now();
  return profile;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.caller_is_bot()
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (
    select 1 from public.profiles p where p.user_id = (select auth.uid()) and p.is_bot
  )
$function$
;

CREATE OR REPLACE FUNCTION private.channel_is_public(p_channel_id uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select coalesce((
    select r.permissions & public.permission('ADMINISTRATOR') <> 0
        or ((r.permissions & ~coalesce(o.deny, 0)) | coalesce(o.allow, 0)) & public.permission('VIEW_CHANNEL') <> 0
      from public.channels c
      join public.roles r on r.id = c.server_id
      left join public.channel_overwrites o
        on o.channel_id = c.id and o.target_type = 'role' and o.target_id = c.server_id
     where c.id = p_channel_id and c.type = 'text' and c.parent_id is null), false);
$function$
;

CREATE OR REPLACE FUNCTION private.channel_overwrites_sync_channel_permissions()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  overwrite record;
  channel_server uuid;
begin
  for overwrite in
    select o.channel_id, o.target_type, o.target_id
      from (select new.channel_id, new.target_type, new.target_id where tg_op <> 'DELETE'
            union
            select old.channel_id, old.target_type, old.target_id where tg_op <> 'INSERT') o
  loop
    select c.server_id into channel_server from public.channels c where c.id = overwrite.channel_id;
    if channel_server is null then
      continue;
    end if;
    perform private.lock_channel_permissions(channel_server);
    if overwrite.target_type = 'member' then
      perform private.refresh_channel_permissions(channel_server, overwrite.channel_id, array[overwrite.target_id]);
    elsif overwrite.target_id = channel_server then
      perform private.refresh_channel_permissions(channel_server, overwrite.channel_id);
    else
      perform private.refresh_channel_permissions(channel_server, overwrite.channel_id, array(
        select mr.profile_id from public.member_roles mr
         where mr.role_id = overwrite.target_id and mr.server_id = channel_server));
    end if;
  end loop;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.channel_permissions(p_channel_id uuid, p_profile_id uuid)
 RETURNS bigint
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  channel_server uuid;
  channel_parent uuid;
  member_timed_out boolean;
  result bigint;
begin
  if p_channel_id is null or p_profile_id is null then
    return 0;
  end if;
  select c.server_id, c.parent_id into channel_server, channel_parent from public.channels c where c.id = p_channel_id;
  if not found then
    return 0;
  end if;
  if channel_parent is not null then
    return private.thread_permissions(private.channel_permissions(channel_parent, p_profile_id));
  end if;
  if channel_server is null then
    return public.private_channel_permissions(p_channel_id, p_profile_id);
  end if;
  select m.timed_out_until is not null and m.timed_out_until > now()
    into member_timed_out
    from public.server_members m
   where m.server_id = channel_server and m.profile_id = p_profile_id;
  if not found then
    return 0;
  end if;

  select public.compute_channel_permissions(
           s.owner_id = p_profile_id,
           everyone.permissions,
           coalesce((select array_agg(r.permissions)
                       from public.member_roles mr join public.roles r on r.id = mr.role_id
                      where mr.server_id = channel_server and mr.profile_id = p_profile_id), '{}'),
           everyone_ow.allow, everyone_ow.deny,
           role_ow.allow, role_ow.deny,
           member_ow.allow, member_ow.deny,
           member_timed_out)
    into result
    from public.servers s
    join public.roles everyone on everyone.id = s.id
    left join public.channel_overwrites everyone_ow
      on everyone_ow.channel_id = p_channel_id and everyone_ow.target_type = 'role'
     and everyone_ow.target_id = s.id
    left join lateral (
      select bit_or(o.allow) as allow, bit_or(o.deny) as deny
        from public.channel_overwrites o
        join public.member_roles mr
          on mr.role_id = o.target_id and mr.server_id = channel_server and mr.profile_id = p_profile_id
       where o.channel_id = p_channel_id and o.target_type = 'role'
    ) role_ow on true
    left join public.channel_overwrites member_ow
      on member_ow.channel_id = p_channel_id and member_ow.target_type = 'member'
     and member_ow.target_id = p_profile_id
   where s.id = channel_server;
  return coalesce(result, 0);
end;
$function$
;

CREATE OR REPLACE FUNCTION private.channels_sync_channel_permissions()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if tg_op in ('UPDATE', 'DELETE') and old.server_id is not null then
    perform private.lock_channel_permissions(old.server_id);
    delete from private.channel_member_permissions p where p.channel_id = old.id;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.server_id is not null then
    perform private.refresh_channel_permissions(new.server_id, new.id);
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.check_quiet_hours()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
begin
  if new.quiet_hours_start = new.quiet_hours_end then
    raise exception 'quiet hours must start and end at different times' using errcode = '22023';
  end if;
  if new.quiet_hours_time_zone !~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$'
     or not exists (select 1 from pg_catalog.pg_timezone_names z where z.name = new.quiet_hours_time_zone) then
    raise exception 'unknown time zone %', new.quiet_hours_time_zone
      using errcode = '22023', hint = 'Use an IANA time zone name such as Europe/Paris.';
  end if;
  return new;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.checked_command_options(p_command public.application_commands, p_server_id uuid, p_values jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  option jsonb;
  option_name text;
  option_type text;
  given jsonb;
  cleaned jsonb := '{}';
  unknown text;
  valid boolean;
  expected text;
begin
  if p_values is null then
    p_values := '{}';
  end if;
  if jsonb_typeof(p_values) <> 'object' then
    raise exception 'options are an object of name: value' using errcode = '22023';
  end if;
  select k into unknown from jsonb_object_keys(p_values) k
   where not exists (select 1 from jsonb_array_elements(p_command.options) o where o ->> 'name' = k) limit 1;
  if unknown is not null then
    raise exception '/% has no option %', p_command.name, unknown using errcode = '22023';
  end if;
  for option in select * from jsonb_array_elements(p_command.options) loop
    option_name := option ->> 'name';
    option_type := option ->> 'type';
    given := p_values -> option_name;
    if given is null or given = 'null' or (jsonb_typeof(given) = 'string' and btrim(given #>> '{}') = '') then
      if coalesce((option ->> 'required')::boolean, false) then
        raise exception '/% needs %', p_command.name, option_name using errcode = '22023';
      end if;
      continue;
    end if;
    valid := case option_type
      when 'string' then jsonb_typeof(given) = 'string' and char_length(given #>> '{}') <= 6000
      when 'integer' then coalesce(case when jsonb_typeof(given) = 'number'
                                        then (given #>> '{}')::numeric = trunc((given #>> '{}')::numeric) end, false)
      when 'number' then jsonb_typeof(given) = 'number'
      when 'boolean' then jsonb_typeof(given) = 'boolean'
      when 'user' then jsonb_typeof(given) = 'string' and exists (
        select 1 from public.server_members m where m.server_id = p_server_id and m.profile_id::text = given #>> '{}')
      when 'channel' then jsonb_typeof(given) = 'string' and exists (
        select 1 from public.channels c where c.server_id = p_server_id and c.id::text = given #>> '{}')
      when 'role' then jsonb_typeof(given) = 'string' and exists (
        select 1 from public.roles r where r.server_id = p_server_id and r.id::text = given #>> '{}')
      else false
    end;
    if not valid then
      expected := case option_type when 'user' then 'member of this server' when 'channel' then 'channel of this server'
                                   when 'role' then 'role of this server' else option_type end;
      raise exception '/%: % must be a %', p_command.name, option_name, expected using errcode = '22023';
    end if;
    if option ? 'choices' and not exists (
      select 1 from jsonb_array_elements(option -> 'choices') ch where ch -> 'value' = given
    ) then
      raise exception '/%: % must be one of its choices', p_command.name, option_name using errcode = '22023';
    end if;
    cleaned := cleaned || jsonb_build_object(option_name, given);
  end loop;
  return cleaned;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.claim_link_preview_fetch(p_host text, p_limit integer, p_window interval)
 RETURNS boolean
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  insert into private.link_preview_hosts as h (host, window_start, fetches)
  values (lower(p_host), now(), 1)
  on conflict (host) do update
    set window_start = case when h.window_start <= now() - p_window then now() else h.window_start end,
        fetches = case when h.window_start <= now() - p_window then 1 else h.fetches + 1 end
  returning fetches <= p_limit
$function$
;

CREATE OR REPLACE FUNCTION private.clean_realtime_messages(p_retention interval DEFAULT '72:00:00'::interval, p_batch integer DEFAULT 5000)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  removed integer;
begin
  if to_regclass('realtime.messages') is null
     or (select c.relkind from pg_class c where c.oid = 'realtime.messages'::regclass) = 'p' then
    return 0;
  end if;
  with old as (
    select ctid from realtime.messages
     where inserted_at < date_trunc('day', localtimestamp - p_retention)
     limit p_batch
  )
  delete from realtime.messages m using old where m.ctid = old.ctid;
  get diagnostics removed = row_count;
  return removed;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.command_option_problem(p_option jsonb)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO ''
AS $function$
declare
  option_type text := p_option ->> 'type';
  choice_type text;
  choice jsonb;
begin
  if jsonb_typeof(p_option) <> 'object' then
    return 'each option is an object';
  end if;
  if coalesce(p_option ->> 'name', '') !~ '^[a-z0-9_-]{1,32}$' then
    return 'option names are 1 to 32 characters of a-z, 0-9, _ and -';
  end if;
  if char_length(coalesce(p_option ->> 'description', '')) not between 1 and 100 then
    return format('option %s needs a description of 1 to 100 characters', p_option ->> 'name');
  end if;
  if option_type is null or option_type not in ('string', 'integer', 'number', 'boolean', 'user', 'channel', 'role') then
    return format('option %s has an unknown type', p_option ->> 'name');
  end if;
  if p_option ? 'required' and jsonb_typeof(p_option -> 'required') <> 'boolean' then
    return format('option %s: required is true or false', p_option ->> 'name');
  end if;
  if p_option ? 'choices' then
    if option_type not in ('string', 'integer', 'number') or jsonb_typeof(p_option -> 'choices') <> 'array'
       or jsonb_array_length(p_option -> 'choices') not between 1 and 25 then
      return format('option %s: choices are 1 to 25, for string, integer and number options', p_option ->> 'name');
    end if;
    choice_type := case option_type when 'string' then 'string' else 'number' end;
    for choice in select * from jsonb_array_elements(p_option -> 'choices') loop
      if char_length(coalesce(choice ->> 'name', '')) not between 1 and 100
         or jsonb_typeof(choice -> 'value') is distinct from choice_type then
        return format('option %s: each choice has a name and a value of the option''s type', p_option ->> 'name');
      end if;
    end loop;
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.create_everyone_push_notifications(p_message_id uuid)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  view_bit constant bigint := public.permission('VIEW_CHANNEL');
  message public.messages;
  channel_server uuid;
  recipient record;
  created integer := 0;
begin
  select * into message from public.messages m where m.id = p_message_id;
  if message.id is null or not message.mention_everyone or message.deleted_at is not null then
    return 0;
  end if;
  select c.server_id into channel_server from public.channels c where c.id = message.channel_id;
  if channel_server is null then
    return 0;
  end if;
  for recipient in
    select sm.profile_id
      from public.server_members sm
     where sm.server_id = channel_server
       and sm.profile_id is distinct from message.author_id
       and sm.joined_at <= message.created_at
       and exists (select 1 from public.push_subscriptions s where s.profile_id = sm.profile_id)
  loop
    if private.stored_channel_permissions(message.channel_id, recipient.profile_id) & view_bit <> 0
       and not private.suppresses_everyone(recipient.profile_id, channel_server)
       and public.notification_level_for(recipient.profile_id, message.channel_id) <> 'nothing'
       and public.send_notification(recipient.profile_id, 'mention', message.author_id, channel_server,
                                    message.channel_id, message.id, jsonb_build_object('via', 'everyone'))
           is not null then
      created := created + 1;
    end if;
  end loop;
  return created;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.dm_call_broadcast()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  who uuid;
begin
  if new.callee_id is null then
    return null;
  end if;
  foreach who in array array[new.caller_id, new.callee_id] loop
    perform private.broadcast('user:' || who, 'call_update', tg_op, 'dm_calls', to_jsonb(new),
                              case when tg_op = 'UPDATE' then to_jsonb(old) end);
  end loop;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.dm_call_record(p_call public.dm_calls)
 RETURNS jsonb
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select to_jsonb(p_call) || jsonb_build_object('members', coalesce(
    (select jsonb_agg(jsonb_build_object('profile_id', m.profile_id, 'state', m.state) order by m.profile_id)
       from public.dm_call_members m where m.call_id = p_call.id), '[]'::jsonb))
$function$
;

CREATE OR REPLACE FUNCTION private.dm_call_ring_seconds()
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$ select 30 $function$
;

CREATE OR REPLACE FUNCTION private.dm_note_for_delivery(p_message_id uuid)
 RETURNS TABLE(author_id uuid, content text, created_at timestamp with time zone, edited_at timestamp with time zone, deleted boolean, recipient_actor_uri text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select m.author_id, m.content, m.created_at, m.edited_at, m.deleted_at is not null, c.actor_uri
    from public.messages m
    join public.channel_recipients r on r.channel_id = m.channel_id
    join private.ap_actor_cache c on c.profile_id = r.profile_id
   where m.id = p_message_id;
$function$
;

CREATE OR REPLACE FUNCTION private.enqueue_everyone_push()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform private.enqueue_job('push-everyone-mention', jsonb_build_object('messageId', new.id),
                              'push-everyone-mention:' || new.id);
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.enqueue_job(p_task text, p_payload jsonb, p_job_key text DEFAULT NULL::text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if to_regprocedure('graphile_worker.add_job(text, json, text, timestamptz, integer, text, integer, text[], text)') is not null then
    perform graphile_worker.add_job(p_task, p_payload::json, job_key => p_job_key);
  else
    insert into private.job_outbox (task, payload, job_key) values (p_task, p_payload, p_job_key);
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.enqueue_link_previews()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if new.deleted_at is null and not new.suppress_embeds and new.type in ('default', 'reply')
     and (new.content ~* 'https?://' or new.embeds <> private.without_link_previews(new.embeds)) then
    -- One pending job per message: a quick second edit replaces the first's (same key).
    perform private.enqueue_job('fetch-preview', jsonb_build_object('messageId', new.id),
                                'fetch-preview:' || new.id);
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.enqueue_notification_push()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if exists (select 1 from public.push_subscriptions s where s.profile_id = new.recipient_id) then
    perform private.enqueue_job('send-push', jsonb_build_object('notificationId', new.id), 'send-push:' || new.id);
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.expire_invites()
 RETURNS integer
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  with gone as (
    delete from public.invites
     where expires_at < now() - interval '1 day'
        or revoked_at < now() - interval '1 day'
        or (uses >= max_uses and created_at < now() - interval '1 day')
    returning 1
  )
  select count(*)::integer from gone
$function$
;

CREATE OR REPLACE FUNCTION private.expire_presence(p_stale_after interval DEFAULT '00:10:00'::interval)
 RETURNS integer
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  with stale as (
    update public.profiles set status = 'offline'
     where status <> 'offline' and not is_bot
       and (last_seen_at is null or last_seen_at < now() - p_stale_after)
    returning 1
  )
  select count(*)::integer from stale
$function$
;

CREATE OR REPLACE FUNCTION private.expire_timeouts()
 RETURNS integer
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  with ended as (
    update public.server_members set timed_out_until = null
     where timed_out_until <= now()
    returning 1
  )
  select count(*)::integer from ended
$function$
;

CREATE OR REPLACE FUNCTION private.fail_remote_server_join(p_join_id uuid, p_error text)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  update public.remote_server_joins set state = 'failed', error = left(p_error, 500)
   where id = p_join_id and state = 'pending';
$function$
;

CREATE OR REPLACE FUNCTION private.federate_dm_message()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  action text;
begin
  if tg_op = 'INSERT' then
    action := 'create';
  elsif new.deleted_at is not null and old.deleted_at is null then
    action := 'delete';
  elsif new.content is distinct from old.content and new.deleted_at is null then
    action := 'update';
  else
    return null;
  end if;
  -- Only local authors' messages in DMs that have a remote recipient go out.
  if exists (select 1 from public.channels c
               join public.channel_recipients r on r.channel_id = c.id
               join public.profiles remote on remote.id = r.profile_id and remote.domain is not null
               join public.profiles author on author.id = new.author_id and author.domain is null
              where c.id = new.channel_id and c.type = 'dm') then
    perform private.enqueue_job('federation-note',
      jsonb_build_object('message_id', new.id, 'action', action, 'at', now()));
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.federate_group_message()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  action text;
begin
  if tg_op = 'INSERT' then
    action := 'create';
  elsif new.deleted_at is not null and old.deleted_at is null then
    action := 'delete';
  elsif new.content is distinct from old.content and new.deleted_at is null then
    action := 'update';
  else
    return null;
  end if;
  if exists (select 1 from public.channels c
               join private.server_federation f on f.server_id = c.server_id and f.federated
              where c.id = new.channel_id)
     and exists (select 1 from public.channels c
                   join public.server_members m on m.server_id = c.server_id
                   join public.profiles p on p.id = m.profile_id and p.domain is not null
                  where c.id = new.channel_id)
     and private.channel_is_public(new.channel_id) then
    perform private.enqueue_job('federation-relay',
      jsonb_build_object('message_id', new.id, 'action', action, 'at', now()));
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.federate_member_removed()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  group_uri text;
begin
  if coalesce(current_setting('harmony.federation_inbound', true), '') = 'on' then
    return null;
  end if;
  if exists (select 1 from public.profiles p where p.id = old.profile_id and p.domain is not null) then
    if exists (select 1 from public.servers s where s.id = old.server_id) then
      perform private.enqueue_job('federation-group-remove',
        jsonb_build_object('server_id', old.server_id, 'profile_id', old.profile_id));
    end if;
    return null;
  end if;
  -- A local user leaving a mirror: Undo(Follow) to the Group.
  select r.group_uri into group_uri from private.remote_servers r where r.server_id = old.server_id;
  if group_uri is not null then
    perform private.enqueue_job('federation-server-leave', jsonb_build_object(
      'profile_id', old.profile_id, 'group_uri', group_uri,
      'activity_uri', (select j.activity_uri from public.remote_server_joins j
                        where j.server_id = old.server_id and j.profile_id = old.profile_id
                        order by j.created_at desc limit 1)));
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.federate_mirror_message()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  action text;
begin
  if coalesce(current_setting('harmony.federation_inbound', true), '') = 'on' then
    return null;
  end if;
  if tg_op = 'INSERT' then
    action := 'create';
  elsif new.deleted_at is not null and old.deleted_at is null then
    action := 'delete';
  elsif new.content is distinct from old.content and new.deleted_at is null then
    action := 'update';
  else
    return null;
  end if;
  if exists (select 1 from private.remote_channels rc where rc.channel_id = new.channel_id)
     and exists (select 1 from public.profiles p where p.id = new.author_id and p.domain is null) then
    perform private.enqueue_job('federation-server-note',
      jsonb_build_object('message_id', new.id, 'action', action, 'at', now()));
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.federated_channel_history(p_channel_id uuid, p_limit integer)
 RETURNS TABLE(message_id uuid, author_id uuid, author_actor_uri text, object_uri text, content text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select h.id, h.author_id, a.actor_uri, o.object_uri, h.content
    from (select m.id, m.author_id, m.content, m.seq
            from public.messages m
            join public.channels c on c.id = m.channel_id
            join private.server_federation f on f.server_id = c.server_id and f.federated
           where m.channel_id = p_channel_id and m.deleted_at is null and m.content <> ''
             and private.channel_is_public(p_channel_id)
           order by m.seq desc
           limit least(greatest(p_limit, 0), 100)) h
    left join private.ap_actor_cache a on a.profile_id = h.author_id
    left join private.ap_objects o on o.message_id = h.id
   order by h.seq;
$function$
;

CREATE OR REPLACE FUNCTION private.federated_server_channels(p_server_id uuid)
 RETURNS TABLE(id uuid, name text, topic text, "position" integer)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select c.id, c.name, c.topic, c.position
    from public.channels c
    join private.server_federation f on f.server_id = c.server_id and f.federated
   where c.server_id = p_server_id and private.channel_is_public(c.id)
   order by c.position, c.id;
$function$
;

CREATE OR REPLACE FUNCTION private.finish_dm_call(p_call public.dm_calls, p_status text)
 RETURNS public.dm_calls
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  done public.dm_calls;
begin
  update public.dm_calls set status = p_status, ended_at = now() where id = p_call.id returning * into done;
  update public.dm_call_members m
     set state = case m.state when 'ringing' then 'declined' else 'left' end, updated_at = now()
   where m.call_id = p_call.id and m.state in ('ringing', 'joined');
  insert into public.messages (channel_id, author_id, type, content)
  values (p_call.channel_id, p_call.caller_id, 'system',
          case p_status when 'ended' then 'call_ended' when 'declined' then 'call_declined' else 'call_missed' end);
  return done;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.finish_remote_lookup(p_lookup_id uuid, p_profile_id uuid, p_error text)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  update private.remote_lookups
     set status = case when p_profile_id is null then 'failed' else 'done' end,
         profile_id = p_profile_id, error = left(p_error, 500)
   where id = p_lookup_id;
$function$
;

CREATE OR REPLACE FUNCTION private.group_message_for_relay(p_message_id uuid)
 RETURNS TABLE(server_id uuid, channel_id uuid, author_id uuid, author_actor_uri text, object_uri text, content text, deleted boolean)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select c.server_id, m.channel_id, m.author_id, a.actor_uri, o.object_uri, m.content, m.deleted_at is not null
    from public.messages m
    join public.channels c on c.id = m.channel_id
    left join private.ap_actor_cache a on a.profile_id = m.author_id
    left join private.ap_objects o on o.message_id = m.id
   where m.id = p_message_id;
$function$
;

CREATE OR REPLACE FUNCTION private.group_remote_members(p_server_id uuid)
 RETURNS TABLE(actor_uri text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select a.actor_uri
    from public.server_members m
    join public.profiles p on p.id = m.profile_id and p.domain is not null
    join private.ap_actor_cache a on a.profile_id = p.id
    join private.server_federation f on f.server_id = m.server_id and f.federated
   where m.server_id = p_server_id;
$function$
;

CREATE OR REPLACE FUNCTION private.is_group_member(p_server_id uuid, p_profile_id uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (select 1 from public.server_members m where m.server_id = p_server_id and m.profile_id = p_profile_id);
$function$
;

CREATE OR REPLACE FUNCTION private.is_link_preview(p_embed jsonb)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select coalesce(p_embed ->> 'type' in ('link', 'article', 'video', 'image'), false)
$function$
;

CREATE OR REPLACE FUNCTION private.join_group_dm_call(p_call public.dm_calls, p_me uuid)
 RETURNS public.dm_calls
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  call public.dm_calls := p_call;
begin
  insert into public.dm_call_members (call_id, profile_id, state) values (call.id, p_me, 'joined')
  on conflict (call_id, profile_id) do update set state = 'joined', updated_at = now();
  if call.status = 'ringing' and p_me <> call.caller_id then
    update public.dm_calls set status = 'active', answered_at = now() where id = call.id returning * into call;
  end if;
  perform private.announce_group_dm_call(call.id);
  return call;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.keep_member_with_role()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  update public.server_members set temporary = false
   where server_id = new.server_id and profile_id = new.profile_id and temporary;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.layout_order(p_server_id uuid)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select jsonb_build_object(
    'categories', coalesce((select jsonb_agg(k.id order by k.position, k.id)
                              from public.channel_categories k where k.server_id = p_server_id), '[]'),
    'channels', coalesce((select jsonb_agg(c.id order by k.position nulls first, c.position, c.id)
                            from public.channels c
                            left join public.channel_categories k on k.id = c.category_id
                           where c.server_id = p_server_id), '[]'))
$function$
;

CREATE OR REPLACE FUNCTION private.leave_dm_calls_of_removed_recipient()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  call public.dm_calls;
begin
  for call in
    select d.* from public.dm_calls d
     where d.channel_id = old.channel_id and d.callee_id is null and d.status in ('ringing', 'active')
       -- Not when the whole group DM goes (its calls go with it).
       and exists (select 1 from public.channels c where c.id = old.channel_id)
       for update of d
  loop
    update public.dm_call_members m
       set state = case m.state when 'ringing' then 'declined' else 'left' end, updated_at = now()
     where m.call_id = call.id and m.profile_id = old.profile_id and m.state in ('ringing', 'joined');
    call := private.settle_group_dm_call(call);
    perform private.announce_group_dm_call(call.id, old.profile_id);
  end loop;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.link_preview_source(p_message_id uuid)
 RETURNS TABLE(content text, may_embed boolean)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select m.content,
         m.author_id is not null
           and private.channel_permissions(m.channel_id, m.author_id) & public.permission('EMBED_LINKS') <> 0
    from public.messages m
   where m.id = p_message_id and m.deleted_at is null and not m.suppress_embeds
$function$
;

CREATE OR REPLACE FUNCTION private.livekit_admin_config()
 RETURNS TABLE(api_key text, api_secret text, server_url text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select c.api_key, c.api_secret, c.server_url from private.livekit_config c where c.id
$function$
;

CREATE OR REPLACE FUNCTION private.livekit_participant_permission(p_room uuid, p_identity uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  perms bigint := public.channel_permissions(p_room, p_identity);
  membership public.server_members;
  can_speak boolean;
  can_stream boolean;
begin
  select m.* into membership from public.server_members m
    join public.channels c on c.server_id = m.server_id
   where c.id = p_room and m.profile_id = p_identity;
  can_speak := perms & public.permission('SPEAK') <> 0 and not coalesce(membership.voice_muted, false);
  can_stream := perms & public.permission('STREAM') <> 0;
  return jsonb_build_object(
    'canPublish', can_speak or can_stream,
    'canPublishSources',
      (case when can_speak then '["microphone"]'::jsonb else '[]'::jsonb end)
      || (case when can_stream then '["camera", "screen_share", "screen_share_audio"]'::jsonb else '[]'::jsonb end),
    'canSubscribe', not coalesce(membership.voice_deafened, false),
    'canPublishData', true
  );
end;
$function$
;

CREATE OR REPLACE FUNCTION private.lock_channel_permissions(p_server_id uuid)
 RETURNS void
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  select pg_advisory_xact_lock(hashtextextended('private.channel_member_permissions ' || p_server_id::text, 0))
$function$
;

CREATE OR REPLACE FUNCTION private.managed_webhook(p_webhook_id uuid)
 RETURNS public.webhooks
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  found_webhook public.webhooks;
begin
  select * into found_webhook from public.webhooks w where w.id = p_webhook_id;
  if not found or not public.has_channel_permission(found_webhook.channel_id, public.permission('MANAGE_WEBHOOKS')) then
    raise exception 'webhook not found' using errcode = 'PT404';
  end if;
  return found_webhook;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.member_roles_sync_channel_permissions()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  affected record;
begin
  for affected in
    select c.server_id, array_agg(distinct c.profile_id) as profile_ids from changed_member_roles c group by c.server_id
  loop
    perform private.refresh_channel_permissions(affected.server_id, null, affected.profile_ids);
  end loop;
  if tg_op = 'UPDATE' then
    for affected in
      select o.server_id, array_agg(distinct o.profile_id) as profile_ids from old_member_roles o group by o.server_id
    loop
      perform private.refresh_channel_permissions(affected.server_id, null, affected.profile_ids);
    end loop;
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.messages_thread_activity()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if tg_op = 'INSERT' then
    update public.threads t
       set message_count = t.message_count + 1, last_message_at = new.created_at, last_author_id = new.author_id,
           last_activity_at = now(), archived_at = null
     where t.channel_id = new.channel_id;
    if found and new.author_id is not null then
      insert into public.thread_members (thread_id, profile_id) values (new.channel_id, new.author_id)
      on conflict do nothing;
    end if;
  elsif tg_op = 'UPDATE' then
    update public.threads t set message_count = greatest(t.message_count - 1, 0)
     where t.channel_id = new.channel_id;
  else
    if old.deleted_at is null then
      update public.threads t set message_count = greatest(t.message_count - 1, 0)
       where t.channel_id = old.channel_id;
    end if;
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.messages_thread_guard()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if exists (select 1 from public.threads t where t.channel_id = new.channel_id and t.locked)
     and private.stored_channel_permissions(new.channel_id, new.author_id) & public.permission('MANAGE_THREADS') = 0 then
    raise exception 'this thread is locked' using errcode = '42501';
  end if;
  return new;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.messages_unread_bookkeeping()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    delete from private.message_mention_targets t where t.channel_id = old.channel_id and t.seq = old.seq;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.deleted_at is null then
    perform private.write_mention_targets(new);
  end if;
  -- A message stops counting when deleted; a hard delete of a whole channel leaves nothing.
  if (tg_op = 'UPDATE' and new.deleted_at is not null and old.deleted_at is null)
     or (tg_op = 'DELETE' and old.deleted_at is null
         and exists (select 1 from public.channels c where c.id = old.channel_id)) then
    insert into private.message_gaps (channel_id, seq) values (old.channel_id, old.seq) on conflict do nothing;
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.messages_webhook_mentions()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  new.mention_everyone := exists (
    select 1 from public.webhooks w where w.id = new.webhook_id and w.mention_everyone
  ) and new.content ~ '(^|\W)@(everyone|here)\M';
  return new;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.mirror_message(p_group_profile_id uuid, p_object_uri text, p_local_message_id uuid)
 RETURNS uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select m.id
    from public.messages m
    join private.remote_channels rc on rc.channel_id = m.channel_id
    join private.remote_servers r on r.server_id = rc.server_id and r.group_profile_id = p_group_profile_id
   where m.id = coalesce(p_local_message_id,
                         (select o.message_id from private.ap_objects o where o.object_uri = p_object_uri));
$function$
;

CREATE OR REPLACE FUNCTION private.mirror_message_for_delivery(p_message_id uuid)
 RETURNS TABLE(author_id uuid, content text, channel_uri text, group_uri text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select m.author_id, m.content, rc.channel_uri, r.group_uri
    from public.messages m
    join private.remote_channels rc on rc.channel_id = m.channel_id
    join private.remote_servers r on r.server_id = rc.server_id
   where m.id = p_message_id;
$function$
;

CREATE OR REPLACE FUNCTION private.my_group_dm_call_for_update(p_call_id uuid, p_me uuid)
 RETURNS public.dm_calls
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  call public.dm_calls;
begin
  select * into call from public.dm_calls d
   where d.id = p_call_id and d.callee_id is null
     and exists (select 1 from public.channel_recipients r where r.channel_id = d.channel_id and r.profile_id = p_me)
     for update;
  if not found then
    raise exception 'call not found' using errcode = 'PT404';
  end if;
  return call;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.new_webhook_token(OUT token text, OUT token_hash text)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
begin
  token := 'hwh_' || encode(extensions.gen_random_bytes(32), 'hex');
  token_hash := encode(extensions.digest(token, 'sha256'), 'hex');
end;
$function$
;

CREATE OR REPLACE FUNCTION private.preview_image_ids(p_embeds jsonb)
 RETURNS SETOF uuid
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select distinct m[1]::uuid
    from jsonb_array_elements(case when jsonb_typeof(p_embeds) = 'array' then p_embeds else '[]'::jsonb end) e,
         regexp_match(e.value -> 'image' ->> 'url',
                      '^/api/media/previews/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$') m
   where private.is_link_preview(e.value) and m is not null
$function$
;

CREATE OR REPLACE FUNCTION private.prune_link_preview_images(p_grace interval DEFAULT '1 day'::interval)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  removed integer;
begin
  delete from private.link_preview_images i
   where i.fetched_at < now() - p_grace
     and not exists (select 1 from private.link_preview_image_uses u where u.image_id = i.id)
     and i.id not in (select offered.id from private.link_previews p
                       cross join lateral private.preview_image_ids(jsonb_build_array(p.embed)) as offered(id));
  get diagnostics removed = row_count;
  return removed;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.prune_link_previews(p_grace interval DEFAULT '1 day'::interval)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  removed integer;
begin
  delete from private.link_preview_hosts where window_start < now() - p_grace;
  delete from private.link_previews where expires_at < now() - p_grace;
  get diagnostics removed = row_count;
  return removed;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.prune_push_deliveries(p_older_than interval DEFAULT '7 days'::interval)
 RETURNS integer
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  with old as (
    delete from private.push_deliveries where sent_at < now() - p_older_than returning 1
  )
  select count(*)::integer from old
$function$
;

CREATE OR REPLACE FUNCTION private.push_mention_names(p_notification_id uuid)
 RETURNS jsonb
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  with n as (
    select n.recipient_id, c.server_id, m.content
      from public.notifications n
      join public.messages m on m.id = n.message_id
      join public.channels c on c.id = m.channel_id
     where n.id = p_notification_id
  ),
  tokens as (
    select distinct t[1] as kind, t[2]::uuid as id
      from n, regexp_matches(n.content, '<(@&|@|#)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})>', 'g') t
  )
  select jsonb_build_object(
    'users', coalesce((
      select jsonb_object_agg(p.id, coalesce(sm.nickname, p.display_name, p.username))
        from tokens t
        join public.profiles p on p.id = t.id
        left join n on true
        left join public.server_members sm on sm.server_id = n.server_id and sm.profile_id = p.id
       where t.kind = '@'), '{}'),
    'roles', coalesce((
      select jsonb_object_agg(r.id, r.name)
        from tokens t join n on true
        join public.roles r on r.id = t.id and r.server_id = n.server_id
       where t.kind = '@&'), '{}'),
    'channels', coalesce((
      select jsonb_object_agg(c.id, c.name)
        from tokens t join n on true
        join public.channels c on c.id = t.id and c.server_id = n.server_id
       where t.kind = '#'
         and private.stored_channel_permissions(c.id, n.recipient_id) & public.permission('VIEW_CHANNEL') <> 0),
      '{}'))
$function$
;

CREATE OR REPLACE FUNCTION private.read_settled_friend_request()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  update public.notifications n
     set read_at = now()
   where n.recipient_id = old.recipient_id
     and n.actor_id = old.sender_id
     and n.type = 'friend_request'
     and n.read_at is null;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.reauthentication_refusal(p_user_id uuid, p_password text, p_code text)
 RETURNS json
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  max_failures constant int := 5;
  failure_window constant interval := interval '15 minutes';
  account auth.users;
  stored text;
  oldest timestamptz;
  failures int;
  wait_seconds int;
  proven boolean;
begin
  if coalesce(p_password, '') = '' and coalesce(p_code, '') = '' then
    raise exception 'enter your password or the code we emailed you' using errcode = '22023';
  end if;
  -- The row lock serialises one user's attempts, so parallel guesses cannot pass the count.
  select * into account from auth.users u where u.id = p_user_id for update;
  delete from private.reauthentication_failures f
   where f.user_id = p_user_id and f.failed_at <= now() - failure_window;
  select count(*), min(f.failed_at) into failures, oldest
    from private.reauthentication_failures f where f.user_id = p_user_id;
  if failures >= max_failures then
    wait_seconds := greatest(1, ceil(extract(epoch from oldest + failure_window - now())))::int;
    perform set_config('response.status', '429', true);
    perform set_config('response.headers', json_build_array(json_build_object('Retry-After', wait_seconds::text))::text, true);
    return json_build_object(
      'code', 'PT429',
      'message', format('too many wrong attempts: try again in %s minute%s',
                        ceil(wait_seconds / 60.0)::int, case when wait_seconds > 60 then 's' else '' end),
      'details', null,
      'hint', format('retry after %s seconds', wait_seconds));
  end if;

  if coalesce(p_password, '') <> '' then
    -- bcrypt's $2b$ and $2a$ hash the same; pgcrypto reads $2a$.
    stored := regexp_replace(coalesce(account.encrypted_password, ''), '^\$2b\$', '$2a$');
    proven := stored ~ '^\$2[axy]\$' and extensions.crypt(p_password, stored) = stored;
  else
    -- GoTrue's /reauthenticate code: hex SHA-224 of address and code, valid for an hour.
    proven := coalesce(account.reauthentication_token, '') <> ''
      and account.reauthentication_sent_at >= now() - interval '1 hour'
      and encode(extensions.digest(coalesce(account.email, '') || btrim(p_code), 'sha224'), 'hex')
          = account.reauthentication_token;
  end if;
  if proven then
    return null;
  end if;
  insert into private.reauthentication_failures (user_id) values (p_user_id);
  perform set_config('response.status', '403', true);
  return json_build_object(
    'code', '42501',
    'message', case when coalesce(p_password, '') <> '' then 'the password is not correct'
                    else 'the code is not valid or has expired' end,
    'details', null,
    'hint', null);
end;
$function$
;

CREATE OR REPLACE FUNCTION private.receive_follow(p_activity_uri text, p_follower_id uuid, p_followee_id uuid)
 RETURNS public.remote_follows
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  verdict text;
  result public.remote_follows;
begin
  if not exists (select 1 from public.profiles p where p.id = p_follower_id and p.domain is not null)
     or not exists (select 1 from public.profiles p where p.id = p_followee_id and p.domain is null) then
    raise exception 'a follow goes from a remote actor to a local user' using errcode = '22023';
  end if;
  verdict := case when exists (select 1 from public.user_blocks b
                                where b.blocker_id = p_followee_id and b.blocked_id = p_follower_id)
                  then 'rejected' else 'accepted' end;
  insert into public.remote_follows (follower_id, followee_id, state, activity_uri)
  values (p_follower_id, p_followee_id, verdict, p_activity_uri)
  on conflict (follower_id, followee_id) do update
    set state = excluded.state, activity_uri = excluded.activity_uri, updated_at = now()
  returning * into result;
  return result;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.receive_follow_answer(p_activity_uri text, p_followee_id uuid, p_accepted boolean)
 RETURNS public.remote_follows
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  update public.remote_follows f
     set state = case when p_accepted then 'accepted' else 'rejected' end, updated_at = now()
   where f.activity_uri = p_activity_uri and f.followee_id = p_followee_id
  returning *;
$function$
;

CREATE OR REPLACE FUNCTION private.receive_group_accept(p_activity_uri text, p_group_profile_id uuid)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  joined public.remote_server_joins;
begin
  update public.remote_server_joins j set state = 'accepted'
    from private.remote_servers r
   where j.activity_uri = p_activity_uri and r.server_id = j.server_id and r.group_profile_id = p_group_profile_id
     and j.state in ('pending', 'accepted')
  returning j.* into joined;
  if joined.id is null then
    return false;
  end if;
  insert into public.server_members (server_id, profile_id) values (joined.server_id, joined.profile_id)
  on conflict do nothing;
  return true;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.receive_group_follow(p_server_id uuid, p_profile_id uuid)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if not exists (select 1 from private.server_federation f where f.server_id = p_server_id and f.federated)
     or not exists (select 1 from public.profiles p where p.id = p_profile_id and p.domain is not null)
     or exists (select 1 from public.server_bans b where b.server_id = p_server_id and b.profile_id = p_profile_id)
  then
    return false;
  end if;
  insert into public.server_members (server_id, profile_id) values (p_server_id, p_profile_id)
  on conflict do nothing;
  return true;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.receive_group_note(p_object_uri text, p_server_id uuid, p_channel_id uuid, p_author_id uuid, p_content text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  existing uuid;
  perms bigint;
  created uuid;
begin
  select o.message_id into existing from private.ap_objects o where o.object_uri = p_object_uri;
  if existing is not null then
    return existing;
  end if;
  perms := private.stored_channel_permissions(p_channel_id, p_author_id);
  if not exists (select 1 from public.channels c
                   join private.server_federation f on f.server_id = c.server_id and f.federated
                  where c.id = p_channel_id and c.server_id = p_server_id)
     or not exists (select 1 from public.profiles p where p.id = p_author_id and p.domain is not null)
     or not private.channel_is_public(p_channel_id)
     or perms & (public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES'))
        <> (public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES'))
     or nullif(btrim(coalesce(p_content, '')), '') is null then
    return null;
  end if;
  insert into public.messages (channel_id, author_id, content)
  values (p_channel_id, p_author_id, left(p_content, 4000))
  returning id into created;
  insert into private.ap_objects (object_uri, message_id, author_id) values (p_object_uri, created, p_author_id);
  return created;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.receive_group_note_update(p_object_uri text, p_author_id uuid, p_content text)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  target public.messages;
begin
  select m.* into target
    from private.ap_objects o join public.messages m on m.id = o.message_id
   where o.object_uri = p_object_uri and o.author_id = p_author_id and m.deleted_at is null;
  if target.id is null then
    return false;
  end if;
  if not private.channel_is_public(target.channel_id)
     or private.stored_channel_permissions(target.channel_id, p_author_id)
        & (public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES'))
        <> (public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES'))
     or nullif(btrim(coalesce(p_content, '')), '') is null then
    perform private.enqueue_job('federation-relay',
      jsonb_build_object('message_id', target.id, 'action', 'update', 'at', now()));
    return false;
  end if;
  update public.messages set content = left(p_content, 4000) where id = target.id;
  return true;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.receive_group_reject(p_group_profile_id uuid, p_profile_id uuid)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  mirror uuid;
begin
  select r.server_id into mirror from private.remote_servers r where r.group_profile_id = p_group_profile_id;
  if mirror is null then
    return false;
  end if;
  perform set_config('harmony.federation_inbound', 'on', true);
  update public.remote_server_joins j set state = 'rejected'
   where j.server_id = mirror and j.profile_id = p_profile_id and j.state in ('pending', 'accepted');
  delete from public.server_members m where m.server_id = mirror and m.profile_id = p_profile_id;
  return true;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.receive_group_relay_delete(p_group_profile_id uuid, p_object_uri text, p_local_message_id uuid)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  target uuid := private.mirror_message(p_group_profile_id, p_object_uri, p_local_message_id);
begin
  if target is null then
    return false;
  end if;
  perform set_config('harmony.federation_inbound', 'on', true);
  update public.messages
     set deleted_at = now(), content = '', attachments = '[]', embeds = '[]',
         mention_profile_ids = '{}', mention_role_ids = '{}', mention_everyone = false,
         pinned_at = null, pinned_by = null
   where id = target and deleted_at is null;
  delete from public.message_reactions where message_id = target;
  delete from public.notifications where message_id = target;
  return true;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.receive_group_relay_note(p_group_profile_id uuid, p_channel_uri text, p_object_uri text, p_local_message_id uuid, p_author_id uuid, p_content text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  existing uuid := private.mirror_message(p_group_profile_id, p_object_uri, p_local_message_id);
  channel uuid;
  created uuid;
begin
  if existing is not null or p_local_message_id is not null then
    return existing;
  end if;
  select rc.channel_id into channel
    from private.remote_channels rc
    join private.remote_servers r on r.server_id = rc.server_id and r.group_profile_id = p_group_profile_id
   where rc.channel_uri = p_channel_uri;
  if channel is null or p_author_id is null or nullif(btrim(coalesce(p_content, '')), '') is null
     or exists (select 1 from private.ap_objects o where o.object_uri = p_object_uri) then
    return null;
  end if;
  perform set_config('harmony.federation_inbound', 'on', true);
  insert into public.messages (channel_id, author_id, content)
  values (channel, p_author_id, left(p_content, 4000))
  returning id into created;
  insert into private.ap_objects (object_uri, message_id, author_id) values (p_object_uri, created, p_author_id);
  return created;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.receive_group_relay_update(p_group_profile_id uuid, p_object_uri text, p_local_message_id uuid, p_content text)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform set_config('harmony.federation_inbound', 'on', true);
  update public.messages m set content = left(p_content, 4000)
   where m.id = private.mirror_message(p_group_profile_id, p_object_uri, p_local_message_id)
     and m.deleted_at is null and m.content is distinct from left(p_content, 4000);
  return found;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.receive_group_unfollow(p_server_id uuid, p_profile_id uuid)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform set_config('harmony.federation_inbound', 'on', true);
  delete from public.server_members m using public.profiles p
   where m.server_id = p_server_id and m.profile_id = p_profile_id and p.id = m.profile_id and p.domain is not null;
  return found;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.receive_remote_note(p_object_uri text, p_author_id uuid, p_recipient_id uuid, p_content text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  existing uuid;
  dm uuid;
  created uuid;
begin
  select o.message_id into existing from private.ap_objects o where o.object_uri = p_object_uri;
  if existing is not null then
    return existing;
  end if;
  if not exists (select 1 from public.profiles p where p.id = p_recipient_id and p.domain is null)
     or not private.remote_dm_allowed(p_recipient_id, p_author_id) then
    return null;
  end if;
  dm := private.remote_dm_channel(p_recipient_id, p_author_id);
  insert into public.messages (channel_id, author_id, content)
  values (dm, p_author_id, left(p_content, 4000))
  returning id into created;
  insert into private.ap_objects (object_uri, message_id, author_id) values (p_object_uri, created, p_author_id);
  return created;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.receive_remote_note_delete(p_object_uri text, p_author_id uuid)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  target uuid;
begin
  select o.message_id into target from private.ap_objects o
   where o.object_uri = p_object_uri and o.author_id = p_author_id;
  if target is null then
    return false;
  end if;
  update public.messages
     set deleted_at = now(), content = '', attachments = '[]', embeds = '[]',
         mention_profile_ids = '{}', mention_role_ids = '{}', mention_everyone = false,
         pinned_at = null, pinned_by = null
   where id = target and deleted_at is null;
  delete from public.message_reactions where message_id = target;
  delete from public.notifications where message_id = target;
  return true;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.receive_remote_note_update(p_object_uri text, p_author_id uuid, p_content text)
 RETURNS boolean
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  with edited as (
    update public.messages m set content = left(p_content, 4000)
      from private.ap_objects o
     where o.object_uri = p_object_uri and o.author_id = p_author_id and m.id = o.message_id
       and m.deleted_at is null
    returning 1)
  select exists (select 1 from edited);
$function$
;

CREATE OR REPLACE FUNCTION private.receive_unfollow(p_follower_id uuid, p_followee_id uuid)
 RETURNS boolean
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  with removed as (
    delete from public.remote_follows f where f.follower_id = p_follower_id and f.followee_id = p_followee_id
    returning 1)
  select exists (select 1 from removed);
$function$
;

CREATE OR REPLACE FUNCTION private.refresh_channel_permissions(p_server_id uuid, p_channel_id uuid DEFAULT NULL::uuid, p_profile_ids uuid[] DEFAULT NULL::uuid[])
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
begin
  if p_server_id is null then
    return;
  end if;
  perform private.lock_channel_permissions(p_server_id);
  with members as materialized (
    select m.profile_id, m.timed_out_until, s.owner_id = m.profile_id as is_owner,
           everyone.permissions as everyone,
           array[coalesce((select bit_or(r.permissions)
                             from public.member_roles mr join public.roles r on r.id = mr.role_id
                            where mr.server_id = m.server_id and mr.profile_id = m.profile_id), 0)] as role_permissions
      from public.server_members m
      join public.servers s on s.id = m.server_id
      left join public.roles everyone on everyone.id = s.id
     where m.server_id = p_server_id
       and (p_profile_ids is null or m.profile_id = any(p_profile_ids))
  ),
  pairs as (
    select mb.*, c.id as channel_id, c.parent_id is not null as is_thread,
           everyone_ow.allow as everyone_allow, everyone_ow.deny as everyone_deny,
           role_ow.allow as roles_allow, role_ow.deny as roles_deny,
           member_ow.allow as member_allow, member_ow.deny as member_deny
      from members mb
      join public.channels c on c.server_id = p_server_id
       and (p_channel_id is null or c.id = p_channel_id or c.parent_id = p_channel_id)
      left join public.channel_overwrites everyone_ow
        on everyone_ow.channel_id = coalesce(c.parent_id, c.id) and everyone_ow.target_type = 'role'
       and everyone_ow.target_id = p_server_id
      left join lateral (
        select bit_or(o.allow) as allow, bit_or(o.deny) as deny
          from public.channel_overwrites o
          join public.member_roles mr
            on mr.role_id = o.target_id and mr.server_id = p_server_id and mr.profile_id = mb.profile_id
         where o.channel_id = coalesce(c.parent_id, c.id) and o.target_type = 'role'
      ) role_ow on true
      left join public.channel_overwrites member_ow
        on member_ow.channel_id = coalesce(c.parent_id, c.id) and member_ow.target_type = 'member'
       and member_ow.target_id = mb.profile_id
  ),
  computed as (
    select p.profile_id, p.channel_id, p.is_thread, p.timed_out_until,
           case when p.everyone is null then 0
                else public.compute_channel_permissions(p.is_owner, p.everyone, p.role_permissions,
                       p.everyone_allow, p.everyone_deny, p.roles_allow, p.roles_deny,
                       p.member_allow, p.member_deny, false) end as permissions,
           case when p.timed_out_until is null then null
                when p.everyone is null then 0
                else public.compute_channel_permissions(p.is_owner, p.everyone, p.role_permissions,
                       p.everyone_allow, p.everyone_deny, p.roles_allow, p.roles_deny,
                       p.member_allow, p.member_deny, true) end as timed_out_permissions
      from pairs p
  )
  insert into private.channel_member_permissions as t
    (profile_id, channel_id, server_id, permissions, timed_out_until, timed_out_permissions)
  select c.profile_id, c.channel_id, p_server_id,
         case when c.is_thread then private.thread_permissions(c.permissions) else c.permissions end,
         c.timed_out_until,
         case when c.is_thread then private.thread_permissions(c.timed_out_permissions)
              else c.timed_out_permissions end
    from computed c
  on conflict (profile_id, channel_id) do update
     set server_id = excluded.server_id,
         permissions = excluded.permissions,
         timed_out_until = excluded.timed_out_until,
         timed_out_permissions = excluded.timed_out_permissions
   where (t.server_id, t.permissions, t.timed_out_until, t.timed_out_permissions)
         is distinct from (excluded.server_id, excluded.permissions, excluded.timed_out_until,
                           excluded.timed_out_permissions);
end;
$function$
;

CREATE OR REPLACE FUNCTION private.refuse_bot_dm()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if new.type in ('dm', 'group_dm') then
    perform private.refuse_bot_dms();
  end if;
  return new;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.refuse_bot_dms()
 RETURNS void
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if private.caller_is_bot() then
    raise exception 'bots cannot open direct messages or group DMs' using errcode = '42501';
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.refuse_bot_friend_request()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if private.bot_of_profile(new.sender_id) is not null or private.bot_of_profile(new.recipient_id) is not null then
    raise exception 'bots cannot send or receive friend requests' using errcode = '42501';
  end if;
  return new;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.refuse_bot_server()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if private.bot_of_profile(new.owner_id) is not null then
    raise exception 'bots cannot create or own servers' using errcode = '42501';
  end if;
  return new;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.reject_view_write()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
begin
  raise exception 'view %.% is read-only', tg_table_schema, tg_table_name using errcode = '42501';
end;
$function$
;

CREATE OR REPLACE FUNCTION private.remote_dm_allowed(p_local_id uuid, p_remote_id uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (select 1 from public.profiles p where p.id = p_remote_id and p.domain is not null)
     and exists (select 1 from public.remote_follows f
                  where f.state = 'accepted'
                    and (f.follower_id, f.followee_id) in ((p_local_id, p_remote_id), (p_remote_id, p_local_id)))
     and not exists (select 1 from public.user_blocks b
                      where (b.blocker_id, b.blocked_id) in ((p_local_id, p_remote_id), (p_remote_id, p_local_id)))
     and not exists (select 1 from public.profiles p
                       join public.federated_instances i on i.domain = p.domain and i.status = 'blocked'
                      where p.id = p_remote_id);
$function$
;

CREATE OR REPLACE FUNCTION private.remote_dm_channel(p_local_id uuid, p_remote_id uuid)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  dm uuid;
begin
  perform pg_advisory_xact_lock(hashtextextended('harmony.dm:' || least(p_local_id, p_remote_id)::text
                                                 || greatest(p_local_id, p_remote_id)::text, 0));
  select c.id into dm
    from public.channels c
    join public.channel_recipients mine on mine.channel_id = c.id and mine.profile_id = p_local_id
    join public.channel_recipients theirs on theirs.channel_id = c.id and theirs.profile_id = p_remote_id
   where c.type = 'dm';
  if dm is null then
    insert into public.channels (type) values ('dm') returning id into dm;
    insert into public.channel_recipients (channel_id, profile_id, closed)
    values (dm, p_local_id, false), (dm, p_remote_id, false);
  end if;
  return dm;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.remote_lookup_handle(p_lookup_id uuid)
 RETURNS text
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select l.handle from private.remote_lookups l where l.id = p_lookup_id and l.status = 'pending';
$function$
;

CREATE OR REPLACE FUNCTION private.remote_username(p_name text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  -- (rpad also cuts longer text: only short names are padded.)
  select case when char_length(n) < 2 then rpad(n, 2, '_') else n end
    from (select left(regexp_replace(lower(coalesce(p_name, '')), '[^a-z0-9_.]', '_', 'g'), 32) as n) s;
$function$
;

CREATE OR REPLACE FUNCTION private.reordering(p_server_id uuid)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
begin
  return p_server_id is not null and current_setting('harmony.reordering_server', true) = p_server_id::text;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.require_instance_admin()
 RETURNS void
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated')
     and not exists (select 1 from public.instance_admins a where a.user_id = (select auth.uid())) then
    raise exception 'only an instance admin can change federation settings' using errcode = '42501';
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.require_permission_query(p_profile_id uuid, p_server_id uuid, p_channel_id uuid, p_others_need text[])
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
declare
  me uuid;
  needed bigint := (select bit_or(public.permission(flag)) from unnest(p_others_need) as flag);
  mine bigint;
begin
  if coalesce(current_setting('role', true), 'none') not in ('anon', 'authenticated') then
    return;
  end if;
  me := public.get_current_profile_id();
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  if p_profile_id = me then
    return;
  end if;
  mine := case when p_channel_id is not null then private.channel_permissions(p_channel_id, me)
               else private.server_permissions(p_server_id, me) end;
  if mine & needed <> needed then
    raise exception 'viewing the permissions of others needs % here', array_to_string(p_others_need, ' and ')
      using errcode = '42501';
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.role_order(p_server_id uuid)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select jsonb_build_object(
    'roles', coalesce((select jsonb_agg(r.id order by r.position desc, r.id)
                         from public.roles r where r.server_id = p_server_id and r.id <> p_server_id), '[]'))
$function$
;

CREATE OR REPLACE FUNCTION private.roles_sync_channel_permissions()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  role_row public.roles := coalesce(new, old);
  affected record;
begin
  if exists (select 1 from public.servers s where s.id = role_row.id) then
    perform private.refresh_channel_permissions(role_row.id);
  elsif tg_op = 'UPDATE' then
    -- Before reading who holds it: a holder added concurrently is then committed and seen.
    perform private.lock_channel_permissions(role_row.server_id);
    for affected in
      select mr.server_id, array_agg(mr.profile_id) as profile_ids
        from public.member_roles mr where mr.role_id = role_row.id group by mr.server_id
    loop
      perform private.refresh_channel_permissions(affected.server_id, null, affected.profile_ids);
    end loop;
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.server_members_sync_channel_permissions()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  affected record;
begin
  for affected in
    select c.server_id, array_agg(c.profile_id) as profile_ids from changed_members c group by c.server_id
  loop
    if tg_op = 'INSERT' then
      perform private.refresh_channel_permissions(affected.server_id, null, affected.profile_ids);
    else
      perform private.lock_channel_permissions(affected.server_id);
      delete from private.channel_member_permissions p
       where p.server_id = affected.server_id and p.profile_id = any(affected.profile_ids);
    end if;
  end loop;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.server_members_timeout_channel_permissions()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform private.refresh_channel_permissions(new.server_id, null, array[new.profile_id]);
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.server_permissions(p_server_id uuid, p_profile_id uuid)
 RETURNS bigint
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  is_owner boolean;
  timed_out boolean;
  base bigint;
begin
  select s.owner_id = p_profile_id,
         coalesce(m.timed_out_until > now(), false),
         everyone.permissions | coalesce((
           select bit_or(r.permissions) from public.member_roles mr join public.roles r on r.id = mr.role_id
            where mr.server_id = m.server_id and mr.profile_id = m.profile_id), 0)
    into is_owner, timed_out, base
    from public.server_members m
    join public.servers s on s.id = m.server_id
    join public.roles everyone on everyone.id = s.id
   where m.server_id = p_server_id and m.profile_id = p_profile_id;
  if not found then
    return 0;
  end if;
  if is_owner or base & public.permission('ADMINISTRATOR') <> 0 then
    return public.all_permissions();
  end if;
  if timed_out then
    return base & (public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY'));
  end if;
  return base;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.servers_sync_channel_permissions()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform private.refresh_channel_permissions(new.id, null, array[old.owner_id, new.owner_id]);
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.set_follow_activity(p_follow_id uuid, p_activity_uri text)
 RETURNS public.remote_follows
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  update public.remote_follows f set activity_uri = coalesce(f.activity_uri, p_activity_uri), updated_at = now()
   where f.id = p_follow_id
  returning *;
$function$
;

CREATE OR REPLACE FUNCTION private.settle_group_dm_call(p_call public.dm_calls)
 RETURNS public.dm_calls
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  joined integer;
  ringing integer;
begin
  if p_call.status not in ('ringing', 'active') then
    return p_call;
  end if;
  select count(*) filter (where m.state = 'joined'), count(*) filter (where m.state = 'ringing')
    into joined, ringing
    from public.dm_call_members m where m.call_id = p_call.id;
  if joined = 0 then
    return private.finish_dm_call(p_call, case when p_call.answered_at is not null then 'ended' else 'missed' end);
  end if;
  if p_call.status = 'ringing' and ringing = 0 and joined = 1 then
    return private.finish_dm_call(p_call, 'declined');
  end if;
  return p_call;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.settle_stale_dm_call(p_call public.dm_calls)
 RETURNS public.dm_calls
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if p_call.status = 'ringing'
     and p_call.created_at <= now() - make_interval(secs => private.dm_call_ring_seconds()) then
    return private.finish_dm_call(p_call, 'missed');
  end if;
  return p_call;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.store_message_embeds(p_message_id uuid, p_content text, p_embeds jsonb)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if jsonb_typeof(p_embeds) is distinct from 'array' or jsonb_array_length(p_embeds) > 10
     or exists (select 1 from jsonb_array_elements(p_embeds) e where not private.is_link_preview(e.value)) then
    raise exception 'embeds must be an array of at most 10 link previews' using errcode = '22023';
  end if;
  update public.messages m set embeds = private.without_link_previews(m.embeds) || p_embeds
   where m.id = p_message_id and m.content = p_content and m.deleted_at is null and not m.suppress_embeds
     and m.embeds is distinct from private.without_link_previews(m.embeds) || p_embeds;
  return found;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.stored_channel_permissions(p_channel_id uuid, p_profile_id uuid)
 RETURNS bigint
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
begin
  return coalesce(
    (select p.permissions from private.channel_member_permissions_now p
      where p.profile_id = p_profile_id and p.channel_id = p_channel_id),
    (select private.channel_permissions(c.id, p_profile_id) from public.channels c
      where c.id = p_channel_id and c.server_id is null),
    0);
end;
$function$
;

CREATE OR REPLACE FUNCTION private.stored_permission_row(p_profile_id uuid)
 RETURNS boolean
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE COST 10000
 SET search_path TO ''
AS $function$
begin
  return p_profile_id is not null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.suppresses_everyone(p_profile_id uuid, p_server_id uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select coalesce((select s.suppress_everyone from public.server_notification_settings s
                    where s.profile_id = p_profile_id and s.server_id = p_server_id), false)
$function$
;

CREATE OR REPLACE FUNCTION private.sync_remote_server(p_join_id uuid, p_group_uri text, p_group_profile_id uuid, p_name text, p_icon_url text, p_channels jsonb, p_activity_uri text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  mirror uuid;
  ch jsonb;
  existing uuid;
begin
  perform pg_advisory_xact_lock(hashtextextended('harmony.mirror:' || p_group_uri, 0));
  select r.server_id into mirror from private.remote_servers r where r.group_uri = p_group_uri;
  if mirror is null then
    mirror := gen_random_uuid();
    insert into public.servers (id, name, owner_id, icon_url)
    values (mirror, left(coalesce(nullif(btrim(p_name), ''), 'Remote server'), 100), p_group_profile_id, p_icon_url);
    -- Read and write in the mirrored channels; nothing to manage here.
    insert into public.roles (id, server_id, name, position, permissions)
    values (mirror, mirror, '@everyone', 0, public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES')
                                           | public.permission('READ_MESSAGE_HISTORY'));
    insert into private.remote_servers (server_id, group_uri, group_profile_id)
    values (mirror, p_group_uri, p_group_profile_id);
  else
    update public.servers s
       set name = left(coalesce(nullif(btrim(p_name), ''), s.name), 100), icon_url = coalesce(p_icon_url, s.icon_url)
     where s.id = mirror
       and (s.name, s.icon_url) is distinct from
           (left(coalesce(nullif(btrim(p_name), ''), s.name), 100), coalesce(p_icon_url, s.icon_url));
  end if;
  for ch in select * from jsonb_array_elements(coalesce(p_channels, '[]')) loop
    continue when ch->>'uri' !~ '^https?://' or lower(split_part(split_part(ch->>'uri', '://', 2), '/', 1))
                  <> lower(split_part(split_part(p_group_uri, '://', 2), '/', 1));
    select rc.channel_id into existing from private.remote_channels rc where rc.channel_uri = ch->>'uri';
    if existing is null then
      insert into public.channels (server_id, type, name, topic, position)
      values (mirror, 'text', public.channel_name(left(coalesce(ch->>'name', 'channel'), 100), 'text'),
              left(ch->>'topic', 1024), coalesce((ch->>'position')::int, 0))
      returning id into existing;
      insert into private.remote_channels (channel_id, server_id, channel_uri) values (existing, mirror, ch->>'uri');
    else
      update public.channels c
         set name = public.channel_name(left(coalesce(ch->>'name', c.name), 100), 'text'),
             topic = left(ch->>'topic', 1024), position = coalesce((ch->>'position')::int, c.position)
       where c.id = existing
         and (c.name, c.topic, c.position) is distinct from
             (public.channel_name(left(coalesce(ch->>'name', c.name), 100), 'text'), left(ch->>'topic', 1024),
              coalesce((ch->>'position')::int, c.position));
    end if;
  end loop;
  if p_join_id is not null then
    update public.remote_server_joins j
       set server_id = mirror, activity_uri = coalesce(j.activity_uri, p_activity_uri)
     where j.id = p_join_id;
  end if;
  return mirror;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.thread_archived(p_thread public.threads)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
begin
  return p_thread.archived_at is not null
      or p_thread.last_activity_at + make_interval(mins => p_thread.auto_archive_minutes) <= now();
end;
$function$
;

CREATE OR REPLACE FUNCTION private.thread_permissions(p_parent_permissions bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO ''
AS $function$
declare
  send constant bigint := public.permission('SEND_MESSAGES');
begin
  return (p_parent_permissions & ~send)
       | case when p_parent_permissions & public.permission('SEND_MESSAGES_IN_THREADS') <> 0 then send else 0 end;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.thread_summary(p_thread public.threads)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
begin
  return (
    select jsonb_build_object(
      'id', p_thread.channel_id, 'parent_id', p_thread.parent_id, 'server_id', c.server_id, 'name', c.name,
      'owner_id', p_thread.owner_id, 'starter_message_id', p_thread.starter_message_id,
      'auto_archive_minutes', p_thread.auto_archive_minutes,
      'archived', private.thread_archived(p_thread),
      'archived_at', coalesce(p_thread.archived_at, case when private.thread_archived(p_thread)
        then p_thread.last_activity_at + make_interval(mins => p_thread.auto_archive_minutes) end),
      'archive_at', p_thread.last_activity_at + make_interval(mins => p_thread.auto_archive_minutes),
      'locked', p_thread.locked, 'message_count', p_thread.message_count,
      'member_count', (select count(*) from public.thread_members m where m.thread_id = p_thread.channel_id),
      'last_message_at', p_thread.last_message_at, 'last_author_id', p_thread.last_author_id,
      'created_at', p_thread.created_at)
      from public.channels c where c.id = p_thread.channel_id);
end;
$function$
;

CREATE OR REPLACE FUNCTION private.track_preview_image_uses()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if tg_op = 'UPDATE' then
    delete from private.link_preview_image_uses where message_id = new.id;
  end if;
  if new.deleted_at is null then
    insert into private.link_preview_image_uses (message_id, image_id)
    select new.id, ids.id from private.preview_image_ids(new.embeds) as ids(id)
    on conflict do nothing;
  end if;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION private.without_link_previews(p_embeds jsonb)
 RETURNS jsonb
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select coalesce(jsonb_agg(e.value order by e.ordinality), '[]'::jsonb)
    from jsonb_array_elements(p_embeds) with ordinality e
   where not private.is_link_preview(e.value)
$function$
;

CREATE OR REPLACE FUNCTION private.write_mention_targets(p_message public.messages)
 RETURNS void
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  insert into private.message_mention_targets (target_id, channel_id, seq, author_id)
  select t.id, p_message.channel_id, p_message.seq, p_message.author_id
    from (select unnest(p_message.mention_profile_ids) as id
          union select unnest(p_message.mention_role_ids)
          union select p_message.channel_id where p_message.mention_everyone) t
  on conflict do nothing
$function$
;

CREATE OR REPLACE FUNCTION public.accept_friend_request(p_request_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
  sender uuid;
begin
  select r.sender_id into sender from public.friend_requests r
   where r.id = p_request_id and r.recipient_id = me;
  if sender is null then
    raise exception 'friend request not found' using errcode = 'PT404';
  end if;
  perform public.make_friends(me, sender);
  perform public.send_notification(sender, 'friend_accept', me);
end;
$function$
;

CREATE OR REPLACE FUNCTION public.add_group_dm_recipient(p_channel_id uuid, p_profile_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  dm public.channels := public.my_group_dm_for_update(p_channel_id);
begin
  if p_profile_id is null then
    raise exception 'a profile is required' using errcode = '22004';
  end if;
  if dm.owner_id is distinct from me then
    raise exception 'only the group owner can add people' using errcode = '42501';
  end if;
  if exists (select 1 from public.channel_recipients r where r.channel_id = dm.id and r.profile_id = p_profile_id) then
    raise exception 'already in this group' using errcode = '23505';
  end if;
  if not exists (select 1 from public.friendships f
                  where f.profile_a = least(me, p_profile_id) and f.profile_b = greatest(me, p_profile_id)) then
    raise exception 'you can only add friends to a group DM' using errcode = 'PT404';
  end if;
  if (select count(*) from public.channel_recipients r where r.channel_id = dm.id) >= 10 then
    raise exception 'a group DM can have at most 10 members' using errcode = '23514';
  end if;
  insert into public.channel_recipients (channel_id, profile_id) values (dm.id, p_profile_id);
end;
$function$
;

CREATE OR REPLACE FUNCTION public.all_permissions()
 RETURNS bigint
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO ''
AS $function$ select ((1::bigint << 53) - 1) & ~(1::bigint << 47) $function$
;

CREATE OR REPLACE FUNCTION public.answer_dm_call(p_call_id uuid, p_accept boolean)
 RETURNS public.dm_calls
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  call public.dm_calls;
begin
  select * into call from public.dm_calls d where d.id = p_call_id and d.callee_id is null;
  if found then
    call := private.settle_stale_dm_call(private.my_group_dm_call_for_update(p_call_id, me));
    if call.status not in ('ringing', 'active') then
      raise exception 'this call is over' using errcode = 'PT409';
    end if;
    if p_accept then
      return private.join_group_dm_call(call, me);
    end if;
    update public.dm_call_members m set state = 'declined', updated_at = now()
     where m.call_id = call.id and m.profile_id = me and m.state = 'ringing';
    call := private.settle_group_dm_call(call);
    perform private.announce_group_dm_call(call.id);
    return call;
  end if;
  select * into call from public.dm_calls d where d.id = p_call_id and me in (d.caller_id, d.callee_id) for update;
  if not found then
    raise exception 'call not found' using errcode = 'PT404';
  end if;
  if call.callee_id <> me then
    raise exception 'only the person called can answer' using errcode = '42501';
  end if;
  call := private.settle_stale_dm_call(call);
  if call.status <> 'ringing' then
    raise exception 'this call is over' using errcode = 'PT409';
  end if;
  if not p_accept then
    return private.finish_dm_call(call, 'declined');
  end if;
  update public.dm_calls set status = 'active', answered_at = now() where id = call.id returning * into call;
  return call;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.are_friends(p_a uuid, p_b uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (
    select 1 from public.friendships f where f.profile_a = least(p_a, p_b) and f.profile_b = greatest(p_a, p_b)
  )
$function$
;

CREATE OR REPLACE FUNCTION public.assign_role(p_server_id uuid, p_profile_id uuid, p_role_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform public.require_role_change(p_server_id, p_profile_id, p_role_id);
  insert into public.member_roles (server_id, profile_id, role_id)
  values (p_server_id, p_profile_id, p_role_id)
  on conflict do nothing;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.attachment_is_valid(p_attachment jsonb, p_channel_id uuid)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO ''
AS $function$
  select case
    when jsonb_typeof(p_attachment) <> 'object' then false
    -- Only the known keys, and the required ones present.
    when exists (
      select from jsonb_object_keys(p_attachment) as k(key)
      where k.key not in ('path', 'name', 'size', 'content_type', 'width', 'height', 'duration', 'waveform', 'spoiler')
    ) then false
    when jsonb_typeof(p_attachment -> 'path') is distinct from 'string'
      or jsonb_typeof(p_attachment -> 'name') is distinct from 'string'
      or jsonb_typeof(p_attachment -> 'size') is distinct from 'number'
      or jsonb_typeof(p_attachment -> 'content_type') is distinct from 'string' then false
    when p_channel_id is null
      or char_length(p_attachment ->> 'path') > 400
      or (p_attachment ->> 'path') !~ (
        '^' || p_channel_id::text || '/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/[^/]+$'
      ) then false
    when char_length(p_attachment ->> 'name') not between 1 and 255 then false
    when (p_attachment ->> 'size')::numeric not between 0 and 53687091200
      or (p_attachment ->> 'size')::numeric <> trunc((p_attachment ->> 'size')::numeric) then false
    when char_length(p_attachment ->> 'content_type') > 255
      or (p_attachment ->> 'content_type') !~ '^[a-zA-Z0-9!#$&^_.+-]+/[a-zA-Z0-9!#$&^_.+-]+( *;[ -~]*)?$' then false
    when not public.attachment_whole_number_is_valid(p_attachment -> 'width', 1, 65535)
      or not public.attachment_whole_number_is_valid(p_attachment -> 'height', 1, 65535) then false
    when p_attachment ? 'duration' and (
      jsonb_typeof(p_attachment -> 'duration') <> 'number'
      or (p_attachment ->> 'duration')::numeric not between 0 and 86400
    ) then false
    when p_attachment ? 'spoiler' and jsonb_typeof(p_attachment -> 'spoiler') <> 'boolean' then false
    when p_attachment ? 'waveform' and (
      jsonb_typeof(p_attachment -> 'waveform') <> 'array'
      or jsonb_array_length(p_attachment -> 'waveform') not between 1 and 256
      or exists (
        select from jsonb_array_elements(p_attachment -> 'waveform') as w(sample)
        where not public.attachment_whole_number_is_valid(w.sample, 0, 255)
      )
    ) then false
    else true
  end
$function$
;

CREATE OR REPLACE FUNCTION public.attachment_whole_number_is_valid(p_value jsonb, p_low numeric, p_high numeric)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO ''
AS $function$
  select case
    when p_value is null then true
    when jsonb_typeof(p_value) <> 'number' then false
    else p_value::text::numeric between p_low and p_high
      and p_value::text::numeric = trunc(p_value::text::numeric)
  end
$function$
;

CREATE OR REPLACE FUNCTION public.attachments_are_valid(p_attachments jsonb, p_channel_id uuid)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO ''
AS $function$
  select jsonb_typeof(p_attachments) = 'array'
    and jsonb_array_length(p_attachments) <= 10
    and not exists (
      select from jsonb_array_elements(p_attachments) as a(file)
      where not public.attachment_is_valid(a.file, p_channel_id)
    )
$function$
;

CREATE OR REPLACE FUNCTION public.audit_changes(p_before jsonb, p_after jsonb, p_ignore text[])
 RETURNS jsonb
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select coalesce(jsonb_object_agg(k, jsonb_build_object('before', p_before -> k, 'after', p_after -> k)), '{}')
    from jsonb_object_keys(coalesce(p_before, '{}') || coalesce(p_after, '{}')) as k
   where k <> all (p_ignore)
     and coalesce(p_before -> k, 'null') is distinct from coalesce(p_after -> k, 'null')
$function$
;

CREATE OR REPLACE FUNCTION public.audit_server_change()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  before jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  after jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  rec jsonb := coalesce(after, before);
  server uuid := (rec ->> 'server_id')::uuid;
  actor uuid := public.get_current_profile_id();
  reason text := nullif(current_setting('harmony.audit_reason', true), '');
  act public.audit_action;
  target uuid := (rec ->> 'id')::uuid;
  changes jsonb;
  noise constant text[] := array['id', 'server_id', 'created_at', 'updated_at'];
begin
  -- A reorder (set_channel_layout, reorder_roles) writes one channel_reorder / role_reorder row
  -- itself instead of one row per moved channel, category or role.
  if tg_op = 'UPDATE' and tg_table_name in ('channels', 'channel_categories', 'roles')
     and private.reordering(server) then
    return null;
  end if;
  case tg_table_name
    when 'servers' then
      server := target;
      act := 'server_update';
      changes := public.audit_changes(before, after, noise);
    when 'channels' then
      act := case tg_op when 'INSERT' then 'channel_create' when 'UPDATE' then 'channel_update'
                        else 'channel_delete' end;
      changes := public.audit_changes(before, after, noise);
    when 'channel_categories' then
      act := case tg_op when 'INSERT' then 'category_create' when 'UPDATE' then 'category_update'
                        else 'category_delete' end;
      changes := public.audit_changes(before, after, noise);
    when 'roles' then
      act := case tg_op when 'INSERT' then 'role_create' when 'UPDATE' then 'role_update' else 'role_delete' end;
      -- Positions shift whenever a role is created below another; that is not an edit.
      changes := public.audit_changes(before, after, noise || array['position']);
    when 'member_roles' then
      if not exists (select 1 from public.roles r where r.id = (rec ->> 'role_id')::uuid)
         or not exists (select 1 from public.server_members m
                         where m.server_id = server and m.profile_id = (rec ->> 'profile_id')::uuid) then
        return null;
      end if;
      act := 'member_role_update';
      target := (rec ->> 'profile_id')::uuid;
      changes := public.audit_changes(before, after, array['server_id', 'profile_id']);
    when 'channel_overwrites' then
      target := (rec ->> 'channel_id')::uuid;
      select c.server_id into server from public.channels c where c.id = target;
      act := 'overwrite_update';
      changes := jsonb_build_object('target_type', rec -> 'target_type', 'target_id', rec -> 'target_id')
        || public.audit_changes(before, after, array['channel_id', 'target_type', 'target_id']);
    when 'invites' then
      if tg_op = 'INSERT' then
        act := 'invite_create';
        changes := public.audit_changes(null, after, array['server_id', 'inviter_id', 'uses', 'created_at']);
      elsif before ->> 'revoked_at' is null and after ->> 'revoked_at' is not null then
        act := 'invite_revoke';
        changes := jsonb_build_object('code', rec -> 'code');
      else
        return null;
      end if;
      target := null;
    when 'server_bans' then
      target := (rec ->> 'profile_id')::uuid;
      if tg_op = 'INSERT' then
        act := 'member_ban';
        reason := rec ->> 'reason';
      elsif exists (select 1 from public.profiles p where p.id = target) then
        act := 'member_unban';
      else
        return null;
      end if;
      changes := '{}';
    when 'server_members' then
      target := (rec ->> 'profile_id')::uuid;
      if tg_op = 'UPDATE' and before -> 'timed_out_until' is distinct from after -> 'timed_out_until' then
        act := 'member_timeout';
        changes := public.audit_changes(jsonb_build_object('timed_out_until', before -> 'timed_out_until'),
                                        jsonb_build_object('timed_out_until', after -> 'timed_out_until'), '{}');
      elsif tg_op = 'UPDATE' then
        act := 'member_update';
        changes := public.audit_changes(jsonb_build_object('nickname', before -> 'nickname'),
                                        jsonb_build_object('nickname', after -> 'nickname'), '{}');
      elsif actor is distinct from target
            and exists (select 1 from public.profiles p where p.id = target)
            and not exists (select 1 from public.server_bans b where b.server_id = server and b.profile_id = target) then
        act := 'member_kick';
        changes := '{}';
      else
        return null;
      end if;
    when 'custom_emojis' then
      act := case tg_op when 'INSERT' then 'emoji_create' else 'emoji_delete' end;
      changes := public.audit_changes(before, after, noise || array['created_by']);
  end case;

  if tg_op = 'UPDATE' and changes = '{}' then
    return null;
  end if;
  insert into public.audit_log (server_id, actor_id, action, target_id, changes, reason)
  select server, actor, act, target, changes, reason
   where exists (select 1 from public.servers s where s.id = server);
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.ban_member(p_server_id uuid, p_profile_id uuid, p_reason text DEFAULT NULL::text, p_delete_message_seconds integer DEFAULT 0)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_server_permission(p_server_id, 'BAN_MEMBERS');
begin
  perform public.check_length(p_reason, 'reason', 512);
  if p_delete_message_seconds is null or p_delete_message_seconds not between 0 and 604800 then
    raise exception 'messages can be deleted from the last 0 to 604800 seconds' using errcode = '22023';
  end if;
  if not exists (select 1 from public.profiles p where p.id = p_profile_id) then
    raise exception 'user not found' using errcode = 'PT404';
  end if;
  perform public.require_moderatable(p_server_id, me, p_profile_id);
  if exists (select 1 from public.server_bans b where b.server_id = p_server_id and b.profile_id = p_profile_id) then
    raise exception 'this user is already banned' using errcode = '23505';
  end if;
  insert into public.server_bans (server_id, profile_id, reason, banned_by)
  values (p_server_id, p_profile_id, nullif(btrim(p_reason), ''), me);
  delete from public.server_members where server_id = p_server_id and profile_id = p_profile_id;
  if p_delete_message_seconds > 0 then
    update public.messages m
       set deleted_at = now(), content = '', attachments = '[]'
     where m.author_id = p_profile_id
       and m.deleted_at is null
       and m.created_at >= now() - make_interval(secs => p_delete_message_seconds)
       and m.channel_id in (select c.id from public.channels c where c.server_id = p_server_id);
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.block_user(p_profile_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  if p_profile_id = me then
    raise exception 'you cannot block yourself' using errcode = '22023';
  end if;
  if not exists (select 1 from public.profiles p where p.id = p_profile_id) then
    raise exception 'user not found' using errcode = 'PT404';
  end if;
  insert into public.user_blocks (blocker_id, blocked_id) values (me, p_profile_id) on conflict do nothing;
  delete from public.friendships f where f.profile_a = least(me, p_profile_id) and f.profile_b = greatest(me, p_profile_id);
  delete from public.friend_requests r where (r.sender_id, r.recipient_id) in ((me, p_profile_id), (p_profile_id, me));
end;
$function$
;

CREATE OR REPLACE FUNCTION public.bot_token_account(p_token text)
 RETURNS TABLE(bot_id uuid, profile_id uuid, user_id uuid)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  found_bot uuid := public.verify_bot_token(p_token);
begin
  return query
    select b.id, b.profile_id, p.user_id
      from public.bots b join public.profiles p on p.id = b.profile_id
     where b.id = found_bot;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.can_react(p_message_id uuid, p_emoji text)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
  message_channel uuid;
  channel_server uuid;
  perms bigint;
  read_bits constant bigint := public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY');
begin
  select m.channel_id, c.server_id into message_channel, channel_server
    from public.messages m join public.channels c on c.id = m.channel_id
   where m.id = p_message_id and m.deleted_at is null;
  if not found or me is null then
    return false;
  end if;
  perms := private.stored_channel_permissions(message_channel, me);
  if perms & read_bits <> read_bits then
    return false;
  end if;
  if perms & public.permission('ADD_REACTIONS') <> 0 then
    return true;
  end if;
  return channel_server is not null
     and exists (select 1 from public.message_reactions r where r.message_id = p_message_id and r.emoji = p_emoji)
     and not exists (select 1 from public.server_members sm
                      where sm.server_id = channel_server and sm.profile_id = me and sm.timed_out_until > now());
end;
$function$
;

CREATE OR REPLACE FUNCTION public.can_reply_to(p_channel_id uuid, p_message_id uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (
    select 1 from public.messages m
     where m.id = p_message_id and m.channel_id = p_channel_id and m.deleted_at is null
       and m.channel_id in (select public.readable_channel_ids())
  )
$function$
;

CREATE OR REPLACE FUNCTION public.channel_commands(p_channel_id uuid)
 RETURNS TABLE(id uuid, bot_id uuid, bot_name text, bot_profile_id uuid, name text, description text, options jsonb)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  channel_server uuid;
  perms bigint := private.stored_channel_permissions(p_channel_id, public.get_current_profile_id());
  needed constant bigint := public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES');
begin
  select c.server_id into channel_server from public.channels c where c.id = p_channel_id;
  if channel_server is null or coalesce(perms, 0) & needed <> needed then
    return;
  end if;
  return query
    select c.id, c.bot_id, b.name, b.profile_id, c.name, c.description, c.options
      from public.application_commands c
      join public.bots b on b.id = c.bot_id
      join public.bot_server_installs i on i.bot_id = c.bot_id and i.server_id = channel_server
     where (c.server_id is null or c.server_id = channel_server)
       and (c.default_member_permissions is null or perms & c.default_member_permissions = c.default_member_permissions)
     order by c.name, b.name;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.channel_ids_with(p_required bigint)
 RETURNS SETOF uuid
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
begin
  return query
    select p.channel_id from private.channel_member_permissions_now p
     where p.profile_id = me and p.permissions & p_required = p_required
    union all
    select r.channel_id from public.channel_recipients r where r.profile_id = me;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.channel_name(p_name text, p_type public.channel_type)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select case when p_type = 'text'
              then regexp_replace(lower(public.clean_name(p_name, 'channel name', 100)), '\s+', '-', 'g')
              else public.clean_name(p_name, 'channel name', 100) end
$function$
;

CREATE OR REPLACE FUNCTION public.channel_permissions(p_channel_id uuid, p_profile_id uuid)
 RETURNS bigint
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform private.require_permission_query(p_profile_id, null, p_channel_id, array['MANAGE_ROLES']);
  return private.channel_permissions(p_channel_id, p_profile_id);
end;
$function$
;

CREATE OR REPLACE FUNCTION public.check_category(p_server_id uuid, p_category_id uuid)
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
begin
  if p_category_id is not null and not exists (
    select 1 from public.channel_categories c where c.id = p_category_id and c.server_id = p_server_id
  ) then
    raise exception 'category not found' using errcode = 'PT404';
  end if;
  return p_category_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.check_length(p_value text, p_label text, p_max integer)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO ''
AS $function$
begin
  if char_length(p_value) > p_max then
    raise exception '% must be at most % characters', p_label, p_max using errcode = '22023';
  end if;
  return p_value;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.check_permission_mask(p_mask bigint, p_label text)
 RETURNS bigint
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO ''
AS $function$
begin
  if p_mask is null then
    raise exception '% is required', p_label using errcode = '22004';
  end if;
  if p_mask < 0 or p_mask & ~public.all_permissions() <> 0 then
    raise exception '% contains unknown permission bits', p_label using errcode = '22023';
  end if;
  return p_mask;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.claim_federation_jobs(p_worker text, p_limit integer DEFAULT 10)
 RETURNS SETOF private.federation_jobs
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if p_worker is null or char_length(btrim(p_worker)) not between 1 and 128 then
    raise exception 'worker id must be 1 to 128 characters' using errcode = '22023';
  end if;
  if p_limit is null or p_limit not between 1 and 1000 then
    raise exception 'limit must be between 1 and 1000' using errcode = '22023';
  end if;

  update private.federation_jobs j
     set status = 'failed', locked_at = null, locked_by = null, last_error = 'target instance is blocked'
    from public.federated_instances i
   where i.domain = j.target_domain and i.status = 'blocked'
     and (j.status = 'pending' or (j.status = 'processing' and j.locked_at < now() - interval '15 minutes'));

  return query
    update private.federation_jobs j
       set status = 'processing', locked_at = now(), locked_by = p_worker, attempts = j.attempts + 1
     where j.id in (
       select d.id from private.federation_jobs d
        where (d.status = 'pending' and d.next_attempt_at <= now())
           or (d.status = 'processing' and d.locked_at < now() - interval '15 minutes')
        order by d.next_attempt_at, d.id
        limit p_limit
        for update skip locked)
    returning j.*;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.claim_one_time_key(p_device_id uuid)
 RETURNS TABLE(key_id text, public_key text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
  device_owner uuid;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  select d.profile_id into device_owner from public.user_devices d
   where d.id = p_device_id and d.revoked_at is null;
  if device_owner is null or not public.shares_space_with(device_owner) then
    raise exception 'device not found' using errcode = 'PT404';
  end if;
  return query
    update public.device_one_time_keys k
       set claimed_at = now(), claimed_by = me
     where (k.device_id, k.key_id) = (
       select c.device_id, c.key_id from public.device_one_time_keys c
        where c.device_id = p_device_id and c.claimed_at is null
        order by c.created_at, c.key_id
        limit 1
        for update skip locked)
    returning k.key_id, k.public_key;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.clean_name(p_value text, p_label text, p_max integer)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO ''
AS $function$
begin
  if p_value is null then
    raise exception '% is required', p_label using errcode = '22004';
  end if;
  if char_length(btrim(p_value)) not between 1 and p_max then
    raise exception '% must be 1 to % characters', p_label, p_max using errcode = '22023';
  end if;
  return btrim(p_value);
end;
$function$
;

CREATE OR REPLACE FUNCTION public.close_dm(p_channel_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
begin
  update public.channel_recipients r set closed = true
   where r.channel_id = p_channel_id and r.profile_id = me
     and exists (select 1 from public.channels c where c.id = r.channel_id and c.type in ('dm', 'group_dm'));
  if not found then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.complete_federation_job(p_id bigint, p_error text DEFAULT NULL::text)
 RETURNS public.federation_job_status
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  job private.federation_jobs;
begin
  select * into job from private.federation_jobs j where j.id = p_id for update;
  if not found or job.status <> 'processing' then
    raise exception 'federation job % is not being processed', p_id using errcode = 'PT404';
  end if;
  if p_error is null then
    update private.federation_jobs j
       set status = 'done', locked_at = null, locked_by = null, last_error = null
     where j.id = p_id;
    return 'done';
  end if;
  if job.attempts >= job.max_attempts then
    update private.federation_jobs j
       set status = 'failed', locked_at = null, locked_by = null, last_error = left(p_error, 2000)
     where j.id = p_id;
    return 'failed';
  end if;
  update private.federation_jobs j
     set status = 'pending', locked_at = null, locked_by = null, last_error = left(p_error, 2000),
         next_attempt_at = now() + least(interval '30 seconds' * power(2, job.attempts - 1), interval '6 hours')
   where j.id = p_id;
  return 'pending';
end;
$function$
;

CREATE OR REPLACE FUNCTION public.compute_channel_permissions(is_owner boolean, everyone bigint, role_permissions bigint[], everyone_allow bigint, everyone_deny bigint, roles_allow bigint, roles_deny bigint, member_allow bigint, member_deny bigint, timed_out boolean)
 RETURNS bigint
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO ''
AS $function$
declare
  perms bigint := coalesce(everyone, 0);
  role_perms bigint;
  send_dependent bigint := public.permission('MENTION_EVERYONE') | public.permission('SEND_TTS_MESSAGES')
    | public.permission('ATTACH_FILES') | public.permission('EMBED_LINKS')
    | public.permission('SEND_POLLS') | public.permission('SEND_VOICE_MESSAGES');
  voice_dependent bigint := public.permission('SPEAK') | public.permission('STREAM')
    | public.permission('MUTE_MEMBERS') | public.permission('DEAFEN_MEMBERS') | public.permission('MOVE_MEMBERS')
    | public.permission('USE_VAD') | public.permission('PRIORITY_SPEAKER') | public.permission('REQUEST_TO_SPEAK')
    | public.permission('USE_SOUNDBOARD') | public.permission('USE_EXTERNAL_SOUNDS')
    | public.permission('SET_VOICE_CHANNEL_STATUS');
begin
  if is_owner then
    return public.all_permissions();
  end if;
  foreach role_perms in array coalesce(role_permissions, '{}') loop
    perms := perms | role_perms;
  end loop;
  if perms & public.permission('ADMINISTRATOR') <> 0 then
    return public.all_permissions();
  end if;

  perms := (perms & ~coalesce(everyone_deny, 0)) | coalesce(everyone_allow, 0);
  perms := (perms & ~coalesce(roles_deny, 0)) | coalesce(roles_allow, 0);
  perms := (perms & ~coalesce(member_deny, 0)) | coalesce(member_allow, 0);

  if timed_out then
    perms := perms & (public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY'));
  end if;
  if perms & public.permission('VIEW_CHANNEL') = 0 then
    return 0;
  end if;
  if perms & public.permission('SEND_MESSAGES') = 0 then
    perms := perms & ~send_dependent;
  end if;
  if perms & public.permission('CONNECT') = 0 then
    perms := perms & ~voice_dependent;
  end if;
  return perms;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.create_bot(p_name text, p_description text DEFAULT ''::text)
 RETURNS TABLE(bot_id uuid, token text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
  bot_name text := btrim(p_name);
  base text;
  chosen text;
  bot_profile uuid;
  created uuid;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  if bot_name is null or char_length(bot_name) not between 1 and 64 then
    raise exception 'bot name must be 1 to 64 characters' using errcode = '22023';
  end if;
  if char_length(coalesce(p_description, '')) > 400 then
    raise exception 'bot description must be at most 400 characters' using errcode = '22023';
  end if;
  base := left(regexp_replace(lower(bot_name), '[^a-z0-9_.]', '', 'g'), 27);
  if char_length(base) < 2 then
    base := 'bot';
  end if;
  chosen := base;
  while public.is_reserved_username(chosen)
        or exists (select 1 from public.profiles p where p.username = chosen and p.domain is null) loop
    chosen := base || lpad((floor(random() * 10000))::int::text, 4, '0');
  end loop;

  insert into public.profiles (user_id, domain, username, display_name, is_bot)
  values (null, null, chosen, bot_name, true)
  returning id into bot_profile;
  insert into public.bots (profile_id, owner_id, name, description)
  values (bot_profile, me, bot_name, coalesce(p_description, ''))
  returning id into created;
  return query select created, public.issue_bot_token(created);
end;
$function$
;

CREATE OR REPLACE FUNCTION public.create_bot_token(p_bot_id uuid)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if not exists (
    select 1 from public.bots b where b.id = p_bot_id and b.owner_id = public.get_current_profile_id()
  ) then
    raise exception 'bot not found' using errcode = 'PT404';
  end if;
  return public.issue_bot_token(p_bot_id);
end;
$function$
;

CREATE OR REPLACE FUNCTION public.create_category(p_server_id uuid, p_name text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  created uuid;
begin
  perform public.require_server_permission(p_server_id, 'MANAGE_CHANNELS');
  insert into public.channel_categories (server_id, name, position)
  values (p_server_id, public.clean_name(p_name, 'category name', 100),
          coalesce((select max(c.position) + 1 from public.channel_categories c where c.server_id = p_server_id), 0))
  returning id into created;
  return created;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.create_channel(p_server_id uuid, p_name text, p_type public.channel_type, p_category_id uuid DEFAULT NULL::uuid, p_topic text DEFAULT NULL::text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  created uuid;
begin
  perform public.require_server_permission(p_server_id, 'MANAGE_CHANNELS');
  if p_type is null then
    raise exception 'channel type is required' using errcode = '22004';
  end if;
  if p_type not in ('text', 'voice') then
    raise exception 'servers have text and voice channels only' using errcode = '22023';
  end if;
  insert into public.channels (server_id, category_id, type, name, topic, position)
  values (p_server_id, public.check_category(p_server_id, p_category_id), p_type,
          public.channel_name(p_name, p_type),
          nullif(btrim(public.check_length(p_topic, 'topic', 1024)), ''),
          coalesce((select max(c.position) + 1 from public.channels c where c.server_id = p_server_id), 0))
  returning id into created;
  return created;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.create_channel_sequence()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  insert into public.channel_sequences (channel_id) values (new.id);
  return new;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.create_group_dm(p_profile_ids uuid[], p_name text DEFAULT NULL::text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  others uuid[];
  group_name text := nullif(btrim(p_name), '');
  dm uuid;
begin
  perform private.refuse_bot_dms();
  if p_profile_ids is null or array_position(p_profile_ids, null) is not null then
    raise exception 'profile ids are required' using errcode = '22004';
  end if;
  others := array(select distinct id from unnest(p_profile_ids) as ids (id) where id <> me);
  if cardinality(others) not between 1 and 9 then
    raise exception 'a group DM has 2 to 10 members' using errcode = '22023';
  end if;
  if char_length(group_name) > 100 then
    raise exception 'group names are at most 100 characters' using errcode = '22023';
  end if;
  if exists (select 1 from unnest(others) as o (id)
              where not exists (select 1 from public.friendships f
                                 where f.profile_a = least(me, o.id) and f.profile_b = greatest(me, o.id))) then
    raise exception 'you can only add friends to a group DM' using errcode = 'PT404';
  end if;
  if group_name is null then
    select left(string_agg(coalesce(p.display_name, p.username), ', ' order by p.username), 100) into group_name
      from public.profiles p where p.id = me or p.id = any(others);
  end if;
  insert into public.channels (type, name, owner_id) values ('group_dm', group_name, me) returning id into dm;
  insert into public.channel_recipients (channel_id, profile_id)
  select dm, id from unnest(others || me) as ids (id);
  return dm;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.create_invite(p_server_id uuid, p_max_uses integer DEFAULT NULL::integer, p_expires_in_seconds integer DEFAULT 86400, p_channel_id uuid DEFAULT NULL::uuid, p_temporary boolean DEFAULT false)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_server_permission(p_server_id, 'CREATE_INSTANT_INVITE');
  created text;
begin
  if p_max_uses not between 1 and 1000 then
    raise exception 'max uses must be 1 to 1000 (or null for unlimited)' using errcode = '22023';
  end if;
  if p_expires_in_seconds not between 0 and 604800 then
    raise exception 'an invite expires within 7 days (604800 seconds), or never (0)' using errcode = '22023';
  end if;
  if p_channel_id is not null then
    if public.require_channel_permission(p_channel_id, 'CREATE_INSTANT_INVITE') <> p_server_id then
      raise exception 'channel not found' using errcode = 'PT404';
    end if;
  end if;
  while created is null loop
    insert into public.invites (code, server_id, channel_id, inviter_id, max_uses, expires_at, temporary)
    values (public.random_invite_code(), p_server_id, p_channel_id, me, p_max_uses,
            case when coalesce(p_expires_in_seconds, 0) > 0
                 then now() + make_interval(secs => p_expires_in_seconds) end,
            coalesce(p_temporary, false))
    on conflict (code) do nothing
    returning code into created;
  end loop;
  return created;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.create_role(p_server_id uuid, p_name text, p_permissions bigint, p_color integer DEFAULT 0)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_server_permission(p_server_id, 'MANAGE_ROLES');
  top integer := public.member_top_position(p_server_id, me);
  slot integer;
  created uuid;
begin
  perform public.check_permission_mask(p_permissions, 'permissions');
  if p_color is null or p_color not between 0 and 16777215 then
    raise exception 'color must be 0 to 16777215' using errcode = '22023';
  end if;
  perform public.require_grantable(p_server_id, me, p_permissions);
  if top = 2147483647 then
    slot := (select max(r.position) + 1 from public.roles r where r.server_id = p_server_id);
  elsif top = 0 then
    raise exception 'you need a role above @everyone to create roles' using errcode = '42501';
  else
    slot := top;
    update public.roles set position = position + 1 where server_id = p_server_id and position >= top;
  end if;
  insert into public.roles (server_id, name, permissions, color, position)
  values (p_server_id, public.clean_name(p_name, 'role name', 100), p_permissions, p_color, slot)
  returning id into created;
  return created;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.create_server(p_name text, p_description text DEFAULT NULL::text, p_icon_url text DEFAULT NULL::text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_signed_in();
  server uuid := gen_random_uuid();
  text_category uuid;
  voice_category uuid;
begin
  insert into public.servers (id, name, description, owner_id, icon_url)
  values (server, public.clean_name(p_name, 'server name', 100),
          nullif(btrim(public.check_length(p_description, 'description', 1000)), ''), me,
          nullif(public.check_length(p_icon_url, 'icon url', 2048), ''));
  insert into public.roles (id, server_id, name, position, permissions)
  values (server, server, '@everyone', 0, public.default_everyone_permissions());
  insert into public.server_members (server_id, profile_id) values (server, me);
  insert into public.channel_categories (server_id, name, position)
  values (server, 'Text Channels', 0) returning id into text_category;
  insert into public.channel_categories (server_id, name, position)
  values (server, 'Voice Channels', 1) returning id into voice_category;
  insert into public.channels (server_id, category_id, type, name, position)
  values (server, text_category, 'text', 'general', 0), (server, voice_category, 'voice', 'General', 1);
  return server;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.create_thread(p_channel_id uuid, p_name text, p_message_id uuid DEFAULT NULL::uuid, p_auto_archive_minutes integer DEFAULT 1440)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  parent public.channels;
  perms bigint;
  created uuid;
begin
  select * into parent from public.channels c where c.id = p_channel_id;
  perms := private.stored_channel_permissions(p_channel_id, me);
  if parent.id is null or parent.server_id is null or perms & public.permission('VIEW_CHANNEL') = 0 then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  if parent.type::text <> 'text' then
    raise exception 'threads can only be started in text channels' using errcode = '22023';
  end if;
  if perms & public.permission('CREATE_PUBLIC_THREADS') = 0 then
    raise exception 'you need the CREATE_PUBLIC_THREADS permission in this channel' using errcode = '42501';
  end if;
  if p_auto_archive_minutes is null or p_auto_archive_minutes not in (60, 1440, 4320, 10080) then
    raise exception 'auto-archive must be 60, 1440, 4320 or 10080 minutes' using errcode = '22023';
  end if;
  if p_message_id is not null then
    if perms & public.permission('READ_MESSAGE_HISTORY') = 0 or not exists (
         select 1 from public.messages m
          where m.id = p_message_id and m.channel_id = p_channel_id and m.deleted_at is null) then
      raise exception 'message not found' using errcode = 'PT404';
    end if;
    -- One thread per message; the lock makes a concurrent second start wait and then refuse.
    perform 1 from public.messages m where m.id = p_message_id for update;
    if exists (select 1 from public.threads t where t.starter_message_id = p_message_id) then
      raise exception 'this message already has a thread' using errcode = '23505';
    end if;
  end if;

  insert into public.channels (server_id, category_id, type, name, parent_id)
  values (parent.server_id, parent.category_id, 'thread', public.channel_name(p_name, 'thread'), parent.id)
  returning id into created;
  insert into public.threads (channel_id, parent_id, starter_message_id, owner_id, auto_archive_minutes)
  values (created, parent.id, p_message_id, me, p_auto_archive_minutes);
  insert into public.thread_members (thread_id, profile_id) values (created, me);
  return created;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.create_webhook(p_channel_id uuid, p_name text, p_mention_everyone boolean DEFAULT false)
 RETURNS TABLE(webhook_id uuid, token text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  channel public.channels;
  fresh record;
  created uuid;
begin
  if public.get_current_profile_id() is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  select * into channel from public.channels c where c.id = p_channel_id;
  if not found or not public.has_channel_permission(p_channel_id, public.permission('VIEW_CHANNEL')) then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  if not public.has_channel_permission(p_channel_id, public.permission('MANAGE_WEBHOOKS')) then
    raise exception 'you need Manage Webhooks in this channel' using errcode = '42501';
  end if;
  if channel.server_id is null or channel.type <> 'text' then
    raise exception 'webhooks post only in server text channels' using errcode = '22023';
  end if;
  if p_name is null or char_length(btrim(p_name)) not between 1 and 80 then
    raise exception 'webhook name must be 1 to 80 characters' using errcode = '22023';
  end if;
  if coalesce(p_mention_everyone, false)
     and not public.has_channel_permission(p_channel_id, public.permission('MENTION_EVERYONE')) then
    raise exception 'you cannot let a webhook mention @everyone without that permission yourself'
      using errcode = '42501';
  end if;
  -- The row lock on the channel serialises concurrent creations, so the cap holds.
  perform 1 from public.channels c where c.id = p_channel_id for update;
  if (select count(*) from public.webhooks w where w.channel_id = p_channel_id) >= 15 then
    raise exception 'a channel has at most 15 webhooks' using errcode = 'P0001';
  end if;
  fresh := private.new_webhook_token();
  insert into public.webhooks (server_id, channel_id, name, token_hash, mention_everyone, created_by)
  values (channel.server_id, p_channel_id, btrim(p_name), fresh.token_hash, coalesce(p_mention_everyone, false),
          public.get_current_profile_id())
  returning id into created;
  return query select created, fresh.token;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.default_everyone_permissions()
 RETURNS bigint
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO ''
AS $function$
  select public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES')
    | public.permission('READ_MESSAGE_HISTORY') | public.permission('ADD_REACTIONS')
    | public.permission('EMBED_LINKS') | public.permission('ATTACH_FILES')
    | public.permission('USE_EXTERNAL_EMOJIS') | public.permission('CREATE_INSTANT_INVITE')
    | public.permission('CHANGE_NICKNAME') | public.permission('CONNECT') | public.permission('SPEAK')
    | public.permission('STREAM') | public.permission('USE_VAD') | public.permission('SEND_MESSAGES_IN_THREADS')
    | public.permission('CREATE_PUBLIC_THREADS') | public.permission('SEND_VOICE_MESSAGES')
    | public.permission('SEND_POLLS') | public.permission('REQUEST_TO_SPEAK')
$function$
;

CREATE OR REPLACE FUNCTION public.delete_category(p_category_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform public.require_category(p_category_id);
  delete from public.channel_categories where id = p_category_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.delete_channel(p_channel_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform public.require_channel_permission(p_channel_id, 'MANAGE_CHANNELS');
  delete from public.channels where id = p_channel_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.delete_channel_overwrite(p_channel_id uuid, p_target_type public.overwrite_target, p_target_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  previous public.channel_overwrites;
begin
  perform public.require_channel_permission(p_channel_id, 'MANAGE_ROLES');
  select * into previous from public.channel_overwrites o
   where o.channel_id = p_channel_id and o.target_type = p_target_type and o.target_id = p_target_id;
  if previous.channel_id is null then
    raise exception 'overwrite not found' using errcode = 'PT404';
  end if;
  perform public.require_overwrite_change(p_channel_id, previous.allow | previous.deny);
  delete from public.channel_overwrites o
   where o.channel_id = p_channel_id and o.target_type = p_target_type and o.target_id = p_target_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.delete_message(p_message_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  target public.messages := public.readable_message_for_update(p_message_id);
  channel_server uuid;
begin
  if target.author_id is distinct from me
     and not public.has_channel_permission(target.channel_id, public.permission('MANAGE_MESSAGES')) then
    raise exception 'you cannot delete this message' using errcode = '42501';
  end if;
  update public.messages
     set deleted_at = now(), content = '', attachments = '[]', embeds = '[]',
         mention_profile_ids = '{}', mention_role_ids = '{}', mention_everyone = false,
         pinned_at = null, pinned_by = null
   where id = target.id;
  delete from public.message_reactions where message_id = target.id;
  delete from public.notifications where message_id = target.id;
  select c.server_id into channel_server from public.channels c where c.id = target.channel_id;
  if target.author_id is distinct from me and channel_server is not null then
    insert into public.audit_log (server_id, actor_id, action, target_id, changes)
    values (channel_server, me, 'message_delete', target.id,
            jsonb_build_object('channel_id', target.channel_id, 'author_id', target.author_id));
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.delete_my_account(p_password text DEFAULT NULL::text, p_code text DEFAULT NULL::text, p_delete_messages boolean DEFAULT false)
 RETURNS json
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_signed_in();
  owned text;
  refusal json;
begin
  select string_agg(s.name, ', ' order by s.name) into owned from public.servers s where s.owner_id = me;
  if owned is not null then
    raise exception 'transfer or delete the servers you own first: %', owned using errcode = 'PT409';
  end if;
  refusal := private.reauthentication_refusal((select auth.uid()), p_password, p_code);
  if refusal is not null then
    return refusal;
  end if;

  if p_delete_messages then
    delete from public.message_reactions r using public.messages m
     where m.id = r.message_id and m.author_id = me;
    delete from public.notifications n using public.messages m
     where m.id = n.message_id and m.author_id = me;
    update public.messages
       set deleted_at = now(), content = '', attachments = '[]', embeds = '[]',
           mention_profile_ids = '{}', mention_role_ids = '{}', mention_everyone = false,
           pinned_at = null, pinned_by = null
     where author_id = me and deleted_at is null;
  end if;

  -- Group DMs go on without them (ownership passes to the longest-standing other recipient).
  update public.channels c
     set owner_id = (select r.profile_id from public.channel_recipients r
                      where r.channel_id = c.id and r.profile_id <> me
                      order by r.added_at limit 1)
   where c.type = 'group_dm' and c.owner_id = me;
  delete from public.channel_recipients r using public.channels c
   where c.id = r.channel_id and c.type = 'group_dm' and r.profile_id = me;

  delete from public.server_members where profile_id = me;
  delete from public.server_bans where profile_id = me;
  delete from public.friend_requests where sender_id = me or recipient_id = me;
  delete from public.friendships where profile_a = me or profile_b = me;
  delete from public.user_blocks where blocker_id = me or blocked_id = me;
  delete from public.notifications where recipient_id = me;
  delete from public.channel_notification_settings where profile_id = me;
  delete from public.server_notification_settings where profile_id = me;
  delete from public.collapsed_categories where profile_id = me;
  delete from public.read_states where profile_id = me;
  delete from public.channel_slowmode where profile_id = me;
  -- Revoked devices keep their rows (key shares refer to them).
  update public.user_devices set revoked_at = coalesce(revoked_at, now()) where profile_id = me;
  delete from public.user_settings where profile_id = me;

  update public.profiles
     set user_id = null,
         deleted_at = now(),
         username = 'deleted_' || substr(replace(id::text, '-', ''), 1, 12),
         display_name = 'Deleted user',
         avatar_url = null, banner_url = null, bio = '', pronouns = null,
         status = 'offline', custom_status = null, custom_status_emoji = null,
         custom_status_expires_at = null, last_seen_at = null
   where id = me;

  -- Sessions, identities, factors and counted failures go with the user (foreign keys).
  delete from auth.users where id = (select auth.uid());
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.delete_role(p_role_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  target public.roles := public.require_manageable_role(p_role_id);
begin
  if target.id = target.server_id then
    raise exception 'the @everyone role cannot be deleted' using errcode = '22023';
  end if;
  if target.managed then
    raise exception 'a bot''s role is managed: it goes away when the bot is removed from the server'
      using errcode = '42501';
  end if;
  delete from public.channel_overwrites o where o.target_type = 'role' and o.target_id = p_role_id;
  delete from public.roles where id = p_role_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.delete_server(p_server_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_server_member(p_server_id);
begin
  if not exists (select 1 from public.servers s where s.id = p_server_id and s.owner_id = me) then
    raise exception 'only the owner can delete the server' using errcode = '42501';
  end if;
  delete from public.servers where id = p_server_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.delete_webhook(p_webhook_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform private.managed_webhook(p_webhook_id);
  delete from public.webhooks w where w.id = p_webhook_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.device_can_read_channel(p_device_id uuid, p_channel_id uuid)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  read_bits constant bigint := public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY');
  device_owner uuid;
begin
  select d.profile_id into device_owner from public.user_devices d
   where d.id = p_device_id and d.revoked_at is null;
  perform private.require_permission_query(device_owner, null, p_channel_id,
                                           array['VIEW_CHANNEL', 'READ_MESSAGE_HISTORY']);
  return coalesce(private.channel_permissions(p_channel_id, device_owner) & read_bits = read_bits, false);
end;
$function$
;

CREATE OR REPLACE FUNCTION public.end_dm_call(p_call_id uuid)
 RETURNS public.dm_calls
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  call public.dm_calls;
begin
  select * into call from public.dm_calls d where d.id = p_call_id and d.callee_id is null;
  if found then
    call := private.my_group_dm_call_for_update(p_call_id, me);
    if call.status not in ('ringing', 'active') then
      return call;
    end if;
    update public.dm_call_members m
       set state = case m.state when 'ringing' then 'declined' else 'left' end, updated_at = now()
     where m.call_id = call.id and m.profile_id = me and m.state in ('ringing', 'joined');
    call := private.settle_group_dm_call(private.settle_stale_dm_call(call));
    perform private.announce_group_dm_call(call.id);
    return call;
  end if;
  select * into call from public.dm_calls d where d.id = p_call_id and me in (d.caller_id, d.callee_id) for update;
  if not found then
    raise exception 'call not found' using errcode = 'PT404';
  end if;
  if call.status = 'active' then
    return private.finish_dm_call(call, 'ended');
  end if;
  call := private.settle_stale_dm_call(call);
  if call.status = 'ringing' then
    -- The callee ending a ringing call declines it; the caller giving up makes it missed.
    return private.finish_dm_call(call, case when me = call.callee_id then 'declined' else 'missed' end);
  end if;
  return call;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.end_temporary_memberships()
 RETURNS SETOF uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_signed_in();
begin
  return query
    delete from public.server_members m
     where m.profile_id = me and m.temporary
       and not exists (select 1 from public.servers s where s.id = m.server_id and s.owner_id = me)
    returning m.server_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.execute_webhook(p_webhook_id uuid, p_token text, p_content text, p_username text DEFAULT NULL::text, p_avatar_url text DEFAULT NULL::text, p_embeds jsonb DEFAULT '[]'::jsonb)
 RETURNS TABLE(message_id uuid, retry_after_ms integer)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  max_per_window constant integer := 5;
  rate_window constant interval := interval '2 seconds';
  hook public.webhooks;
  rate private.webhook_rate_windows;
  created uuid;
begin
  select * into hook from public.webhooks w where w.id = p_webhook_id;
  if not found then
    raise exception 'Unknown Webhook' using errcode = 'PT404';
  end if;
  if p_token is null or encode(extensions.digest(p_token, 'sha256'), 'hex') <> hook.token_hash then
    raise exception 'Invalid Webhook Token' using errcode = '28000';
  end if;
  if coalesce(p_content, '') = '' and coalesce(jsonb_array_length(p_embeds), 0) = 0 then
    raise exception 'Cannot send an empty message' using errcode = '22023';
  end if;
  if not hook.mention_everyone and coalesce(p_content, '') ~ '(^|\W)@(everyone|here)\M' then
    raise exception 'This webhook may not mention @everyone or @here' using errcode = '42501';
  end if;

  insert into private.webhook_rate_windows as r (webhook_id, started_at, used)
  values (hook.id, now(), 1)
  on conflict (webhook_id) do update
    set started_at = case when r.started_at <= now() - rate_window then now() else r.started_at end,
        used = case when r.started_at <= now() - rate_window then 1 else r.used + 1 end
  returning * into rate;
  if rate.used > max_per_window then
    return query select null::uuid,
      greatest(1, ceil(extract(epoch from rate.started_at + rate_window - now()) * 1000))::integer;
    return;
  end if;

  insert into public.messages (channel_id, author_id, content, embeds, webhook_id, author_name, author_avatar_url)
  values (hook.channel_id, null, coalesce(p_content, ''), coalesce(p_embeds, '[]'), hook.id,
          coalesce(nullif(btrim(p_username), ''), hook.name), coalesce(p_avatar_url, hook.avatar_url))
  returning id into created;
  return query select created, 0;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.export_my_data()
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_signed_in();
  uid uuid := (select auth.uid());
begin
  return jsonb_build_object(
    'format', 'harmony-export-1',
    'exported_at', now(),
    'account', (
      select jsonb_build_object('email', u.email, 'created_at', u.created_at,
                                'last_sign_in_at', u.last_sign_in_at)
        from auth.users u where u.id = uid),
    'profile', (
      select to_jsonb(p) - 'user_id' - 'domain' - 'deleted_at' from public.profiles p where p.id = me),
    'settings', (
      select to_jsonb(s) - 'profile_id' from public.user_settings s where s.profile_id = me),
    'memberships', coalesce((
      select jsonb_agg(jsonb_build_object(
               'server_id', s.id, 'server', s.name, 'owner', s.owner_id = me,
               'nickname', m.nickname, 'joined_at', m.joined_at,
               'roles', coalesce((select jsonb_agg(r.name order by r.position desc)
                                    from public.member_roles mr join public.roles r on r.id = mr.role_id
                                   where mr.server_id = m.server_id and mr.profile_id = me), '[]'))
             order by s.name)
        from public.server_members m join public.servers s on s.id = m.server_id
       where m.profile_id = me), '[]'),
    'messages', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', msg.id, 'server', s.name, 'channel', c.name, 'channel_id', c.id,
               'channel_type', c.type, 'content', msg.content, 'attachments', msg.attachments,
               'reply_to_id', msg.reply_to_id, 'created_at', msg.created_at,
               'edited_at', msg.edited_at)
             order by msg.created_at)
        from public.messages msg
        join public.channels c on c.id = msg.channel_id
        left join public.servers s on s.id = c.server_id
       where msg.author_id = me and msg.deleted_at is null), '[]'),
    'reactions', coalesce((
      select jsonb_agg(jsonb_build_object('message_id', r.message_id, 'emoji', r.emoji,
                                          'created_at', r.created_at) order by r.created_at)
        from public.message_reactions r where r.profile_id = me), '[]'),
    'direct_messages', coalesce((
      select jsonb_agg(jsonb_build_object(
               'channel_id', c.id, 'type', c.type, 'name', c.name,
               'recipients', (select jsonb_agg(p.username order by p.username)
                                from public.channel_recipients o join public.profiles p on p.id = o.profile_id
                               where o.channel_id = c.id and o.profile_id <> me)))
        from public.channel_recipients r join public.channels c on c.id = r.channel_id
       where r.profile_id = me), '[]'),
    'friends', coalesce((
      select jsonb_agg(jsonb_build_object('username', p.username, 'since', f.created_at) order by p.username)
        from public.friendships f
        join public.profiles p on p.id = case when f.profile_a = me then f.profile_b else f.profile_a end
       where me in (f.profile_a, f.profile_b)), '[]'),
    'friend_requests', coalesce((
      select jsonb_agg(jsonb_build_object(
               'direction', case when fr.sender_id = me then 'sent' else 'received' end,
               'username', p.username, 'created_at', fr.created_at))
        from public.friend_requests fr
        join public.profiles p on p.id = case when fr.sender_id = me then fr.recipient_id else fr.sender_id end
       where me in (fr.sender_id, fr.recipient_id)), '[]'),
    'blocked', coalesce((
      select jsonb_agg(jsonb_build_object('username', p.username, 'since', b.created_at))
        from public.user_blocks b join public.profiles p on p.id = b.blocked_id
       where b.blocker_id = me), '[]'),
    'notification_settings', jsonb_build_object(
      'servers', coalesce((
        select jsonb_agg(jsonb_build_object('server_id', n.server_id, 'server', s.name,
                                            'level', n.level, 'muted_until', n.muted_until))
          from public.server_notification_settings n join public.servers s on s.id = n.server_id
         where n.profile_id = me), '[]'),
      'channels', coalesce((
        select jsonb_agg(jsonb_build_object('channel_id', n.channel_id, 'channel', c.name,
                                            'level', n.level, 'muted_until', n.muted_until))
          from public.channel_notification_settings n join public.channels c on c.id = n.channel_id
         where n.profile_id = me), '[]')),
    -- Files in the attachments bucket; the client adds download URLs (signed, the bucket is private).
    'attachments', coalesce((
      select jsonb_agg(a.file || jsonb_build_object('message_id', msg.id, 'bucket', 'attachments')
                       order by msg.created_at)
        from public.messages msg, jsonb_array_elements(msg.attachments) as a(file)
       where msg.author_id = me and msg.deleted_at is null), '[]')
  );
end;
$function$
;

CREATE OR REPLACE FUNCTION public.federation_admin_settings()
 RETURNS TABLE(paused boolean, blocked_domains text[])
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform private.require_instance_admin();
  return query
    select s.paused,
           coalesce((select array_agg(i.domain order by i.domain)
                       from public.federated_instances i where i.status = 'blocked'), '{}')
      from private.federation_settings s
     where s.singleton;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.follow_remote(p_profile_id uuid)
 RETURNS public.remote_follows
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  result public.remote_follows;
begin
  if p_profile_id is null then
    raise exception 'a profile is required' using errcode = '22004';
  end if;
  if not exists (select 1 from public.profiles p
                  join private.ap_actor_cache c on c.profile_id = p.id
                  join public.federated_instances i on i.domain = p.domain and i.status = 'active'
                 where p.id = p_profile_id and p.domain is not null) then
    raise exception 'remote user not found' using errcode = 'PT404';
  end if;
  insert into public.remote_follows (follower_id, followee_id)
  values (me, p_profile_id)
  on conflict (follower_id, followee_id) do nothing
  returning * into result;
  if result.id is null then
    select * into result from public.remote_follows f where f.follower_id = me and f.followee_id = p_profile_id;
    if result.state <> 'rejected' then
      return result;
    end if;
    update public.remote_follows f set state = 'pending', activity_uri = null, updated_at = now()
     where f.id = result.id returning * into result;
  end if;
  perform private.enqueue_job('federation-follow', jsonb_build_object('follow_id', result.id));
  return result;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.get_current_profile_id()
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return (select p.id from public.profiles p where p.user_id = (select auth.uid()));
end;
$function$
;

CREATE OR REPLACE FUNCTION public.get_dm_call_token(p_call_id uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
  config private.livekit_config;
  call public.dm_calls;
  room text := 'dm-call-' || p_call_id::text;
  display text;
  issued bigint := floor(extract(epoch from now()))::bigint;
  claims jsonb;
  signing_input text;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  select * into config from private.livekit_config c where c.id;
  if not found then
    raise exception 'voice is not configured on this instance' using errcode = 'P0001';
  end if;
  select * into call from public.dm_calls d
   where d.id = p_call_id and d.status in ('ringing', 'active')
     and (me = d.caller_id
          or (me = d.callee_id and d.status = 'active')
          or (d.callee_id is null
              and exists (select 1 from public.channel_recipients r
                           where r.channel_id = d.channel_id and r.profile_id = me)
              and exists (select 1 from public.dm_call_members m
                           where m.call_id = d.id and m.profile_id = me and m.state = 'joined')));
  if not found then
    raise exception 'call not found' using errcode = 'PT404';
  end if;
  select coalesce(p.display_name, p.username) into display from public.profiles p where p.id = me;
  claims := jsonb_build_object(
    'iss', config.api_key,
    'sub', me::text,
    'name', display,
    'nbf', issued,
    'iat', issued,
    'exp', issued + 6 * 3600,
    'video', jsonb_build_object(
      'room', room,
      'roomJoin', true,
      'canPublish', true,
      'canPublishSources', '["microphone", "camera", "screen_share", "screen_share_audio"]'::jsonb,
      'canSubscribe', true,
      'canPublishData', true
    ),
    'metadata', jsonb_build_object('call_id', call.id, 'channel_id', call.channel_id)::text
  );
  signing_input := private.base64url(convert_to('{"alg":"HS256","typ":"JWT"}', 'UTF8'))
    || '.' || private.base64url(convert_to(claims::text, 'UTF8'));
  return jsonb_build_object(
    'token', signing_input || '.' || private.base64url(
      extensions.hmac(convert_to(signing_input, 'UTF8'), convert_to(config.api_secret, 'UTF8'), 'sha256')),
    'url', config.server_url,
    'room', room,
    'identity', me::text
  );
end;
$function$
;

CREATE OR REPLACE FUNCTION public.get_invite_preview(p_code text)
 RETURNS TABLE(server_id uuid, name text, icon_url text, member_count integer, expires_at timestamp with time zone, expired boolean)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return query
    select s.id, s.name, s.icon_url,
           (select count(*)::integer from public.server_members m where m.server_id = s.id),
           i.expires_at,
           coalesce(i.expires_at <= now(), false) or coalesce(i.uses >= i.max_uses, false)
      from public.invites i join public.servers s on s.id = i.server_id
     where i.code = p_code and i.revoked_at is null;
  if not found then
    raise exception 'invite not found' using errcode = 'PT404';
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.get_livekit_token(p_channel_id uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
  config private.livekit_config;
  channel public.channels;
  membership public.server_members;
  perms bigint;
  can_speak boolean;
  can_stream boolean;
  can_moderate boolean;
  display text;
  issued bigint := floor(extract(epoch from now()))::bigint;
  claims jsonb;
  signing_input text;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  select * into config from private.livekit_config c where c.id;
  if not found then
    raise exception 'voice is not configured on this instance' using errcode = 'P0001';
  end if;
  select * into channel from public.channels c where c.id = p_channel_id;
  perms := public.channel_permissions(p_channel_id, me);
  if channel.id is null or channel.type not in ('voice', 'dm', 'group_dm')
     or perms & public.permission('CONNECT') = 0 then
    raise exception 'voice channel not found' using errcode = 'PT404';
  end if;
  select * into membership from public.server_members m
   where m.server_id = channel.server_id and m.profile_id = me;
  can_speak := perms & public.permission('SPEAK') <> 0 and not coalesce(membership.voice_muted, false);
  can_stream := perms & public.permission('STREAM') <> 0;
  -- Moderators mute others through LiveKit's room API, which needs roomAdmin in this room.
  can_moderate := perms & public.permission('MUTE_MEMBERS') <> 0;

  select coalesce(m.nickname, p.display_name, p.username) into display
    from public.profiles p
    left join public.server_members m on m.server_id = channel.server_id and m.profile_id = p.id
   where p.id = me;

  claims := jsonb_build_object(
    'iss', config.api_key,
    'sub', me::text,
    'name', display,
    'nbf', issued,
    'iat', issued,
    'exp', issued + 6 * 3600,
    'video', jsonb_build_object(
      'room', p_channel_id::text,
      'roomJoin', true,
      'canPublish', can_speak or can_stream,
      'canPublishSources',
        (case when can_speak then '["microphone"]'::jsonb else '[]'::jsonb end)
        || (case when can_stream then '["camera", "screen_share", "screen_share_audio"]'::jsonb
                 else '[]'::jsonb end),
      'canSubscribe', not coalesce(membership.voice_deafened, false),
      'canPublishData', true,
      'roomAdmin', can_moderate
    ),
    'metadata', jsonb_build_object('server_id', channel.server_id, 'channel_id', channel.id)::text
  );
  signing_input := private.base64url(convert_to('{"alg":"HS256","typ":"JWT"}', 'UTF8'))
    || '.' || private.base64url(convert_to(claims::text, 'UTF8'));
  return jsonb_build_object(
    'token', signing_input || '.' || private.base64url(
      extensions.hmac(convert_to(signing_input, 'UTF8'), convert_to(config.api_secret, 'UTF8'), 'sha256')),
    'url', config.server_url,
    'room', p_channel_id::text,
    'identity', me::text
  );
end;
$function$
;

CREATE OR REPLACE FUNCTION public.get_messages(p_channel_id uuid, p_before_seq bigint DEFAULT NULL::bigint, p_after_seq bigint DEFAULT NULL::bigint, p_limit integer DEFAULT 50)
 RETURNS SETOF public.messages
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
declare
  page_size integer := least(greatest(coalesce(p_limit, 50), 1), 100);
  last_seq bigint;
  low bigint;
  high bigint;
  span bigint := page_size;
begin
  if p_channel_id is null or not public.has_channel_permission(
    p_channel_id, public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY')) then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  if p_before_seq < 1 or p_after_seq < 0 then
    raise exception 'sequence numbers start at 1' using errcode = '22023';
  end if;
  select coalesce((select s.last_seq from public.channel_sequences s where s.channel_id = p_channel_id), 0)
    into last_seq;
  if p_after_seq is not null then
    -- (p_after_seq, high], high below p_before_seq when both are given.
    high := least(coalesce(p_before_seq - 1, last_seq), last_seq);
    loop
      exit when (select count(*) from public.messages m
                  where m.channel_id = p_channel_id and m.seq > p_after_seq
                    and m.seq <= least(p_after_seq + span, high)) >= page_size
             or p_after_seq + span >= high;
      span := span * 4;
    end loop;
    return query
      select m.* from public.messages m
       where m.channel_id = p_channel_id and m.seq > p_after_seq and m.seq <= least(p_after_seq + span, high)
       order by m.seq
       limit page_size;
  else
    -- [low, p_before_seq), or the newest page.
    high := least(coalesce(p_before_seq - 1, last_seq), last_seq);
    loop
      low := greatest(high - span + 1, 1);
      exit when low = 1
             or (select count(*) from public.messages m
                  where m.channel_id = p_channel_id and m.seq between low and high) >= page_size;
      span := span * 4;
    end loop;
    return query
      select page.* from (
        select m.* from public.messages m
         where m.channel_id = p_channel_id and m.seq between low and high
         order by m.seq desc
         limit page_size
      ) page
      order by page.seq;
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.get_unread_state()
 RETURNS TABLE(channel_id uuid, server_id uuid, last_read_seq bigint, last_message_seq bigint, unread_count integer, mention_count integer)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
  read_bits constant bigint := public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY');
begin
  return query
    with readable as (
      select p.channel_id, p.server_id from private.channel_member_permissions p
       where p.profile_id = me
         and (case when p.timed_out_until > now() then p.timed_out_permissions else p.permissions end)
             & read_bits = read_bits
         -- A thread counts for its participants only, as in Discord.
         and not exists (select 1 from public.threads t
                          where t.channel_id = p.channel_id
                            and not exists (select 1 from public.thread_members m
                                             where m.thread_id = t.channel_id and m.profile_id = me))
      union all
      select r.channel_id, null::uuid from public.channel_recipients r where r.profile_id = me
    ),
    positions as (
      select r.channel_id, r.server_id, coalesce(rs.last_read_seq, 0) as read_seq,
             coalesce(s.last_seq, 0) as last_seq, coalesce(sns.suppress_everyone, false) as suppress_everyone
        from readable r
        left join public.read_states rs on rs.profile_id = me and rs.channel_id = r.channel_id
        left join public.channel_sequences s on s.channel_id = r.channel_id
        left join public.server_notification_settings sns on sns.profile_id = me and sns.server_id = r.server_id
    )
    select p.channel_id, p.server_id, p.read_seq, p.last_seq,
           case when p.last_seq <= p.read_seq then 0 else (
             p.last_seq - p.read_seq
             - (select count(*) from private.message_gaps g
                 where g.channel_id = p.channel_id and g.seq > p.read_seq)
             - (select count(*) from public.messages m
                 where m.author_id = me and m.channel_id = p.channel_id and m.seq > p.read_seq
                   and m.deleted_at is null))::integer end,
           case when p.last_seq <= p.read_seq then 0 else (
             select count(distinct t.seq) from private.message_mention_targets t
              where t.target_id = any(array[me] || case when p.suppress_everyone then '{}'::uuid[]
                                                         else array[p.channel_id] end || array(
                      select mr.role_id from public.member_roles mr
                       where mr.server_id = p.server_id and mr.profile_id = me))
                and t.channel_id = p.channel_id and t.seq > p.read_seq
                and t.author_id is distinct from me)::integer end
      from positions p
     order by p.server_id nulls first, p.channel_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.handle_new_user()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  bot_id uuid := nullif(new.raw_app_meta_data ->> 'harmony_bot_id', '')::uuid;
  requested text := lower(btrim(new.raw_user_meta_data ->> 'username'));
  chosen text;
  display text := coalesce(
    nullif(btrim(new.raw_user_meta_data ->> 'display_name'), ''),
    nullif(btrim(new.raw_user_meta_data ->> 'full_name'), ''),
    nullif(btrim(new.raw_user_meta_data ->> 'name'), '')
  );
begin
  -- A bot's account: it takes over the bot's profile, once.
  if bot_id is not null then
    update public.profiles p set user_id = new.id
      from public.bots b
     where b.id = bot_id and p.id = b.profile_id and p.is_bot and p.user_id is null
    returning p.id into chosen;
    if chosen is null then
      raise exception 'no bot % without an account', bot_id using errcode = '23514';
    end if;
    insert into public.user_settings (profile_id) values (chosen::uuid) on conflict do nothing;
    return new;
  end if;

  if requested is not null and requested <> '' then
    if requested !~ '^[a-z0-9_.]{2,32}$' then
      raise exception 'username must be 2 to 32 characters of a-z, 0-9, _ and .'
        using errcode = '23514', hint = 'choose another username';
    end if;
    if public.is_reserved_username(requested)
       or exists (select 1 from public.profiles p where p.username = requested and p.domain is null) then
      raise exception 'username "%" is already taken', requested
        using errcode = '23505', hint = 'choose another username';
    end if;
    chosen := requested;
  else
    chosen := left(regexp_replace(lower(split_part(coalesce(new.email, 'user'), '@', 1)), '[^a-z0-9_.]', '', 'g'), 27);
    if char_length(chosen) < 2 then
      chosen := 'user';
    end if;
    while public.is_reserved_username(chosen)
          or exists (select 1 from public.profiles p where p.username = chosen and p.domain is null) loop
      chosen := left(chosen, 27) || lpad((floor(random() * 10000))::int::text, 4, '0');
    end loop;
  end if;

  insert into public.profiles (user_id, username, display_name)
  values (new.id, chosen, left(display, 64))
  returning id into strict chosen;
  insert into public.user_settings (profile_id) values (chosen::uuid);
  return new;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.has_channel_permission(p_channel_id uuid, p_permission bigint)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return private.stored_channel_permissions(p_channel_id, public.get_current_profile_id()) & p_permission
         = p_permission;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.has_server_permission(p_server_id uuid, p_permission bigint)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select private.server_permissions(p_server_id, public.get_current_profile_id()) & p_permission = p_permission
$function$
;

CREATE OR REPLACE FUNCTION public.install_bot(p_bot_id uuid, p_server_id uuid, p_permissions bigint DEFAULT 0)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
  bot public.bots;
  bot_role uuid;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  if p_permissions is null or p_permissions < 0 or p_permissions & ~public.all_permissions() <> 0 then
    raise exception 'permissions must be a set of known permission bits' using errcode = '22023';
  end if;
  select * into bot from public.bots b where b.id = p_bot_id and (b.is_public or b.owner_id = me);
  if not found then
    raise exception 'bot not found' using errcode = 'PT404';
  end if;
  if not public.has_server_permission(p_server_id, public.permission('MANAGE_GUILD')) then
    raise exception 'you need Manage Server in that server to add bots' using errcode = '42501';
  end if;
  if p_permissions & ~private.server_permissions(p_server_id, me) <> 0 then
    raise exception 'you cannot grant a bot permissions you do not have' using errcode = '42501';
  end if;
  if exists (select 1 from public.server_bans sb
              where sb.server_id = p_server_id and sb.profile_id = bot.profile_id) then
    raise exception 'this bot is banned from the server' using errcode = '42501';
  end if;
  if exists (select 1 from public.bot_server_installs i where i.bot_id = p_bot_id and i.server_id = p_server_id)
     or exists (select 1 from public.server_members m
                 where m.server_id = p_server_id and m.profile_id = bot.profile_id) then
    raise exception 'this bot is already in the server' using errcode = '23505';
  end if;

  insert into public.roles (server_id, name, permissions, position, managed)
  values (p_server_id, left(bot.name, 100), p_permissions, 1, true)
  returning id into bot_role;
  insert into public.server_members (server_id, profile_id) values (p_server_id, bot.profile_id);
  insert into public.member_roles (server_id, profile_id, role_id) values (p_server_id, bot.profile_id, bot_role);
  insert into public.bot_server_installs (bot_id, server_id, permissions, role_id, installed_by)
  values (p_bot_id, p_server_id, p_permissions, bot_role, me);
  insert into public.audit_log (server_id, actor_id, action, target_id, changes)
  values (p_server_id, me, 'bot_add', bot.profile_id, jsonb_build_object('permissions', p_permissions::text));
  return bot_role;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.invoke_command(p_channel_id uuid, p_command_id uuid, p_options jsonb DEFAULT '{}'::jsonb)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
  channel_server uuid;
  perms bigint;
  command public.application_commands;
  bot public.bots;
  cleaned jsonb;
  created public.interactions;
  needed constant bigint := public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES');
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  select c.server_id into channel_server from public.channels c where c.id = p_channel_id;
  perms := coalesce(private.stored_channel_permissions(p_channel_id, me), 0);
  if channel_server is null or perms & public.permission('VIEW_CHANNEL') = 0 then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  if perms & needed <> needed then
    raise exception 'you cannot use commands in this channel' using errcode = '42501';
  end if;
  select c.* into command from public.application_commands c
    join public.bot_server_installs i on i.bot_id = c.bot_id and i.server_id = channel_server
   where c.id = p_command_id and (c.server_id is null or c.server_id = channel_server);
  if not found then
    raise exception 'command not found' using errcode = 'PT404';
  end if;
  if command.default_member_permissions is not null
     and perms & command.default_member_permissions <> command.default_member_permissions then
    raise exception 'you do not have the permissions /% needs', command.name using errcode = '42501';
  end if;
  if (select count(*) from public.interactions x
       where x.user_id = me and x.created_at > now() - interval '5 seconds') >= 5 then
    perform set_config('response.headers', '[{"Retry-After": "5"}]', true);
    raise exception 'slow down: wait a few seconds before running another command' using errcode = 'PT429';
  end if;
  cleaned := private.checked_command_options(command, channel_server, p_options);
  select * into bot from public.bots b where b.id = command.bot_id;

  insert into public.interactions (command_id, bot_id, server_id, channel_id, user_id, command_name, options)
  values (command.id, command.bot_id, channel_server, p_channel_id, me, command.name, cleaned)
  returning * into created;
  perform private.broadcast('user:' || bot.profile_id, 'interaction_create', 'INSERT', 'interactions',
    to_jsonb(created));
  return created.id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.is_instance_admin()
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (select 1 from public.instance_admins a where a.user_id = (select auth.uid()));
$function$
;

CREATE OR REPLACE FUNCTION public.is_reserved_username(p_username text)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO ''
AS $function$
  select lower(btrim(p_username)) = any (array[
    'everyone', 'here', 'harmony', 'system', 'admin', 'administrator', 'moderator', 'support', 'root'
  ])
$function$
;

CREATE OR REPLACE FUNCTION public.is_server_member(p_server_id uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select exists (
    select 1 from public.server_members m
     where m.server_id = p_server_id and m.profile_id = public.get_current_profile_id()
  )
$function$
;

CREATE OR REPLACE FUNCTION public.issue_bot_token(p_bot_id uuid)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  token text := 'hbot_' || encode(extensions.gen_random_bytes(32), 'hex');
begin
  insert into public.bot_tokens (bot_id, token_hash, token_prefix)
  values (p_bot_id, encode(extensions.digest(token, 'sha256'), 'hex'), left(token, 8));
  return token;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.join_remote_server(p_address text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  address text := btrim(coalesce(p_address, ''));
  created uuid;
begin
  if char_length(address) > 512 or address !~* '^(@?[a-z0-9_.~-]{1,64}@[a-z0-9.-]{1,253}(:[0-9]{1,5})?|https?://[^[:space:]]+)$' then
    raise exception 'a remote server is written @server@host or as its address (https://…)' using errcode = '22023';
  end if;
  if (select count(*) from public.remote_server_joins j
       where j.profile_id = me and j.created_at > now() - interval '1 minute') >= 10 then
    raise exception 'too many joins: wait a minute' using errcode = 'PT429';
  end if;
  insert into public.remote_server_joins (profile_id, address) values (me, address) returning id into created;
  perform private.enqueue_job('federation-server-join', jsonb_build_object('join_id', created));
  return created;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.join_server_by_invite(p_code text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_signed_in();
  invite public.invites;
begin
  select * into invite from public.invites i where i.code = p_code for update;
  if invite.code is null or invite.revoked_at is not null then
    raise exception 'invite not found' using errcode = 'PT404';
  end if;
  if exists (select 1 from public.server_members m where m.server_id = invite.server_id and m.profile_id = me) then
    return invite.server_id;
  end if;
  if exists (select 1 from public.server_bans b where b.server_id = invite.server_id and b.profile_id = me) then
    raise exception 'you are banned from this server' using errcode = '42501';
  end if;
  if invite.expires_at <= now() then
    raise exception 'this invite has expired' using errcode = '22023';
  end if;
  if invite.uses >= invite.max_uses then
    raise exception 'this invite has been used up' using errcode = '22023';
  end if;
  insert into public.server_members (server_id, profile_id, temporary) values (invite.server_id, me, invite.temporary)
  on conflict do nothing;
  if found then
    update public.invites set uses = uses + 1 where code = invite.code;
    -- Announced in the server's system messages channel, else the invite's text channel,
    -- else the server's first text channel.
    insert into public.messages (channel_id, author_id, type)
    select c.id, me, 'member_join' from public.channels c
      join public.servers s on s.id = c.server_id
     where c.server_id = invite.server_id and c.type = 'text'
     order by (c.id = s.system_channel_id) is true desc, (c.id = invite.channel_id) is true desc,
              c.position, c.created_at
     limit 1;
  end if;
  return invite.server_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.join_thread(p_thread_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
begin
  if not exists (select 1 from public.threads t where t.channel_id = p_thread_id)
     or not public.has_channel_permission(p_thread_id,
          public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY')) then
    raise exception 'thread not found' using errcode = 'PT404';
  end if;
  insert into public.thread_members (thread_id, profile_id) values (p_thread_id, me) on conflict do nothing;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.kick_member(p_server_id uuid, p_profile_id uuid, p_reason text DEFAULT NULL::text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_server_permission(p_server_id, 'KICK_MEMBERS');
begin
  perform public.check_length(p_reason, 'reason', 512);
  perform public.require_member(p_server_id, p_profile_id);
  perform public.require_moderatable(p_server_id, me, p_profile_id);
  perform public.set_audit_reason(p_reason);
  delete from public.server_members where server_id = p_server_id and profile_id = p_profile_id;
  perform public.set_audit_reason(null);
end;
$function$
;

CREATE OR REPLACE FUNCTION public.leave_group_dm(p_channel_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  dm public.channels := public.my_group_dm_for_update(p_channel_id);
  heir uuid;
begin
  delete from public.channel_recipients where channel_id = dm.id and profile_id = me;
  delete from public.read_states where channel_id = dm.id and profile_id = me;
  delete from public.channel_notification_settings where channel_id = dm.id and profile_id = me;
  select r.profile_id into heir from public.channel_recipients r
   where r.channel_id = dm.id order by r.added_at, r.profile_id limit 1;
  if heir is null then
    delete from public.channels where id = dm.id;
  elsif dm.owner_id is not distinct from me then
    update public.channels set owner_id = heir where id = dm.id;
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.leave_server(p_server_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_server_member(p_server_id);
begin
  if exists (select 1 from public.servers s where s.id = p_server_id and s.owner_id = me) then
    raise exception 'the owner cannot leave; transfer ownership or delete the server' using errcode = '42501';
  end if;
  delete from public.server_members where server_id = p_server_id and profile_id = me;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.leave_thread(p_thread_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  delete from public.thread_members m
   where m.thread_id = p_thread_id and m.profile_id = public.messaging_caller();
end;
$function$
;

CREATE OR REPLACE FUNCTION public.list_reports(p_server_id uuid, p_status public.report_status DEFAULT 'open'::public.report_status, p_before_id bigint DEFAULT NULL::bigint, p_limit integer DEFAULT 50)
 RETURNS SETOF public.reports
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform public.require_report_reviewer(p_server_id);
  if p_limit is null or p_limit not between 1 and 100 then
    raise exception 'a page holds 1 to 100 reports' using errcode = '22023';
  end if;
  return query
    select r.* from public.reports r
     where r.server_id = p_server_id
       and r.status = coalesce(p_status, 'open')
       and (p_before_id is null or r.id < p_before_id)
       and (r.channel_id is null or r.channel_id in (select public.readable_channel_ids()))
     order by r.id desc
     limit p_limit;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.list_threads(p_channel_id uuid DEFAULT NULL::uuid, p_server_id uuid DEFAULT NULL::uuid, p_archived boolean DEFAULT NULL::boolean, p_limit integer DEFAULT 100)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  read_bits constant bigint := public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY');
begin
  if (p_channel_id is null) = (p_server_id is null) then
    raise exception 'give a channel or a server' using errcode = '22023';
  end if;
  return coalesce((
    select jsonb_agg(x.summary || jsonb_build_object('joined', x.joined) order by x.last_activity_at desc)
      from (
        select private.thread_summary(t) as summary, t.last_activity_at,
               exists (select 1 from public.thread_members m where m.thread_id = t.channel_id and m.profile_id = me)
                 as joined
          from public.threads t
          join private.channel_member_permissions_now p on p.channel_id = t.channel_id and p.profile_id = me
         where p.permissions & read_bits = read_bits
           and (p_channel_id is null or t.parent_id = p_channel_id)
           and (p_server_id is null or (p.server_id = p_server_id and exists (
                 select 1 from public.thread_members m where m.thread_id = t.channel_id and m.profile_id = me)))
           and (p_archived is null or private.thread_archived(t) = p_archived)
         order by t.last_activity_at desc
         limit least(greatest(coalesce(p_limit, 100), 1), 200)
      ) x), '[]'::jsonb);
end;
$function$
;

CREATE OR REPLACE FUNCTION public.make_friends(p_a uuid, p_b uuid)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
  delete from public.friend_requests r
   where (r.sender_id, r.recipient_id) in ((p_a, p_b), (p_b, p_a));
  insert into public.friendships (profile_a, profile_b)
  values (least(p_a, p_b), greatest(p_a, p_b))
  on conflict do nothing;
$function$
;

CREATE OR REPLACE FUNCTION public.mark_channel_read(p_channel_id uuid, p_seq bigint DEFAULT NULL::bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  latest bigint;
  target bigint;
  result bigint;
begin
  if p_channel_id is null or not public.has_channel_permission(
    p_channel_id, public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY')) then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  if p_seq < 0 then
    raise exception 'sequence numbers are not negative' using errcode = '22023';
  end if;
  select coalesce((select s.last_seq from public.channel_sequences s where s.channel_id = p_channel_id), 0)
    into latest;
  target := least(coalesce(p_seq, latest), latest);
  insert into public.read_states as rs (profile_id, channel_id, last_read_seq)
  values (me, p_channel_id, target)
  on conflict (profile_id, channel_id) do update
    set last_read_seq = excluded.last_read_seq, updated_at = now()
    where rs.last_read_seq < excluded.last_read_seq;
  select rs.last_read_seq into result from public.read_states rs
   where rs.profile_id = me and rs.channel_id = p_channel_id;
  update public.notifications n set read_at = now()
   where n.recipient_id = me and n.channel_id = p_channel_id and n.read_at is null
     and n.message_id in (select m.id from public.messages m where m.channel_id = p_channel_id and m.seq <= result);
  return result;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.mark_notifications_read(p_ids uuid[] DEFAULT NULL::uuid[])
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  changed integer;
begin
  update public.notifications n set read_at = now()
   where n.recipient_id = me and n.read_at is null and (p_ids is null or n.id = any(p_ids));
  get diagnostics changed = row_count;
  return changed;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.member_top_position(p_server_id uuid, p_profile_id uuid)
 RETURNS integer
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select case
    when s.owner_id = p_profile_id then 2147483647
    else coalesce((
      select max(r.position) from public.member_roles mr join public.roles r on r.id = mr.role_id
       where mr.server_id = p_server_id and mr.profile_id = p_profile_id), 0)
  end
  from public.servers s where s.id = p_server_id
$function$
;

CREATE OR REPLACE FUNCTION public.message_mentions(p_channel_id uuid, p_author_id uuid, p_content text, OUT profile_ids uuid[], OUT role_ids uuid[], OUT everyone boolean)
 RETURNS record
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  uuid_pattern constant text := '([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})';
  channel_server uuid;
  can_mention_everyone boolean;
begin
  profile_ids := '{}';
  role_ids := '{}';
  everyone := false;
  if p_content is null or p_content = '' then
    return;
  end if;
  select c.server_id into channel_server from public.channels c where c.id = p_channel_id;
  can_mention_everyone := private.stored_channel_permissions(p_channel_id, p_author_id)
    & public.permission('MENTION_EVERYONE') <> 0;

  select coalesce(array_agg(distinct p.id), '{}') into profile_ids
    from regexp_matches(p_content, '<@!?' || uuid_pattern || '>', 'g') as m (ids)
    join public.profiles p on p.id = m.ids[1]::uuid
   where private.stored_channel_permissions(p_channel_id, p.id) & public.permission('VIEW_CHANNEL') <> 0;

  if channel_server is not null then
    select coalesce(array_agg(distinct r.id), '{}') into role_ids
      from regexp_matches(p_content, '<@&' || uuid_pattern || '>', 'g') as m (ids)
      join public.roles r on r.id = m.ids[1]::uuid
     where r.server_id = channel_server and r.id <> channel_server
       and (r.mentionable or can_mention_everyone);
  end if;

  -- Not inside a word: x@everyone.com is an address, not a mention.
  everyone := can_mention_everyone and p_content ~ '(^|\W)@(everyone|here)\M';
end;
$function$
;

CREATE OR REPLACE FUNCTION public.messages_after_edit()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform public.notify_message(
    new,
    array(select unnest(new.mention_profile_ids) except select unnest(old.mention_profile_ids)),
    array(select unnest(new.mention_role_ids) except select unnest(old.mention_role_ids)),
    new.mention_everyone and not old.mention_everyone,
    false);
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.messages_after_insert()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform public.notify_message(new, new.mention_profile_ids, new.mention_role_ids, new.mention_everyone, true);
  update public.channel_recipients set closed = false where channel_id = new.channel_id and closed;
  return null;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.messages_before_edit()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  mentions record;
begin
  new.edited_at := now();
  mentions := public.message_mentions(new.channel_id, new.author_id, new.content);
  new.mention_profile_ids := mentions.profile_ids;
  new.mention_role_ids := mentions.role_ids;
  new.mention_everyone := mentions.everyone;
  return new;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.messages_before_insert()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  perms bigint;
  slowmode integer;
  wait_seconds integer;
  mentions record;
begin
  new.author_id := coalesce(new.author_id, public.get_current_profile_id());
  if new.reply_to_id is not null and new.type = 'default' then
    new.type := 'reply';
  end if;
  if new.nonce is not null and exists (
    select 1 from public.messages m
     where m.channel_id = new.channel_id and m.author_id = new.author_id and m.nonce = new.nonce
  ) then
    raise exception 'a message with this nonce was already sent' using errcode = '23505',
      hint = 'the earlier send succeeded; treat this one as already sent';
  end if;

  perms := private.stored_channel_permissions(new.channel_id, new.author_id);
  select c.slowmode_seconds into slowmode from public.channels c where c.id = new.channel_id;
  if slowmode > 0 and new.type in ('default', 'reply')
     and perms & public.permission('SEND_MESSAGES') <> 0
     and perms & (public.permission('BYPASS_SLOWMODE') | public.permission('MANAGE_MESSAGES')
                  | public.permission('MANAGE_CHANNELS')) = 0 then
    -- Atomic check-and-set: a concurrent second send waits here and then fails the check.
    insert into public.channel_slowmode as s (channel_id, profile_id, last_message_at)
    values (new.channel_id, new.author_id, now())
    on conflict (channel_id, profile_id) do update set last_message_at = excluded.last_message_at
      where s.last_message_at <= now() - make_interval(secs => slowmode);
    if not found then
      select greatest(1, ceil(extract(epoch from s.last_message_at + make_interval(secs => slowmode) - now())))
        into wait_seconds
        from public.channel_slowmode s
       where s.channel_id = new.channel_id and s.profile_id = new.author_id;
      raise exception 'slowmode: wait % seconds', wait_seconds using errcode = 'P0001';
    end if;
  end if;

  mentions := public.message_mentions(new.channel_id, new.author_id, new.content);
  new.mention_profile_ids := mentions.profile_ids;
  new.mention_role_ids := mentions.role_ids;
  new.mention_everyone := mentions.everyone;

  -- The row lock on the counter serialises writers per channel; a rolled-back insert rolls
  -- the counter back too, so numbers stay gap-free.
  -- No counter row means no such channel: seq stays 0 and the insert policy refuses it.
  update public.channel_sequences s set last_seq = s.last_seq + 1, last_message_at = now()
   where s.channel_id = new.channel_id
  returning s.last_seq into new.seq;
  return new;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.messaging_caller()
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  return me;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.moderate_voice(p_channel_id uuid, p_profile_id uuid, p_action text, p_to_channel_id uuid DEFAULT NULL::uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  channel public.channels;
  destination public.channels;
  needed text := case p_action
    when 'mute' then 'MUTE_MEMBERS' when 'unmute' then 'MUTE_MEMBERS'
    when 'deafen' then 'DEAFEN_MEMBERS' when 'undeafen' then 'DEAFEN_MEMBERS'
    when 'disconnect' then 'MOVE_MEMBERS' when 'move' then 'MOVE_MEMBERS' end;
begin
  if needed is null then
    raise exception 'unknown voice action' using errcode = '22023',
      hint = 'p_action is mute, unmute, deafen, undeafen, disconnect or move';
  end if;
  select * into channel from public.channels c where c.id = p_channel_id and c.type = 'voice';
  if channel.id is null
     or private.channel_permissions(p_channel_id, me) & public.permission('VIEW_CHANNEL') = 0 then
    raise exception 'voice channel not found' using errcode = 'PT404';
  end if;
  if private.channel_permissions(p_channel_id, me) & public.permission(needed) = 0 then
    raise exception 'you do not have the % permission in this channel', needed using errcode = '42501';
  end if;
  perform public.require_member(channel.server_id, p_profile_id);
  perform public.require_moderatable(channel.server_id, me, p_profile_id);
  if p_action = 'move' then
    select * into destination from public.channels c
     where c.id = p_to_channel_id and c.server_id = channel.server_id and c.type = 'voice'
       and private.channel_permissions(c.id, me) & public.permission('VIEW_CHANNEL') <> 0;
    if destination.id is null or destination.id = channel.id then
      raise exception 'destination voice channel not found' using errcode = 'PT404';
    end if;
    if private.channel_permissions(destination.id, me) & public.permission('MOVE_MEMBERS') = 0 then
      raise exception 'you do not have the MOVE_MEMBERS permission in the destination' using errcode = '42501';
    end if;
    if private.channel_permissions(destination.id, p_profile_id) & public.permission('CONNECT') = 0 then
      raise exception 'this member cannot connect to the destination' using errcode = '42501';
    end if;
  end if;
  if p_action in ('mute', 'unmute') then
    update public.server_members set voice_muted = (p_action = 'mute')
     where server_id = channel.server_id and profile_id = p_profile_id;
  elsif p_action in ('deafen', 'undeafen') then
    update public.server_members set voice_deafened = (p_action = 'deafen')
     where server_id = channel.server_id and profile_id = p_profile_id;
  end if;
  perform private.enqueue_job('livekit-moderate', jsonb_build_object(
    'room', p_channel_id, 'identity', p_profile_id, 'action', p_action, 'destination', destination.id));
end;
$function$
;

CREATE OR REPLACE FUNCTION public.my_bot_ids()
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select b.id from public.bots b where b.owner_id = public.get_current_profile_id()
$function$
;

CREATE OR REPLACE FUNCTION public.my_device_ids()
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select d.id from public.user_devices d where d.profile_id = public.get_current_profile_id()
$function$
;

CREATE OR REPLACE FUNCTION public.my_dm_channel_ids()
 RETURNS SETOF uuid
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return query select r.channel_id from public.channel_recipients r where r.profile_id = public.get_current_profile_id();
end;
$function$
;

CREATE OR REPLACE FUNCTION public.my_friend_ids()
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select case when f.profile_a = me.id then f.profile_b else f.profile_a end
    from (select public.get_current_profile_id() as id) me
    join public.friendships f on me.id in (f.profile_a, f.profile_b)
$function$
;

CREATE OR REPLACE FUNCTION public.my_group_dm_for_update(p_channel_id uuid)
 RETURNS public.channels
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  found_channel public.channels;
begin
  select c.* into found_channel from public.channels c
   where c.id = p_channel_id and c.type = 'group_dm'
     and exists (select 1 from public.channel_recipients r
                  where r.channel_id = c.id and r.profile_id = public.get_current_profile_id())
     for update;
  if not found then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  return found_channel;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.my_open_dm_call_ids()
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select d.id from public.dm_calls d
   where d.status in ('ringing', 'active')
     and ((select public.get_current_profile_id()) in (d.caller_id, d.callee_id)
          or (d.callee_id is null
              and exists (select 1 from public.channel_recipients r
                           where r.channel_id = d.channel_id
                             and r.profile_id = (select public.get_current_profile_id()))))
$function$
;

CREATE OR REPLACE FUNCTION public.my_server_ids()
 RETURNS SETOF uuid
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return query select m.server_id from public.server_members m where m.profile_id = public.get_current_profile_id();
end;
$function$
;

CREATE OR REPLACE FUNCTION public.my_server_ids_with(p_any_of bigint)
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select m.server_id from public.server_members m
   where m.profile_id = public.get_current_profile_id()
     and private.server_permissions(m.server_id, m.profile_id) & p_any_of <> 0
$function$
;

CREATE OR REPLACE FUNCTION public.notification_level_for(p_profile_id uuid, p_channel_id uuid)
 RETURNS public.notification_level
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select case
           when cns.muted_until > now() or sns.muted_until > now() then 'nothing'::public.notification_level
           else coalesce(cns.level, sns.level, s.default_notification_level, 'all')
         end
    from public.channels c
    left join public.servers s on s.id = c.server_id
    left join public.server_notification_settings sns
      on sns.server_id = c.server_id and sns.profile_id = p_profile_id
    left join public.channel_notification_settings cns
      on cns.channel_id = c.id and cns.profile_id = p_profile_id
   where c.id = p_channel_id
$function$
;

CREATE OR REPLACE FUNCTION public.notify_message(p_message public.messages, p_profile_ids uuid[], p_role_ids uuid[], p_everyone boolean, p_is_new boolean)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  channel_server uuid;
  view_bit constant bigint := public.permission('VIEW_CHANNEL');
  recipient record;
  parent_author uuid;
begin
  select c.server_id into channel_server from public.channels c where c.id = p_message.channel_id;

  if channel_server is null then
    if p_is_new then
      for recipient in
        select r.profile_id from public.channel_recipients r
         where r.channel_id = p_message.channel_id and r.profile_id is distinct from p_message.author_id
      loop
        if public.notification_level_for(recipient.profile_id, p_message.channel_id) <> 'nothing' then
          perform public.send_notification(recipient.profile_id, 'direct_message', p_message.author_id,
            null, p_message.channel_id, p_message.id);
        end if;
      end loop;
    end if;
    return;
  end if;

  for recipient in
    select t.profile_id, (array['user', 'role'])[min(t.reason)] as reason
      from (
        select unnest(p_profile_ids) as profile_id, 1 as reason
        union all
        select mr.profile_id, 2 from public.member_roles mr
         where mr.server_id = channel_server and mr.role_id = any(p_role_ids)
      ) t
     group by t.profile_id
  loop
    if recipient.profile_id is distinct from p_message.author_id
       and private.stored_channel_permissions(p_message.channel_id, recipient.profile_id) & view_bit <> 0
       and public.notification_level_for(recipient.profile_id, p_message.channel_id) <> 'nothing' then
      perform public.send_notification(recipient.profile_id, 'mention', p_message.author_id, channel_server,
        p_message.channel_id, p_message.id, jsonb_build_object('via', recipient.reason));
    end if;
  end loop;

  if p_is_new and p_message.reply_to_id is not null then
    select m.author_id into parent_author from public.messages m where m.id = p_message.reply_to_id;
    if parent_author is not null
       and not parent_author = any(p_profile_ids)
       and private.stored_channel_permissions(p_message.channel_id, parent_author) & view_bit <> 0
       and public.notification_level_for(parent_author, p_message.channel_id) <> 'nothing' then
      perform public.send_notification(parent_author, 'reply', p_message.author_id, channel_server,
        p_message.channel_id, p_message.id);
    end if;
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.open_dm(p_profile_id uuid)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  dm uuid;
begin
  if p_profile_id is null then
    raise exception 'a profile is required' using errcode = '22004';
  end if;
  if p_profile_id = me then
    raise exception 'you cannot open a DM with yourself' using errcode = '22023';
  end if;
  if not exists (select 1 from public.profiles p where p.id = p_profile_id)
     or exists (select 1 from public.user_blocks b
                 where (b.blocker_id, b.blocked_id) in ((me, p_profile_id), (p_profile_id, me)))
     or not (
       exists (select 1 from public.friendships f
                where f.profile_a = least(me, p_profile_id) and f.profile_b = greatest(me, p_profile_id))
       or (coalesce((select s.allow_dms_from_server_members from public.user_settings s
                      where s.profile_id = p_profile_id), true)
           and exists (select 1 from public.server_members mine
                         join public.server_members theirs
                           on theirs.server_id = mine.server_id and theirs.profile_id = p_profile_id
                        where mine.profile_id = me))
     ) then
    raise exception 'user not found' using errcode = 'PT404';
  end if;
  -- One DM per pair, even when both open it at the same moment.
  perform pg_advisory_xact_lock(hashtextextended('harmony.dm:' || least(me, p_profile_id)::text
                                                 || greatest(me, p_profile_id)::text, 0));
  select c.id into dm
    from public.channels c
    join public.channel_recipients mine on mine.channel_id = c.id and mine.profile_id = me
    join public.channel_recipients theirs on theirs.channel_id = c.id and theirs.profile_id = p_profile_id
   where c.type = 'dm';
  if dm is not null then
    update public.channel_recipients set closed = false
     where channel_id = dm and profile_id = me and closed;
    return dm;
  end if;
  insert into public.channels (type) values ('dm') returning id into dm;
  insert into public.channel_recipients (channel_id, profile_id, closed)
  values (dm, me, false), (dm, p_profile_id, true);
  return dm;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.open_remote_dm(p_profile_id uuid)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  dm uuid;
begin
  if p_profile_id is null then
    raise exception 'a profile is required' using errcode = '22004';
  end if;
  if not private.remote_dm_allowed(me, p_profile_id) then
    raise exception 'remote user not found, or neither of you follows the other' using errcode = 'PT404';
  end if;
  dm := private.remote_dm_channel(me, p_profile_id);
  update public.channel_recipients set closed = false where channel_id = dm and profile_id = me and closed;
  return dm;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.outranks(p_server_id uuid, p_actor uuid, p_target uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO ''
AS $function$
  select coalesce((
    select case
      when s.owner_id = p_actor then true
      when s.owner_id = p_target then false
      else public.member_top_position(p_server_id, p_actor) > public.member_top_position(p_server_id, p_target)
    end
    from public.servers s where s.id = p_server_id), false)
$function$
;

CREATE OR REPLACE FUNCTION public.permission(flag text)
 RETURNS bigint
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO ''
AS $function$
declare
  position integer := array_position(array[
    'CREATE_INSTANT_INVITE', 'KICK_MEMBERS', 'BAN_MEMBERS', 'ADMINISTRATOR', 'MANAGE_CHANNELS',
    'MANAGE_GUILD', 'ADD_REACTIONS', 'VIEW_AUDIT_LOG', 'PRIORITY_SPEAKER', 'STREAM', 'VIEW_CHANNEL',
    'SEND_MESSAGES', 'SEND_TTS_MESSAGES', 'MANAGE_MESSAGES', 'EMBED_LINKS', 'ATTACH_FILES',
    'READ_MESSAGE_HISTORY', 'MENTION_EVERYONE', 'USE_EXTERNAL_EMOJIS', 'VIEW_GUILD_INSIGHTS', 'CONNECT',
    'SPEAK', 'MUTE_MEMBERS', 'DEAFEN_MEMBERS', 'MOVE_MEMBERS', 'USE_VAD', 'CHANGE_NICKNAME',
    'MANAGE_NICKNAMES', 'MANAGE_ROLES', 'MANAGE_WEBHOOKS', 'MANAGE_GUILD_EXPRESSIONS',
    'USE_APPLICATION_COMMANDS', 'REQUEST_TO_SPEAK', 'MANAGE_EVENTS', 'MANAGE_THREADS',
    'CREATE_PUBLIC_THREADS', 'CREATE_PRIVATE_THREADS', 'USE_EXTERNAL_STICKERS', 'SEND_MESSAGES_IN_THREADS',
    'USE_EMBEDDED_ACTIVITIES', 'MODERATE_MEMBERS', 'VIEW_CREATOR_MONETIZATION_ANALYTICS', 'USE_SOUNDBOARD',
    'CREATE_GUILD_EXPRESSIONS', 'CREATE_EVENTS', 'USE_EXTERNAL_SOUNDS', 'SEND_VOICE_MESSAGES', null,
    'SET_VOICE_CHANNEL_STATUS', 'SEND_POLLS', 'USE_EXTERNAL_APPS', 'PIN_MESSAGES', 'BYPASS_SLOWMODE'
  ], flag);
begin
  if position is null then
    raise exception 'unknown permission %', flag using errcode = '22023';
  end if;
  return 1::bigint << (position - 1);
end;
$function$
;

CREATE OR REPLACE FUNCTION public.pin_message(p_message_id uuid)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$ select public.set_message_pinned(p_message_id, true) $function$
;

CREATE OR REPLACE FUNCTION public.private_channel_permissions(p_channel_id uuid, p_profile_id uuid)
 RETURNS bigint
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  perms bigint;
  blocked boolean;
begin
  if not exists (
    select 1 from public.channel_recipients r where r.channel_id = p_channel_id and r.profile_id = p_profile_id
  ) then
    return 0;
  end if;
  perms := public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES')
    | public.permission('READ_MESSAGE_HISTORY') | public.permission('ADD_REACTIONS')
    | public.permission('ATTACH_FILES') | public.permission('EMBED_LINKS') | public.permission('USE_EXTERNAL_EMOJIS')
    | public.permission('PIN_MESSAGES') | public.permission('CONNECT') | public.permission('SPEAK')
    | public.permission('STREAM') | public.permission('USE_VAD');
  select exists (
    select 1
      from public.channel_recipients other
      join public.user_blocks b
        on (b.blocker_id = other.profile_id and b.blocked_id = p_profile_id)
        or (b.blocker_id = p_profile_id and b.blocked_id = other.profile_id)
     where other.channel_id = p_channel_id and other.profile_id <> p_profile_id
  ) and (select c.type = 'dm' from public.channels c where c.id = p_channel_id)
  into blocked;
  if blocked then
    perms := perms & ~(public.permission('SEND_MESSAGES') | public.permission('ATTACH_FILES')
      | public.permission('EMBED_LINKS') | public.permission('ADD_REACTIONS') | public.permission('CONNECT')
      | public.permission('SPEAK') | public.permission('STREAM') | public.permission('USE_VAD'));
  end if;
  return perms;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.queue_federation_job(p_kind text, p_payload jsonb, p_target_domain text DEFAULT NULL::text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  target text := lower(btrim(p_target_domain));
  created bigint;
begin
  if p_kind is null or p_kind !~ '^[a-z][a-z0-9_.]{0,63}$' then
    raise exception 'job kind must be 1 to 64 characters of a-z, 0-9, _ and ., starting with a letter'
      using errcode = '22023';
  end if;
  if p_payload is null or jsonb_typeof(p_payload) <> 'object' then
    raise exception 'job payload must be a JSON object' using errcode = '22023';
  end if;
  if target = '' then
    raise exception 'target domain must not be empty' using errcode = '22023';
  end if;
  if exists (select 1 from public.federated_instances i where i.domain = target and i.status = 'blocked') then
    return null;
  end if;
  insert into private.federation_jobs (kind, payload, target_domain)
  values (p_kind, p_payload, target)
  returning id into created;
  return created;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.random_invite_code()
 RETURNS text
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
declare
  alphabet constant text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  code text := '';
  bytes bytea;
  b integer;
begin
  while char_length(code) < 8 loop
    bytes := extensions.gen_random_bytes(16);
    for i in 0 .. 15 loop
      b := get_byte(bytes, i);
      if b < 248 and char_length(code) < 8 then
        code := code || substr(alphabet, b % 62 + 1, 1);
      end if;
    end loop;
  end loop;
  return code;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.readable_channel_ids()
 RETURNS SETOF uuid
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return query
    select public.channel_ids_with(public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY'));
end;
$function$
;

CREATE OR REPLACE FUNCTION public.readable_message_for_update(p_message_id uuid)
 RETURNS public.messages
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  found_message public.messages;
begin
  select m.* into found_message from public.messages m
   where m.id = p_message_id and m.deleted_at is null
     and public.has_channel_permission(m.channel_id, public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY'))
     -- Not a key lock: a concurrent reply's foreign-key check must not wait on it.
     for no key update;
  if not found then
    raise exception 'message not found' using errcode = 'PT404';
  end if;
  return found_message;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.realtime_topic_id(p_kind text)
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
declare
  topic text := realtime.topic();
begin
  if topic is null or topic !~ ('^' || p_kind || ':[0-9a-fA-F-]{36}$') then
    return null;
  end if;
  return substr(topic, char_length(p_kind) + 2)::uuid;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.refresh_server_activity(p_day date)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  day_start timestamptz := p_day::timestamp at time zone 'UTC';
  refreshed integer;
begin
  if p_day is null then
    raise exception 'day is required' using errcode = '22004';
  end if;
  delete from public.server_activity_daily a where a.day = p_day;
  insert into public.server_activity_daily (server_id, day, message_count, active_members)
  select c.server_id, p_day, count(*)::integer, count(distinct m.author_id)::integer
    from public.messages m
    join public.channels c on c.id = m.channel_id
   where c.server_id is not null
     and m.created_at >= day_start and m.created_at < day_start + interval '1 day'
     and m.deleted_at is null
     and m.type in ('default', 'reply')
   group by c.server_id;
  get diagnostics refreshed = row_count;
  return refreshed;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.regenerate_bot_token(p_bot_id uuid)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if not exists (
    select 1 from public.bots b where b.id = p_bot_id and b.owner_id = public.get_current_profile_id()
  ) then
    raise exception 'bot not found' using errcode = 'PT404';
  end if;
  update public.bot_tokens t set revoked_at = now() where t.bot_id = p_bot_id and t.revoked_at is null;
  return public.issue_bot_token(p_bot_id);
end;
$function$
;

CREATE OR REPLACE FUNCTION public.regenerate_webhook_token(p_webhook_id uuid)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  fresh record;
begin
  perform private.managed_webhook(p_webhook_id);
  fresh := private.new_webhook_token();
  update public.webhooks w set token_hash = fresh.token_hash where w.id = p_webhook_id;
  return fresh.token;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.register_commands(p_server_id uuid, p_commands jsonb)
 RETURNS SETOF public.application_commands
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  my_bot uuid := private.bot_of_profile(public.get_current_profile_id());
  command jsonb;
  option jsonb;
  problem text;
  seen_optional boolean;
  names text[] := '{}';
begin
  if my_bot is null then
    raise exception 'only bots register commands' using errcode = '42501';
  end if;
  if p_server_id is not null and not exists (
    select 1 from public.bot_server_installs i where i.bot_id = my_bot and i.server_id = p_server_id
  ) then
    raise exception 'server not found' using errcode = 'PT404';
  end if;
  if jsonb_typeof(p_commands) <> 'array' or jsonb_array_length(p_commands) > 100 then
    raise exception 'commands are a list of at most 100' using errcode = '22023';
  end if;
  for command in select * from jsonb_array_elements(p_commands) loop
    if coalesce(command ->> 'name', '') !~ '^[a-z0-9_-]{1,32}$' then
      raise exception 'command names are 1 to 32 characters of a-z, 0-9, _ and -' using errcode = '22023';
    end if;
    if command ->> 'name' = any (names) then
      raise exception 'command % is listed twice', command ->> 'name' using errcode = '22023';
    end if;
    names := names || (command ->> 'name');
    if char_length(coalesce(command ->> 'description', '')) not between 1 and 100 then
      raise exception 'command % needs a description of 1 to 100 characters', command ->> 'name' using errcode = '22023';
    end if;
    if coalesce(jsonb_typeof(command -> 'options'), 'array') <> 'array'
       or jsonb_array_length(coalesce(command -> 'options', '[]')) > 25 then
      raise exception 'command %: options are a list of at most 25', command ->> 'name' using errcode = '22023';
    end if;
    seen_optional := false;
    for option in select * from jsonb_array_elements(coalesce(command -> 'options', '[]')) loop
      problem := private.command_option_problem(option);
      if problem is not null then
        raise exception 'command %: %', command ->> 'name', problem using errcode = '22023';
      end if;
      if coalesce((option ->> 'required')::boolean, false) and seen_optional then
        raise exception 'command %: required options come before optional ones', command ->> 'name' using errcode = '22023';
      end if;
      seen_optional := seen_optional or not coalesce((option ->> 'required')::boolean, false);
    end loop;
    if command ? 'default_member_permissions' and command -> 'default_member_permissions' <> 'null'
       and (command ->> 'default_member_permissions') !~ '^\d{1,19}$' then
      raise exception 'command %: default_member_permissions is a permission mask', command ->> 'name' using errcode = '22023';
    end if;
  end loop;

  delete from public.application_commands c
   where c.bot_id = my_bot and c.server_id is not distinct from p_server_id and not (c.name = any (names));
  insert into public.application_commands as c (bot_id, server_id, name, description, options, default_member_permissions)
  select my_bot, p_server_id, x ->> 'name', x ->> 'description', coalesce(x -> 'options', '[]'),
         nullif(x ->> 'default_member_permissions', '')::bigint
    from jsonb_array_elements(p_commands) x
  on conflict (bot_id, (coalesce(server_id, '00000000-0000-0000-0000-000000000000'::uuid)), name) do update
    set description = excluded.description, options = excluded.options,
        default_member_permissions = excluded.default_member_permissions;
  return query select * from public.application_commands c
                where c.bot_id = my_bot and c.server_id is not distinct from p_server_id order by c.name;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.register_push_subscription(p_endpoint text, p_p256dh text, p_auth text, p_device_name text DEFAULT NULL::text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_signed_in();
  saved uuid;
begin
  if p_endpoint is null or p_endpoint !~ '^https?://' or length(p_endpoint) > 2048 then
    raise exception 'endpoint must be an http(s) URL of at most 2048 characters' using errcode = '22023';
  end if;
  if coalesce(p_p256dh, '') !~ '^[A-Za-z0-9_-]{80,100}$' or coalesce(p_auth, '') !~ '^[A-Za-z0-9_-]{16,32}$' then
    raise exception 'keys.p256dh and keys.auth must be the subscription''s base64url keys' using errcode = '22023';
  end if;
  insert into public.push_subscriptions (profile_id, endpoint, public_key, auth_secret, device_name, last_active_at)
  values (me, p_endpoint, p_p256dh, p_auth, left(p_device_name, 200), now())
  on conflict (endpoint) do update
    set profile_id = excluded.profile_id, public_key = excluded.public_key, auth_secret = excluded.auth_secret,
        device_name = excluded.device_name, last_active_at = excluded.last_active_at
  returning id into saved;
  return saved;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.remote_lookup_result(p_lookup_id uuid)
 RETURNS TABLE(status text, profile_id uuid, error text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select l.status, l.profile_id, l.error from private.remote_lookups l
   where l.id = p_lookup_id and l.requester_id = public.get_current_profile_id();
$function$
;

CREATE OR REPLACE FUNCTION public.remove_reaction(p_message_id uuid, p_emoji text, p_profile_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  target public.messages := public.readable_message_for_update(p_message_id);
begin
  if p_emoji is null or p_profile_id is null then
    raise exception 'emoji and profile are required' using errcode = '22004';
  end if;
  if p_profile_id <> me
     and not public.has_channel_permission(target.channel_id, public.permission('MANAGE_MESSAGES')) then
    raise exception 'you cannot remove other people''s reactions' using errcode = '42501';
  end if;
  delete from public.message_reactions r
   where r.message_id = target.id and r.emoji = p_emoji and r.profile_id = p_profile_id;
  if not found then
    raise exception 'reaction not found' using errcode = 'PT404';
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.remove_role(p_server_id uuid, p_profile_id uuid, p_role_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform public.require_role_change(p_server_id, p_profile_id, p_role_id);
  delete from public.member_roles
   where server_id = p_server_id and profile_id = p_profile_id and role_id = p_role_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.reorder_channels(p_server_id uuid, p_channel_ids uuid[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform public.require_server_permission(p_server_id, 'MANAGE_CHANNELS');
  if p_channel_ids is null then
    raise exception 'channel ids are required' using errcode = '22004';
  end if;
  if cardinality(p_channel_ids) <> (
    select count(distinct wanted.id) from unnest(p_channel_ids) as wanted (id) where wanted.id is not null
  ) then
    raise exception 'channel ids must be distinct and not null' using errcode = '22023';
  end if;
  if exists (
    select 1 from unnest(p_channel_ids) as wanted (id)
     where not exists (select 1 from public.channels c where c.id = wanted.id and c.server_id = p_server_id)
  ) then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  update public.channels c
     set position = o.ord - 1
    from unnest(p_channel_ids) with ordinality as o (id, ord)
   where c.id = o.id and c.position <> o.ord - 1;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.reorder_roles(p_server_id uuid, p_role_ids uuid[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_server_permission(p_server_id, 'MANAGE_ROLES');
  top integer := public.member_top_position(p_server_id, me);
  total integer;
  locked uuid[];
  before_order jsonb;
begin
  if p_role_ids is null then
    raise exception 'role ids are required' using errcode = '22004';
  end if;
  perform 1 from public.servers s where s.id = p_server_id for update;
  if cardinality(p_role_ids) <> (select count(distinct r) from unnest(p_role_ids) r where r is not null)
     or (select coalesce(array_agg(r order by r), '{}') from unnest(p_role_ids) r)
        <> (select coalesce(array_agg(r.id order by r.id), '{}') from public.roles r
             where r.server_id = p_server_id and r.id <> p_server_id) then
    raise exception 'the order must list each role of the server except @everyone exactly once'
      using errcode = '22023';
  end if;
  total := cardinality(p_role_ids);
  select coalesce(array_agg(r.id order by r.position desc, r.id), '{}') into locked
    from public.roles r
   where r.server_id = p_server_id and r.id <> p_server_id and r.position >= top;
  if p_role_ids[1:cardinality(locked)] is distinct from locked and cardinality(locked) > 0 then
    raise exception 'you can only move roles below your highest role' using errcode = '42501';
  end if;

  before_order := private.role_order(p_server_id);
  perform private.announce_reorder(p_server_id, 'role_order_update', 'roles');
  update public.roles r
     set position = total - o.ord + 1
    from unnest(p_role_ids) with ordinality as o (id, ord)
   where r.id = o.id and r.position <> total - o.ord + 1;
  perform private.audit_reorder(p_server_id, 'role_reorder', before_order, private.role_order(p_server_id));
end;
$function$
;

CREATE OR REPLACE FUNCTION public.report_details(p_details text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO ''
AS $function$
begin
  return nullif(btrim(public.check_length(p_details, 'details', 1000)), '');
end;
$function$
;

CREATE OR REPLACE FUNCTION public.report_member(p_server_id uuid, p_profile_id uuid, p_reason public.report_reason, p_details text DEFAULT NULL::text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_server_member(p_server_id);
  report_id bigint;
begin
  perform public.require_member(p_server_id, p_profile_id);
  if p_profile_id = me then
    raise exception 'you cannot report yourself' using errcode = '22023';
  end if;
  if p_reason is null then
    raise exception 'choose a reason for the report' using errcode = '22023';
  end if;
  if exists (select 1 from public.reports r
              where r.server_id = p_server_id and r.reporter_id = me and r.target_id = p_profile_id
                and r.message_id is null and r.status = 'open') then
    raise exception 'you already reported this member' using errcode = '23505';
  end if;
  insert into public.reports (server_id, reporter_id, target_id, reason, details)
  values (p_server_id, me, p_profile_id, p_reason, public.report_details(p_details))
  returning id into report_id;
  return report_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.report_message(p_message_id uuid, p_reason public.report_reason, p_details text DEFAULT NULL::text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_signed_in();
  target record;
  report_id bigint;
begin
  select m.id, m.channel_id, m.author_id, m.content, c.server_id into target
    from public.messages m join public.channels c on c.id = m.channel_id
   where m.id = p_message_id and m.deleted_at is null
     and m.channel_id in (select public.readable_channel_ids());
  if not found then
    raise exception 'message not found' using errcode = 'PT404';
  end if;
  if target.server_id is null then
    raise exception 'only messages in a server can be reported to its moderators' using errcode = '22023';
  end if;
  if target.author_id is null or target.author_id = me then
    raise exception 'you cannot report your own message' using errcode = '22023';
  end if;
  if p_reason is null then
    raise exception 'choose a reason for the report' using errcode = '22023';
  end if;
  if exists (select 1 from public.reports r
              where r.reporter_id = me and r.message_id = target.id and r.status = 'open') then
    raise exception 'you already reported this message' using errcode = '23505';
  end if;
  insert into public.reports (server_id, reporter_id, target_id, message_id, channel_id, message_content, reason, details)
  values (target.server_id, me, target.author_id, target.id, target.channel_id, target.content, p_reason,
          public.report_details(p_details))
  returning id into report_id;
  return report_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.report_reviewer_permissions()
 RETURNS bigint
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO ''
AS $function$
  select public.permission('MANAGE_MESSAGES') | public.permission('KICK_MEMBERS')
       | public.permission('BAN_MEMBERS') | public.permission('MODERATE_MEMBERS')
$function$
;

CREATE OR REPLACE FUNCTION public.request_remote_lookup(p_handle text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  handle text := lower(btrim(coalesce(p_handle, '')));
  created uuid;
begin
  if handle !~ '^@?[a-z0-9_.~-]{1,64}@[a-z0-9.-]{1,253}(:[0-9]{1,5})?$' then
    raise exception 'a remote user is written @name@host' using errcode = '22023';
  end if;
  if (select count(*) from private.remote_lookups l
       where l.requester_id = me and l.created_at > now() - interval '1 minute') >= 30 then
    raise exception 'too many lookups: wait a minute' using errcode = 'PT429';
  end if;
  insert into private.remote_lookups (requester_id, handle) values (me, handle) returning id into created;
  perform private.enqueue_job('federation-lookup', jsonb_build_object('lookup_id', created));
  return created;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.require_category(p_category_id uuid)
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
declare
  category_server uuid;
begin
  select c.server_id into category_server from public.channel_categories c where c.id = p_category_id;
  if category_server is null or not public.is_server_member(category_server) then
    raise exception 'category not found' using errcode = 'PT404';
  end if;
  perform public.require_server_permission(category_server, 'MANAGE_CHANNELS');
  return category_server;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.require_channel_permission(p_channel_id uuid, p_flag text)
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_signed_in();
  channel_server uuid;
  perms bigint;
begin
  select c.server_id into channel_server from public.channels c where c.id = p_channel_id;
  perms := private.stored_channel_permissions(p_channel_id, me);
  if channel_server is null or perms & public.permission('VIEW_CHANNEL') = 0 then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  if perms & public.permission(p_flag) = 0 then
    raise exception 'you need the % permission in this channel', p_flag using errcode = '42501';
  end if;
  return channel_server;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.require_grantable(p_server_id uuid, p_actor uuid, p_bits bigint)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
declare
  mine bigint := private.server_permissions(p_server_id, p_actor);
begin
  if mine <> public.all_permissions() and p_bits & ~mine <> 0 then
    raise exception 'you cannot grant permissions you do not have' using errcode = '42501';
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.require_manageable_role(p_role_id uuid)
 RETURNS public.roles
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
declare
  target public.roles;
  me uuid;
begin
  select * into target from public.roles r where r.id = p_role_id;
  if target.id is null or not public.is_server_member(target.server_id) then
    raise exception 'role not found' using errcode = 'PT404';
  end if;
  me := public.require_server_permission(target.server_id, 'MANAGE_ROLES');
  if target.position >= public.member_top_position(target.server_id, me) then
    raise exception 'you can only manage roles below your highest role' using errcode = '42501';
  end if;
  return target;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.require_member(p_server_id uuid, p_profile_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
begin
  if not exists (
    select 1 from public.server_members m where m.server_id = p_server_id and m.profile_id = p_profile_id
  ) then
    raise exception 'member not found' using errcode = 'PT404';
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.require_moderatable(p_server_id uuid, p_actor uuid, p_target uuid)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
begin
  if p_target = p_actor then
    raise exception 'you cannot do this to yourself' using errcode = '22023';
  end if;
  if exists (select 1 from public.servers s where s.id = p_server_id and s.owner_id = p_target) then
    raise exception 'the server owner cannot be moderated' using errcode = '42501';
  end if;
  if not public.outranks(p_server_id, p_actor, p_target) then
    raise exception 'you can only moderate members whose highest role is below yours' using errcode = '42501';
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.require_overwrite_change(p_channel_id uuid, p_changed bigint)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
declare
  mine bigint := private.channel_permissions(p_channel_id, public.get_current_profile_id());
begin
  if mine <> public.all_permissions() and p_changed & ~mine <> 0 then
    raise exception 'you cannot allow or deny permissions you do not have' using errcode = '42501';
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.require_report_reviewer(p_server_id uuid)
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_server_member(p_server_id);
begin
  if private.server_permissions(p_server_id, me) & public.report_reviewer_permissions() = 0 then
    raise exception 'you need a moderation permission to review reports' using errcode = '42501';
  end if;
  return me;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.require_role_change(p_server_id uuid, p_profile_id uuid, p_role_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
declare
  target public.roles;
begin
  perform public.require_server_permission(p_server_id, 'MANAGE_ROLES');
  if not exists (select 1 from public.roles r where r.id = p_role_id and r.server_id = p_server_id) then
    raise exception 'role not found' using errcode = 'PT404';
  end if;
  target := public.require_manageable_role(p_role_id);
  if target.id = target.server_id then
    raise exception 'everyone has the @everyone role' using errcode = '22023';
  end if;
  if target.managed then
    raise exception 'a bot''s role is managed: it cannot be given or taken by hand' using errcode = '42501';
  end if;
  perform public.require_member(p_server_id, p_profile_id);
  if not public.outranks(p_server_id, public.get_current_profile_id(), p_profile_id) then
    raise exception 'you can only change roles of members whose highest role is below yours'
      using errcode = '42501';
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.require_server_member(p_server_id uuid)
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_signed_in();
begin
  if not exists (
    select 1 from public.server_members m where m.server_id = p_server_id and m.profile_id = me
  ) then
    raise exception 'server not found' using errcode = 'PT404';
  end if;
  return me;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.require_server_permission(p_server_id uuid, p_flag text)
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_server_member(p_server_id);
begin
  if private.server_permissions(p_server_id, me) & public.permission(p_flag) = 0 then
    raise exception 'you need the % permission in this server', p_flag using errcode = '42501';
  end if;
  return me;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.require_signed_in()
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  return me;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.resolve_report(p_report_id bigint, p_action text, p_note text DEFAULT NULL::text, p_timeout_seconds integer DEFAULT NULL::integer, p_delete_message_seconds integer DEFAULT 0)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_signed_in();
  report public.reports;
  server_name text;
  note text := nullif(btrim(public.check_length(p_note, 'note', 512)), '');
begin
  select r.* into report from public.reports r where r.id = p_report_id for update;
  if not found
     or not exists (select 1 from public.server_members m where m.server_id = report.server_id and m.profile_id = me) then
    raise exception 'report not found' using errcode = 'PT404';
  end if;
  perform public.require_report_reviewer(report.server_id);
  if report.channel_id is not null
     and report.channel_id not in (select public.readable_channel_ids()) then
    raise exception 'report not found' using errcode = 'PT404';
  end if;
  if report.status <> 'open' then
    raise exception 'this report was already handled' using errcode = 'PT409';
  end if;

  case p_action
    when 'dismiss' then
      null;
    when 'delete_message' then
      if report.message_id is null then
        raise exception 'this report is not about a message' using errcode = '22023';
      end if;
      perform public.delete_message(report.message_id);
    when 'timeout' then
      if p_timeout_seconds is null then
        raise exception 'choose how long the timeout lasts' using errcode = '22023';
      end if;
      perform public.timeout_member(report.server_id, report.target_id, p_timeout_seconds, note);
    when 'kick' then
      perform public.kick_member(report.server_id, report.target_id, note);
    when 'ban' then
      perform public.ban_member(report.server_id, report.target_id, note, p_delete_message_seconds);
    else
      raise exception 'unknown action: choose dismiss, delete_message, timeout, kick or ban' using errcode = '22023';
  end case;

  update public.reports
     set status = case when p_action = 'dismiss' then 'dismissed' else 'resolved' end::public.report_status,
         resolution = p_action, resolution_note = note, resolved_by = me, resolved_at = now()
   where id = report.id;

  insert into public.audit_log (server_id, actor_id, action, target_id, changes, reason)
  values (report.server_id, me, 'report_resolve', report.target_id,
          jsonb_build_object('report_id', report.id, 'resolution', p_action, 'report_reason', report.reason,
                             'message_id', report.message_id),
          note);

  if report.reporter_id is not null then
    select s.name into server_name from public.servers s where s.id = report.server_id;
    insert into public.notifications (recipient_id, type, server_id, data)
    values (report.reporter_id, 'system', report.server_id,
            jsonb_build_object('kind', 'report_resolved', 'report_id', report.id, 'outcome',
              case when p_action = 'dismiss' then 'dismissed' else 'actioned' end,
              'text', case when p_action = 'dismiss'
                then format('The moderators of %s reviewed your report and took no action.', server_name)
                else format('The moderators of %s reviewed your report and took action. Thank you.', server_name)
              end));
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.respond_to_interaction(p_interaction_id uuid, p_kind text, p_content text DEFAULT ''::text, p_ephemeral boolean DEFAULT false, p_embeds jsonb DEFAULT '[]'::jsonb)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
  x public.interactions;
  answer_id uuid;
begin
  select * into x from public.interactions i
   where i.id = p_interaction_id and i.bot_id = private.bot_of_profile(me)
   for update;
  if not found then
    raise exception 'interaction not found' using errcode = 'PT404';
  end if;
  if x.created_at < now() - interval '15 minutes' then
    raise exception 'this interaction has expired (15 minutes)' using errcode = '22023';
  end if;
  if p_kind not in ('defer', 'reply', 'followup') then
    raise exception 'kind is defer, reply or followup' using errcode = '22023';
  end if;
  if p_kind in ('defer', 'reply') and x.status <> 'pending' then
    raise exception 'this interaction was already answered: send a followup' using errcode = '22023';
  end if;
  if p_kind = 'followup' and x.status = 'pending' then
    raise exception 'answer with reply or defer first' using errcode = '22023';
  end if;

  if p_kind = 'defer' then
    update public.interactions i set status = 'deferred' where i.id = x.id;
    perform private.broadcast('user:' || x.user_id, 'interaction_update', 'UPDATE', 'interactions',
      jsonb_build_object('id', x.id, 'channel_id', x.channel_id, 'status', 'deferred'));
    return null;
  end if;

  if coalesce(btrim(p_content), '') = '' and coalesce(jsonb_array_length(p_embeds), 0) = 0 then
    raise exception 'an answer needs content or embeds' using errcode = '22023';
  end if;
  if jsonb_typeof(coalesce(p_embeds, '[]')) <> 'array' or jsonb_array_length(coalesce(p_embeds, '[]')) > 10 then
    raise exception 'embeds are a list of at most 10' using errcode = '22023';
  end if;
  if p_ephemeral then
    insert into public.ephemeral_messages (interaction_id, channel_id, recipient_id, author_id, content, embeds)
    values (x.id, x.channel_id, x.user_id, me, coalesce(p_content, ''), coalesce(p_embeds, '[]'))
    returning id into answer_id;
    perform private.broadcast('user:' || x.user_id, 'ephemeral_message', 'INSERT', 'ephemeral_messages',
      (select to_jsonb(e) from public.ephemeral_messages e where e.id = answer_id));
  else
    insert into public.messages (channel_id, author_id, content, embeds)
    values (x.channel_id, me, coalesce(p_content, ''), coalesce(p_embeds, '[]'))
    returning id into answer_id;
  end if;
  if x.status <> 'responded' then
    update public.interactions i set status = 'responded', responded_at = now() where i.id = x.id;
    perform private.broadcast('user:' || x.user_id, 'interaction_update', 'UPDATE', 'interactions',
      jsonb_build_object('id', x.id, 'channel_id', x.channel_id, 'status', 'responded'));
  end if;
  return answer_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.revoke_bot_token(p_token_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  update public.bot_tokens t
     set revoked_at = coalesce(t.revoked_at, now())
    from public.bots b
   where t.id = p_token_id and b.id = t.bot_id and b.owner_id = public.get_current_profile_id();
  if not found then
    raise exception 'bot token not found' using errcode = 'PT404';
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.revoke_invite(p_code text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_signed_in();
  invite public.invites;
begin
  select * into invite from public.invites i where i.code = p_code;
  if invite.code is null or not public.is_server_member(invite.server_id) then
    raise exception 'invite not found' using errcode = 'PT404';
  end if;
  if invite.inviter_id is distinct from me
     and not public.has_server_permission(invite.server_id, public.permission('MANAGE_GUILD')) then
    raise exception 'you need the MANAGE_GUILD permission to revoke others'' invites' using errcode = '42501';
  end if;
  update public.invites set revoked_at = now() where code = p_code and revoked_at is null;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.search_messages(p_query text, p_server_id uuid DEFAULT NULL::uuid, p_channel_id uuid DEFAULT NULL::uuid, p_limit integer DEFAULT 25)
 RETURNS SETOF public.messages
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  term text := btrim(p_query);
  page_size integer := least(greatest(coalesce(p_limit, 25), 1), 100);
  read_bits constant bigint := public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY');
  recent_window constant integer := 500;
  tsq tsquery;
  pattern text;
  channels uuid[];
  recent uuid[];
begin
  if term is null or term = '' then
    raise exception 'a search query is required' using errcode = '22023';
  end if;
  if char_length(term) > 200 then
    raise exception 'search queries are at most 200 characters' using errcode = '22023';
  end if;
  if p_server_id is not null and not public.is_server_member(p_server_id) then
    raise exception 'server not found' using errcode = 'PT404';
  end if;
  if p_channel_id is not null and not public.has_channel_permission(p_channel_id, read_bits) then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  tsq := websearch_to_tsquery('simple', term);
  pattern := '%' || replace(replace(replace(term, '\', '\\'), '%', '\%'), '_', '\_') || '%';

  channels := array(
    select p.channel_id from private.channel_member_permissions p
     where p.profile_id = me
       and (case when p.timed_out_until > now() then p.timed_out_permissions else p.permissions end)
           & read_bits = read_bits
       and (p_server_id is null or p.server_id = p_server_id)
       and (p_channel_id is null or p.channel_id = p_channel_id)
    union all
    select r.channel_id from public.channel_recipients r
     where r.profile_id = me and p_server_id is null and (p_channel_id is null or r.channel_id = p_channel_id));

  recent := array(
    select m.id
      from unnest(channels) c (id)
      join public.channel_sequences s on s.channel_id = c.id and s.last_seq > 0
     -- A seq range rather than ORDER BY seq DESC LIMIT: the planner cannot misjudge it
     -- (with a limit it may fetch and sort a whole big channel when channels look small).
     cross join lateral (
       select m.id, m.content, m.search_vector, m.deleted_at, m.created_at from public.messages m
        where m.channel_id = c.id and m.seq > s.last_seq - recent_window
        offset 0 -- kept a per-channel index range, never flattened into a scan of the table
     ) m
     where m.deleted_at is null and (m.search_vector @@ tsq or m.content ilike pattern)
     order by m.created_at desc
     limit page_size * 4);

  if cardinality(recent) < page_size then
    -- Through the text indexes, at most 4 pages of matches: all of them for a rare word; for a
    -- typo of a common word (which trigram similarity matches in most rows) the first found.
    recent := array(
      select m.id from public.messages m
       where m.channel_id = any(channels)
         and m.deleted_at is null
         and (m.search_vector @@ tsq
              or m.content ilike pattern
              or term operator(extensions.<%) m.content)
       limit page_size * 4);
  end if;

  return query
    select m.* from public.messages m
     where m.id = any(recent)
     -- Word matches first (rank normalised by length), then how closely the whole text matches.
     order by ts_rank(m.search_vector, tsq, 1) + extensions.word_similarity(term, m.content) desc,
              extensions.similarity(term, m.content) desc, m.created_at desc, m.id
     limit page_size;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.send_friend_request(p_username text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
  them uuid;
  their_policy text;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  select p.id, s.friend_requests_from into them, their_policy
    from public.profiles p left join public.user_settings s on s.profile_id = p.id
   where p.username = lower(btrim(p_username)) and p.domain is null and not p.is_bot;
  if them = me then
    raise exception 'you cannot send a friend request to yourself' using errcode = '22023';
  end if;
  if them is null
     or exists (select 1 from public.user_blocks b
                 where (b.blocker_id, b.blocked_id) in ((me, them), (them, me)))
     or their_policy = 'nobody'
     or (their_policy = 'friends_of_friends' and not exists (
           select 1 from public.friendships a join public.friendships b
             on (case when a.profile_a = me then a.profile_b else a.profile_a end)
              = (case when b.profile_a = them then b.profile_b else b.profile_a end)
            where me in (a.profile_a, a.profile_b) and them in (b.profile_a, b.profile_b))) then
    raise exception 'no user you can befriend is called "%"', p_username using errcode = 'PT404';
  end if;
  if public.are_friends(me, them) then
    raise exception 'you are already friends' using errcode = '23505';
  end if;
  if exists (select 1 from public.friend_requests r where r.sender_id = them and r.recipient_id = me) then
    perform public.make_friends(me, them);
    perform public.send_notification(them, 'friend_accept', me);
    return 'accepted';
  end if;
  insert into public.friend_requests (sender_id, recipient_id) values (me, them)
  on conflict (sender_id, recipient_id) do nothing;
  perform public.send_notification(them, 'friend_request', me);
  return 'pending';
end;
$function$
;

CREATE OR REPLACE FUNCTION public.send_notification(p_recipient_id uuid, p_type public.notification_type, p_actor_id uuid DEFAULT NULL::uuid, p_server_id uuid DEFAULT NULL::uuid, p_channel_id uuid DEFAULT NULL::uuid, p_message_id uuid DEFAULT NULL::uuid, p_data jsonb DEFAULT '{}'::jsonb)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  created uuid;
begin
  if p_recipient_id is null or p_recipient_id = p_actor_id then
    return null;
  end if;
  if p_actor_id is not null and exists (
    select 1 from public.user_blocks b where b.blocker_id = p_recipient_id and b.blocked_id = p_actor_id
  ) then
    return null;
  end if;
  if p_message_id is not null and exists (
    select 1 from public.notifications n where n.recipient_id = p_recipient_id and n.message_id = p_message_id
  ) then
    return null;
  end if;
  insert into public.notifications (recipient_id, type, actor_id, server_id, channel_id, message_id, data)
  values (p_recipient_id, p_type, p_actor_id, p_server_id, p_channel_id, p_message_id, coalesce(p_data, '{}'))
  on conflict (recipient_id, message_id, type) where message_id is not null do nothing
  returning id into created;
  return created;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.server_federation_state(p_server_id uuid)
 RETURNS TABLE(federated boolean, remote_domain text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform public.require_server_member(p_server_id);
  return query
    select coalesce((select f.federated from private.server_federation f where f.server_id = p_server_id), false),
           (select p.domain from private.remote_servers r join public.profiles p on p.id = r.group_profile_id
             where r.server_id = p_server_id);
end;
$function$
;

CREATE OR REPLACE FUNCTION public.server_member_stats(p_server_id uuid)
 RETURNS TABLE(member_count integer, online_count integer)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select count(*)::integer, (count(*) filter (where p.status <> 'offline'))::integer
    from public.server_members m
    join public.profiles p on p.id = m.profile_id
   where m.server_id = p_server_id
  having exists (
    select 1 from public.servers s
     where s.id = p_server_id and (s.is_public or public.is_server_member(p_server_id))
  )
$function$
;

CREATE OR REPLACE FUNCTION public.server_permissions(p_server_id uuid, p_profile_id uuid)
 RETURNS bigint
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform private.require_permission_query(p_profile_id, p_server_id, null, array['MANAGE_ROLES']);
  return private.server_permissions(p_server_id, p_profile_id);
end;
$function$
;

CREATE OR REPLACE FUNCTION public.set_audit_reason(p_reason text)
 RETURNS void
 LANGUAGE sql
 SET search_path TO ''
AS $function$
  select set_config('harmony.audit_reason', coalesce(p_reason, ''), true);
$function$
;

CREATE OR REPLACE FUNCTION public.set_channel_layout(p_server_id uuid, p_category_ids uuid[], p_channels jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_server_permission(p_server_id, 'MANAGE_CHANNELS');
  view_bit constant bigint := public.permission('VIEW_CHANNEL');
  channel_ids uuid[];
  category_of uuid[];
  refused text;
  before_order jsonb;
begin
  if p_category_ids is null or p_channels is null then
    raise exception 'the layout needs its categories and its channels' using errcode = '22004';
  end if;
  if jsonb_typeof(p_channels) <> 'array'
     or exists (select 1 from jsonb_array_elements(p_channels) e
                 where jsonb_typeof(e) <> 'object' or jsonb_typeof(e -> 'id') is distinct from 'string'
                    or jsonb_typeof(coalesce(e -> 'category_id', 'null')) not in ('string', 'null')) then
    raise exception 'channels must be a list of {id, category_id}' using errcode = '22023';
  end if;
  -- Concurrent layouts, and channels or categories created meanwhile, wait for this one.
  perform 1 from public.servers s where s.id = p_server_id for update;

  if cardinality(p_category_ids) <> (select count(distinct c) from unnest(p_category_ids) c where c is not null)
     or (select coalesce(array_agg(c order by c), '{}') from unnest(p_category_ids) c)
        <> (select coalesce(array_agg(k.id order by k.id), '{}') from public.channel_categories k
             where k.server_id = p_server_id) then
    raise exception 'the layout must list each category of the server exactly once' using errcode = '22023';
  end if;

  select coalesce(array_agg((e ->> 'id')::uuid order by o), '{}'),
         coalesce(array_agg((e ->> 'category_id')::uuid order by o), '{}')
    into channel_ids, category_of
    from jsonb_array_elements(p_channels) with ordinality as x (e, o);
  if cardinality(channel_ids) <> (select count(distinct c) from unnest(channel_ids) c)
     or (select coalesce(array_agg(c order by c), '{}') from unnest(channel_ids) c)
        <> (select coalesce(array_agg(c.id order by c.id), '{}') from public.channels c
             where c.server_id = p_server_id and c.parent_id is null
               and private.channel_permissions(c.id, me) & view_bit <> 0) then
    raise exception 'the layout must list each channel you can see exactly once' using errcode = '22023';
  end if;
  if exists (select 1 from unnest(category_of) k where k is not null and k <> all (p_category_ids)) then
    raise exception 'a channel''s category must be one of the server''s categories' using errcode = '22023';
  end if;
  select c.name into refused
    from unnest(channel_ids, category_of) as w (id, category_id) join public.channels c on c.id = w.id
   where c.category_id is distinct from w.category_id
     and private.channel_permissions(c.id, me) & public.permission('MANAGE_CHANNELS') = 0
   limit 1;
  if refused is not null then
    raise exception 'you need the MANAGE_CHANNELS permission in % to move it to another category', refused
      using errcode = '42501';
  end if;

  before_order := private.layout_order(p_server_id);
  perform private.announce_reorder(p_server_id, 'layout_update', 'channels');
  update public.channel_categories k
     set position = o.ord - 1
    from unnest(p_category_ids) with ordinality as o (id, ord)
   where k.id = o.id and k.position <> o.ord - 1;

  -- The listed channels take, in their new order, the places visible channels held in the
  -- server-wide order; hidden channels keep theirs. Positions then run 0, 1, 2, …
  -- A category's rank comes first, so the stored order is the order the list shows.
  with current_places as (
    select c.id, c.category_id,
           row_number() over (order by c.position, c.created_at, c.id) as place,
           private.channel_permissions(c.id, me) & view_bit <> 0 as listed
      from public.channels c where c.server_id = p_server_id and c.parent_id is null
  ), listed_places as (
    select p.place, row_number() over (order by p.place) as n from current_places p where p.listed
  ), wanted_order as (
    select w.id, w.category_id,
           row_number() over (order by coalesce(array_position(p_category_ids, w.category_id), 0), w.ord) as n
      from unnest(channel_ids, category_of) with ordinality as w (id, category_id, ord)
  ), placed as (
    select w.id, w.category_id, l.place from wanted_order w join listed_places l on l.n = w.n
    union all
    select p.id, p.category_id, p.place from current_places p where not p.listed
  ), final as (
    select p.id, p.category_id,
           row_number() over (order by coalesce(array_position(p_category_ids, p.category_id), 0), p.place) - 1
             as position
      from placed p
  )
  update public.channels c
     set position = f.position, category_id = f.category_id
    from final f
   where c.id = f.id and (c.position, c.category_id) is distinct from (f.position::integer, f.category_id);
  perform private.audit_reorder(p_server_id, 'channel_reorder', before_order, private.layout_order(p_server_id));
end;
$function$
;

CREATE OR REPLACE FUNCTION public.set_channel_overwrite(p_channel_id uuid, p_target_type public.overwrite_target, p_target_id uuid, p_allow bigint, p_deny bigint)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  channel_server uuid := public.require_channel_permission(p_channel_id, 'MANAGE_ROLES');
  previous public.channel_overwrites;
begin
  perform public.check_permission_mask(p_allow, 'allow');
  perform public.check_permission_mask(p_deny, 'deny');
  if p_allow & p_deny <> 0 then
    raise exception 'a permission cannot be both allowed and denied' using errcode = '22023';
  end if;
  if p_target_type is null then
    raise exception 'target type is required' using errcode = '22004';
  end if;
  if p_target_type = 'role' and not exists (
    select 1 from public.roles r where r.id = p_target_id and r.server_id = channel_server
  ) then
    raise exception 'role not found' using errcode = 'PT404';
  end if;
  if p_target_type = 'member' then
    perform public.require_member(channel_server, p_target_id);
  end if;
  select * into previous from public.channel_overwrites o
   where o.channel_id = p_channel_id and o.target_type = p_target_type and o.target_id = p_target_id;
  perform public.require_overwrite_change(p_channel_id,
    (p_allow # coalesce(previous.allow, 0)) | (p_deny # coalesce(previous.deny, 0)));
  insert into public.channel_overwrites (channel_id, target_type, target_id, allow, deny)
  values (p_channel_id, p_target_type, p_target_id, p_allow, p_deny)
  on conflict (channel_id, target_type, target_id)
  do update set allow = excluded.allow, deny = excluded.deny
  where (public.channel_overwrites.allow, public.channel_overwrites.deny) is distinct from (excluded.allow, excluded.deny);
end;
$function$
;

CREATE OR REPLACE FUNCTION public.set_federation_paused(p_paused boolean)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform private.require_instance_admin();
  if p_paused is null then
    raise exception 'paused must be true or false' using errcode = '22023';
  end if;
  update private.federation_settings set paused = p_paused, updated_at = now() where singleton;
  return p_paused;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.set_instance_blocked(p_domain text, p_blocked boolean)
 RETURNS public.federated_instances
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  target text := lower(btrim(p_domain));
  result public.federated_instances;
begin
  perform private.require_instance_admin();
  if target is null or target = '' or p_blocked is null then
    raise exception 'domain and blocked are required' using errcode = '22023';
  end if;
  if target !~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$'
     or char_length(target) > 253 then
    raise exception '% is not an instance''s host name', p_domain using errcode = '22023';
  end if;
  insert into public.federated_instances (domain, status, trusted)
  values (target, case when p_blocked then 'blocked' else 'active' end, false)
  on conflict (domain) do update
    set status = excluded.status,
        trusted = case when p_blocked then false else public.federated_instances.trusted end
  returning * into result;
  return result;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.set_livekit_config(p_api_key text, p_api_secret text, p_server_url text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if coalesce(btrim(p_api_key), '') = '' or coalesce(p_api_secret, '') = '' then
    raise exception 'LiveKit API key and secret are required' using errcode = '22023';
  end if;
  if p_server_url is null or p_server_url !~ '^(wss?|https?)://' then
    raise exception 'LiveKit URL must start with ws://, wss://, http:// or https://' using errcode = '22023';
  end if;
  insert into private.livekit_config (id, api_key, api_secret, server_url)
  values (true, btrim(p_api_key), p_api_secret, p_server_url)
  on conflict (id) do update
    set api_key = excluded.api_key, api_secret = excluded.api_secret, server_url = excluded.server_url,
        updated_at = now();
end;
$function$
;

CREATE OR REPLACE FUNCTION public.set_message_pinned(p_message_id uuid, p_pinned boolean)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  target public.messages := public.readable_message_for_update(p_message_id);
  channel_server uuid;
begin
  if private.stored_channel_permissions(target.channel_id, me)
     & (public.permission('PIN_MESSAGES') | public.permission('MANAGE_MESSAGES')) = 0 then
    raise exception 'you cannot pin messages in this channel' using errcode = '42501';
  end if;
  if (target.pinned_at is not null) = p_pinned then
    return;
  end if;
  -- The channel row lock serialises concurrent pins, so the limit holds.
  select c.server_id into channel_server from public.channels c where c.id = target.channel_id for update;
  if p_pinned and (select count(*) from public.messages m
                    where m.channel_id = target.channel_id and m.pinned_at is not null) >= 50 then
    raise exception 'a channel can have at most 50 pinned messages' using errcode = '23514';
  end if;
  update public.messages
     set pinned_at = case when p_pinned then now() end, pinned_by = case when p_pinned then me end
   where id = target.id;
  if p_pinned then
    insert into public.messages (channel_id, author_id, type) values (target.channel_id, me, 'pin_notice');
  end if;
  if channel_server is not null then
    insert into public.audit_log (server_id, actor_id, action, target_id, changes)
    values (channel_server, me, case when p_pinned then 'message_pin' else 'message_unpin' end::public.audit_action,
            target.id, jsonb_build_object('channel_id', target.channel_id));
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.set_nickname(p_server_id uuid, p_profile_id uuid, p_nickname text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_signed_in();
  cleaned text := nullif(btrim(p_nickname), '');
begin
  if p_profile_id = me then
    perform public.require_server_permission(p_server_id, 'CHANGE_NICKNAME');
  else
    perform public.require_server_permission(p_server_id, 'MANAGE_NICKNAMES');
    perform public.require_member(p_server_id, p_profile_id);
    if not public.outranks(p_server_id, me, p_profile_id) then
      raise exception 'you can only rename members whose highest role is below yours' using errcode = '42501';
    end if;
  end if;
  if char_length(cleaned) > 32 then
    raise exception 'nickname must be at most 32 characters' using errcode = '22023';
  end if;
  update public.server_members set nickname = cleaned
   where server_id = p_server_id and profile_id = p_profile_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.set_presence(p_status public.presence_status)
 RETURNS public.presence_status
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
  shown public.presence_status := case when p_status = 'invisible' then 'offline' else p_status end;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  if p_status is null then
    raise exception 'status is required' using errcode = '22004';
  end if;
  update public.user_settings set preferred_status = p_status where profile_id = me;
  update public.profiles set status = shown, last_seen_at = now() where id = me;
  return shown;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.set_server_federated(p_server_id uuid, p_federated boolean)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform public.require_server_permission(p_server_id, 'MANAGE_GUILD');
  if p_federated is null then
    raise exception 'federated must be true or false' using errcode = '22023';
  end if;
  if exists (select 1 from private.remote_servers r where r.server_id = p_server_id) then
    raise exception 'this server lives on another instance' using errcode = '42501';
  end if;
  insert into private.server_federation (server_id, federated) values (p_server_id, p_federated)
  on conflict (server_id) do update set federated = excluded.federated, updated_at = now();
  if not p_federated then
    delete from public.server_members m using public.profiles p
     where m.server_id = p_server_id and p.id = m.profile_id and p.domain is not null;
  end if;
  return p_federated;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.set_system_channel(p_server_id uuid, p_channel_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform public.require_server_permission(p_server_id, 'MANAGE_GUILD');
  if p_channel_id is not null and not exists (
    select 1 from public.channels c where c.id = p_channel_id and c.server_id = p_server_id and c.type = 'text'
  ) then
    raise exception 'the system messages channel must be a text channel of this server' using errcode = '22023';
  end if;
  update public.servers set system_channel_id = p_channel_id
   where id = p_server_id and system_channel_id is distinct from p_channel_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.shares_space_with(p_profile_id uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  with me as (select public.get_current_profile_id() as id)
  select exists (select 1 from me where me.id = p_profile_id)
      or exists (select 1 from me
                   join public.server_members mine on mine.profile_id = me.id
                   join public.server_members theirs
                     on theirs.server_id = mine.server_id and theirs.profile_id = p_profile_id)
      or exists (select 1 from me
                   join public.channel_recipients mine on mine.profile_id = me.id
                   join public.channel_recipients theirs
                     on theirs.channel_id = mine.channel_id and theirs.profile_id = p_profile_id)
$function$
;

CREATE OR REPLACE FUNCTION public.start_dm_call(p_channel_id uuid)
 RETURNS public.dm_calls
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  kind text;
  other uuid;
  open_call public.dm_calls;
  call public.dm_calls;
begin
  -- The DM's row lock serialises two people calling at once.
  select c.type into kind from public.channels c
   where c.id = p_channel_id and c.type in ('dm', 'group_dm')
     and exists (select 1 from public.channel_recipients r where r.channel_id = c.id and r.profile_id = me)
     for update;
  if not found then
    raise exception 'DM not found' using errcode = 'PT404';
  end if;
  if kind = 'dm' then
    select r.profile_id into other from public.channel_recipients r
     where r.channel_id = p_channel_id and r.profile_id <> me;
    if other is null
       or exists (select 1 from public.user_blocks b
                   where (b.blocker_id, b.blocked_id) in ((me, other), (other, me))) then
      raise exception 'you cannot call this person' using errcode = '42501';
    end if;
  end if;
  select * into open_call from public.dm_calls d
   where d.channel_id = p_channel_id and d.status in ('ringing', 'active') for update;
  if found then
    open_call := private.settle_stale_dm_call(open_call);
    if open_call.status in ('ringing', 'active') then
      if kind = 'group_dm' then
        return private.join_group_dm_call(open_call, me);
      end if;
      return open_call;
    end if;
  end if;
  insert into public.dm_calls (channel_id, caller_id, callee_id)
  values (p_channel_id, me, other)
  returning * into call;
  if kind = 'group_dm' then
    -- Members who blocked the caller, or whom the caller blocked, are not rung.
    insert into public.dm_call_members (call_id, profile_id, state)
    select call.id, r.profile_id, case when r.profile_id = me then 'joined' else 'ringing' end
      from public.channel_recipients r
     where r.channel_id = p_channel_id
       and not exists (select 1 from public.user_blocks b
                        where (b.blocker_id, b.blocked_id) in ((me, r.profile_id), (r.profile_id, me)));
    perform private.announce_group_dm_call(call.id);
  end if;
  return call;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.suppress_message_embeds(p_message_id uuid, p_suppress boolean DEFAULT true)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_signed_in();
  target record;
begin
  select m.id, m.author_id, m.channel_id, m.deleted_at into target from public.messages m
   where m.id = p_message_id
     and private.channel_permissions(m.channel_id, me) & public.permission('VIEW_CHANNEL') <> 0;
  if not found or target.deleted_at is not null then
    raise exception 'message not found' using errcode = 'PT404';
  end if;
  if target.author_id is distinct from me then
    raise exception 'only the author can remove a message''s previews' using errcode = '42501';
  end if;
  update public.messages m
     set suppress_embeds = coalesce(p_suppress, true),
         embeds = case when coalesce(p_suppress, true) then private.without_link_previews(m.embeds)
                       else m.embeds end
   where m.id = p_message_id;
  if not coalesce(p_suppress, true) then
    perform private.enqueue_job('fetch-preview', jsonb_build_object('messageId', p_message_id),
                                'fetch-preview:' || p_message_id);
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.sync_mention_notifications()
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.get_current_profile_id();
  view_bit constant bigint := public.permission('VIEW_CHANNEL');
  pending record;
  created integer := 0;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  for pending in
    select t.channel_id, t.seq, m.id as message_id, m.author_id, p.server_id
      from private.channel_member_permissions_now p
      join public.server_members sm on sm.server_id = p.server_id and sm.profile_id = me
      left join private.everyone_mention_cursors cur on cur.profile_id = me and cur.channel_id = p.channel_id
      join private.message_mention_targets t
        on t.target_id = p.channel_id and t.channel_id = p.channel_id and t.seq > coalesce(cur.seq, 0)
      join public.messages m on m.channel_id = t.channel_id and m.seq = t.seq
     where p.profile_id = me and p.permissions & view_bit <> 0
       and m.mention_everyone and m.deleted_at is null and m.created_at >= sm.joined_at
     order by t.channel_id, t.seq
  loop
    if not private.suppresses_everyone(me, pending.server_id)
       and public.notification_level_for(me, pending.channel_id) <> 'nothing'
       and public.send_notification(me, 'mention', pending.author_id, pending.server_id, pending.channel_id,
                                    pending.message_id, jsonb_build_object('via', 'everyone')) is not null then
      created := created + 1;
    end if;
    insert into private.everyone_mention_cursors as c (profile_id, channel_id, seq)
    values (me, pending.channel_id, pending.seq)
    on conflict (profile_id, channel_id) do update set seq = greatest(c.seq, excluded.seq);
  end loop;
  return created;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.thread_participants(p_thread_id uuid)
 RETURNS TABLE(profile_id uuid, joined_at timestamp with time zone)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if not public.has_channel_permission(p_thread_id, public.permission('VIEW_CHANNEL')) then
    raise exception 'thread not found' using errcode = 'PT404';
  end if;
  return query select m.profile_id, m.joined_at from public.thread_members m
                where m.thread_id = p_thread_id order by m.joined_at;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.timeout_member(p_server_id uuid, p_profile_id uuid, p_seconds integer, p_reason text DEFAULT NULL::text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_server_permission(p_server_id, 'MODERATE_MEMBERS');
begin
  perform public.check_length(p_reason, 'reason', 512);
  if p_seconds is not null and p_seconds not in (60, 300, 600, 3600, 86400, 604800) then
    raise exception 'a timeout lasts 60 seconds, 5 minutes, 10 minutes, 1 hour, 1 day or 1 week'
      using errcode = '22023',
            hint = 'p_seconds is one of 60, 300, 600, 3600, 86400, 604800 (null lifts the timeout)';
  end if;
  perform public.require_member(p_server_id, p_profile_id);
  perform public.require_moderatable(p_server_id, me, p_profile_id);
  if p_seconds is not null
     and private.server_permissions(p_server_id, p_profile_id) = public.all_permissions() then
    raise exception 'administrators cannot be timed out' using errcode = '42501';
  end if;
  perform public.set_audit_reason(p_reason);
  update public.server_members
     set timed_out_until = now() + make_interval(secs => p_seconds)
   where server_id = p_server_id and profile_id = p_profile_id;
  perform public.set_audit_reason(null);
end;
$function$
;

CREATE OR REPLACE FUNCTION public.touch_presence(p_push_endpoint text DEFAULT NULL::text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_signed_in();
begin
  update public.profiles p
     set last_seen_at = now(),
         status = case when p.status = 'offline'
                       then coalesce((select case when s.preferred_status = 'invisible' then 'offline'
                                                  else s.preferred_status end
                                        from public.user_settings s where s.profile_id = me), 'online')
                       else p.status end
   where p.id = me;
  if p_push_endpoint is not null then
    update public.push_subscriptions set last_active_at = now()
     where endpoint = p_push_endpoint and profile_id = me;
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.touch_updated_at()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
begin
  new.updated_at := now();
  return new;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.transfer_server_ownership(p_server_id uuid, p_new_owner uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.require_server_member(p_server_id);
begin
  if not exists (select 1 from public.servers s where s.id = p_server_id and s.owner_id = me) then
    raise exception 'only the owner can transfer the server' using errcode = '42501';
  end if;
  if p_new_owner = me then
    raise exception 'you already own this server' using errcode = '22023';
  end if;
  perform public.require_member(p_server_id, p_new_owner);
  update public.servers set owner_id = p_new_owner where id = p_server_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.try_uuid(p_text text)
 RETURNS uuid
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO ''
AS $function$
  select case
    when p_text ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then p_text::uuid
  end
$function$
;

CREATE OR REPLACE FUNCTION public.unban_member(p_server_id uuid, p_profile_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform public.require_server_permission(p_server_id, 'BAN_MEMBERS');
  delete from public.server_bans where server_id = p_server_id and profile_id = p_profile_id;
  if not found then
    raise exception 'ban not found' using errcode = 'PT404';
  end if;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.unfollow_remote(p_profile_id uuid)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  removed public.remote_follows;
begin
  delete from public.remote_follows f
   where f.follower_id = me and f.followee_id = p_profile_id
  returning * into removed;
  if removed.id is null then
    return false;
  end if;
  if removed.activity_uri is not null then
    perform private.enqueue_job('federation-unfollow', jsonb_build_object(
      'follower_id', removed.follower_id, 'followee_id', removed.followee_id,
      'activity_uri', removed.activity_uri));
  end if;
  return true;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.unpin_message(p_message_id uuid)
 RETURNS void
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$ select public.set_message_pinned(p_message_id, false) $function$
;

CREATE OR REPLACE FUNCTION public.update_category(p_category_id uuid, p_name text DEFAULT NULL::text, p_position integer DEFAULT NULL::integer)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform public.require_category(p_category_id);
  if p_position < 0 then
    raise exception 'position must not be negative' using errcode = '22023';
  end if;
  update public.channel_categories c
     set name = case when p_name is null then c.name else public.clean_name(p_name, 'category name', 100) end,
         position = coalesce(p_position, c.position)
   where c.id = p_category_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.update_channel(p_channel_id uuid, p_name text DEFAULT NULL::text, p_topic text DEFAULT NULL::text, p_slowmode_seconds integer DEFAULT NULL::integer, p_nsfw boolean DEFAULT NULL::boolean, p_category_id uuid DEFAULT NULL::uuid, p_user_limit integer DEFAULT NULL::integer)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  channel_server uuid := public.require_channel_permission(p_channel_id, 'MANAGE_CHANNELS');
  kind public.channel_type;
begin
  select c.type into kind from public.channels c where c.id = p_channel_id;
  if p_slowmode_seconds not between 0 and 21600 then
    raise exception 'slowmode must be 0 to 21600 seconds' using errcode = '22023';
  end if;
  if p_user_limit is not null and kind <> 'voice' then
    raise exception 'only voice channels have a user limit' using errcode = '22023';
  end if;
  if p_user_limit not between 0 and 99 then
    raise exception 'user limit must be 0 to 99' using errcode = '22023';
  end if;
  update public.channels c
     set name = case when p_name is null then c.name else public.channel_name(p_name, kind) end,
         topic = case when p_topic is null then c.topic
                      else nullif(btrim(public.check_length(p_topic, 'topic', 1024)), '') end,
         slowmode_seconds = coalesce(p_slowmode_seconds, c.slowmode_seconds),
         nsfw = coalesce(p_nsfw, c.nsfw),
         category_id = coalesce(public.check_category(channel_server, p_category_id), c.category_id),
         user_limit = coalesce(p_user_limit, c.user_limit)
   where c.id = p_channel_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.update_role(p_role_id uuid, p_name text DEFAULT NULL::text, p_permissions bigint DEFAULT NULL::bigint, p_color integer DEFAULT NULL::integer, p_hoist boolean DEFAULT NULL::boolean, p_mentionable boolean DEFAULT NULL::boolean)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  target public.roles := public.require_manageable_role(p_role_id);
begin
  if p_name is not null and target.id = target.server_id then
    raise exception 'the @everyone role cannot be renamed' using errcode = '22023';
  end if;
  if target.managed and (p_name is not null or p_permissions is not null) then
    raise exception 'a bot''s role is managed: its name and permissions change only by adding the bot again'
      using errcode = '42501';
  end if;
  if p_permissions is not null then
    perform public.check_permission_mask(p_permissions, 'permissions');
    perform public.require_grantable(target.server_id, public.get_current_profile_id(),
                                     p_permissions & ~target.permissions);
  end if;
  if p_color not between 0 and 16777215 then
    raise exception 'color must be 0 to 16777215' using errcode = '22023';
  end if;
  update public.roles r
     set name = case when p_name is null then r.name else public.clean_name(p_name, 'role name', 100) end,
         permissions = coalesce(p_permissions, r.permissions),
         color = coalesce(p_color, r.color),
         hoist = coalesce(p_hoist, r.hoist),
         mentionable = coalesce(p_mentionable, r.mentionable)
   where r.id = p_role_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.update_server(p_server_id uuid, p_name text DEFAULT NULL::text, p_description text DEFAULT NULL::text, p_icon_url text DEFAULT NULL::text, p_banner_url text DEFAULT NULL::text, p_is_public boolean DEFAULT NULL::boolean, p_default_notification_level public.notification_level DEFAULT NULL::public.notification_level)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform public.require_server_permission(p_server_id, 'MANAGE_GUILD');
  update public.servers s
     set name = case when p_name is null then s.name else public.clean_name(p_name, 'server name', 100) end,
         description = case when p_description is null then s.description
                            else nullif(btrim(public.check_length(p_description, 'description', 1000)), '') end,
         icon_url = case when p_icon_url is null then s.icon_url
                         else nullif(public.check_length(p_icon_url, 'icon url', 2048), '') end,
         banner_url = case when p_banner_url is null then s.banner_url
                           else nullif(public.check_length(p_banner_url, 'banner url', 2048), '') end,
         is_public = coalesce(p_is_public, s.is_public),
         default_notification_level = coalesce(p_default_notification_level, s.default_notification_level)
   where s.id = p_server_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.update_thread(p_thread_id uuid, p_name text DEFAULT NULL::text, p_archived boolean DEFAULT NULL::boolean, p_locked boolean DEFAULT NULL::boolean, p_auto_archive_minutes integer DEFAULT NULL::integer)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  me uuid := public.messaging_caller();
  thread public.threads;
  perms bigint := private.stored_channel_permissions(p_thread_id, me);
  manager boolean;
begin
  select * into thread from public.threads t where t.channel_id = p_thread_id for update;
  if thread.channel_id is null or perms & public.permission('VIEW_CHANNEL') = 0 then
    raise exception 'thread not found' using errcode = 'PT404';
  end if;
  manager := perms & public.permission('MANAGE_THREADS') <> 0;
  -- The creator acts while allowed to post here (not timed out, SEND_MESSAGES_IN_THREADS).
  if not manager and (thread.owner_id is distinct from me or perms & public.permission('SEND_MESSAGES') = 0) then
    raise exception 'only the thread''s creator or members with MANAGE_THREADS can change it' using errcode = '42501';
  end if;
  if p_locked is not null and p_locked is distinct from thread.locked and not manager then
    raise exception 'you need the MANAGE_THREADS permission to lock or unlock a thread' using errcode = '42501';
  end if;
  if thread.locked and not manager then
    raise exception 'this thread is locked' using errcode = '42501';
  end if;
  if p_auto_archive_minutes is not null and p_auto_archive_minutes not in (60, 1440, 4320, 10080) then
    raise exception 'auto-archive must be 60, 1440, 4320 or 10080 minutes' using errcode = '22023';
  end if;
  if p_name is not null then
    update public.channels c set name = public.channel_name(p_name, 'thread') where c.id = p_thread_id;
  end if;
  update public.threads t
     set locked = coalesce(p_locked, t.locked),
         auto_archive_minutes = coalesce(p_auto_archive_minutes, t.auto_archive_minutes),
         archived_at = case when p_archived is true and not private.thread_archived(t) then now()
                            when p_archived is false then null
                            else t.archived_at end,
         -- Unarchiving starts a new auto-archive period.
         last_activity_at = case when p_archived is false and private.thread_archived(t) then now()
                                 else t.last_activity_at end
   where t.channel_id = p_thread_id;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.username_available(p_username text)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
  select lower(btrim(p_username)) ~ '^[a-z0-9_.]{2,32}$'
     and not public.is_reserved_username(p_username)
     and not exists (
       select 1 from public.profiles p where p.username = lower(btrim(p_username)) and p.domain is null
     )
$function$
;

CREATE OR REPLACE FUNCTION public.verify_bot_token(p_token text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  found_bot uuid;
begin
  if p_token is null or p_token !~ '^hbot_[0-9a-f]{64}$' then
    return null;
  end if;
  update public.bot_tokens t
     set last_used_at = now()
   where t.token_hash = encode(extensions.digest(p_token, 'sha256'), 'hex') and t.revoked_at is null
  returning t.bot_id into found_bot;
  return found_bot;
end;
$function$
;

CREATE OR REPLACE FUNCTION public.visible_channel_ids()
 RETURNS SETOF uuid
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return query select public.channel_ids_with(public.permission('VIEW_CHANNEL'));
end;
$function$
;

-- Column defaults that call our functions

alter table only public.collapsed_categories alter column profile_id set default public.get_current_profile_id();

alter table only public.message_reactions alter column profile_id set default public.get_current_profile_id();

-- Constraints that call our functions

alter table only public.messages add constraint messages_attachments_valid CHECK (public.attachments_are_valid(attachments, channel_id)) NOT VALID;

-- Indexes that call our functions

CREATE UNIQUE INDEX channel_member_permissions_probe_idx ON private.channel_member_permissions USING btree (profile_id, channel_id) WHERE private.stored_permission_row(profile_id);

-- Views

create view public.public_server_directory with (security_invoker=true) as
 SELECT s.id AS server_id,
    s.name,
    s.description,
    s.icon_url,
    s.banner_url,
    stats.member_count,
    stats.online_count,
    s.created_at
   FROM (public.servers s
     CROSS JOIN LATERAL public.server_member_stats(s.id) stats(member_count, online_count))
  WHERE s.is_public;

create view public.trending_servers with (security_invoker=true) as
 WITH recent AS (
         SELECT a.server_id,
            sum(a.message_count) AS messages_7d,
            sum(a.active_members) AS active_member_days_7d
           FROM public.server_activity_daily a
          WHERE (a.day > (((now() AT TIME ZONE 'UTC'::text))::date - 7))
          GROUP BY a.server_id
        )
 SELECT row_number() OVER (ORDER BY (r.messages_7d + (10 * r.active_member_days_7d)) DESC, s.created_at, s.id) AS rank,
    s.id AS server_id,
    s.name,
    s.description,
    s.icon_url,
    r.messages_7d,
    r.active_member_days_7d,
    (r.messages_7d + (10 * r.active_member_days_7d)) AS score
   FROM (recent r
     JOIN public.servers s ON ((s.id = r.server_id)))
  WHERE s.is_public;

create view public.server_member_counts with (security_invoker=true) as
 SELECT s.id AS server_id,
    stats.member_count,
    stats.online_count
   FROM (public.servers s
     CROSS JOIN LATERAL public.server_member_stats(s.id) stats(member_count, online_count));

create view private.channel_member_permissions_now as
 SELECT profile_id,
    channel_id,
    server_id,
        CASE
            WHEN (timed_out_until > now()) THEN timed_out_permissions
            ELSE permissions
        END AS permissions
   FROM private.channel_member_permissions p;

-- Triggers

CREATE TRIGGER on_auth_user_created AFTER INSERT ON auth.users FOR EACH ROW EXECUTE FUNCTION public.handle_new_user();

CREATE TRIGGER bot_server_installs_role_removed AFTER DELETE ON public.bot_server_installs FOR EACH ROW WHEN ((old.role_id IS NOT NULL)) EXECUTE FUNCTION private.bot_install_removed();

CREATE TRIGGER broadcast_category AFTER INSERT OR DELETE ON public.channel_categories FOR EACH ROW EXECUTE FUNCTION private.broadcast_server_row('category');

CREATE TRIGGER broadcast_category_update AFTER UPDATE ON public.channel_categories FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION private.broadcast_server_row('category');

CREATE TRIGGER channel_categories_audit AFTER INSERT OR DELETE OR UPDATE OF name, "position" ON public.channel_categories FOR EACH ROW EXECUTE FUNCTION public.audit_server_change();

CREATE TRIGGER broadcast_channel_notification_settings AFTER INSERT OR DELETE OR UPDATE ON public.channel_notification_settings FOR EACH ROW EXECUTE FUNCTION private.broadcast_notification_settings();

CREATE TRIGGER broadcast_overwrites_delete AFTER DELETE ON public.channel_overwrites REFERENCING OLD TABLE AS changed_overwrites FOR EACH STATEMENT EXECUTE FUNCTION private.broadcast_overwrites();

CREATE TRIGGER broadcast_overwrites_insert AFTER INSERT ON public.channel_overwrites REFERENCING NEW TABLE AS changed_overwrites FOR EACH STATEMENT EXECUTE FUNCTION private.broadcast_overwrites();

CREATE TRIGGER broadcast_overwrites_update AFTER UPDATE ON public.channel_overwrites REFERENCING NEW TABLE AS changed_overwrites FOR EACH STATEMENT EXECUTE FUNCTION private.broadcast_overwrites();

CREATE TRIGGER channel_overwrites_audit AFTER INSERT OR DELETE OR UPDATE ON public.channel_overwrites FOR EACH ROW EXECUTE FUNCTION public.audit_server_change();

CREATE TRIGGER channel_overwrites_channel_permissions AFTER INSERT OR DELETE OR UPDATE ON public.channel_overwrites FOR EACH ROW EXECUTE FUNCTION private.channel_overwrites_sync_channel_permissions();

CREATE TRIGGER broadcast_recipient AFTER INSERT OR DELETE ON public.channel_recipients FOR EACH ROW EXECUTE FUNCTION private.broadcast_recipient();

CREATE TRIGGER broadcast_recipient_update AFTER UPDATE ON public.channel_recipients FOR EACH ROW WHEN ((old.closed IS DISTINCT FROM new.closed)) EXECUTE FUNCTION private.broadcast_recipient();

CREATE TRIGGER channel_recipients_leave_dm_calls AFTER DELETE ON public.channel_recipients FOR EACH ROW EXECUTE FUNCTION private.leave_dm_calls_of_removed_recipient();

CREATE TRIGGER broadcast_channel_delete BEFORE DELETE ON public.channels FOR EACH ROW EXECUTE FUNCTION private.broadcast_channel_delete();

CREATE CONSTRAINT TRIGGER broadcast_channel_insert AFTER INSERT ON public.channels DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION private.broadcast_channel();

CREATE CONSTRAINT TRIGGER broadcast_channel_update AFTER UPDATE ON public.channels DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (((to_jsonb(old.*) - 'updated_at'::text) IS DISTINCT FROM (to_jsonb(new.*) - 'updated_at'::text))) EXECUTE FUNCTION private.broadcast_channel();

CREATE TRIGGER broadcast_thread_rename AFTER UPDATE OF name ON public.channels FOR EACH ROW WHEN (((new.parent_id IS NOT NULL) AND (old.name IS DISTINCT FROM new.name))) EXECUTE FUNCTION private.broadcast_thread_rename();

CREATE TRIGGER channels_audit AFTER INSERT OR DELETE OR UPDATE OF category_id, type, name, topic, "position", slowmode_seconds, nsfw, is_encrypted, user_limit, owner_id, icon_url ON public.channels FOR EACH ROW EXECUTE FUNCTION public.audit_server_change();

CREATE TRIGGER channels_channel_permissions AFTER INSERT OR DELETE ON public.channels FOR EACH ROW EXECUTE FUNCTION private.channels_sync_channel_permissions();

CREATE TRIGGER channels_create_sequence AFTER INSERT ON public.channels FOR EACH ROW EXECUTE FUNCTION public.create_channel_sequence();

CREATE TRIGGER channels_no_bot_dm BEFORE INSERT ON public.channels FOR EACH ROW EXECUTE FUNCTION private.refuse_bot_dm();

CREATE TRIGGER channels_server_channel_permissions AFTER UPDATE OF server_id ON public.channels FOR EACH ROW WHEN ((old.server_id IS DISTINCT FROM new.server_id)) EXECUTE FUNCTION private.channels_sync_channel_permissions();

CREATE TRIGGER channels_touch BEFORE UPDATE ON public.channels FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();

CREATE TRIGGER custom_emojis_audit AFTER INSERT OR DELETE ON public.custom_emojis FOR EACH ROW EXECUTE FUNCTION public.audit_server_change();

CREATE TRIGGER dm_calls_broadcast AFTER INSERT OR UPDATE ON public.dm_calls FOR EACH ROW EXECUTE FUNCTION private.dm_call_broadcast();

CREATE TRIGGER broadcast_friend_request AFTER INSERT OR DELETE ON public.friend_requests FOR EACH ROW EXECUTE FUNCTION private.broadcast_between_two('friend_request', 'sender_id', 'recipient_id');

CREATE TRIGGER friend_requests_no_bot BEFORE INSERT ON public.friend_requests FOR EACH ROW EXECUTE FUNCTION private.refuse_bot_friend_request();

CREATE TRIGGER read_settled_friend_request AFTER DELETE ON public.friend_requests FOR EACH ROW EXECUTE FUNCTION private.read_settled_friend_request();

CREATE TRIGGER broadcast_friendship AFTER INSERT OR DELETE ON public.friendships FOR EACH ROW EXECUTE FUNCTION private.broadcast_between_two('friendship', 'profile_a', 'profile_b');

CREATE TRIGGER invites_audit AFTER INSERT OR UPDATE OF revoked_at ON public.invites FOR EACH ROW EXECUTE FUNCTION public.audit_server_change();

CREATE TRIGGER broadcast_member_role AFTER INSERT OR DELETE ON public.member_roles FOR EACH ROW EXECUTE FUNCTION private.broadcast_member_role();

CREATE TRIGGER keep_member_with_role AFTER INSERT ON public.member_roles FOR EACH ROW EXECUTE FUNCTION private.keep_member_with_role();

CREATE TRIGGER member_roles_audit AFTER INSERT OR DELETE ON public.member_roles FOR EACH ROW EXECUTE FUNCTION public.audit_server_change();

CREATE TRIGGER member_roles_delete_channel_permissions AFTER DELETE ON public.member_roles REFERENCING OLD TABLE AS changed_member_roles FOR EACH STATEMENT EXECUTE FUNCTION private.member_roles_sync_channel_permissions();

CREATE TRIGGER member_roles_insert_channel_permissions AFTER INSERT ON public.member_roles REFERENCING NEW TABLE AS changed_member_roles FOR EACH STATEMENT EXECUTE FUNCTION private.member_roles_sync_channel_permissions();

CREATE TRIGGER member_roles_update_channel_permissions AFTER UPDATE ON public.member_roles REFERENCING OLD TABLE AS old_member_roles NEW TABLE AS changed_member_roles FOR EACH STATEMENT EXECUTE FUNCTION private.member_roles_sync_channel_permissions();

CREATE TRIGGER broadcast_reaction AFTER INSERT OR DELETE ON public.message_reactions FOR EACH ROW EXECUTE FUNCTION private.broadcast_reaction();

CREATE TRIGGER broadcast_message_delete AFTER DELETE ON public.messages FOR EACH ROW EXECUTE FUNCTION private.broadcast_message();

CREATE TRIGGER broadcast_message_insert AFTER INSERT ON public.messages FOR EACH ROW EXECUTE FUNCTION private.broadcast_message();

CREATE TRIGGER broadcast_message_update AFTER UPDATE ON public.messages FOR EACH ROW WHEN (((old.content IS DISTINCT FROM new.content) OR (old.attachments IS DISTINCT FROM new.attachments) OR (old.embeds IS DISTINCT FROM new.embeds) OR (old.deleted_at IS DISTINCT FROM new.deleted_at) OR (old.pinned_at IS DISTINCT FROM new.pinned_at))) EXECUTE FUNCTION private.broadcast_message();

CREATE TRIGGER federate_dm_message_insert AFTER INSERT ON public.messages FOR EACH ROW EXECUTE FUNCTION private.federate_dm_message();

CREATE TRIGGER federate_dm_message_update AFTER UPDATE OF content, deleted_at ON public.messages FOR EACH ROW EXECUTE FUNCTION private.federate_dm_message();

CREATE TRIGGER federate_group_message_insert AFTER INSERT ON public.messages FOR EACH ROW EXECUTE FUNCTION private.federate_group_message();

CREATE TRIGGER federate_group_message_update AFTER UPDATE OF content, deleted_at ON public.messages FOR EACH ROW EXECUTE FUNCTION private.federate_group_message();

CREATE TRIGGER federate_mirror_message_insert AFTER INSERT ON public.messages FOR EACH ROW EXECUTE FUNCTION private.federate_mirror_message();

CREATE TRIGGER federate_mirror_message_update AFTER UPDATE OF content, deleted_at ON public.messages FOR EACH ROW EXECUTE FUNCTION private.federate_mirror_message();

CREATE TRIGGER messages_after_edit AFTER UPDATE OF content ON public.messages FOR EACH ROW WHEN (((new.content IS DISTINCT FROM old.content) AND (new.deleted_at IS NULL))) EXECUTE FUNCTION public.messages_after_edit();

CREATE TRIGGER messages_after_insert AFTER INSERT ON public.messages FOR EACH ROW EXECUTE FUNCTION public.messages_after_insert();

CREATE TRIGGER messages_before_edit BEFORE UPDATE OF content ON public.messages FOR EACH ROW WHEN (((new.content IS DISTINCT FROM old.content) AND (new.deleted_at IS NULL))) EXECUTE FUNCTION public.messages_before_edit();

CREATE TRIGGER messages_before_insert BEFORE INSERT ON public.messages FOR EACH ROW EXECUTE FUNCTION public.messages_before_insert();

CREATE TRIGGER messages_enqueue_everyone_push AFTER INSERT ON public.messages FOR EACH ROW WHEN (new.mention_everyone) EXECUTE FUNCTION private.enqueue_everyone_push();

CREATE TRIGGER messages_enqueue_link_previews AFTER INSERT ON public.messages FOR EACH ROW EXECUTE FUNCTION private.enqueue_link_previews();

CREATE TRIGGER messages_enqueue_link_previews_edit AFTER UPDATE OF content ON public.messages FOR EACH ROW WHEN ((new.content IS DISTINCT FROM old.content)) EXECUTE FUNCTION private.enqueue_link_previews();

CREATE TRIGGER messages_thread_delete AFTER DELETE ON public.messages FOR EACH ROW EXECUTE FUNCTION private.messages_thread_activity();

CREATE TRIGGER messages_thread_guard BEFORE INSERT ON public.messages FOR EACH ROW EXECUTE FUNCTION private.messages_thread_guard();

CREATE TRIGGER messages_thread_insert AFTER INSERT ON public.messages FOR EACH ROW EXECUTE FUNCTION private.messages_thread_activity();

CREATE TRIGGER messages_thread_soft_delete AFTER UPDATE OF deleted_at ON public.messages FOR EACH ROW WHEN (((old.deleted_at IS NULL) AND (new.deleted_at IS NOT NULL))) EXECUTE FUNCTION private.messages_thread_activity();

CREATE TRIGGER messages_track_preview_image_uses AFTER INSERT ON public.messages FOR EACH ROW WHEN (((new.embeds <> '[]'::jsonb) AND (new.deleted_at IS NULL))) EXECUTE FUNCTION private.track_preview_image_uses();

CREATE TRIGGER messages_track_preview_image_uses_edit AFTER UPDATE OF embeds, deleted_at ON public.messages FOR EACH ROW WHEN (((old.embeds IS DISTINCT FROM new.embeds) OR ((old.deleted_at IS NULL) <> (new.deleted_at IS NULL)))) EXECUTE FUNCTION private.track_preview_image_uses();

CREATE TRIGGER messages_unread_delete AFTER DELETE ON public.messages FOR EACH ROW EXECUTE FUNCTION private.messages_unread_bookkeeping();

CREATE TRIGGER messages_unread_insert AFTER INSERT ON public.messages FOR EACH ROW WHEN ((new.mention_everyone OR (new.mention_profile_ids <> '{}'::uuid[]) OR (new.mention_role_ids <> '{}'::uuid[]))) EXECUTE FUNCTION private.messages_unread_bookkeeping();

CREATE TRIGGER messages_unread_update AFTER UPDATE ON public.messages FOR EACH ROW WHEN (((old.deleted_at IS DISTINCT FROM new.deleted_at) OR (old.mention_profile_ids IS DISTINCT FROM new.mention_profile_ids) OR (old.mention_role_ids IS DISTINCT FROM new.mention_role_ids) OR (old.mention_everyone IS DISTINCT FROM new.mention_everyone))) EXECUTE FUNCTION private.messages_unread_bookkeeping();

CREATE TRIGGER messages_webhook_mentions BEFORE INSERT ON public.messages FOR EACH ROW WHEN ((new.webhook_id IS NOT NULL)) EXECUTE FUNCTION private.messages_webhook_mentions();

CREATE TRIGGER broadcast_notification AFTER INSERT ON public.notifications FOR EACH ROW EXECUTE FUNCTION private.broadcast_notification();

CREATE TRIGGER broadcast_notifications_delete AFTER DELETE ON public.notifications REFERENCING OLD TABLE AS notifications_before FOR EACH STATEMENT EXECUTE FUNCTION private.broadcast_notifications_changed();

CREATE TRIGGER broadcast_notifications_update AFTER UPDATE ON public.notifications REFERENCING OLD TABLE AS notifications_before NEW TABLE AS notifications_after FOR EACH STATEMENT EXECUTE FUNCTION private.broadcast_notifications_changed();

CREATE TRIGGER notifications_enqueue_push AFTER INSERT ON public.notifications FOR EACH ROW WHEN ((new.type = ANY (ARRAY['mention'::public.notification_type, 'reply'::public.notification_type, 'direct_message'::public.notification_type]))) EXECUTE FUNCTION private.enqueue_notification_push();

CREATE TRIGGER broadcast_profile_update AFTER UPDATE ON public.profiles FOR EACH ROW WHEN (((old.username IS DISTINCT FROM new.username) OR (old.display_name IS DISTINCT FROM new.display_name) OR (old.avatar_url IS DISTINCT FROM new.avatar_url) OR (old.banner_url IS DISTINCT FROM new.banner_url) OR (old.bio IS DISTINCT FROM new.bio) OR (old.pronouns IS DISTINCT FROM new.pronouns) OR (old.custom_status IS DISTINCT FROM new.custom_status) OR (old.custom_status_emoji IS DISTINCT FROM new.custom_status_emoji) OR (old.custom_status_expires_at IS DISTINCT FROM new.custom_status_expires_at) OR (old.deleted_at IS DISTINCT FROM new.deleted_at))) EXECUTE FUNCTION private.broadcast_profile_update();

CREATE TRIGGER profiles_touch BEFORE UPDATE ON public.profiles FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();

CREATE TRIGGER reject_writes INSTEAD OF INSERT OR DELETE OR UPDATE ON public.public_server_directory FOR EACH ROW EXECUTE FUNCTION private.reject_view_write();

CREATE TRIGGER broadcast_read_state AFTER INSERT ON public.read_states FOR EACH ROW EXECUTE FUNCTION private.broadcast_read_state();

CREATE TRIGGER broadcast_read_state_update AFTER UPDATE ON public.read_states FOR EACH ROW WHEN ((old.last_read_seq IS DISTINCT FROM new.last_read_seq)) EXECUTE FUNCTION private.broadcast_read_state();

CREATE TRIGGER broadcast_remote_follow AFTER INSERT OR DELETE OR UPDATE ON public.remote_follows FOR EACH ROW EXECUTE FUNCTION private.broadcast_between_two('remote_follow', 'follower_id', 'followee_id');

CREATE TRIGGER broadcast_report AFTER INSERT ON public.reports FOR EACH ROW EXECUTE FUNCTION private.broadcast_report();

CREATE TRIGGER broadcast_report_update AFTER UPDATE ON public.reports FOR EACH ROW WHEN ((old.status IS DISTINCT FROM new.status)) EXECUTE FUNCTION private.broadcast_report();

CREATE TRIGGER broadcast_role AFTER INSERT OR DELETE ON public.roles FOR EACH ROW EXECUTE FUNCTION private.broadcast_server_row('role');

CREATE TRIGGER broadcast_role_update AFTER UPDATE ON public.roles FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION private.broadcast_server_row('role');

CREATE TRIGGER roles_audit AFTER INSERT OR DELETE OR UPDATE OF name, color, permissions, hoist, mentionable ON public.roles FOR EACH ROW EXECUTE FUNCTION public.audit_server_change();

CREATE TRIGGER roles_channel_permissions AFTER INSERT OR DELETE ON public.roles FOR EACH ROW EXECUTE FUNCTION private.roles_sync_channel_permissions();

CREATE TRIGGER roles_permissions_channel_permissions AFTER UPDATE OF permissions ON public.roles FOR EACH ROW WHEN ((old.permissions IS DISTINCT FROM new.permissions)) EXECUTE FUNCTION private.roles_sync_channel_permissions();

CREATE TRIGGER server_bans_audit AFTER INSERT OR DELETE ON public.server_bans FOR EACH ROW EXECUTE FUNCTION public.audit_server_change();

CREATE TRIGGER reject_writes INSTEAD OF INSERT OR DELETE OR UPDATE ON public.server_member_counts FOR EACH ROW EXECUTE FUNCTION private.reject_view_write();

CREATE TRIGGER broadcast_member AFTER INSERT OR DELETE ON public.server_members FOR EACH ROW EXECUTE FUNCTION private.broadcast_member();

CREATE TRIGGER broadcast_member_update AFTER UPDATE ON public.server_members FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION private.broadcast_member();

CREATE TRIGGER federate_member_removed AFTER DELETE ON public.server_members FOR EACH ROW EXECUTE FUNCTION private.federate_member_removed();

CREATE TRIGGER server_members_audit AFTER DELETE OR UPDATE OF timed_out_until, nickname ON public.server_members FOR EACH ROW EXECUTE FUNCTION public.audit_server_change();

CREATE CONSTRAINT TRIGGER server_members_bot_installed AFTER INSERT ON public.server_members DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION private.bot_member_installed();

CREATE TRIGGER server_members_bot_left AFTER DELETE ON public.server_members FOR EACH ROW EXECUTE FUNCTION private.bot_member_left();

CREATE TRIGGER server_members_delete_channel_permissions AFTER DELETE ON public.server_members REFERENCING OLD TABLE AS changed_members FOR EACH STATEMENT EXECUTE FUNCTION private.server_members_sync_channel_permissions();

CREATE TRIGGER server_members_insert_channel_permissions AFTER INSERT ON public.server_members REFERENCING NEW TABLE AS changed_members FOR EACH STATEMENT EXECUTE FUNCTION private.server_members_sync_channel_permissions();

CREATE TRIGGER server_members_timeout_channel_permissions AFTER UPDATE OF timed_out_until ON public.server_members FOR EACH ROW WHEN ((old.timed_out_until IS DISTINCT FROM new.timed_out_until)) EXECUTE FUNCTION private.server_members_timeout_channel_permissions();

CREATE TRIGGER broadcast_server_notification_settings AFTER INSERT OR DELETE OR UPDATE ON public.server_notification_settings FOR EACH ROW EXECUTE FUNCTION private.broadcast_notification_settings();

CREATE TRIGGER broadcast_server_delete AFTER DELETE ON public.servers FOR EACH ROW EXECUTE FUNCTION private.broadcast_server();

CREATE TRIGGER broadcast_server_update AFTER UPDATE ON public.servers FOR EACH ROW WHEN (((to_jsonb(old.*) - 'updated_at'::text) IS DISTINCT FROM (to_jsonb(new.*) - 'updated_at'::text))) EXECUTE FUNCTION private.broadcast_server();

CREATE TRIGGER servers_audit AFTER UPDATE ON public.servers FOR EACH ROW EXECUTE FUNCTION public.audit_server_change();

CREATE TRIGGER servers_no_bot_owner BEFORE INSERT OR UPDATE OF owner_id ON public.servers FOR EACH ROW EXECUTE FUNCTION private.refuse_bot_server();

CREATE TRIGGER servers_owner_channel_permissions AFTER UPDATE OF owner_id ON public.servers FOR EACH ROW WHEN ((old.owner_id IS DISTINCT FROM new.owner_id)) EXECUTE FUNCTION private.servers_sync_channel_permissions();

CREATE TRIGGER servers_touch BEFORE UPDATE ON public.servers FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();

CREATE TRIGGER broadcast_thread AFTER INSERT OR DELETE ON public.threads FOR EACH ROW EXECUTE FUNCTION private.broadcast_thread();

CREATE TRIGGER broadcast_thread_update AFTER UPDATE ON public.threads FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION private.broadcast_thread();

CREATE TRIGGER reject_writes INSTEAD OF INSERT OR DELETE OR UPDATE ON public.trending_servers FOR EACH ROW EXECUTE FUNCTION private.reject_view_write();

CREATE TRIGGER broadcast_quiet_hours AFTER UPDATE OF quiet_hours_enabled, quiet_hours_start, quiet_hours_end, quiet_hours_time_zone ON public.user_settings FOR EACH ROW WHEN (((old.quiet_hours_enabled IS DISTINCT FROM new.quiet_hours_enabled) OR (old.quiet_hours_start IS DISTINCT FROM new.quiet_hours_start) OR (old.quiet_hours_end IS DISTINCT FROM new.quiet_hours_end) OR (old.quiet_hours_time_zone IS DISTINCT FROM new.quiet_hours_time_zone))) EXECUTE FUNCTION private.broadcast_notification_settings();

CREATE TRIGGER user_settings_check_quiet_hours BEFORE UPDATE OF quiet_hours_start, quiet_hours_end, quiet_hours_time_zone ON public.user_settings FOR EACH ROW EXECUTE FUNCTION private.check_quiet_hours();

CREATE TRIGGER user_settings_touch BEFORE UPDATE ON public.user_settings FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();

-- Row-level security

alter table private.ap_actor_cache enable row level security;

alter table private.ap_key_pairs enable row level security;

alter table private.ap_objects enable row level security;

alter table private.channel_member_permissions enable row level security;

alter table private.everyone_mention_cursors enable row level security;

alter table private.federation_jobs enable row level security;

alter table private.federation_settings enable row level security;

alter table private.fedify_kv enable row level security;

alter table private.livekit_config enable row level security;

alter table private.message_gaps enable row level security;

alter table private.message_mention_targets enable row level security;

alter table private.remote_channels enable row level security;

alter table private.remote_lookups enable row level security;

alter table private.remote_servers enable row level security;

alter table private.server_federation enable row level security;

alter table public.application_commands enable row level security;

alter table public.audit_log enable row level security;

alter table public.bot_server_installs enable row level security;

alter table public.bot_tokens enable row level security;

alter table public.bots enable row level security;

alter table public.channel_categories enable row level security;

alter table public.channel_notification_settings enable row level security;

alter table public.channel_overwrites enable row level security;

alter table public.channel_recipients enable row level security;

alter table public.channel_sequences enable row level security;

alter table public.channel_slowmode enable row level security;

alter table public.channels enable row level security;

alter table public.collapsed_categories enable row level security;

alter table public.custom_emojis enable row level security;

alter table public.device_one_time_keys enable row level security;

alter table public.dm_call_members enable row level security;

alter table public.dm_calls enable row level security;

alter table public.ephemeral_messages enable row level security;

alter table public.federated_instances enable row level security;

alter table public.friend_requests enable row level security;

alter table public.friendships enable row level security;

alter table public.instance_admins enable row level security;

alter table public.interactions enable row level security;

alter table public.invites enable row level security;

alter table public.megolm_session_shares enable row level security;

alter table public.member_roles enable row level security;

alter table public.message_reactions enable row level security;

alter table public.messages enable row level security;

alter table public.notifications enable row level security;

alter table public.profiles enable row level security;

alter table public.push_subscriptions enable row level security;

alter table public.read_states enable row level security;

alter table public.remote_follows enable row level security;

alter table public.remote_server_joins enable row level security;

alter table public.reports enable row level security;

alter table public.roles enable row level security;

alter table public.server_activity_daily enable row level security;

alter table public.server_bans enable row level security;

alter table public.server_members enable row level security;

alter table public.server_notification_settings enable row level security;

alter table public.servers enable row level security;

alter table public.thread_members enable row level security;

alter table public.threads enable row level security;

alter table public.user_blocks enable row level security;

alter table public.user_devices enable row level security;

alter table public.user_settings enable row level security;

alter table public.webhooks enable row level security;

-- Policies

create policy ap_actor_cache_server on private.ap_actor_cache as permissive for select to harmony_server
  using (true);

create policy no_client_access on private.ap_actor_cache as restrictive for all to anon, authenticated
  using (false)
  with check (false);

create policy ap_key_pairs_server on private.ap_key_pairs as permissive for all to harmony_server
  using (true)
  with check (true);

create policy no_client_access on private.ap_key_pairs as restrictive for all to anon, authenticated
  using (false)
  with check (false);

create policy no_client_access on private.ap_objects as restrictive for all to anon, authenticated
  using (false)
  with check (false);

create policy channel_member_permissions_select_own on private.channel_member_permissions as permissive for select to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy no_client_access on private.everyone_mention_cursors as restrictive for all to anon, authenticated
  using (false)
  with check (false);

create policy no_client_access on private.federation_jobs as restrictive for all to anon, authenticated
  using (false)
  with check (false);

create policy federation_settings_server on private.federation_settings as permissive for select to harmony_server
  using (true);

create policy no_client_access on private.federation_settings as restrictive for all to anon, authenticated
  using (false)
  with check (false);

create policy fedify_kv_server on private.fedify_kv as permissive for all to harmony_server
  using (true)
  with check (true);

create policy no_client_access on private.fedify_kv as restrictive for all to anon, authenticated
  using (false)
  with check (false);

create policy no_client_access on private.livekit_config as restrictive for all to anon, authenticated
  using (false)
  with check (false);

create policy no_client_access on private.message_gaps as restrictive for all to anon, authenticated
  using (false)
  with check (false);

create policy no_client_access on private.message_mention_targets as restrictive for all to anon, authenticated
  using (false)
  with check (false);

create policy no_client_access on private.remote_channels as restrictive for all to anon, authenticated
  using (false)
  with check (false);

create policy remote_channels_server on private.remote_channels as permissive for select to harmony_server
  using (true);

create policy no_client_access on private.remote_lookups as restrictive for all to anon, authenticated
  using (false)
  with check (false);

create policy no_client_access on private.remote_servers as restrictive for all to anon, authenticated
  using (false)
  with check (false);

create policy remote_servers_server on private.remote_servers as permissive for select to harmony_server
  using (true);

create policy no_client_access on private.server_federation as restrictive for all to anon, authenticated
  using (false)
  with check (false);

create policy server_federation_server on private.server_federation as permissive for select to harmony_server
  using (true);

create policy application_commands_select_visible on public.application_commands as permissive for select to authenticated
  using (((bot_id IN ( SELECT public.my_bot_ids() AS my_bot_ids)) OR (EXISTS ( SELECT 1
   FROM public.bot_server_installs i
  WHERE ((i.bot_id = application_commands.bot_id) AND (i.server_id IN ( SELECT public.my_server_ids() AS my_server_ids)) AND ((application_commands.server_id IS NULL) OR (application_commands.server_id = i.server_id)))))));

create policy audit_log_select_viewer on public.audit_log as permissive for select to authenticated
  using ((server_id IN ( SELECT public.my_server_ids_with(public.permission('VIEW_AUDIT_LOG'::text)) AS my_server_ids_with)));

create policy bot_server_installs_select_member_or_owner on public.bot_server_installs as permissive for select to authenticated
  using (((server_id IN ( SELECT public.my_server_ids() AS my_server_ids)) OR (bot_id IN ( SELECT public.my_bot_ids() AS my_bot_ids))));

create policy bot_tokens_select_owner on public.bot_tokens as permissive for select to authenticated
  using ((bot_id IN ( SELECT public.my_bot_ids() AS my_bot_ids)));

create policy bots_select_visible on public.bots as permissive for select to authenticated
  using (((owner_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) OR is_public OR (id IN ( SELECT i.bot_id
   FROM public.bot_server_installs i
  WHERE (i.server_id IN ( SELECT public.my_server_ids() AS my_server_ids))))));

create policy bots_update_owner on public.bots as permissive for update to authenticated
  using ((owner_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)))
  with check ((owner_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy channel_categories_select_member on public.channel_categories as permissive for select to authenticated
  using ((server_id IN ( SELECT public.my_server_ids() AS my_server_ids)));

create policy channel_notification_settings_delete_own on public.channel_notification_settings as permissive for delete to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy channel_notification_settings_insert_own on public.channel_notification_settings as permissive for insert to authenticated
  with check (((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) AND (channel_id IN ( SELECT public.visible_channel_ids() AS visible_channel_ids))));

create policy channel_notification_settings_select_own on public.channel_notification_settings as permissive for select to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy channel_notification_settings_update_own on public.channel_notification_settings as permissive for update to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)))
  with check ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy channel_overwrites_select_visible on public.channel_overwrites as permissive for select to authenticated
  using ((channel_id IN ( SELECT public.visible_channel_ids() AS visible_channel_ids)));

create policy channel_recipients_select_fellow on public.channel_recipients as permissive for select to authenticated
  using ((channel_id IN ( SELECT public.visible_channel_ids() AS visible_channel_ids)));

create policy channel_sequences_select_reader on public.channel_sequences as permissive for select to authenticated
  using ((COALESCE(( SELECT ((
        CASE
            WHEN (p.timed_out_until > now()) THEN p.timed_out_permissions
            ELSE p.permissions
        END & (public.permission('VIEW_CHANNEL'::text) | public.permission('READ_MESSAGE_HISTORY'::text))) = (public.permission('VIEW_CHANNEL'::text) | public.permission('READ_MESSAGE_HISTORY'::text)))
   FROM private.channel_member_permissions p
  WHERE ((p.profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) AND (p.channel_id = channel_sequences.channel_id) AND private.stored_permission_row(p.profile_id))), false) OR (channel_id IN ( SELECT public.my_dm_channel_ids() AS my_dm_channel_ids))));

create policy channel_slowmode_select_own on public.channel_slowmode as permissive for select to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy channels_select_visible on public.channels as permissive for select to authenticated
  using ((id IN ( SELECT public.visible_channel_ids() AS visible_channel_ids)));

create policy channels_server on public.channels as permissive for select to harmony_server
  using (true);

create policy collapsed_categories_delete_own on public.collapsed_categories as permissive for delete to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy collapsed_categories_insert_own on public.collapsed_categories as permissive for insert to authenticated
  with check (((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) AND (category_id IN ( SELECT c.id
   FROM public.channel_categories c
  WHERE (c.server_id IN ( SELECT public.my_server_ids() AS my_server_ids))))));

create policy collapsed_categories_select_own on public.collapsed_categories as permissive for select to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy custom_emojis_delete_manager on public.custom_emojis as permissive for delete to authenticated
  using ((server_id IN ( SELECT public.my_server_ids_with(public.permission('MANAGE_GUILD_EXPRESSIONS'::text)) AS my_server_ids_with)));

create policy custom_emojis_insert_manager on public.custom_emojis as permissive for insert to authenticated
  with check (((created_by = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) AND (server_id IN ( SELECT public.my_server_ids_with(public.permission('MANAGE_GUILD_EXPRESSIONS'::text)) AS my_server_ids_with))));

create policy custom_emojis_select_member on public.custom_emojis as permissive for select to authenticated
  using ((server_id IN ( SELECT public.my_server_ids() AS my_server_ids)));

create policy device_one_time_keys_delete_own on public.device_one_time_keys as permissive for delete to authenticated
  using ((device_id IN ( SELECT public.my_device_ids() AS my_device_ids)));

create policy device_one_time_keys_insert_own on public.device_one_time_keys as permissive for insert to authenticated
  with check ((device_id IN ( SELECT d.id
   FROM public.user_devices d
  WHERE ((d.profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) AND (d.revoked_at IS NULL)))));

create policy device_one_time_keys_select_own on public.device_one_time_keys as permissive for select to authenticated
  using ((device_id IN ( SELECT public.my_device_ids() AS my_device_ids)));

create policy dm_call_members_select_participant on public.dm_call_members as permissive for select to authenticated
  using ((call_id IN ( SELECT d.id
   FROM public.dm_calls d)));

create policy dm_calls_select_participant on public.dm_calls as permissive for select to authenticated
  using (((( SELECT public.get_current_profile_id() AS get_current_profile_id) = caller_id) OR (( SELECT public.get_current_profile_id() AS get_current_profile_id) = callee_id) OR ((callee_id IS NULL) AND (channel_id IN ( SELECT public.my_dm_channel_ids() AS my_dm_channel_ids)))));

create policy ephemeral_messages_select_recipient on public.ephemeral_messages as permissive for select to authenticated
  using ((recipient_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy federated_instances_select_signed_in on public.federated_instances as permissive for select to authenticated
  using (true);

create policy federated_instances_server on public.federated_instances as permissive for select to harmony_server
  using (true);

create policy friend_requests_delete_party on public.friend_requests as permissive for delete to authenticated
  using (((( SELECT public.get_current_profile_id() AS get_current_profile_id) = sender_id) OR (( SELECT public.get_current_profile_id() AS get_current_profile_id) = recipient_id)));

create policy friend_requests_select_party on public.friend_requests as permissive for select to authenticated
  using (((( SELECT public.get_current_profile_id() AS get_current_profile_id) = sender_id) OR (( SELECT public.get_current_profile_id() AS get_current_profile_id) = recipient_id)));

create policy friendships_delete_party on public.friendships as permissive for delete to authenticated
  using (((( SELECT public.get_current_profile_id() AS get_current_profile_id) = profile_a) OR (( SELECT public.get_current_profile_id() AS get_current_profile_id) = profile_b)));

create policy friendships_select_party on public.friendships as permissive for select to authenticated
  using (((( SELECT public.get_current_profile_id() AS get_current_profile_id) = profile_a) OR (( SELECT public.get_current_profile_id() AS get_current_profile_id) = profile_b)));

create policy instance_admins_select_self on public.instance_admins as permissive for select to authenticated
  using ((user_id = ( SELECT auth.uid() AS uid)));

create policy interactions_select_parties on public.interactions as permissive for select to authenticated
  using (((user_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) OR (bot_id IN ( SELECT b.id
   FROM public.bots b
  WHERE (b.profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id))))));

create policy invites_select_inviter on public.invites as permissive for select to authenticated
  using ((server_id IN ( SELECT public.my_server_ids_with((public.permission('CREATE_INSTANT_INVITE'::text) | public.permission('MANAGE_GUILD'::text))) AS my_server_ids_with)));

create policy megolm_session_shares_delete_recipient on public.megolm_session_shares as permissive for delete to authenticated
  using ((recipient_device_id IN ( SELECT public.my_device_ids() AS my_device_ids)));

create policy megolm_session_shares_insert_sender on public.megolm_session_shares as permissive for insert to authenticated
  with check (((sender_device_id IN ( SELECT public.my_device_ids() AS my_device_ids)) AND (channel_id IN ( SELECT public.readable_channel_ids() AS readable_channel_ids)) AND public.device_can_read_channel(sender_device_id, channel_id) AND public.device_can_read_channel(recipient_device_id, channel_id)));

create policy megolm_session_shares_select_recipient on public.megolm_session_shares as permissive for select to authenticated
  using ((recipient_device_id IN ( SELECT public.my_device_ids() AS my_device_ids)));

create policy member_roles_select_member on public.member_roles as permissive for select to authenticated
  using ((server_id IN ( SELECT public.my_server_ids() AS my_server_ids)));

create policy message_reactions_delete_own on public.message_reactions as permissive for delete to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy message_reactions_insert_reader on public.message_reactions as permissive for insert to authenticated
  with check (((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) AND public.can_react(message_id, emoji)));

create policy message_reactions_select_reader on public.message_reactions as permissive for select to authenticated
  using ((EXISTS ( SELECT 1
   FROM public.messages m
  WHERE (m.id = message_reactions.message_id))));

create policy messages_insert_sender on public.messages as permissive for insert to authenticated
  with check (((author_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) AND public.has_channel_permission(channel_id, public.permission('SEND_MESSAGES'::text)) AND ((attachments = '[]'::jsonb) OR public.has_channel_permission(channel_id, public.permission('ATTACH_FILES'::text))) AND ((reply_to_id IS NULL) OR public.can_reply_to(channel_id, reply_to_id))));

create policy messages_select_reader on public.messages as permissive for select to authenticated
  using ((COALESCE(( SELECT ((
        CASE
            WHEN (p.timed_out_until > now()) THEN p.timed_out_permissions
            ELSE p.permissions
        END & (public.permission('VIEW_CHANNEL'::text) | public.permission('READ_MESSAGE_HISTORY'::text))) = (public.permission('VIEW_CHANNEL'::text) | public.permission('READ_MESSAGE_HISTORY'::text)))
   FROM private.channel_member_permissions p
  WHERE ((p.profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) AND (p.channel_id = messages.channel_id) AND private.stored_permission_row(p.profile_id))), false) OR (channel_id IN ( SELECT public.my_dm_channel_ids() AS my_dm_channel_ids))));

create policy messages_server on public.messages as permissive for select to harmony_server
  using (true);

create policy messages_update_author on public.messages as permissive for update to authenticated
  using (((author_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) AND (deleted_at IS NULL)))
  with check (((author_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) AND (deleted_at IS NULL) AND (type = ANY (ARRAY['default'::public.message_type, 'reply'::public.message_type])) AND public.has_channel_permission(channel_id, public.permission('SEND_MESSAGES'::text))));

create policy notifications_delete_own on public.notifications as permissive for delete to authenticated
  using ((recipient_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy notifications_select_own on public.notifications as permissive for select to authenticated
  using ((recipient_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy notifications_server on public.notifications as permissive for select to harmony_server
  using (true);

create policy notifications_update_own on public.notifications as permissive for update to authenticated
  using ((recipient_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)))
  with check ((recipient_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy profiles_select_signed_in on public.profiles as permissive for select to authenticated
  using (true);

create policy profiles_server on public.profiles as permissive for select to harmony_server
  using (true);

create policy profiles_update_own on public.profiles as permissive for update to authenticated
  using ((user_id = ( SELECT auth.uid() AS uid)))
  with check ((user_id = ( SELECT auth.uid() AS uid)));

create policy push_subscriptions_delete_own on public.push_subscriptions as permissive for delete to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy push_subscriptions_select_own on public.push_subscriptions as permissive for select to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy push_subscriptions_server on public.push_subscriptions as permissive for all to harmony_server
  using (true);

create policy read_states_select_own on public.read_states as permissive for select to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy remote_follows_select_own on public.remote_follows as permissive for select to authenticated
  using (((follower_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) OR (followee_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id))));

create policy remote_follows_server on public.remote_follows as permissive for select to harmony_server
  using (true);

create policy remote_server_joins_select_own on public.remote_server_joins as permissive for select to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy remote_server_joins_server on public.remote_server_joins as permissive for select to harmony_server
  using (true);

create policy reports_select_reporter_or_reviewer on public.reports as permissive for select to authenticated
  using (((reporter_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) OR ((server_id IN ( SELECT public.my_server_ids_with(public.report_reviewer_permissions()) AS my_server_ids_with)) AND ((channel_id IS NULL) OR (channel_id IN ( SELECT public.readable_channel_ids() AS readable_channel_ids))))));

create policy roles_select_member on public.roles as permissive for select to authenticated
  using ((server_id IN ( SELECT public.my_server_ids() AS my_server_ids)));

create policy server_activity_daily_select_visible on public.server_activity_daily as permissive for select to authenticated
  using (((server_id IN ( SELECT s.id
   FROM public.servers s
  WHERE s.is_public)) OR (server_id IN ( SELECT public.my_server_ids() AS my_server_ids))));

create policy server_bans_select_banner on public.server_bans as permissive for select to authenticated
  using ((server_id IN ( SELECT public.my_server_ids_with(public.permission('BAN_MEMBERS'::text)) AS my_server_ids_with)));

create policy server_members_select_member on public.server_members as permissive for select to authenticated
  using ((server_id IN ( SELECT public.my_server_ids() AS my_server_ids)));

create policy server_members_update_own on public.server_members as permissive for update to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)))
  with check ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy server_notification_settings_delete_own on public.server_notification_settings as permissive for delete to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy server_notification_settings_insert_own on public.server_notification_settings as permissive for insert to authenticated
  with check (((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) AND (server_id IN ( SELECT public.my_server_ids() AS my_server_ids))));

create policy server_notification_settings_select_own on public.server_notification_settings as permissive for select to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy server_notification_settings_server on public.server_notification_settings as permissive for select to harmony_server
  using (true);

create policy server_notification_settings_update_own on public.server_notification_settings as permissive for update to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)))
  with check ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy servers_select_member_or_public on public.servers as permissive for select to authenticated
  using ((is_public OR (id IN ( SELECT public.my_server_ids() AS my_server_ids))));

create policy servers_server on public.servers as permissive for select to harmony_server
  using (true);

create policy thread_members_select_visible on public.thread_members as permissive for select to authenticated
  using ((thread_id IN ( SELECT public.visible_channel_ids() AS visible_channel_ids)));

create policy threads_select_visible on public.threads as permissive for select to authenticated
  using ((channel_id IN ( SELECT public.visible_channel_ids() AS visible_channel_ids)));

create policy user_blocks_delete_own on public.user_blocks as permissive for delete to authenticated
  using ((blocker_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy user_blocks_select_own on public.user_blocks as permissive for select to authenticated
  using ((blocker_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy user_devices_delete_own on public.user_devices as permissive for delete to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy user_devices_insert_own on public.user_devices as permissive for insert to authenticated
  with check ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy user_devices_select_shared on public.user_devices as permissive for select to authenticated
  using (((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) OR public.shares_space_with(profile_id)));

create policy user_devices_update_own on public.user_devices as permissive for update to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)))
  with check ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy user_settings_select_own on public.user_settings as permissive for select to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy user_settings_server on public.user_settings as permissive for select to harmony_server
  using (true);

create policy user_settings_update_own on public.user_settings as permissive for update to authenticated
  using ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)))
  with check ((profile_id = ( SELECT public.get_current_profile_id() AS get_current_profile_id)));

create policy webhooks_select_managers on public.webhooks as permissive for select to authenticated
  using (public.has_channel_permission(channel_id, public.permission('MANAGE_WEBHOOKS'::text)));

create policy realtime_messages_insert_dm_call on realtime.messages as permissive for insert to authenticated
  with check (((extension = 'broadcast'::text) AND (( SELECT public.realtime_topic_id('call'::text) AS realtime_topic_id) IN ( SELECT public.my_open_dm_call_ids() AS my_open_dm_call_ids))));

create policy realtime_messages_insert_harmony_topics on realtime.messages as permissive for insert to authenticated
  with check (((extension = ANY (ARRAY['broadcast'::text, 'presence'::text])) AND ((( SELECT public.realtime_topic_id('channel'::text) AS realtime_topic_id) IN ( SELECT public.visible_channel_ids() AS visible_channel_ids)) OR (( SELECT public.realtime_topic_id('server'::text) AS realtime_topic_id) IN ( SELECT public.my_server_ids() AS my_server_ids)) OR (( SELECT public.realtime_topic_id('user'::text) AS realtime_topic_id) = ( SELECT public.get_current_profile_id() AS get_current_profile_id)))));

create policy realtime_messages_insert_own_presence on realtime.messages as permissive for insert to authenticated
  with check (((extension = 'presence'::text) AND (( SELECT public.realtime_topic_id('presence'::text) AS realtime_topic_id) = ( SELECT public.get_current_profile_id() AS get_current_profile_id))));

create policy realtime_messages_select_dm_call on realtime.messages as permissive for select to authenticated
  using (((extension = 'broadcast'::text) AND (( SELECT public.realtime_topic_id('call'::text) AS realtime_topic_id) IN ( SELECT public.my_open_dm_call_ids() AS my_open_dm_call_ids))));

create policy realtime_messages_select_friend_presence on realtime.messages as permissive for select to authenticated
  using (((extension = 'presence'::text) AND ((( SELECT public.realtime_topic_id('presence'::text) AS realtime_topic_id) = ( SELECT public.get_current_profile_id() AS get_current_profile_id)) OR (( SELECT public.realtime_topic_id('presence'::text) AS realtime_topic_id) IN ( SELECT public.my_friend_ids() AS my_friend_ids)))));

create policy realtime_messages_select_harmony_topics on realtime.messages as permissive for select to authenticated
  using (((extension = ANY (ARRAY['broadcast'::text, 'presence'::text])) AND ((( SELECT public.realtime_topic_id('channel'::text) AS realtime_topic_id) IN ( SELECT public.visible_channel_ids() AS visible_channel_ids)) OR (( SELECT public.realtime_topic_id('server'::text) AS realtime_topic_id) IN ( SELECT public.my_server_ids() AS my_server_ids)) OR (( SELECT public.realtime_topic_id('user'::text) AS realtime_topic_id) = ( SELECT public.get_current_profile_id() AS get_current_profile_id)))));

create policy realtime_messages_select_own_topic on realtime.messages as restrictive for select to authenticated
  using ((topic = ( SELECT realtime.topic() AS topic)));

create policy attachments_delete_uploader_or_moderator on storage.objects as permissive for delete to authenticated
  using (((bucket_id = 'attachments'::text) AND ((owner_id = (( SELECT auth.uid() AS uid))::text) OR public.has_channel_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_MESSAGES'::text)))));

create policy attachments_insert_attacher on storage.objects as permissive for insert to authenticated
  with check (((bucket_id = 'attachments'::text) AND (owner_id = (( SELECT auth.uid() AS uid))::text) AND (array_length(storage.foldername(name), 1) = 2) AND (public.try_uuid((storage.foldername(name))[2]) IS NOT NULL) AND public.has_channel_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('ATTACH_FILES'::text))));

create policy attachments_select_reader on storage.objects as permissive for select to authenticated
  using (((bucket_id = 'attachments'::text) AND (public.try_uuid((storage.foldername(name))[1]) IN ( SELECT public.readable_channel_ids() AS readable_channel_ids))));

create policy emoji_delete_manager on storage.objects as permissive for delete to authenticated
  using (((bucket_id = 'emoji'::text) AND public.has_server_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD_EXPRESSIONS'::text))));

create policy emoji_insert_manager on storage.objects as permissive for insert to authenticated
  with check (((bucket_id = 'emoji'::text) AND public.has_server_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD_EXPRESSIONS'::text))));

create policy emoji_select_manager on storage.objects as permissive for select to authenticated
  using (((bucket_id = 'emoji'::text) AND public.has_server_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD_EXPRESSIONS'::text))));

create policy emoji_update_manager on storage.objects as permissive for update to authenticated
  using (((bucket_id = 'emoji'::text) AND public.has_server_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD_EXPRESSIONS'::text))))
  with check (((bucket_id = 'emoji'::text) AND public.has_server_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD_EXPRESSIONS'::text))));

create policy profile_images_delete_own on storage.objects as permissive for delete to authenticated
  using (((bucket_id = ANY (ARRAY['avatars'::text, 'banners'::text])) AND ((storage.foldername(name))[1] = (( SELECT auth.uid() AS uid))::text)));

create policy profile_images_insert_own on storage.objects as permissive for insert to authenticated
  with check (((bucket_id = ANY (ARRAY['avatars'::text, 'banners'::text])) AND ((storage.foldername(name))[1] = (( SELECT auth.uid() AS uid))::text)));

create policy profile_images_select_own on storage.objects as permissive for select to authenticated
  using (((bucket_id = ANY (ARRAY['avatars'::text, 'banners'::text])) AND ((storage.foldername(name))[1] = (( SELECT auth.uid() AS uid))::text)));

create policy profile_images_update_own on storage.objects as permissive for update to authenticated
  using (((bucket_id = ANY (ARRAY['avatars'::text, 'banners'::text])) AND ((storage.foldername(name))[1] = (( SELECT auth.uid() AS uid))::text)))
  with check (((bucket_id = ANY (ARRAY['avatars'::text, 'banners'::text])) AND ((storage.foldername(name))[1] = (( SELECT auth.uid() AS uid))::text)));

create policy server_icons_delete_manager on storage.objects as permissive for delete to authenticated
  using (((bucket_id = 'server-icons'::text) AND public.has_server_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD'::text))));

create policy server_icons_insert_manager on storage.objects as permissive for insert to authenticated
  with check (((bucket_id = 'server-icons'::text) AND public.has_server_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD'::text))));

create policy server_icons_select_manager on storage.objects as permissive for select to authenticated
  using (((bucket_id = 'server-icons'::text) AND public.has_server_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD'::text))));

create policy server_icons_update_manager on storage.objects as permissive for update to authenticated
  using (((bucket_id = 'server-icons'::text) AND public.has_server_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD'::text))))
  with check (((bucket_id = 'server-icons'::text) AND public.has_server_permission(public.try_uuid((storage.foldername(name))[1]), public.permission('MANAGE_GUILD'::text))));

-- Default privileges

alter default privileges for role postgres revoke all on functions from public, anon, authenticated, service_role;

alter default privileges for role postgres in schema public revoke all on functions from public, anon, authenticated, service_role;

alter default privileges for role postgres in schema public revoke all on sequences from public, anon, authenticated, service_role;

alter default privileges for role postgres in schema public revoke all on tables from public, anon, authenticated, service_role;

alter default privileges for role postgres in schema public grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on tables to service_role;

alter default privileges for role postgres in schema public grant SELECT, UPDATE, USAGE on sequences to service_role;

-- Privileges

revoke all on function private.announce_group_dm_call(uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function private.announce_reorder(uuid,text,text) from public, anon, authenticated, service_role;

revoke all on function private.audit_reorder(uuid,text,jsonb,jsonb) from public, anon, authenticated, service_role;

revoke all on function private.base64url(bytea) from public, anon, authenticated, service_role;

revoke all on function private.bot_install_removed() from public, anon, authenticated, service_role;

revoke all on function private.bot_member_installed() from public, anon, authenticated, service_role;

revoke all on function private.bot_member_left() from public, anon, authenticated, service_role;

revoke all on function private.bot_of_profile(uuid) from public, anon, authenticated, service_role;

revoke all on function private.broadcast(text,text,text,text,jsonb,jsonb) from public, anon, authenticated, service_role;

revoke all on function private.broadcast_audience(uuid) from public, anon, authenticated, service_role;

revoke all on function private.broadcast_between_two() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_channel() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_channel_delete() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_event(text,text) from public, anon, authenticated, service_role;

revoke all on function private.broadcast_member() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_member_role() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_message() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_notification() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_notification_settings() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_notifications_changed() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_overwrites() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_profile_update() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_reaction() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_read_state() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_recipient() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_report() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_server() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_server_row() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_thread() from public, anon, authenticated, service_role;

revoke all on function private.broadcast_thread_rename() from public, anon, authenticated, service_role;

revoke all on function private.cache_remote_actor(text,text,text,text,text,text,text,text,text) from public, anon, authenticated, service_role;

grant EXECUTE on function private.cache_remote_actor(text,text,text,text,text,text,text,text,text) to harmony_server;

revoke all on function private.caller_is_bot() from public, anon, authenticated, service_role;

revoke all on function private.channel_is_public(uuid) from public, anon, authenticated, service_role;

revoke all on function private.channel_overwrites_sync_channel_permissions() from public, anon, authenticated, service_role;

revoke all on function private.channel_permissions(uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function private.channels_sync_channel_permissions() from public, anon, authenticated, service_role;

revoke all on function private.check_quiet_hours() from public, anon, authenticated, service_role;

revoke all on function private.checked_command_options(public.application_commands,uuid,jsonb) from public, anon, authenticated, service_role;

revoke all on function private.claim_link_preview_fetch(text,integer,interval) from public, anon, authenticated, service_role;

grant EXECUTE on function private.claim_link_preview_fetch(text,integer,interval) to harmony_server;

revoke all on function private.clean_realtime_messages(interval,integer) from public, anon, authenticated, service_role;

grant EXECUTE on function private.clean_realtime_messages(interval,integer) to harmony_server;

revoke all on function private.command_option_problem(jsonb) from public, anon, authenticated, service_role;

revoke all on function private.create_everyone_push_notifications(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.create_everyone_push_notifications(uuid) to harmony_server;

revoke all on function private.dm_call_broadcast() from public, anon, authenticated, service_role;

revoke all on function private.dm_call_record(public.dm_calls) from public, anon, authenticated, service_role;

revoke all on function private.dm_call_ring_seconds() from public, anon, authenticated, service_role;

revoke all on function private.dm_note_for_delivery(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.dm_note_for_delivery(uuid) to harmony_server;

revoke all on function private.enqueue_everyone_push() from public, anon, authenticated, service_role;

revoke all on function private.enqueue_job(text,jsonb,text) from public, anon, authenticated, service_role;

revoke all on function private.enqueue_link_previews() from public, anon, authenticated, service_role;

revoke all on function private.enqueue_notification_push() from public, anon, authenticated, service_role;

revoke all on function private.expire_invites() from public, anon, authenticated, service_role;

grant EXECUTE on function private.expire_invites() to harmony_server;

revoke all on function private.expire_presence(interval) from public, anon, authenticated, service_role;

grant EXECUTE on function private.expire_presence(interval) to harmony_server;

revoke all on function private.expire_timeouts() from public, anon, authenticated, service_role;

grant EXECUTE on function private.expire_timeouts() to harmony_server;

revoke all on function private.fail_remote_server_join(uuid,text) from public, anon, authenticated, service_role;

grant EXECUTE on function private.fail_remote_server_join(uuid,text) to harmony_server;

revoke all on function private.federate_dm_message() from public, anon, authenticated, service_role;

revoke all on function private.federate_group_message() from public, anon, authenticated, service_role;

revoke all on function private.federate_member_removed() from public, anon, authenticated, service_role;

revoke all on function private.federate_mirror_message() from public, anon, authenticated, service_role;

revoke all on function private.federated_channel_history(uuid,integer) from public, anon, authenticated, service_role;

grant EXECUTE on function private.federated_channel_history(uuid,integer) to harmony_server;

revoke all on function private.federated_server_channels(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.federated_server_channels(uuid) to harmony_server;

revoke all on function private.finish_dm_call(public.dm_calls,text) from public, anon, authenticated, service_role;

revoke all on function private.finish_remote_lookup(uuid,uuid,text) from public, anon, authenticated, service_role;

grant EXECUTE on function private.finish_remote_lookup(uuid,uuid,text) to harmony_server;

revoke all on function private.group_message_for_relay(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.group_message_for_relay(uuid) to harmony_server;

revoke all on function private.group_remote_members(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.group_remote_members(uuid) to harmony_server;

revoke all on function private.is_group_member(uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.is_group_member(uuid,uuid) to harmony_server;

revoke all on function private.is_link_preview(jsonb) from public, anon, authenticated, service_role;

revoke all on function private.join_group_dm_call(public.dm_calls,uuid) from public, anon, authenticated, service_role;

revoke all on function private.keep_member_with_role() from public, anon, authenticated, service_role;

revoke all on function private.layout_order(uuid) from public, anon, authenticated, service_role;

revoke all on function private.leave_dm_calls_of_removed_recipient() from public, anon, authenticated, service_role;

revoke all on function private.link_preview_source(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.link_preview_source(uuid) to harmony_server;

revoke all on function private.livekit_admin_config() from public, anon, authenticated, service_role;

grant EXECUTE on function private.livekit_admin_config() to harmony_server;

revoke all on function private.livekit_participant_permission(uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.livekit_participant_permission(uuid,uuid) to harmony_server;

revoke all on function private.lock_channel_permissions(uuid) from public, anon, authenticated, service_role;

revoke all on function private.managed_webhook(uuid) from public, anon, authenticated, service_role;

revoke all on function private.member_roles_sync_channel_permissions() from public, anon, authenticated, service_role;

revoke all on function private.messages_thread_activity() from public, anon, authenticated, service_role;

revoke all on function private.messages_thread_guard() from public, anon, authenticated, service_role;

revoke all on function private.messages_unread_bookkeeping() from public, anon, authenticated, service_role;

revoke all on function private.messages_webhook_mentions() from public, anon, authenticated, service_role;

revoke all on function private.mirror_message(uuid,text,uuid) from public, anon, authenticated, service_role;

revoke all on function private.mirror_message_for_delivery(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.mirror_message_for_delivery(uuid) to harmony_server;

revoke all on function private.my_group_dm_call_for_update(uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function private.new_webhook_token() from public, anon, authenticated, service_role;

revoke all on function private.preview_image_ids(jsonb) from public, anon, authenticated, service_role;

revoke all on function private.prune_link_preview_images(interval) from public, anon, authenticated, service_role;

grant EXECUTE on function private.prune_link_preview_images(interval) to harmony_server;

revoke all on function private.prune_link_previews(interval) from public, anon, authenticated, service_role;

grant EXECUTE on function private.prune_link_previews(interval) to harmony_server;

revoke all on function private.prune_push_deliveries(interval) from public, anon, authenticated, service_role;

grant EXECUTE on function private.prune_push_deliveries(interval) to harmony_server;

revoke all on function private.push_mention_names(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.push_mention_names(uuid) to harmony_server;

revoke all on function private.read_settled_friend_request() from public, anon, authenticated, service_role;

revoke all on function private.reauthentication_refusal(uuid,text,text) from public, anon, authenticated, service_role;

revoke all on function private.receive_follow(text,uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.receive_follow(text,uuid,uuid) to harmony_server;

revoke all on function private.receive_follow_answer(text,uuid,boolean) from public, anon, authenticated, service_role;

grant EXECUTE on function private.receive_follow_answer(text,uuid,boolean) to harmony_server;

revoke all on function private.receive_group_accept(text,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.receive_group_accept(text,uuid) to harmony_server;

revoke all on function private.receive_group_follow(uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.receive_group_follow(uuid,uuid) to harmony_server;

revoke all on function private.receive_group_note(text,uuid,uuid,uuid,text) from public, anon, authenticated, service_role;

grant EXECUTE on function private.receive_group_note(text,uuid,uuid,uuid,text) to harmony_server;

revoke all on function private.receive_group_note_update(text,uuid,text) from public, anon, authenticated, service_role;

grant EXECUTE on function private.receive_group_note_update(text,uuid,text) to harmony_server;

revoke all on function private.receive_group_reject(uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.receive_group_reject(uuid,uuid) to harmony_server;

revoke all on function private.receive_group_relay_delete(uuid,text,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.receive_group_relay_delete(uuid,text,uuid) to harmony_server;

revoke all on function private.receive_group_relay_note(uuid,text,text,uuid,uuid,text) from public, anon, authenticated, service_role;

grant EXECUTE on function private.receive_group_relay_note(uuid,text,text,uuid,uuid,text) to harmony_server;

revoke all on function private.receive_group_relay_update(uuid,text,uuid,text) from public, anon, authenticated, service_role;

grant EXECUTE on function private.receive_group_relay_update(uuid,text,uuid,text) to harmony_server;

revoke all on function private.receive_group_unfollow(uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.receive_group_unfollow(uuid,uuid) to harmony_server;

revoke all on function private.receive_remote_note(text,uuid,uuid,text) from public, anon, authenticated, service_role;

grant EXECUTE on function private.receive_remote_note(text,uuid,uuid,text) to harmony_server;

revoke all on function private.receive_remote_note_delete(text,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.receive_remote_note_delete(text,uuid) to harmony_server;

revoke all on function private.receive_remote_note_update(text,uuid,text) from public, anon, authenticated, service_role;

grant EXECUTE on function private.receive_remote_note_update(text,uuid,text) to harmony_server;

revoke all on function private.receive_unfollow(uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.receive_unfollow(uuid,uuid) to harmony_server;

revoke all on function private.refresh_channel_permissions(uuid,uuid,uuid[]) from public, anon, authenticated, service_role;

revoke all on function private.refuse_bot_dm() from public, anon, authenticated, service_role;

revoke all on function private.refuse_bot_dms() from public, anon, authenticated, service_role;

revoke all on function private.refuse_bot_friend_request() from public, anon, authenticated, service_role;

revoke all on function private.refuse_bot_server() from public, anon, authenticated, service_role;

revoke all on function private.reject_view_write() from public, anon, authenticated, service_role;

revoke all on function private.remote_dm_allowed(uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function private.remote_dm_channel(uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function private.remote_lookup_handle(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.remote_lookup_handle(uuid) to harmony_server;

revoke all on function private.remote_username(text) from public, anon, authenticated, service_role;

revoke all on function private.reordering(uuid) from public, anon, authenticated, service_role;

revoke all on function private.require_instance_admin() from public, anon, authenticated, service_role;

revoke all on function private.require_permission_query(uuid,uuid,uuid,text[]) from public, anon, authenticated, service_role;

revoke all on function private.role_order(uuid) from public, anon, authenticated, service_role;

revoke all on function private.roles_sync_channel_permissions() from public, anon, authenticated, service_role;

revoke all on function private.server_members_sync_channel_permissions() from public, anon, authenticated, service_role;

revoke all on function private.server_members_timeout_channel_permissions() from public, anon, authenticated, service_role;

revoke all on function private.server_permissions(uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function private.servers_sync_channel_permissions() from public, anon, authenticated, service_role;

revoke all on function private.set_follow_activity(uuid,text) from public, anon, authenticated, service_role;

grant EXECUTE on function private.set_follow_activity(uuid,text) to harmony_server;

revoke all on function private.settle_group_dm_call(public.dm_calls) from public, anon, authenticated, service_role;

revoke all on function private.settle_stale_dm_call(public.dm_calls) from public, anon, authenticated, service_role;

revoke all on function private.store_message_embeds(uuid,text,jsonb) from public, anon, authenticated, service_role;

grant EXECUTE on function private.store_message_embeds(uuid,text,jsonb) to harmony_server;

revoke all on function private.stored_channel_permissions(uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function private.stored_permission_row(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function private.stored_permission_row(uuid) to authenticated;

grant EXECUTE on function private.stored_permission_row(uuid) to service_role;

revoke all on function private.suppresses_everyone(uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function private.sync_remote_server(uuid,text,uuid,text,text,jsonb,text) from public, anon, authenticated, service_role;

grant EXECUTE on function private.sync_remote_server(uuid,text,uuid,text,text,jsonb,text) to harmony_server;

revoke all on function private.thread_archived(public.threads) from public, anon, authenticated, service_role;

revoke all on function private.thread_permissions(bigint) from public, anon, authenticated, service_role;

revoke all on function private.thread_summary(public.threads) from public, anon, authenticated, service_role;

revoke all on function private.track_preview_image_uses() from public, anon, authenticated, service_role;

revoke all on function private.without_link_previews(jsonb) from public, anon, authenticated, service_role;

revoke all on function private.write_mention_targets(public.messages) from public, anon, authenticated, service_role;

revoke all on function public.accept_friend_request(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.accept_friend_request(uuid) to authenticated;

revoke all on function public.add_group_dm_recipient(uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.add_group_dm_recipient(uuid,uuid) to authenticated;

revoke all on function public.all_permissions() from public, anon, authenticated, service_role;

grant EXECUTE on function public.all_permissions() to anon;

grant EXECUTE on function public.all_permissions() to authenticated;

grant EXECUTE on function public.all_permissions() to service_role;

revoke all on function public.answer_dm_call(uuid,boolean) from public, anon, authenticated, service_role;

grant EXECUTE on function public.answer_dm_call(uuid,boolean) to authenticated;

revoke all on function public.are_friends(uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function public.assign_role(uuid,uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.assign_role(uuid,uuid,uuid) to authenticated;

revoke all on function public.attachment_is_valid(jsonb,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.attachment_is_valid(jsonb,uuid) to anon;

grant EXECUTE on function public.attachment_is_valid(jsonb,uuid) to authenticated;

grant EXECUTE on function public.attachment_is_valid(jsonb,uuid) to harmony_server;

grant EXECUTE on function public.attachment_is_valid(jsonb,uuid) to service_role;

revoke all on function public.attachment_whole_number_is_valid(jsonb,numeric,numeric) from public, anon, authenticated, service_role;

grant EXECUTE on function public.attachment_whole_number_is_valid(jsonb,numeric,numeric) to anon;

grant EXECUTE on function public.attachment_whole_number_is_valid(jsonb,numeric,numeric) to authenticated;

grant EXECUTE on function public.attachment_whole_number_is_valid(jsonb,numeric,numeric) to harmony_server;

grant EXECUTE on function public.attachment_whole_number_is_valid(jsonb,numeric,numeric) to service_role;

revoke all on function public.attachments_are_valid(jsonb,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.attachments_are_valid(jsonb,uuid) to anon;

grant EXECUTE on function public.attachments_are_valid(jsonb,uuid) to authenticated;

grant EXECUTE on function public.attachments_are_valid(jsonb,uuid) to harmony_server;

grant EXECUTE on function public.attachments_are_valid(jsonb,uuid) to service_role;

revoke all on function public.audit_changes(jsonb,jsonb,text[]) from public, anon, authenticated, service_role;

revoke all on function public.audit_server_change() from public, anon, authenticated, service_role;

revoke all on function public.ban_member(uuid,uuid,text,integer) from public, anon, authenticated, service_role;

grant EXECUTE on function public.ban_member(uuid,uuid,text,integer) to authenticated;

revoke all on function public.block_user(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.block_user(uuid) to authenticated;

revoke all on function public.bot_token_account(text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.bot_token_account(text) to harmony_server;

revoke all on function public.can_react(uuid,text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.can_react(uuid,text) to authenticated;

revoke all on function public.can_reply_to(uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.can_reply_to(uuid,uuid) to authenticated;

revoke all on function public.channel_commands(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.channel_commands(uuid) to authenticated;

revoke all on function public.channel_ids_with(bigint) from public, anon, authenticated, service_role;

grant EXECUTE on function public.channel_ids_with(bigint) to service_role;

revoke all on function public.channel_name(text,public.channel_type) from public, anon, authenticated, service_role;

revoke all on function public.channel_permissions(uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.channel_permissions(uuid,uuid) to authenticated;

grant EXECUTE on function public.channel_permissions(uuid,uuid) to service_role;

revoke all on function public.check_category(uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function public.check_length(text,text,integer) from public, anon, authenticated, service_role;

revoke all on function public.check_permission_mask(bigint,text) from public, anon, authenticated, service_role;

revoke all on function public.claim_federation_jobs(text,integer) from public, anon, authenticated, service_role;

grant EXECUTE on function public.claim_federation_jobs(text,integer) to service_role;

revoke all on function public.claim_one_time_key(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.claim_one_time_key(uuid) to authenticated;

revoke all on function public.clean_name(text,text,integer) from public, anon, authenticated, service_role;

revoke all on function public.close_dm(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.close_dm(uuid) to authenticated;

revoke all on function public.complete_federation_job(bigint,text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.complete_federation_job(bigint,text) to service_role;

revoke all on function public.compute_channel_permissions(boolean,bigint,bigint[],bigint,bigint,bigint,bigint,bigint,bigint,boolean) from public, anon, authenticated, service_role;

grant EXECUTE on function public.compute_channel_permissions(boolean,bigint,bigint[],bigint,bigint,bigint,bigint,bigint,bigint,boolean) to authenticated;

grant EXECUTE on function public.compute_channel_permissions(boolean,bigint,bigint[],bigint,bigint,bigint,bigint,bigint,bigint,boolean) to service_role;

revoke all on function public.create_bot(text,text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.create_bot(text,text) to authenticated;

revoke all on function public.create_bot_token(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.create_bot_token(uuid) to authenticated;

revoke all on function public.create_category(uuid,text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.create_category(uuid,text) to authenticated;

revoke all on function public.create_channel(uuid,text,public.channel_type,uuid,text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.create_channel(uuid,text,public.channel_type,uuid,text) to authenticated;

revoke all on function public.create_channel_sequence() from public, anon, authenticated, service_role;

revoke all on function public.create_group_dm(uuid[],text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.create_group_dm(uuid[],text) to authenticated;

revoke all on function public.create_invite(uuid,integer,integer,uuid,boolean) from public, anon, authenticated, service_role;

grant EXECUTE on function public.create_invite(uuid,integer,integer,uuid,boolean) to authenticated;

revoke all on function public.create_role(uuid,text,bigint,integer) from public, anon, authenticated, service_role;

grant EXECUTE on function public.create_role(uuid,text,bigint,integer) to authenticated;

revoke all on function public.create_server(text,text,text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.create_server(text,text,text) to authenticated;

revoke all on function public.create_thread(uuid,text,uuid,integer) from public, anon, authenticated, service_role;

grant EXECUTE on function public.create_thread(uuid,text,uuid,integer) to authenticated;

revoke all on function public.create_webhook(uuid,text,boolean) from public, anon, authenticated, service_role;

grant EXECUTE on function public.create_webhook(uuid,text,boolean) to authenticated;

revoke all on function public.default_everyone_permissions() from public, anon, authenticated, service_role;

grant EXECUTE on function public.default_everyone_permissions() to anon;

grant EXECUTE on function public.default_everyone_permissions() to authenticated;

grant EXECUTE on function public.default_everyone_permissions() to service_role;

revoke all on function public.delete_category(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.delete_category(uuid) to authenticated;

revoke all on function public.delete_channel(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.delete_channel(uuid) to authenticated;

revoke all on function public.delete_channel_overwrite(uuid,public.overwrite_target,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.delete_channel_overwrite(uuid,public.overwrite_target,uuid) to authenticated;

revoke all on function public.delete_message(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.delete_message(uuid) to authenticated;

revoke all on function public.delete_my_account(text,text,boolean) from public, anon, authenticated, service_role;

grant EXECUTE on function public.delete_my_account(text,text,boolean) to authenticated;

revoke all on function public.delete_role(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.delete_role(uuid) to authenticated;

revoke all on function public.delete_server(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.delete_server(uuid) to authenticated;

revoke all on function public.delete_webhook(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.delete_webhook(uuid) to authenticated;

revoke all on function public.device_can_read_channel(uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.device_can_read_channel(uuid,uuid) to authenticated;

revoke all on function public.end_dm_call(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.end_dm_call(uuid) to authenticated;

revoke all on function public.end_temporary_memberships() from public, anon, authenticated, service_role;

grant EXECUTE on function public.end_temporary_memberships() to authenticated;

revoke all on function public.execute_webhook(uuid,text,text,text,text,jsonb) from public, anon, authenticated, service_role;

grant EXECUTE on function public.execute_webhook(uuid,text,text,text,text,jsonb) to harmony_server;

revoke all on function public.export_my_data() from public, anon, authenticated, service_role;

grant EXECUTE on function public.export_my_data() to authenticated;

revoke all on function public.federation_admin_settings() from public, anon, authenticated, service_role;

grant EXECUTE on function public.federation_admin_settings() to authenticated;

grant EXECUTE on function public.federation_admin_settings() to service_role;

revoke all on function public.follow_remote(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.follow_remote(uuid) to authenticated;

revoke all on function public.get_current_profile_id() from public, anon, authenticated, service_role;

grant EXECUTE on function public.get_current_profile_id() to authenticated;

grant EXECUTE on function public.get_current_profile_id() to service_role;

revoke all on function public.get_dm_call_token(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.get_dm_call_token(uuid) to authenticated;

revoke all on function public.get_invite_preview(text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.get_invite_preview(text) to authenticated;

revoke all on function public.get_livekit_token(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.get_livekit_token(uuid) to authenticated;

revoke all on function public.get_messages(uuid,bigint,bigint,integer) from public, anon, authenticated, service_role;

grant EXECUTE on function public.get_messages(uuid,bigint,bigint,integer) to authenticated;

revoke all on function public.get_unread_state() from public, anon, authenticated, service_role;

grant EXECUTE on function public.get_unread_state() to authenticated;

revoke all on function public.handle_new_user() from public, anon, authenticated, service_role;

revoke all on function public.has_channel_permission(uuid,bigint) from public, anon, authenticated, service_role;

grant EXECUTE on function public.has_channel_permission(uuid,bigint) to authenticated;

grant EXECUTE on function public.has_channel_permission(uuid,bigint) to service_role;

revoke all on function public.has_server_permission(uuid,bigint) from public, anon, authenticated, service_role;

grant EXECUTE on function public.has_server_permission(uuid,bigint) to authenticated;

grant EXECUTE on function public.has_server_permission(uuid,bigint) to service_role;

revoke all on function public.install_bot(uuid,uuid,bigint) from public, anon, authenticated, service_role;

grant EXECUTE on function public.install_bot(uuid,uuid,bigint) to authenticated;

revoke all on function public.invoke_command(uuid,uuid,jsonb) from public, anon, authenticated, service_role;

grant EXECUTE on function public.invoke_command(uuid,uuid,jsonb) to authenticated;

revoke all on function public.is_instance_admin() from public, anon, authenticated, service_role;

grant EXECUTE on function public.is_instance_admin() to authenticated;

grant EXECUTE on function public.is_instance_admin() to service_role;

revoke all on function public.is_reserved_username(text) from public, anon, authenticated, service_role;

revoke all on function public.is_server_member(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.is_server_member(uuid) to service_role;

revoke all on function public.issue_bot_token(uuid) from public, anon, authenticated, service_role;

revoke all on function public.join_remote_server(text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.join_remote_server(text) to authenticated;

revoke all on function public.join_server_by_invite(text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.join_server_by_invite(text) to authenticated;

revoke all on function public.join_thread(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.join_thread(uuid) to authenticated;

revoke all on function public.kick_member(uuid,uuid,text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.kick_member(uuid,uuid,text) to authenticated;

revoke all on function public.leave_group_dm(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.leave_group_dm(uuid) to authenticated;

revoke all on function public.leave_server(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.leave_server(uuid) to authenticated;

revoke all on function public.leave_thread(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.leave_thread(uuid) to authenticated;

revoke all on function public.list_reports(uuid,public.report_status,bigint,integer) from public, anon, authenticated, service_role;

grant EXECUTE on function public.list_reports(uuid,public.report_status,bigint,integer) to authenticated;

revoke all on function public.list_threads(uuid,uuid,boolean,integer) from public, anon, authenticated, service_role;

grant EXECUTE on function public.list_threads(uuid,uuid,boolean,integer) to authenticated;

revoke all on function public.make_friends(uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function public.mark_channel_read(uuid,bigint) from public, anon, authenticated, service_role;

grant EXECUTE on function public.mark_channel_read(uuid,bigint) to authenticated;

revoke all on function public.mark_notifications_read(uuid[]) from public, anon, authenticated, service_role;

grant EXECUTE on function public.mark_notifications_read(uuid[]) to authenticated;

revoke all on function public.member_top_position(uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function public.message_mentions(uuid,uuid,text) from public, anon, authenticated, service_role;

revoke all on function public.messages_after_edit() from public, anon, authenticated, service_role;

revoke all on function public.messages_after_insert() from public, anon, authenticated, service_role;

revoke all on function public.messages_before_edit() from public, anon, authenticated, service_role;

revoke all on function public.messages_before_insert() from public, anon, authenticated, service_role;

revoke all on function public.messaging_caller() from public, anon, authenticated, service_role;

revoke all on function public.moderate_voice(uuid,uuid,text,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.moderate_voice(uuid,uuid,text,uuid) to authenticated;

revoke all on function public.my_bot_ids() from public, anon, authenticated, service_role;

grant EXECUTE on function public.my_bot_ids() to authenticated;

revoke all on function public.my_device_ids() from public, anon, authenticated, service_role;

grant EXECUTE on function public.my_device_ids() to authenticated;

revoke all on function public.my_dm_channel_ids() from public, anon, authenticated, service_role;

grant EXECUTE on function public.my_dm_channel_ids() to authenticated;

grant EXECUTE on function public.my_dm_channel_ids() to service_role;

revoke all on function public.my_friend_ids() from public, anon, authenticated, service_role;

grant EXECUTE on function public.my_friend_ids() to authenticated;

revoke all on function public.my_group_dm_for_update(uuid) from public, anon, authenticated, service_role;

revoke all on function public.my_open_dm_call_ids() from public, anon, authenticated, service_role;

grant EXECUTE on function public.my_open_dm_call_ids() to authenticated;

revoke all on function public.my_server_ids() from public, anon, authenticated, service_role;

grant EXECUTE on function public.my_server_ids() to authenticated;

grant EXECUTE on function public.my_server_ids() to service_role;

revoke all on function public.my_server_ids_with(bigint) from public, anon, authenticated, service_role;

grant EXECUTE on function public.my_server_ids_with(bigint) to authenticated;

revoke all on function public.notification_level_for(uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.notification_level_for(uuid,uuid) to harmony_server;

revoke all on function public.notify_message(public.messages,uuid[],uuid[],boolean,boolean) from public, anon, authenticated, service_role;

revoke all on function public.open_dm(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.open_dm(uuid) to authenticated;

revoke all on function public.open_remote_dm(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.open_remote_dm(uuid) to authenticated;

revoke all on function public.outranks(uuid,uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function public.permission(text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.permission(text) to anon;

grant EXECUTE on function public.permission(text) to authenticated;

grant EXECUTE on function public.permission(text) to service_role;

revoke all on function public.pin_message(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.pin_message(uuid) to authenticated;

revoke all on function public.private_channel_permissions(uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function public.queue_federation_job(text,jsonb,text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.queue_federation_job(text,jsonb,text) to service_role;

revoke all on function public.random_invite_code() from public, anon, authenticated, service_role;

revoke all on function public.readable_channel_ids() from public, anon, authenticated, service_role;

grant EXECUTE on function public.readable_channel_ids() to authenticated;

grant EXECUTE on function public.readable_channel_ids() to service_role;

revoke all on function public.readable_message_for_update(uuid) from public, anon, authenticated, service_role;

revoke all on function public.realtime_topic_id(text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.realtime_topic_id(text) to authenticated;

revoke all on function public.refresh_server_activity(date) from public, anon, authenticated, service_role;

grant EXECUTE on function public.refresh_server_activity(date) to service_role;

revoke all on function public.regenerate_bot_token(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.regenerate_bot_token(uuid) to authenticated;

revoke all on function public.regenerate_webhook_token(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.regenerate_webhook_token(uuid) to authenticated;

revoke all on function public.register_commands(uuid,jsonb) from public, anon, authenticated, service_role;

grant EXECUTE on function public.register_commands(uuid,jsonb) to authenticated;

revoke all on function public.register_push_subscription(text,text,text,text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.register_push_subscription(text,text,text,text) to authenticated;

revoke all on function public.remote_lookup_result(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.remote_lookup_result(uuid) to authenticated;

revoke all on function public.remove_reaction(uuid,text,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.remove_reaction(uuid,text,uuid) to authenticated;

revoke all on function public.remove_role(uuid,uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.remove_role(uuid,uuid,uuid) to authenticated;

revoke all on function public.reorder_channels(uuid,uuid[]) from public, anon, authenticated, service_role;

grant EXECUTE on function public.reorder_channels(uuid,uuid[]) to authenticated;

revoke all on function public.reorder_roles(uuid,uuid[]) from public, anon, authenticated, service_role;

grant EXECUTE on function public.reorder_roles(uuid,uuid[]) to authenticated;

revoke all on function public.report_details(text) from public, anon, authenticated, service_role;

revoke all on function public.report_member(uuid,uuid,public.report_reason,text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.report_member(uuid,uuid,public.report_reason,text) to authenticated;

revoke all on function public.report_message(uuid,public.report_reason,text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.report_message(uuid,public.report_reason,text) to authenticated;

revoke all on function public.report_reviewer_permissions() from public, anon, authenticated, service_role;

grant EXECUTE on function public.report_reviewer_permissions() to authenticated;

revoke all on function public.request_remote_lookup(text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.request_remote_lookup(text) to authenticated;

revoke all on function public.require_category(uuid) from public, anon, authenticated, service_role;

revoke all on function public.require_channel_permission(uuid,text) from public, anon, authenticated, service_role;

revoke all on function public.require_grantable(uuid,uuid,bigint) from public, anon, authenticated, service_role;

revoke all on function public.require_manageable_role(uuid) from public, anon, authenticated, service_role;

revoke all on function public.require_member(uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function public.require_moderatable(uuid,uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function public.require_overwrite_change(uuid,bigint) from public, anon, authenticated, service_role;

revoke all on function public.require_report_reviewer(uuid) from public, anon, authenticated, service_role;

revoke all on function public.require_role_change(uuid,uuid,uuid) from public, anon, authenticated, service_role;

revoke all on function public.require_server_member(uuid) from public, anon, authenticated, service_role;

revoke all on function public.require_server_permission(uuid,text) from public, anon, authenticated, service_role;

revoke all on function public.require_signed_in() from public, anon, authenticated, service_role;

revoke all on function public.resolve_report(bigint,text,text,integer,integer) from public, anon, authenticated, service_role;

grant EXECUTE on function public.resolve_report(bigint,text,text,integer,integer) to authenticated;

revoke all on function public.respond_to_interaction(uuid,text,text,boolean,jsonb) from public, anon, authenticated, service_role;

grant EXECUTE on function public.respond_to_interaction(uuid,text,text,boolean,jsonb) to authenticated;

revoke all on function public.revoke_bot_token(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.revoke_bot_token(uuid) to authenticated;

revoke all on function public.revoke_invite(text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.revoke_invite(text) to authenticated;

revoke all on function public.search_messages(text,uuid,uuid,integer) from public, anon, authenticated, service_role;

grant EXECUTE on function public.search_messages(text,uuid,uuid,integer) to authenticated;

revoke all on function public.send_friend_request(text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.send_friend_request(text) to authenticated;

revoke all on function public.send_notification(uuid,public.notification_type,uuid,uuid,uuid,uuid,jsonb) from public, anon, authenticated, service_role;

revoke all on function public.server_federation_state(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.server_federation_state(uuid) to authenticated;

revoke all on function public.server_member_stats(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.server_member_stats(uuid) to authenticated;

revoke all on function public.server_permissions(uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.server_permissions(uuid,uuid) to authenticated;

grant EXECUTE on function public.server_permissions(uuid,uuid) to service_role;

revoke all on function public.set_audit_reason(text) from public, anon, authenticated, service_role;

revoke all on function public.set_channel_layout(uuid,uuid[],jsonb) from public, anon, authenticated, service_role;

grant EXECUTE on function public.set_channel_layout(uuid,uuid[],jsonb) to authenticated;

revoke all on function public.set_channel_overwrite(uuid,public.overwrite_target,uuid,bigint,bigint) from public, anon, authenticated, service_role;

grant EXECUTE on function public.set_channel_overwrite(uuid,public.overwrite_target,uuid,bigint,bigint) to authenticated;

revoke all on function public.set_federation_paused(boolean) from public, anon, authenticated, service_role;

grant EXECUTE on function public.set_federation_paused(boolean) to authenticated;

grant EXECUTE on function public.set_federation_paused(boolean) to service_role;

revoke all on function public.set_instance_blocked(text,boolean) from public, anon, authenticated, service_role;

grant EXECUTE on function public.set_instance_blocked(text,boolean) to authenticated;

grant EXECUTE on function public.set_instance_blocked(text,boolean) to service_role;

revoke all on function public.set_livekit_config(text,text,text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.set_livekit_config(text,text,text) to service_role;

revoke all on function public.set_message_pinned(uuid,boolean) from public, anon, authenticated, service_role;

revoke all on function public.set_nickname(uuid,uuid,text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.set_nickname(uuid,uuid,text) to authenticated;

revoke all on function public.set_presence(public.presence_status) from public, anon, authenticated, service_role;

grant EXECUTE on function public.set_presence(public.presence_status) to authenticated;

revoke all on function public.set_server_federated(uuid,boolean) from public, anon, authenticated, service_role;

grant EXECUTE on function public.set_server_federated(uuid,boolean) to authenticated;

revoke all on function public.set_system_channel(uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.set_system_channel(uuid,uuid) to authenticated;

revoke all on function public.shares_space_with(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.shares_space_with(uuid) to authenticated;

revoke all on function public.start_dm_call(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.start_dm_call(uuid) to authenticated;

revoke all on function public.suppress_message_embeds(uuid,boolean) from public, anon, authenticated, service_role;

grant EXECUTE on function public.suppress_message_embeds(uuid,boolean) to authenticated;

revoke all on function public.sync_mention_notifications() from public, anon, authenticated, service_role;

grant EXECUTE on function public.sync_mention_notifications() to authenticated;

grant EXECUTE on function public.sync_mention_notifications() to service_role;

revoke all on function public.thread_participants(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.thread_participants(uuid) to authenticated;

revoke all on function public.timeout_member(uuid,uuid,integer,text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.timeout_member(uuid,uuid,integer,text) to authenticated;

revoke all on function public.touch_presence(text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.touch_presence(text) to authenticated;

revoke all on function public.touch_updated_at() from public, anon, authenticated, service_role;

revoke all on function public.transfer_server_ownership(uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.transfer_server_ownership(uuid,uuid) to authenticated;

revoke all on function public.try_uuid(text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.try_uuid(text) to authenticated;

revoke all on function public.unban_member(uuid,uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.unban_member(uuid,uuid) to authenticated;

revoke all on function public.unfollow_remote(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.unfollow_remote(uuid) to authenticated;

revoke all on function public.unpin_message(uuid) from public, anon, authenticated, service_role;

grant EXECUTE on function public.unpin_message(uuid) to authenticated;

revoke all on function public.update_category(uuid,text,integer) from public, anon, authenticated, service_role;

grant EXECUTE on function public.update_category(uuid,text,integer) to authenticated;

revoke all on function public.update_channel(uuid,text,text,integer,boolean,uuid,integer) from public, anon, authenticated, service_role;

grant EXECUTE on function public.update_channel(uuid,text,text,integer,boolean,uuid,integer) to authenticated;

revoke all on function public.update_role(uuid,text,bigint,integer,boolean,boolean) from public, anon, authenticated, service_role;

grant EXECUTE on function public.update_role(uuid,text,bigint,integer,boolean,boolean) to authenticated;

revoke all on function public.update_server(uuid,text,text,text,text,boolean,public.notification_level) from public, anon, authenticated, service_role;

grant EXECUTE on function public.update_server(uuid,text,text,text,text,boolean,public.notification_level) to authenticated;

revoke all on function public.update_thread(uuid,text,boolean,boolean,integer) from public, anon, authenticated, service_role;

grant EXECUTE on function public.update_thread(uuid,text,boolean,boolean,integer) to authenticated;

revoke all on function public.username_available(text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.username_available(text) to authenticated;

revoke all on function public.verify_bot_token(text) from public, anon, authenticated, service_role;

grant EXECUTE on function public.verify_bot_token(text) to service_role;

revoke all on function public.visible_channel_ids() from public, anon, authenticated, service_role;

grant EXECUTE on function public.visible_channel_ids() to authenticated;

grant EXECUTE on function public.visible_channel_ids() to service_role;

grant USAGE on schema private to harmony_server;

grant CREATE, USAGE on schema public to supabase_realtime_admin;

grant USAGE on schema public to anon;

grant USAGE on schema public to authenticated;

grant USAGE on schema public to harmony_server;

grant USAGE on schema public to postgres;

grant USAGE on schema public to public;

grant USAGE on schema public to service_role;

revoke all on sequence private.federation_jobs_id_seq from public, anon, authenticated, service_role;

revoke all on sequence private.job_outbox_id_seq from public, anon, authenticated, service_role;

revoke all on sequence public.audit_log_id_seq from public, anon, authenticated, service_role;

grant SELECT, UPDATE, USAGE on sequence public.audit_log_id_seq to service_role;

revoke all on sequence public.reports_id_seq from public, anon, authenticated, service_role;

grant SELECT, UPDATE, USAGE on sequence public.reports_id_seq to service_role;

revoke all on table private.ap_actor_cache from public, anon, authenticated, service_role;

grant SELECT on table private.ap_actor_cache to harmony_server;

revoke all on table private.ap_key_pairs from public, anon, authenticated, service_role;

grant INSERT, SELECT on table private.ap_key_pairs to harmony_server;

revoke all on table private.ap_objects from public, anon, authenticated, service_role;

revoke all on table private.channel_member_permissions from public, anon, authenticated, service_role;

grant SELECT (profile_id, channel_id, permissions, timed_out_until, timed_out_permissions) on table private.channel_member_permissions to authenticated;

revoke all on table private.channel_member_permissions_now from public, anon, authenticated, service_role;

revoke all on table private.everyone_mention_cursors from public, anon, authenticated, service_role;

revoke all on table private.federation_jobs from public, anon, authenticated, service_role;

revoke all on table private.federation_settings from public, anon, authenticated, service_role;

grant SELECT on table private.federation_settings to harmony_server;

revoke all on table private.fedify_kv from public, anon, authenticated, service_role;

grant DELETE, INSERT, SELECT, UPDATE on table private.fedify_kv to harmony_server;

revoke all on table private.job_outbox from public, anon, authenticated, service_role;

grant DELETE, SELECT on table private.job_outbox to harmony_server;

revoke all on table private.link_preview_hosts from public, anon, authenticated, service_role;

revoke all on table private.link_preview_image_uses from public, anon, authenticated, service_role;

revoke all on table private.link_preview_images from public, anon, authenticated, service_role;

grant INSERT, SELECT, UPDATE on table private.link_preview_images to harmony_server;

revoke all on table private.link_previews from public, anon, authenticated, service_role;

grant DELETE, INSERT, SELECT, UPDATE on table private.link_previews to harmony_server;

revoke all on table private.livekit_config from public, anon, authenticated, service_role;

revoke all on table private.message_gaps from public, anon, authenticated, service_role;

revoke all on table private.message_mention_targets from public, anon, authenticated, service_role;

revoke all on table private.push_deliveries from public, anon, authenticated, service_role;

grant INSERT, SELECT on table private.push_deliveries to harmony_server;

revoke all on table private.reauthentication_failures from public, anon, authenticated, service_role;

revoke all on table private.remote_channels from public, anon, authenticated, service_role;

grant SELECT on table private.remote_channels to harmony_server;

revoke all on table private.remote_lookups from public, anon, authenticated, service_role;

revoke all on table private.remote_servers from public, anon, authenticated, service_role;

grant SELECT on table private.remote_servers to harmony_server;

revoke all on table private.server_federation from public, anon, authenticated, service_role;

grant SELECT on table private.server_federation to harmony_server;

revoke all on table private.webhook_rate_windows from public, anon, authenticated, service_role;

revoke all on table public.application_commands from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.application_commands to service_role;

grant SELECT on table public.application_commands to authenticated;

revoke all on table public.audit_log from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.audit_log to service_role;

grant SELECT on table public.audit_log to authenticated;

revoke all on table public.bot_server_installs from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.bot_server_installs to service_role;

grant SELECT on table public.bot_server_installs to authenticated;

revoke all on table public.bot_tokens from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.bot_tokens to service_role;

grant SELECT (id, bot_id, token_prefix, created_at, last_used_at, revoked_at) on table public.bot_tokens to authenticated;

revoke all on table public.bots from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.bots to service_role;

grant SELECT on table public.bots to authenticated;

grant UPDATE (description, is_public) on table public.bots to authenticated;

revoke all on table public.channel_categories from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.channel_categories to service_role;

grant SELECT on table public.channel_categories to authenticated;

revoke all on table public.channel_notification_settings from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.channel_notification_settings to service_role;

grant DELETE, SELECT on table public.channel_notification_settings to authenticated;

grant INSERT (profile_id, channel_id, level, muted_until) on table public.channel_notification_settings to authenticated;

grant UPDATE (level, muted_until) on table public.channel_notification_settings to authenticated;

revoke all on table public.channel_overwrites from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.channel_overwrites to service_role;

grant SELECT on table public.channel_overwrites to authenticated;

revoke all on table public.channel_recipients from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.channel_recipients to service_role;

grant SELECT on table public.channel_recipients to authenticated;

revoke all on table public.channel_sequences from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.channel_sequences to service_role;

grant SELECT on table public.channel_sequences to authenticated;

revoke all on table public.channel_slowmode from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.channel_slowmode to service_role;

grant SELECT on table public.channel_slowmode to authenticated;

revoke all on table public.channels from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.channels to service_role;

grant SELECT on table public.channels to authenticated;

grant SELECT on table public.channels to harmony_server;

revoke all on table public.collapsed_categories from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.collapsed_categories to service_role;

grant DELETE, INSERT, SELECT on table public.collapsed_categories to authenticated;

revoke all on table public.custom_emojis from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.custom_emojis to service_role;

grant DELETE, SELECT on table public.custom_emojis to authenticated;

grant INSERT (server_id, name, image_path, animated, created_by) on table public.custom_emojis to authenticated;

revoke all on table public.device_one_time_keys from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.device_one_time_keys to service_role;

grant DELETE, SELECT on table public.device_one_time_keys to authenticated;

grant INSERT (device_id, key_id, public_key) on table public.device_one_time_keys to authenticated;

revoke all on table public.dm_call_members from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.dm_call_members to service_role;

grant SELECT on table public.dm_call_members to authenticated;

revoke all on table public.dm_calls from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.dm_calls to service_role;

grant SELECT on table public.dm_calls to authenticated;

revoke all on table public.ephemeral_messages from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.ephemeral_messages to service_role;

grant SELECT on table public.ephemeral_messages to authenticated;

revoke all on table public.federated_instances from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.federated_instances to service_role;

grant SELECT on table public.federated_instances to authenticated;

grant SELECT on table public.federated_instances to harmony_server;

revoke all on table public.friend_requests from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.friend_requests to service_role;

grant DELETE, SELECT on table public.friend_requests to authenticated;

revoke all on table public.friendships from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.friendships to service_role;

grant DELETE, SELECT on table public.friendships to authenticated;

revoke all on table public.instance_admins from public, anon, authenticated, service_role;

grant DELETE, INSERT, SELECT on table public.instance_admins to service_role;

grant SELECT on table public.instance_admins to authenticated;

revoke all on table public.interactions from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.interactions to service_role;

grant SELECT on table public.interactions to authenticated;

revoke all on table public.invites from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.invites to service_role;

grant SELECT on table public.invites to authenticated;

revoke all on table public.megolm_session_shares from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.megolm_session_shares to service_role;

grant DELETE, SELECT on table public.megolm_session_shares to authenticated;

grant INSERT (channel_id, session_id, sender_device_id, recipient_device_id, encrypted_session_key) on table public.megolm_session_shares to authenticated;

revoke all on table public.member_roles from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.member_roles to service_role;

grant SELECT on table public.member_roles to authenticated;

revoke all on table public.message_reactions from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.message_reactions to service_role;

grant DELETE, SELECT on table public.message_reactions to authenticated;

grant INSERT (message_id, emoji) on table public.message_reactions to authenticated;

revoke all on table public.messages from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.messages to service_role;

grant SELECT on table public.messages to authenticated;

grant SELECT on table public.messages to harmony_server;

grant INSERT (channel_id, content, reply_to_id, attachments, nonce) on table public.messages to authenticated;

grant UPDATE (content) on table public.messages to authenticated;

revoke all on table public.notifications from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.notifications to service_role;

grant DELETE, SELECT on table public.notifications to authenticated;

grant SELECT on table public.notifications to harmony_server;

grant UPDATE (read_at) on table public.notifications to authenticated;

revoke all on table public.profiles from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.profiles to service_role;

grant SELECT on table public.profiles to authenticated;

grant SELECT on table public.profiles to harmony_server;

grant UPDATE (username, display_name, avatar_url, banner_url, bio, custom_status, custom_status_emoji, custom_status_expires_at, pronouns) on table public.profiles to authenticated;

revoke all on table public.public_server_directory from public, anon, authenticated, service_role;

grant MAINTAIN, SELECT on table public.public_server_directory to service_role;

grant SELECT on table public.public_server_directory to authenticated;

revoke all on table public.push_subscriptions from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.push_subscriptions to service_role;

grant DELETE, SELECT on table public.push_subscriptions to authenticated;

grant DELETE, SELECT on table public.push_subscriptions to harmony_server;

revoke all on table public.read_states from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.read_states to service_role;

grant SELECT on table public.read_states to authenticated;

revoke all on table public.remote_follows from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.remote_follows to service_role;

grant SELECT on table public.remote_follows to authenticated;

grant SELECT on table public.remote_follows to harmony_server;

revoke all on table public.remote_server_joins from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.remote_server_joins to service_role;

grant SELECT on table public.remote_server_joins to authenticated;

grant SELECT on table public.remote_server_joins to harmony_server;

revoke all on table public.reports from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.reports to service_role;

grant SELECT on table public.reports to authenticated;

revoke all on table public.roles from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.roles to service_role;

grant SELECT on table public.roles to authenticated;

revoke all on table public.server_activity_daily from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.server_activity_daily to service_role;

grant SELECT on table public.server_activity_daily to authenticated;

revoke all on table public.server_bans from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.server_bans to service_role;

grant SELECT on table public.server_bans to authenticated;

revoke all on table public.server_member_counts from public, anon, authenticated, service_role;

grant MAINTAIN, SELECT on table public.server_member_counts to service_role;

grant SELECT on table public.server_member_counts to authenticated;

revoke all on table public.server_members from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.server_members to service_role;

grant SELECT on table public.server_members to authenticated;

revoke all on table public.server_notification_settings from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.server_notification_settings to service_role;

grant DELETE, SELECT on table public.server_notification_settings to authenticated;

grant SELECT on table public.server_notification_settings to harmony_server;

grant INSERT (profile_id, server_id, level, muted_until, suppress_everyone) on table public.server_notification_settings to authenticated;

grant UPDATE (level, muted_until, suppress_everyone) on table public.server_notification_settings to authenticated;

revoke all on table public.servers from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.servers to service_role;

grant SELECT on table public.servers to authenticated;

grant SELECT on table public.servers to harmony_server;

revoke all on table public.thread_members from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.thread_members to service_role;

grant SELECT on table public.thread_members to authenticated;

revoke all on table public.threads from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.threads to service_role;

grant SELECT on table public.threads to authenticated;

revoke all on table public.trending_servers from public, anon, authenticated, service_role;

grant MAINTAIN, SELECT on table public.trending_servers to service_role;

grant SELECT on table public.trending_servers to authenticated;

revoke all on table public.user_blocks from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.user_blocks to service_role;

grant DELETE, SELECT on table public.user_blocks to authenticated;

revoke all on table public.user_devices from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.user_devices to service_role;

grant DELETE, SELECT on table public.user_devices to authenticated;

grant INSERT (profile_id, device_name, identity_key, signing_key) on table public.user_devices to authenticated;

grant UPDATE (device_name, last_seen_at, revoked_at) on table public.user_devices to authenticated;

revoke all on table public.user_settings from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.user_settings to service_role;

grant SELECT on table public.user_settings to authenticated;

grant SELECT on table public.user_settings to harmony_server;

grant UPDATE (friend_requests_from, allow_dms_from_server_members, theme, locale, quiet_hours_enabled, quiet_hours_start, quiet_hours_end, quiet_hours_time_zone, show_link_previews) on table public.user_settings to authenticated;

revoke all on table public.webhooks from public, anon, authenticated, service_role;

grant DELETE, INSERT, MAINTAIN, REFERENCES, SELECT, TRIGGER, TRUNCATE, UPDATE on table public.webhooks to service_role;

grant SELECT (id, server_id, channel_id, name, avatar_url, mention_everyone, created_by, created_at) on table public.webhooks to authenticated;

-- Realtime publication

alter publication supabase_realtime add table public.channel_categories, public.channel_overwrites, public.channel_recipients, public.channels, public.friend_requests, public.friendships, public.member_roles, public.message_reactions, public.messages, public.notifications, public.profiles, public.read_states, public.roles, public.server_members, public.servers;

alter table public.channel_categories replica identity full;

alter table public.channels replica identity full;

alter table public.friend_requests replica identity full;

alter table public.messages replica identity full;

alter table public.notifications replica identity full;

alter table public.roles replica identity full;
