-- Core identity: one profile per account (created by a trigger on auth.users) plus
-- profiles of remote federated users, and each local user's private settings.

create table public.profiles (
  id uuid primary key default gen_random_uuid(),
  -- null for remote (federated) profiles and for nothing else.
  user_id uuid unique references auth.users (id) on delete cascade,
  username text not null,
  -- null = this instance; remote profiles carry their home domain.
  domain text,
  display_name text,
  avatar_url text,
  banner_url text,
  bio text not null default '',
  -- What others see; `invisible` users are stored as offline here (see user_settings).
  status public.presence_status not null default 'offline',
  custom_status text,
  custom_status_emoji text,
  custom_status_expires_at timestamptz,
  last_seen_at timestamptz,
  is_bot boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint profiles_username_format check (username ~ '^[a-z0-9_.]{2,32}$'),
  constraint profiles_display_name_length check (char_length(display_name) between 1 and 64),
  constraint profiles_bio_length check (char_length(bio) <= 1000),
  constraint profiles_custom_status_length check (char_length(custom_status) <= 128),
  constraint profiles_local_or_remote check ((user_id is null) = (domain is not null) or is_bot)
);

-- Usernames are unique per instance; two instances may each have an "ada".
create unique index profiles_username_local_key on public.profiles (username) where domain is null;
create unique index profiles_username_remote_key on public.profiles (username, domain) where domain is not null;
create index profiles_username_trgm on public.profiles using gin (username extensions.gin_trgm_ops);

create table public.user_settings (
  profile_id uuid primary key references public.profiles (id) on delete cascade,
  -- The status the user chose; profiles.status shows `offline` while this is `invisible`.
  preferred_status public.presence_status not null default 'online',
  -- Who may send a friend request: everyone, friends of friends, or nobody.
  friend_requests_from text not null default 'everyone'
    check (friend_requests_from in ('everyone', 'friends_of_friends', 'nobody')),
  allow_dms_from_server_members boolean not null default true,
  theme text not null default 'dark' check (theme in ('dark', 'light', 'system')),
  locale text not null default 'en',
  updated_at timestamptz not null default now()
);
