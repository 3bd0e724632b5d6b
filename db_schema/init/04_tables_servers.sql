-- Servers (guilds) and everything inside them: roles, members, bans, categories, channels
-- (including DMs, which are server-less channels), permission overwrites, invites,
-- messages, reactions and per-member read state.

create table public.servers (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(btrim(name)) between 1 and 100),
  description text check (char_length(description) <= 1000),
  owner_id uuid not null references public.profiles (id),
  icon_url text,
  banner_url text,
  is_public boolean not null default false,
  default_notification_level public.notification_level not null default 'mentions',
  encryption_mode public.encryption_mode not null default 'disabled',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index servers_owner_idx on public.servers (owner_id);
create index servers_public_name_trgm on public.servers using gin (name extensions.gin_trgm_ops) where is_public;

-- As in Discord, a server's @everyone role has the server's own id.
create table public.roles (
  id uuid primary key default gen_random_uuid(),
  server_id uuid not null references public.servers (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 100),
  color integer not null default 0 check (color between 0 and 16777215),
  -- Higher sorts above; @everyone is always 0. Hierarchy checks compare positions.
  position integer not null default 1 check (position >= 0),
  permissions bigint not null default 0 check (permissions >= 0),
  hoist boolean not null default false,
  mentionable boolean not null default false,
  created_at timestamptz not null default now(),
  constraint roles_everyone_position check ((id = server_id) = (position = 0))
);
create index roles_server_idx on public.roles (server_id, position desc);

create table public.server_members (
  server_id uuid not null references public.servers (id) on delete cascade,
  profile_id uuid not null references public.profiles (id) on delete cascade,
  nickname text check (char_length(btrim(nickname)) between 1 and 32),
  joined_at timestamptz not null default now(),
  -- Timed-out members keep only VIEW_CHANNEL and READ_MESSAGE_HISTORY until then.
  timed_out_until timestamptz,
  notification_level public.notification_level,
  primary key (server_id, profile_id)
);
create index server_members_profile_idx on public.server_members (profile_id);

create table public.member_roles (
  server_id uuid not null,
  profile_id uuid not null,
  role_id uuid not null references public.roles (id) on delete cascade,
  primary key (server_id, profile_id, role_id),
  foreign key (server_id, profile_id) references public.server_members (server_id, profile_id) on delete cascade
);
create index member_roles_role_idx on public.member_roles (role_id);

create table public.server_bans (
  server_id uuid not null references public.servers (id) on delete cascade,
  profile_id uuid not null references public.profiles (id) on delete cascade,
  reason text check (char_length(reason) <= 512),
  banned_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (server_id, profile_id)
);

create table public.channel_categories (
  id uuid primary key default gen_random_uuid(),
  server_id uuid not null references public.servers (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 100),
  position integer not null default 0,
  created_at timestamptz not null default now()
);
create index channel_categories_server_idx on public.channel_categories (server_id, position);

create table public.channels (
  id uuid primary key default gen_random_uuid(),
  server_id uuid references public.servers (id) on delete cascade,
  category_id uuid references public.channel_categories (id) on delete set null,
  type public.channel_type not null default 'text',
  name text check (char_length(btrim(name)) between 1 and 100),
  topic text check (char_length(topic) <= 1024),
  position integer not null default 0,
  -- Seconds a member must wait between messages; 0 = off. Discord's maximum is 6 hours.
  slowmode_seconds integer not null default 0 check (slowmode_seconds between 0 and 21600),
  nsfw boolean not null default false,
  is_encrypted boolean not null default false,
  -- Voice only: 0 = unlimited.
  user_limit integer not null default 0 check (user_limit between 0 and 99),
  -- Group DMs: who may rename it and add people.
  owner_id uuid references public.profiles (id) on delete set null,
  icon_url text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint channels_server_kinds check (
    (server_id is null) = (type in ('dm', 'group_dm'))
  ),
  constraint channels_named check (type = 'dm' or name is not null)
);
create index channels_server_idx on public.channels (server_id, position);
create index channels_category_idx on public.channels (category_id);

-- The per-channel message counter, bumped by the trigger that numbers messages. Kept out of
-- channels so that sending a message does not rewrite (and broadcast) the channel row.
create table public.channel_sequences (
  channel_id uuid primary key references public.channels (id) on delete cascade,
  last_seq bigint not null default 0 check (last_seq >= 0),
  last_message_at timestamptz
);

