-- Views and indexes for hot read paths. Views are security_invoker like all others.

-- Member and online counts for every server the caller can see (their own, and public ones):
-- the server list and the member-list header read this instead of counting rows client-side.
create view public.server_member_counts with (security_invoker = true) as
select s.id as server_id, stats.member_count, stats.online_count
  from public.servers s
  cross join lateral public.server_member_stats(s.id) stats;

grant select on public.server_member_counts to authenticated;

-- refresh_server_activity scans one day of messages; rows arrive in time order, so a tiny
-- BRIN index serves that range scan without slowing inserts like a btree would.
create index messages_created_brin on public.messages using brin (created_at);

-- Overwrites by target: deleting a role or removing a member clears theirs, and the role
-- editor lists a role's overwrites across channels (the primary key leads with channel_id).
create index channel_overwrites_target_idx on public.channel_overwrites (target_id);

-- Deleting a message or channel cascades to notifications; without these each cascade
-- scans every recipient's notifications.
create index notifications_message_idx on public.notifications (message_id) where message_id is not null;
create index notifications_channel_idx on public.notifications (channel_id) where channel_id is not null;

-- Deleting a channel cascades to members' per-channel notification settings.
create index channel_notification_settings_channel_idx on public.channel_notification_settings (channel_id);

-- The public directory lists only public servers, newest first.
create index servers_public_created_idx on public.servers (created_at desc) where is_public;
