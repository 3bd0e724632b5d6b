-- Token bots (Discord-like Bot API). A bot acts through its own profile (is_bot, no auth
-- user); the bot gateway authenticates it by token via verify_bot_token(). Bots are created
-- and installed only through the RPCs in 13_functions_rpc_extended.sql (section extended).

create table public.bots (
  id uuid primary key default gen_random_uuid(),
  -- The bot's own profile (is_bot = true, user_id and domain null); create_bot() makes it.
  profile_id uuid not null unique references public.profiles (id) on delete cascade,
  owner_id uuid not null references public.profiles (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 64),
  description text not null default '' check (char_length(description) <= 400),
  -- Public bots may be installed by anyone with Manage Server; private ones only by the owner.
  is_public boolean not null default false,
  created_at timestamptz not null default now()
);
create index bots_owner_idx on public.bots (owner_id);

-- Only the SHA-256 of a token is stored; the token itself is shown once, when issued.
create table public.bot_tokens (
  id uuid primary key default gen_random_uuid(),
  bot_id uuid not null references public.bots (id) on delete cascade,
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  -- The first 8 characters, so owners can tell their tokens apart.
  token_prefix text not null check (char_length(token_prefix) = 8),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index bot_tokens_bot_idx on public.bot_tokens (bot_id);

-- A bot added to a server: it joins as a member holding a role of its own (role_id) that
-- carries the permissions granted at install time.
create table public.bot_server_installs (
  bot_id uuid not null references public.bots (id) on delete cascade,
  server_id uuid not null references public.servers (id) on delete cascade,
  permissions bigint not null default 0 check (permissions >= 0),
  role_id uuid references public.roles (id) on delete set null,
  installed_by uuid references public.profiles (id) on delete set null,
  installed_at timestamptz not null default now(),
  primary key (bot_id, server_id)
);
create index bot_server_installs_server_idx on public.bot_server_installs (server_id);
