-- Row-level security policies and table grants for federation, trending, bots and
-- encryption (RLS itself is switched on in 98_enable_rls.sql). The API roles get only what
-- these policies need; service_role has full access from 98 and bypasses RLS.

-- Federation: signed-in users may browse the instance directory. The actor cache, the
-- delivery queue and server_federation belong to the worker: no grants, no policies.
grant select on public.federated_instances to authenticated;

create policy federated_instances_select_signed_in on public.federated_instances
  for select to authenticated
  using (true);

-- Trending input: activity of public servers and of the caller's own servers.
grant select on public.server_activity_daily to authenticated;

create policy server_activity_daily_select_visible on public.server_activity_daily
  for select to authenticated
  using (
    server_id in (select s.id from public.servers s where s.is_public)
    or server_id in (select public.my_server_ids())
  );

-- Bots: owners see and describe their own; public bots and bots installed in one's servers
-- are visible to all who could meet them. Creation and installation go through RPCs.
grant select on public.bots to authenticated;
grant update (description, is_public) on public.bots to authenticated;

create policy bots_select_visible on public.bots
  for select to authenticated
  using (
    owner_id = (select public.get_current_profile_id())
    or is_public
    or id in (select i.bot_id from public.bot_server_installs i
               where i.server_id in (select public.my_server_ids()))
  );

create policy bots_update_owner on public.bots
  for update to authenticated
  using (owner_id = (select public.get_current_profile_id()))
  with check (owner_id = (select public.get_current_profile_id()));

-- Owners list their tokens, never the hashes (column grant); tokens are issued and revoked by RPC.
grant select (id, bot_id, token_prefix, created_at, last_used_at, revoked_at) on public.bot_tokens to authenticated;

create policy bot_tokens_select_owner on public.bot_tokens
  for select to authenticated
  using (bot_id in (select public.my_bot_ids()));

grant select on public.bot_server_installs to authenticated;

create policy bot_server_installs_select_member_or_owner on public.bot_server_installs
  for select to authenticated
  using (
    server_id in (select public.my_server_ids())
    or bot_id in (select public.my_bot_ids())
  );

-- Devices: public keys are visible to the owner and to anyone sharing a server or a DM
-- with them (they need the keys to encrypt to them); only the owner manages them.
grant select on public.user_devices to authenticated;
grant insert (profile_id, device_name, identity_key, signing_key) on public.user_devices to authenticated;
grant update (device_name, last_seen_at, revoked_at) on public.user_devices to authenticated;
grant delete on public.user_devices to authenticated;

create policy user_devices_select_shared on public.user_devices
  for select to authenticated
  using (profile_id = (select public.get_current_profile_id()) or public.shares_space_with(profile_id));

create policy user_devices_insert_own on public.user_devices
  for insert to authenticated
  with check (profile_id = (select public.get_current_profile_id()));

create policy user_devices_update_own on public.user_devices
  for update to authenticated
  using (profile_id = (select public.get_current_profile_id()))
  with check (profile_id = (select public.get_current_profile_id()));

create policy user_devices_delete_own on public.user_devices
  for delete to authenticated
  using (profile_id = (select public.get_current_profile_id()));

-- One-time keys: the owner uploads and counts them; others get them via claim_one_time_key().
grant select, delete on public.device_one_time_keys to authenticated;
grant insert (device_id, key_id, public_key) on public.device_one_time_keys to authenticated;

create policy device_one_time_keys_select_own on public.device_one_time_keys
  for select to authenticated
  using (device_id in (select public.my_device_ids()));

create policy device_one_time_keys_insert_own on public.device_one_time_keys
  for insert to authenticated
  with check (
    device_id in (select d.id from public.user_devices d
                   where d.profile_id = (select public.get_current_profile_id()) and d.revoked_at is null)
  );

create policy device_one_time_keys_delete_own on public.device_one_time_keys
  for delete to authenticated
  using (device_id in (select public.my_device_ids()));

-- Session shares: only the recipient device's owner reads (and clears) them; a sender shares
-- from a live device of their own, in a channel they can read, to a device whose owner can too.
grant select, delete on public.megolm_session_shares to authenticated;
grant insert (channel_id, session_id, sender_device_id, recipient_device_id, encrypted_session_key)
  on public.megolm_session_shares to authenticated;

create policy megolm_session_shares_select_recipient on public.megolm_session_shares
  for select to authenticated
  using (recipient_device_id in (select public.my_device_ids()));

create policy megolm_session_shares_insert_sender on public.megolm_session_shares
  for insert to authenticated
  with check (
    sender_device_id in (select public.my_device_ids())
    and channel_id in (select public.readable_channel_ids())
    and public.device_can_read_channel(sender_device_id, channel_id)
    and public.device_can_read_channel(recipient_device_id, channel_id)
  );

create policy megolm_session_shares_delete_recipient on public.megolm_session_shares
  for delete to authenticated
  using (recipient_device_id in (select public.my_device_ids()));
