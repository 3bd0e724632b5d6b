-- Reports (issue 15, "Reports"): any member reports a message or a member of their server to
-- its moderators, with a reason from a fixed list and free text. Moderators (any of
-- MANAGE_MESSAGES, KICK_MEMBERS, BAN_MEMBERS, MODERATE_MEMBERS) review the queue and resolve
-- a report by deleting the message, timing out, kicking or banning its target, or dismissing
-- it. Each action needs its own permission (the moderation RPCs it calls check it), the
-- resolution is written to the audit log, and the reporter gets a notification.
--
-- Rows are written only by the RPCs below. A report about a message stays readable to
-- reviewers only while they can read its channel, so a report never shows a moderator what
-- their channel permissions hide.
-- Idempotent: types and the table are created if missing, functions replaced, policies
-- dropped and created.
BEGIN;

do $$
begin
  if not exists (select 1 from pg_type where typname = 'report_reason' and typnamespace = 'public'::regnamespace) then
    create type public.report_reason as enum (
      'spam', 'harassment', 'hate', 'sexual_content', 'violence', 'self_harm', 'impersonation', 'other'
    );
  end if;
  if not exists (select 1 from pg_type where typname = 'report_status' and typnamespace = 'public'::regnamespace) then
    create type public.report_status as enum ('open', 'resolved', 'dismissed');
  end if;
end $$;

create table if not exists public.reports (
  id bigint generated always as identity primary key,
  server_id uuid not null references public.servers (id) on delete cascade,
  reporter_id uuid references public.profiles (id) on delete set null,
  -- The member reported, or the author of the message reported.
  target_id uuid not null references public.profiles (id) on delete cascade,
  message_id uuid references public.messages (id) on delete set null,
  channel_id uuid references public.channels (id) on delete cascade,
  -- The message as it read when reported: the evidence survives an edit or a deletion.
  message_content text check (char_length(message_content) <= 4000),
  reason public.report_reason not null,
  details text check (char_length(details) <= 1000),
  status public.report_status not null default 'open',
  -- What the moderator did: delete_message, timeout, kick, ban or dismiss.
  resolution text check (resolution in ('delete_message', 'timeout', 'kick', 'ban', 'dismiss')),
  resolution_note text check (char_length(resolution_note) <= 512),
  resolved_by uuid references public.profiles (id) on delete set null,
  resolved_at timestamptz,
  created_at timestamptz not null default now(),
  constraint reports_message_has_channel check ((message_id is null) or (channel_id is not null)),
  constraint reports_resolution_matches_status check ((status = 'open') = (resolution is null))
);
create index if not exists reports_server_status_idx on public.reports (server_id, status, id desc);
create index if not exists reports_reporter_idx on public.reports (reporter_id);
create index if not exists reports_target_idx on public.reports (target_id);
create index if not exists reports_message_idx on public.reports (message_id) where message_id is not null;
create index if not exists reports_channel_idx on public.reports (channel_id);
create index if not exists reports_resolved_by_idx on public.reports (resolved_by) where resolved_by is not null;
-- One open report per reporter and message, and per reporter and member (message-less).
create unique index if not exists reports_open_message_once on public.reports (reporter_id, message_id)
  where status = 'open' and message_id is not null;
create unique index if not exists reports_open_member_once on public.reports (server_id, reporter_id, target_id)
  where status = 'open' and message_id is null;

alter table public.reports enable row level security;

-- Who reviews reports: any of these server-wide permissions.
create or replace function public.report_reviewer_permissions()
returns bigint
language sql
immutable
parallel safe
set search_path = ''
as $$
  select public.permission('MANAGE_MESSAGES') | public.permission('KICK_MEMBERS')
       | public.permission('BAN_MEMBERS') | public.permission('MODERATE_MEMBERS')
$$;

revoke all on public.reports from public, anon, authenticated;
grant select on public.reports to authenticated;

drop policy if exists reports_select_reporter_or_reviewer on public.reports;
create policy reports_select_reporter_or_reviewer on public.reports
  for select to authenticated
  using (
    reporter_id = (select public.get_current_profile_id())
    or (server_id in (select public.my_server_ids_with(public.report_reviewer_permissions()))
        and (channel_id is null or channel_id in (select public.readable_channel_ids())))
  );

