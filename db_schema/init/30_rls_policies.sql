-- Row-level security policies and table grants for the core, social, server and message
-- tables. RLS itself is switched on for every table in 98_enable_rls.sql. Policies call
-- auth.uid() and the helpers as `(select …)` so they run once per statement, not per row.
-- Each section grants the API roles exactly the table privileges its policies need.

-- == section: core and social ==

-- Profiles are visible to every signed-in user (names and avatars appear everywhere);
-- each user edits only the display columns of their own.
grant select on public.profiles to authenticated;
grant update (username, display_name, avatar_url, banner_url, bio, custom_status, custom_status_emoji,
              custom_status_expires_at)
  on public.profiles to authenticated;

create policy profiles_select_signed_in on public.profiles
  for select to authenticated
  using (true);

create policy profiles_update_own on public.profiles
  for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

grant select on public.user_settings to authenticated;
grant update (friend_requests_from, allow_dms_from_server_members, theme, locale)
  on public.user_settings to authenticated;

create policy user_settings_select_own on public.user_settings
  for select to authenticated
  using (profile_id = (select public.get_current_profile_id()));

create policy user_settings_update_own on public.user_settings
  for update to authenticated
  using (profile_id = (select public.get_current_profile_id()))
  with check (profile_id = (select public.get_current_profile_id()));

-- Friend requests are created and accepted through RPCs (they check blocks and settings);
-- either side may withdraw or decline one by deleting it.
grant select, delete on public.friend_requests to authenticated;

create policy friend_requests_select_party on public.friend_requests
  for select to authenticated
  using ((select public.get_current_profile_id()) in (sender_id, recipient_id));

create policy friend_requests_delete_party on public.friend_requests
  for delete to authenticated
  using ((select public.get_current_profile_id()) in (sender_id, recipient_id));

grant select, delete on public.friendships to authenticated;

create policy friendships_select_party on public.friendships
  for select to authenticated
  using ((select public.get_current_profile_id()) in (profile_a, profile_b));

create policy friendships_delete_party on public.friendships
  for delete to authenticated
  using ((select public.get_current_profile_id()) in (profile_a, profile_b));

-- Blocks are private to the blocker; block_user() also tears down friendship and requests.
grant select, delete on public.user_blocks to authenticated;

create policy user_blocks_select_own on public.user_blocks
  for select to authenticated
  using (blocker_id = (select public.get_current_profile_id()));

create policy user_blocks_delete_own on public.user_blocks
  for delete to authenticated
  using (blocker_id = (select public.get_current_profile_id()));

-- == end section: core and social ==

-- == section: servers ==

-- Servers, roles, members, bans, categories, channels, overwrites and invites change only
-- through the RPCs in 11_functions_servers.sql (they check permissions and hierarchy), so the
-- API roles read them and write nothing, except a member's own notification level and
-- custom emoji. anon gets no privilege on any of them.

grant select on public.servers to authenticated;

create policy servers_select_member_or_public on public.servers
  for select to authenticated
  using (is_public or id in (select public.my_server_ids()));

grant select on public.roles to authenticated;

create policy roles_select_member on public.roles
  for select to authenticated
  using (server_id in (select public.my_server_ids()));

grant select on public.server_members to authenticated;
grant update (notification_level) on public.server_members to authenticated;

create policy server_members_select_member on public.server_members
  for select to authenticated
  using (server_id in (select public.my_server_ids()));

create policy server_members_update_own on public.server_members
  for update to authenticated
  using (profile_id = (select public.get_current_profile_id()))
  with check (profile_id = (select public.get_current_profile_id()));

grant select on public.member_roles to authenticated;

create policy member_roles_select_member on public.member_roles
  for select to authenticated
  using (server_id in (select public.my_server_ids()));

grant select on public.server_bans to authenticated;

create policy server_bans_select_banner on public.server_bans
  for select to authenticated
  using (server_id in (select public.my_server_ids_with(public.permission('BAN_MEMBERS'))));

grant select on public.channel_categories to authenticated;

create policy channel_categories_select_member on public.channel_categories
  for select to authenticated
  using (server_id in (select public.my_server_ids()));

-- Server channels need VIEW_CHANNEL; DMs and group DMs are visible to their recipients.
grant select on public.channels to authenticated;

create policy channels_select_visible on public.channels
  for select to authenticated
  using (id in (select public.visible_channel_ids()));

grant select on public.channel_overwrites to authenticated;

create policy channel_overwrites_select_visible on public.channel_overwrites
  for select to authenticated
  using (channel_id in (select public.visible_channel_ids()));

grant select on public.invites to authenticated;

create policy invites_select_inviter on public.invites
  for select to authenticated
  using (server_id in (
    select public.my_server_ids_with(public.permission('CREATE_INSTANT_INVITE') | public.permission('MANAGE_GUILD'))
  ));

grant select on public.audit_log to authenticated;

create policy audit_log_select_viewer on public.audit_log
  for select to authenticated
  using (server_id in (select public.my_server_ids_with(public.permission('VIEW_AUDIT_LOG'))));

-- Emoji rows are added and removed directly (after the image upload) by MANAGE_GUILD_EXPRESSIONS.
grant select, delete on public.custom_emojis to authenticated;
grant insert (server_id, name, image_path, animated, created_by) on public.custom_emojis to authenticated;

