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
-- == end section: servers ==

-- == section: messages ==
-- == end section: messages ==
