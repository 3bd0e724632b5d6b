-- The social graph: friend requests, friendships and blocks between profiles.

create table public.friend_requests (
  id uuid primary key default gen_random_uuid(),
  sender_id uuid not null references public.profiles (id) on delete cascade,
  recipient_id uuid not null references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  constraint friend_requests_not_self check (sender_id <> recipient_id),
  constraint friend_requests_pair_key unique (sender_id, recipient_id)
);
create index friend_requests_recipient_idx on public.friend_requests (recipient_id);

-- One row per friendship, stored with the smaller id first so a pair cannot appear twice.
create table public.friendships (
  profile_a uuid not null references public.profiles (id) on delete cascade,
  profile_b uuid not null references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (profile_a, profile_b),
  constraint friendships_ordered check (profile_a < profile_b)
);
create index friendships_profile_b_idx on public.friendships (profile_b);

create table public.user_blocks (
  blocker_id uuid not null references public.profiles (id) on delete cascade,
  blocked_id uuid not null references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (blocker_id, blocked_id),
  constraint user_blocks_not_self check (blocker_id <> blocked_id)
);
create index user_blocks_blocked_idx on public.user_blocks (blocked_id);
