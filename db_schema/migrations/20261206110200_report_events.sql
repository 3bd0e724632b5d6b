-- Moderators' report queues follow live (issue 15, "Reports"): a new report is `report_create`
-- and a resolved or dismissed one `report_update`, each on the user topic of every member who
-- may review it (a reviewer permission now, and for a message report VIEW_CHANNEL in its
-- channel, as the reports policy decides). The payload is ids and status only: clients read
-- the report through list_reports. docs-source/realtime.md lists both events.
-- Reviewers are found from the owner and the holders of roles carrying a reviewer permission
-- or ADMINISTRATOR, so a server's plain members are never scanned (unless @everyone itself
-- carries one).
BEGIN;

create or replace function private.broadcast_report()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  reviewer uuid;
  granting constant bigint := public.report_reviewer_permissions() | public.permission('ADMINISTRATOR');
  everyone_reviews boolean;
begin
  select r.permissions & granting <> 0 into everyone_reviews from public.roles r where r.id = new.server_id;
  for reviewer in
    select m.profile_id from public.server_members m
     where m.server_id = new.server_id
       and (coalesce(everyone_reviews, false)
            or m.profile_id = (select s.owner_id from public.servers s where s.id = new.server_id)
            or exists (select 1 from public.member_roles mr join public.roles r on r.id = mr.role_id
                        where mr.server_id = m.server_id and mr.profile_id = m.profile_id
                          and r.permissions & granting <> 0))
       and private.server_permissions(new.server_id, m.profile_id) & public.report_reviewer_permissions() <> 0
       and (new.channel_id is null or exists (
             select 1 from private.channel_member_permissions_now p
              where p.profile_id = m.profile_id and p.channel_id = new.channel_id
                and p.permissions & public.permission('VIEW_CHANNEL') <> 0))
  loop
    perform private.broadcast('user:' || reviewer, private.broadcast_event('report', tg_op), tg_op, tg_table_name,
      jsonb_build_object('id', new.id, 'server_id', new.server_id, 'status', new.status));
  end loop;
  return null;
end;
$$;

revoke execute on function private.broadcast_report() from public, anon, authenticated, service_role;

drop trigger if exists broadcast_report on public.reports;
create trigger broadcast_report after insert on public.reports
  for each row execute function private.broadcast_report();
drop trigger if exists broadcast_report_update on public.reports;
create trigger broadcast_report_update after update on public.reports
  for each row when (old.status is distinct from new.status)
  execute function private.broadcast_report();

COMMIT;