create policy custom_emojis_select_member on public.custom_emojis
  for select to authenticated
  using (server_id in (select public.my_server_ids()));

create policy custom_emojis_insert_manager on public.custom_emojis
  for insert to authenticated
  with check (
    created_by = (select public.get_current_profile_id())
    and server_id in (select public.my_server_ids_with(public.permission('MANAGE_GUILD_EXPRESSIONS')))
  );

create policy custom_emojis_delete_manager on public.custom_emojis
  for delete to authenticated
  using (server_id in (select public.my_server_ids_with(public.permission('MANAGE_GUILD_EXPRESSIONS'))));

-- == end section: servers ==

-- == section: messages ==

-- Sending is a plain INSERT: the caller writes only channel_id, content, reply_to_id,
-- attachments and nonce; the BEFORE trigger fills author_id, seq, type and the mentions.
-- Editing changes content only, and only the author's own live messages. Deleting is the
-- soft delete_message() RPC: deleted messages stay visible as empty tombstones.
grant select on public.messages to authenticated;
grant insert (channel_id, content, reply_to_id, attachments, nonce) on public.messages to authenticated;
grant update (content) on public.messages to authenticated;

create policy messages_select_reader on public.messages
  for select to authenticated
  using (channel_id in (select public.readable_channel_ids()));

create policy messages_insert_sender on public.messages
  for insert to authenticated
  with check (
    author_id = (select public.get_current_profile_id())
    and public.has_channel_permission(channel_id, public.permission('SEND_MESSAGES'))
    and (attachments = '[]' or public.has_channel_permission(channel_id, public.permission('ATTACH_FILES')))
    and (reply_to_id is null or public.can_reply_to(channel_id, reply_to_id))
  );

create policy messages_update_author on public.messages
  for update to authenticated
  using (author_id = (select public.get_current_profile_id()) and deleted_at is null)
  with check (author_id = (select public.get_current_profile_id()) and deleted_at is null);

-- Reactions are visible with their message. Adding one follows can_react() (a new emoji
-- needs ADD_REACTIONS); people remove their own directly and others' via remove_reaction().
grant select, delete on public.message_reactions to authenticated;
grant insert (message_id, emoji) on public.message_reactions to authenticated;

create policy message_reactions_select_reader on public.message_reactions
  for select to authenticated
  using (exists (select 1 from public.messages m where m.id = message_id));

create policy message_reactions_insert_reader on public.message_reactions
  for insert to authenticated
  with check (profile_id = (select public.get_current_profile_id()) and public.can_react(message_id, emoji));

create policy message_reactions_delete_own on public.message_reactions
  for delete to authenticated
  using (profile_id = (select public.get_current_profile_id()));

-- Read markers move only through mark_channel_read() (never backwards).
grant select on public.read_states to authenticated;

create policy read_states_select_own on public.read_states
  for select to authenticated
  using (profile_id = (select public.get_current_profile_id()));

-- So the composer can show how long slowmode still holds the caller back.
grant select on public.channel_slowmode to authenticated;

create policy channel_slowmode_select_own on public.channel_slowmode
  for select to authenticated
  using (profile_id = (select public.get_current_profile_id()));

-- DM and group DM membership, visible to the fellow recipients; changed through the DM RPCs.
grant select on public.channel_recipients to authenticated;

create policy channel_recipients_select_fellow on public.channel_recipients
  for select to authenticated
  using (channel_id in (select public.visible_channel_ids()));

-- Only triggers and RPCs create notifications (send_notification); recipients read them,
-- mark them read and dismiss them.
grant select, delete on public.notifications to authenticated;
grant update (read_at) on public.notifications to authenticated;

create policy notifications_select_own on public.notifications
  for select to authenticated
  using (recipient_id = (select public.get_current_profile_id()));

create policy notifications_update_own on public.notifications
  for update to authenticated
  using (recipient_id = (select public.get_current_profile_id()))
  with check (recipient_id = (select public.get_current_profile_id()));

create policy notifications_delete_own on public.notifications
  for delete to authenticated
  using (recipient_id = (select public.get_current_profile_id()));

-- Per-channel overrides are the member's own, for channels they can see.
grant select, delete on public.channel_notification_settings to authenticated;
grant insert (profile_id, channel_id, level, muted_until) on public.channel_notification_settings to authenticated;
grant update (level, muted_until) on public.channel_notification_settings to authenticated;

create policy channel_notification_settings_select_own on public.channel_notification_settings
  for select to authenticated
  using (profile_id = (select public.get_current_profile_id()));

create policy channel_notification_settings_insert_own on public.channel_notification_settings
  for insert to authenticated
  with check (
    profile_id = (select public.get_current_profile_id())
    and channel_id in (select public.visible_channel_ids())
  );

create policy channel_notification_settings_update_own on public.channel_notification_settings
  for update to authenticated
  using (profile_id = (select public.get_current_profile_id()))
  with check (profile_id = (select public.get_current_profile_id()));

create policy channel_notification_settings_delete_own on public.channel_notification_settings
  for delete to authenticated
  using (profile_id = (select public.get_current_profile_id()));

-- Message counters: readable with the channel, so clients can order DMs by last activity.
grant select on public.channel_sequences to authenticated;

create policy channel_sequences_select_reader on public.channel_sequences
  for select to authenticated
  using (channel_id in (select public.readable_channel_ids()));

-- == end section: messages ==
