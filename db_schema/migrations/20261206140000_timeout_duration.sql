-- A timeout is asked for as a length, and the database computes its end from its own clock: an
-- end computed in the browser follows the moderator's clock, which may be minutes or days off.
-- The lengths are the ones Discord offers (60 s, 5 min, 10 min, 1 h, 1 day, 1 week); null lifts
-- the timeout. The old timestamptz signature had no other caller than resolve_report, which now
-- passes its length through, so it is replaced.
BEGIN;

drop function if exists public.timeout_member(uuid, uuid, timestamptz, text);

create or replace function public.timeout_member(
  p_server_id uuid,
  p_profile_id uuid,
  p_seconds integer,
  p_reason text default null
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_server_permission(p_server_id, 'MODERATE_MEMBERS');
begin
  perform public.check_length(p_reason, 'reason', 512);
  if p_seconds is not null and p_seconds not in (60, 300, 600, 3600, 86400, 604800) then
    raise exception 'a timeout lasts 60 seconds, 5 minutes, 10 minutes, 1 hour, 1 day or 1 week'
      using errcode = '22023',
            hint = 'p_seconds is one of 60, 300, 600, 3600, 86400, 604800 (null lifts the timeout)';
  end if;
  perform public.require_member(p_server_id, p_profile_id);
  perform public.require_moderatable(p_server_id, me, p_profile_id);
  if p_seconds is not null
     and private.server_permissions(p_server_id, p_profile_id) = public.all_permissions() then
    raise exception 'administrators cannot be timed out' using errcode = '42501';
  end if;
  perform public.set_audit_reason(p_reason);
  update public.server_members
     set timed_out_until = now() + make_interval(secs => p_seconds)
   where server_id = p_server_id and profile_id = p_profile_id;
  perform public.set_audit_reason(null);
end;
$$;

revoke execute on function public.timeout_member(uuid, uuid, integer, text) from public, anon;
grant execute on function public.timeout_member(uuid, uuid, integer, text) to authenticated;

/*
 * Resolves an open report: p_action is dismiss, delete_message (a message report), timeout
 * (p_timeout_seconds, one of the lengths timeout_member takes), kick or ban
 * (p_delete_message_seconds as ban_member takes it). The action runs through the same RPC a
 * moderator would call, so it needs the same permission and rank; p_note is its audit reason.
 * The report is closed, a report_resolve row is audited, and the reporter is notified (without
 * naming the moderator). Same signature as in 20261206110100_reports.sql: its grants stay.
 */
create or replace function public.resolve_report(
  p_report_id bigint,
  p_action text,
  p_note text default null,
  p_timeout_seconds integer default null,
  p_delete_message_seconds integer default 0
)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
  report public.reports;
  server_name text;
  note text := nullif(btrim(public.check_length(p_note, 'note', 512)), '');
begin
  select r.* into report from public.reports r where r.id = p_report_id for update;
  if not found
     or not exists (select 1 from public.server_members m where m.server_id = report.server_id and m.profile_id = me) then
    raise exception 'report not found' using errcode = 'PT404';
  end if;
  perform public.require_report_reviewer(report.server_id);
  if report.channel_id is not null
     and report.channel_id not in (select public.readable_channel_ids()) then
    raise exception 'report not found' using errcode = 'PT404';
  end if;
  if report.status <> 'open' then
    raise exception 'this report was already handled' using errcode = 'PT409';
  end if;

  case p_action
    when 'dismiss' then
      null;
    when 'delete_message' then
      if report.message_id is null then
        raise exception 'this report is not about a message' using errcode = '22023';
      end if;
      perform public.delete_message(report.message_id);
    when 'timeout' then
      if p_timeout_seconds is null then
        raise exception 'choose how long the timeout lasts' using errcode = '22023';
      end if;
      perform public.timeout_member(report.server_id, report.target_id, p_timeout_seconds, note);
    when 'kick' then
      perform public.kick_member(report.server_id, report.target_id, note);
    when 'ban' then
      perform public.ban_member(report.server_id, report.target_id, note, p_delete_message_seconds);
    else
      raise exception 'unknown action: choose dismiss, delete_message, timeout, kick or ban' using errcode = '22023';
  end case;

  update public.reports
     set status = case when p_action = 'dismiss' then 'dismissed' else 'resolved' end::public.report_status,
         resolution = p_action, resolution_note = note, resolved_by = me, resolved_at = now()
   where id = report.id;

  insert into public.audit_log (server_id, actor_id, action, target_id, changes, reason)
  values (report.server_id, me, 'report_resolve', report.target_id,
          jsonb_build_object('report_id', report.id, 'resolution', p_action, 'report_reason', report.reason,
                             'message_id', report.message_id),
          note);

  if report.reporter_id is not null then
    select s.name into server_name from public.servers s where s.id = report.server_id;
    insert into public.notifications (recipient_id, type, server_id, data)
    values (report.reporter_id, 'system', report.server_id,
            jsonb_build_object('kind', 'report_resolved', 'report_id', report.id, 'outcome',
              case when p_action = 'dismiss' then 'dismissed' else 'actioned' end,
              'text', case when p_action = 'dismiss'
                then format('The moderators of %s reviewed your report and took no action.', server_name)
                else format('The moderators of %s reviewed your report and took action. Thank you.', server_name)
              end));
  end if;
end;
$$;

COMMIT;