-- A member's details: at most 1000 characters, blank is none.
create or replace function public.report_details(p_details text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  return nullif(btrim(public.check_length(p_details, 'details', 1000)), '');
end;
$$;

-- Reports a message the caller can read, in a server, by someone else. Returns the report id.
create or replace function public.report_message(p_message_id uuid, p_reason public.report_reason, p_details text default null)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
  target record;
  report_id bigint;
begin
  select m.id, m.channel_id, m.author_id, m.content, c.server_id into target
    from public.messages m join public.channels c on c.id = m.channel_id
   where m.id = p_message_id and m.deleted_at is null
     and m.channel_id in (select public.readable_channel_ids());
  if not found then
    raise exception 'message not found' using errcode = 'PT404';
  end if;
  if target.server_id is null then
    raise exception 'only messages in a server can be reported to its moderators' using errcode = '22023';
  end if;
  if target.author_id is null or target.author_id = me then
    raise exception 'you cannot report your own message' using errcode = '22023';
  end if;
  if p_reason is null then
    raise exception 'choose a reason for the report' using errcode = '22023';
  end if;
  if exists (select 1 from public.reports r
              where r.reporter_id = me and r.message_id = target.id and r.status = 'open') then
    raise exception 'you already reported this message' using errcode = '23505';
  end if;
  insert into public.reports (server_id, reporter_id, target_id, message_id, channel_id, message_content, reason, details)
  values (target.server_id, me, target.author_id, target.id, target.channel_id, target.content, p_reason,
          public.report_details(p_details))
  returning id into report_id;
  return report_id;
end;
$$;

-- Reports a member of a server the caller is in. Returns the report id.
create or replace function public.report_member(
  p_server_id uuid,
  p_profile_id uuid,
  p_reason public.report_reason,
  p_details text default null
)
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_server_member(p_server_id);
  report_id bigint;
begin
  perform public.require_member(p_server_id, p_profile_id);
  if p_profile_id = me then
    raise exception 'you cannot report yourself' using errcode = '22023';
  end if;
  if p_reason is null then
    raise exception 'choose a reason for the report' using errcode = '22023';
  end if;
  if exists (select 1 from public.reports r
              where r.server_id = p_server_id and r.reporter_id = me and r.target_id = p_profile_id
                and r.message_id is null and r.status = 'open') then
    raise exception 'you already reported this member' using errcode = '23505';
  end if;
  insert into public.reports (server_id, reporter_id, target_id, reason, details)
  values (p_server_id, me, p_profile_id, p_reason, public.report_details(p_details))
  returning id into report_id;
  return report_id;
end;
$$;

-- The caller, a member of the server holding a report reviewer permission.
create or replace function public.require_report_reviewer(p_server_id uuid)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  me uuid := public.require_server_member(p_server_id);
begin
  if private.server_permissions(p_server_id, me) & public.report_reviewer_permissions() = 0 then
    raise exception 'you need a moderation permission to review reports' using errcode = '42501';
  end if;
  return me;
end;
$$;

-- The server's reports with a status, newest first, keyset-paged: pass the last id seen as
-- p_before_id. Only what the reports policy lets the caller read.
create or replace function public.list_reports(
  p_server_id uuid,
  p_status public.report_status default 'open',
  p_before_id bigint default null,
  p_limit integer default 50
)
returns setof public.reports
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform public.require_report_reviewer(p_server_id);
  if p_limit is null or p_limit not between 1 and 100 then
    raise exception 'a page holds 1 to 100 reports' using errcode = '22023';
  end if;
  return query
    select r.* from public.reports r
     where r.server_id = p_server_id
       and r.status = coalesce(p_status, 'open')
       and (p_before_id is null or r.id < p_before_id)
       and (r.channel_id is null or r.channel_id in (select public.readable_channel_ids()))
     order by r.id desc
     limit p_limit;
end;
$$;

/*
 * Resolves an open report: p_action is dismiss, delete_message (a message report), timeout
 * (p_timeout_seconds, 60 s to 28 days), kick or ban (p_delete_message_seconds as ban_member
 * takes it). The action runs through the same RPC a moderator would call, so it needs the
 * same permission and rank; p_note is its audit reason. The report is closed, a
 * report_resolve row is audited, and the reporter is notified (without naming the moderator).
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
      if p_timeout_seconds is null or p_timeout_seconds not between 60 and 2419200 then
        raise exception 'a timeout lasts 60 seconds to 28 days' using errcode = '22023';
      end if;
      perform public.timeout_member(report.server_id, report.target_id,
                                    now() + make_interval(secs => p_timeout_seconds), note);
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

revoke execute on function
  public.report_reviewer_permissions(),
  public.report_details(text),
  public.report_message(uuid, public.report_reason, text),
  public.report_member(uuid, uuid, public.report_reason, text),
  public.require_report_reviewer(uuid),
  public.list_reports(uuid, public.report_status, bigint, integer),
  public.resolve_report(bigint, text, text, integer, integer)
  from public, anon;
-- The reports policy calls report_reviewer_permissions() as the reader.
grant execute on function
  public.report_reviewer_permissions(),
  public.report_message(uuid, public.report_reason, text),
  public.report_member(uuid, uuid, public.report_reason, text),
  public.list_reports(uuid, public.report_status, bigint, integer),
  public.resolve_report(bigint, text, text, integer, integer)
  to authenticated;

COMMIT;
