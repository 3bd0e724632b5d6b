-- The per-row permission probe of the message policies (20261206130000) as a primary-key-shaped
-- index probe on every database, small ones included (issue 12).
--
-- The planner costs a correlated subquery as if it ran once, so while
-- private.channel_member_permissions fits in a few pages (up to ~250 rows: a small community)
-- it chose a sequential scan over the whole table for every message row: 50 scans of all stored
-- rows per page of 50 messages, ≈ 0.3–0.4 ms of PostgreSQL time per page with 63 rows, and more
-- as the table grows towards the size where the primary key wins. A larger table used the
-- primary key, 50 one-row probes (≈ 0.1–0.15 ms).
--
-- The probe now repeats the predicate of a partial unique index on (profile_id, channel_id).
-- The predicate is true for every row (profile_id is part of the primary key, never null), so
-- the rows the probe finds, and so the policy's meaning, are exactly as before. With the
-- index, the planner drops the repeated predicate (the index implies it) and probes by key; a
-- sequential scan would have to call the function on every row, which is declared expensive
-- (COST 10000) so that no table size makes that look cheaper. The planner never calls it in the
-- plan it picks, so the figure only steers. Same plan for a member of 2 channels and of 1,000.
--
-- The index holds only key columns, so rewriting a row's permissions stays a HOT update.
BEGIN;

create or replace function private.stored_permission_row(p_profile_id uuid)
returns boolean
language plpgsql
immutable
parallel safe
cost 10000
set search_path = ''
as $$
begin
  return p_profile_id is not null;
end;
$$;
comment on function private.stored_permission_row(uuid) is
  'True for every row of private.channel_member_permissions: the predicate of its partial index '
  'channel_member_permissions_probe_idx, which the message policies repeat so that their per-row '
  'probe is an index probe at any table size.';
revoke execute on function private.stored_permission_row(uuid) from public, anon;
-- Policies run as the caller; the planner leaves the call out of the plan, but a plan without
-- the index (enable_indexscan off) would call it.
grant execute on function private.stored_permission_row(uuid) to authenticated, service_role;

create unique index if not exists channel_member_permissions_probe_idx
  on private.channel_member_permissions (profile_id, channel_id)
  where private.stored_permission_row(profile_id);

drop policy if exists messages_select_reader on public.messages;
create policy messages_select_reader on public.messages
  for select to authenticated
  using (
    coalesce((select (case when p.timed_out_until > now() then p.timed_out_permissions else p.permissions end)
                     & (public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY'))
                     = public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY')
                from private.channel_member_permissions p
               where p.profile_id = (select public.get_current_profile_id()) and p.channel_id = messages.channel_id
                 and private.stored_permission_row(p.profile_id)),
             false)
    or channel_id in (select public.my_dm_channel_ids())
  );

drop policy if exists channel_sequences_select_reader on public.channel_sequences;
create policy channel_sequences_select_reader on public.channel_sequences
  for select to authenticated
  using (
    coalesce((select (case when p.timed_out_until > now() then p.timed_out_permissions else p.permissions end)
                     & (public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY'))
                     = public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY')
                from private.channel_member_permissions p
               where p.profile_id = (select public.get_current_profile_id())
                 and p.channel_id = channel_sequences.channel_id
                 and private.stored_permission_row(p.profile_id)),
             false)
    or channel_id in (select public.my_dm_channel_ids())
  );

COMMIT;
