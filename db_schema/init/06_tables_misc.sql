-- Notifications and their settings, custom emoji, and the moderation audit log.

create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  recipient_id uuid not null references public.profiles (id) on delete cascade,
  type public.notification_type not null,
  actor_id uuid references public.profiles (id) on delete set null,
  server_id uuid references public.servers (id) on delete cascade,
  channel_id uuid references public.channels (id) on delete cascade,
  message_id uuid references public.messages (id) on delete cascade,
  data jsonb not null default '{}' check (jsonb_typeof(data) = 'object'),
  read_at timestamptz,
  created_at timestamptz not null default now()
);
create index notifications_recipient_idx on public.notifications (recipient_id, created_at desc);
create index notifications_unread_idx on public.notifications (recipient_id) where read_at is null;
-- One mention notification per message and recipient, however many ways it mentions them.
create unique index notifications_message_once on public.notifications (recipient_id, message_id, type)
  where message_id is not null;

-- A member's override for one channel; server-wide defaults live on server_members.
create table public.channel_notification_settings (
  profile_id uuid not null references public.profiles (id) on delete cascade,
  channel_id uuid not null references public.channels (id) on delete cascade,
  level public.notification_level,
  muted_until timestamptz,
  primary key (profile_id, channel_id)
);

create table public.custom_emojis (
  id uuid primary key default gen_random_uuid(),
  server_id uuid not null references public.servers (id) on delete cascade,
  name text not null check (name ~ '^[A-Za-z0-9_]{2,32}$'),
  -- Object path in the `emoji` storage bucket.
  image_path text not null,
  animated boolean not null default false,
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint custom_emojis_name_key unique (server_id, name)
);

-- Written only by triggers and SECURITY DEFINER functions; members with VIEW_AUDIT_LOG read it.
create table public.audit_log (
  id bigint generated always as identity primary key,
  server_id uuid not null references public.servers (id) on delete cascade,
  actor_id uuid references public.profiles (id) on delete set null,
  action public.audit_action not null,
  target_id uuid,
  changes jsonb not null default '{}',
  reason text,
  created_at timestamptz not null default now()
);
create index audit_log_server_idx on public.audit_log (server_id, id desc);