-- Who is in a DM or group DM (server channels use server membership instead).
create table public.channel_recipients (
  channel_id uuid not null references public.channels (id) on delete cascade,
  profile_id uuid not null references public.profiles (id) on delete cascade,
  added_at timestamptz not null default now(),
  -- Closed DMs stay readable but leave the sidebar until a new message arrives.
  closed boolean not null default false,
  primary key (channel_id, profile_id)
);
create index channel_recipients_profile_idx on public.channel_recipients (profile_id);

-- One row per (channel, role|member). A role target's id is a roles.id, a member's a profiles.id.
create table public.channel_overwrites (
  channel_id uuid not null references public.channels (id) on delete cascade,
  target_type public.overwrite_target not null,
  target_id uuid not null,
  allow bigint not null default 0 check (allow >= 0),
  deny bigint not null default 0 check (deny >= 0),
  primary key (channel_id, target_type, target_id),
  constraint channel_overwrites_disjoint check (allow & deny = 0)
);

create table public.invites (
  code text primary key check (code ~ '^[A-Za-z0-9]{6,16}$'),
  server_id uuid not null references public.servers (id) on delete cascade,
  channel_id uuid references public.channels (id) on delete set null,
  inviter_id uuid references public.profiles (id) on delete set null,
  -- null = unlimited.
  max_uses integer check (max_uses > 0),
  uses integer not null default 0 check (uses >= 0),
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  constraint invites_uses_within_max check (max_uses is null or uses <= max_uses)
);
create index invites_server_idx on public.invites (server_id);

create table public.messages (
  id uuid primary key default gen_random_uuid(),
  channel_id uuid not null references public.channels (id) on delete cascade,
  -- Gap-free per channel, assigned by trigger: "everything after seq N" is exact.
  seq bigint not null default 0,
  author_id uuid references public.profiles (id) on delete set null,
  type public.message_type not null default 'default',
  content text not null default '' check (char_length(content) <= 4000),
  reply_to_id uuid references public.messages (id) on delete set null,
  -- [{ "path", "name", "size", "content_type", "width"?, "height"? }], files in storage bucket attachments.
  attachments jsonb not null default '[]' check (jsonb_typeof(attachments) = 'array'),
  embeds jsonb not null default '[]' check (jsonb_typeof(embeds) = 'array'),
  -- Derived from content by trigger (<@id>, <@&id>, @everyone), never trusted from the client.
  mention_profile_ids uuid[] not null default '{}',
  mention_role_ids uuid[] not null default '{}',
  mention_everyone boolean not null default false,
  -- Client-chosen id for optimistic sends: a retry with the same nonce is not a second message.
  nonce text check (char_length(nonce) <= 64),
  edited_at timestamptz,
  deleted_at timestamptz,
  pinned_at timestamptz,
  pinned_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  search_vector tsvector generated always as (to_tsvector('simple', content)) stored,
  constraint messages_channel_seq_key unique (channel_id, seq),
  constraint messages_has_body check (
    deleted_at is not null or type <> 'default' or content <> '' or attachments <> '[]'
  )
);
create unique index messages_author_nonce_key on public.messages (channel_id, author_id, nonce)
  where nonce is not null;
create index messages_pinned_idx on public.messages (channel_id, pinned_at) where pinned_at is not null;
create index messages_reply_idx on public.messages (reply_to_id) where reply_to_id is not null;
create index messages_author_idx on public.messages (author_id, created_at desc);
create index messages_search_idx on public.messages using gin (search_vector);
create index messages_content_trgm on public.messages using gin (content extensions.gin_trgm_ops);

create table public.message_reactions (
  message_id uuid not null references public.messages (id) on delete cascade,
  profile_id uuid not null references public.profiles (id) on delete cascade,
  -- A unicode emoji, or a custom emoji as "name:uuid".
  emoji text not null check (char_length(emoji) between 1 and 100),
  created_at timestamptz not null default now(),
  primary key (message_id, emoji, profile_id)
);
create index message_reactions_profile_idx on public.message_reactions (profile_id);

-- Read markers: everything up to last_read_seq has been seen by this member.
create table public.read_states (
  profile_id uuid not null references public.profiles (id) on delete cascade,
  channel_id uuid not null references public.channels (id) on delete cascade,
  last_read_seq bigint not null default 0 check (last_read_seq >= 0),
  updated_at timestamptz not null default now(),
  primary key (profile_id, channel_id)
);
create index read_states_channel_idx on public.read_states (channel_id);

-- Per-member slowmode bookkeeping: when this member last posted in the channel.
create table public.channel_slowmode (
  channel_id uuid not null references public.channels (id) on delete cascade,
  profile_id uuid not null references public.profiles (id) on delete cascade,
  last_message_at timestamptz not null,
  primary key (channel_id, profile_id)
);
