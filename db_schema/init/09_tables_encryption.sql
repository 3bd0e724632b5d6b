-- End-to-end encryption key material (Megolm-style). The server stores only public keys
-- and session keys encrypted to a recipient device; it can decrypt nothing. Per-server mode
-- is servers.encryption_mode, per-channel state channels.is_encrypted.

create table public.user_devices (
  id uuid primary key default gen_random_uuid(),
  profile_id uuid not null references public.profiles (id) on delete cascade,
  device_name text not null check (char_length(btrim(device_name)) between 1 and 64),
  -- Curve25519 identity key and Ed25519 signing key, base64.
  identity_key text not null check (char_length(identity_key) between 16 and 256),
  signing_key text not null check (char_length(signing_key) between 16 and 256),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz,
  -- Revoked devices keep their row (old shares refer to them) but receive nothing new.
  revoked_at timestamptz,
  constraint user_devices_identity_key unique (profile_id, identity_key)
);

-- One-time prekeys: each is handed out once, by claim_one_time_key().
create table public.device_one_time_keys (
  device_id uuid not null references public.user_devices (id) on delete cascade,
  key_id text not null check (char_length(key_id) between 1 and 64),
  public_key text not null check (char_length(public_key) between 16 and 256),
  created_at timestamptz not null default now(),
  claimed_at timestamptz,
  claimed_by uuid references public.profiles (id) on delete set null,
  primary key (device_id, key_id)
);
create index device_one_time_keys_unclaimed_idx on public.device_one_time_keys (device_id, created_at)
  where claimed_at is null;

-- A Megolm room session key, encrypted (Olm) for one recipient device.
create table public.megolm_session_shares (
  id uuid primary key default gen_random_uuid(),
  channel_id uuid not null references public.channels (id) on delete cascade,
  session_id text not null check (char_length(session_id) between 1 and 128),
  sender_device_id uuid not null references public.user_devices (id) on delete cascade,
  recipient_device_id uuid not null references public.user_devices (id) on delete cascade,
  encrypted_session_key text not null check (char_length(encrypted_session_key) between 1 and 8192),
  created_at timestamptz not null default now(),
  constraint megolm_session_shares_once unique (recipient_device_id, channel_id, session_id)
);
create index megolm_session_shares_sender_idx on public.megolm_session_shares (sender_device_id);
create index megolm_session_shares_channel_idx on public.megolm_session_shares (channel_id);
