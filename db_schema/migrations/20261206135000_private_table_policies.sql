-- The private tables of the unread counts and lazy @everyone notifications (migrations
-- 20261206131000 and 20261206133000) have row-level security on and no grant to API roles;
-- like private.channel_member_permissions before them, they say so with a policy that refuses
-- every client row (the advisor's rls_enabled_no_policy). Only SECURITY DEFINER functions
-- and triggers read and write them.
BEGIN;

drop policy if exists no_client_access on private.message_gaps;
create policy no_client_access on private.message_gaps as restrictive for all to anon, authenticated
  using (false) with check (false);

drop policy if exists no_client_access on private.message_mention_targets;
create policy no_client_access on private.message_mention_targets as restrictive for all to anon, authenticated
  using (false) with check (false);

drop policy if exists no_client_access on private.everyone_mention_cursors;
create policy no_client_access on private.everyone_mention_cursors as restrictive for all to anon, authenticated
  using (false) with check (false);

COMMIT;
