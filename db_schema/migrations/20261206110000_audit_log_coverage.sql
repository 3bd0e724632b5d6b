-- The audit log covers every moderation and settings change (issue 15, "Audit log"): besides
-- what init/40_triggers.sql already records, categories (created, renamed, moved, deleted) and
-- nicknames (member_update, before → after) are logged, and `report_resolve` is the action
-- resolve_report() writes (20261206110100_reports.sql).
-- Idempotent: `add value if not exists`, create or replace, drop trigger if exists.
BEGIN;

-- Added values are usable once this transaction commits; the functions below only name them
-- at run time (PL/pgSQL), never while this migration runs.
alter type public.audit_action add value if not exists 'category_create';
alter type public.audit_action add value if not exists 'category_update';
alter type public.audit_action add value if not exists 'category_delete';
alter type public.audit_action add value if not exists 'member_update';
alter type public.audit_action add value if not exists 'report_resolve';

/*
 * The moderation audit log, one row per changed server object. The actor is the requesting
 * user (null for service_role and maintenance). Rows caused by deleting their parent (a
 * server, channel, role or member going away) are skipped: the parent's own row says it.
 * Kick and timeout reasons come from harmony.audit_reason (set by their RPCs); a ban's
 * reason is on the ban itself. A leave is not a kick, and the membership removed by a ban
 * is not logged twice. A member row update is a timeout when timed_out_until changed, else a
 * nickname change (member_update).
 */
create or replace function public.audit_server_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  before jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  after jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  rec jsonb := coalesce(after, before);
  server uuid := (rec ->> 'server_id')::uuid;
  actor uuid := public.get_current_profile_id();
  reason text := nullif(current_setting('harmony.audit_reason', true), '');
  act public.audit_action;
  target uuid := (rec ->> 'id')::uuid;
  changes jsonb;
  noise constant text[] := array['id', 'server_id', 'created_at', 'updated_at'];
begin
  case tg_table_name
    when 'servers' then
      server := target;
      act := 'server_update';
      changes := public.audit_changes(before, after, noise);
    when 'channels' then
      act := case tg_op when 'INSERT' then 'channel_create' when 'UPDATE' then 'channel_update'
                        else 'channel_delete' end;
      changes := public.audit_changes(before, after, noise);
    when 'channel_categories' then
      act := case tg_op when 'INSERT' then 'category_create' when 'UPDATE' then 'category_update'
                        else 'category_delete' end;
      changes := public.audit_changes(before, after, noise);
    when 'roles' then
      act := case tg_op when 'INSERT' then 'role_create' when 'UPDATE' then 'role_update' else 'role_delete' end;
      -- Positions shift whenever a role is created below another; that is not an edit.
      changes := public.audit_changes(before, after, noise || array['position']);
    when 'member_roles' then
      if not exists (select 1 from public.roles r where r.id = (rec ->> 'role_id')::uuid)
         or not exists (select 1 from public.server_members m
                         where m.server_id = server and m.profile_id = (rec ->> 'profile_id')::uuid) then
        return null;
      end if;
      act := 'member_role_update';
      target := (rec ->> 'profile_id')::uuid;
      changes := public.audit_changes(before, after, array['server_id', 'profile_id']);
    when 'channel_overwrites' then
      target := (rec ->> 'channel_id')::uuid;
      select c.server_id into server from public.channels c where c.id = target;
      act := 'overwrite_update';
      changes := jsonb_build_object('target_type', rec -> 'target_type', 'target_id', rec -> 'target_id')
        || public.audit_changes(before, after, array['channel_id', 'target_type', 'target_id']);
    when 'invites' then
      if tg_op = 'INSERT' then
        act := 'invite_create';
        changes := public.audit_changes(null, after, array['server_id', 'inviter_id', 'uses', 'created_at']);
      elsif before ->> 'revoked_at' is null and after ->> 'revoked_at' is not null then
        act := 'invite_revoke';
        changes := jsonb_build_object('code', rec -> 'code');
      else
        return null;
      end if;
      target := null;
    when 'server_bans' then
      target := (rec ->> 'profile_id')::uuid;
      if tg_op = 'INSERT' then
        act := 'member_ban';
        reason := rec ->> 'reason';
      elsif exists (select 1 from public.profiles p where p.id = target) then
        act := 'member_unban';
      else
        return null;
      end if;
      changes := '{}';
    when 'server_members' then
      target := (rec ->> 'profile_id')::uuid;
      if tg_op = 'UPDATE' and before -> 'timed_out_until' is distinct from after -> 'timed_out_until' then
        act := 'member_timeout';
        changes := public.audit_changes(jsonb_build_object('timed_out_until', before -> 'timed_out_until'),
                                        jsonb_build_object('timed_out_until', after -> 'timed_out_until'), '{}');
      elsif tg_op = 'UPDATE' then
        act := 'member_update';
        changes := public.audit_changes(jsonb_build_object('nickname', before -> 'nickname'),
                                        jsonb_build_object('nickname', after -> 'nickname'), '{}');
      elsif actor is distinct from target
            and exists (select 1 from public.profiles p where p.id = target)
            and not exists (select 1 from public.server_bans b where b.server_id = server and b.profile_id = target) then
        act := 'member_kick';
        changes := '{}';
      else
        return null;
      end if;
    when 'custom_emojis' then
      act := case tg_op when 'INSERT' then 'emoji_create' else 'emoji_delete' end;
      changes := public.audit_changes(before, after, noise || array['created_by']);
  end case;

  if tg_op = 'UPDATE' and changes = '{}' then
    return null;
  end if;
  insert into public.audit_log (server_id, actor_id, action, target_id, changes, reason)
  select server, actor, act, target, changes, reason
   where exists (select 1 from public.servers s where s.id = server);
  return null;
end;
$$;

drop trigger if exists channel_categories_audit on public.channel_categories;
create trigger channel_categories_audit
  after insert or delete or update of name, position on public.channel_categories
  for each row execute function public.audit_server_change();

drop trigger if exists server_members_audit on public.server_members;
create trigger server_members_audit after delete or update of timed_out_until, nickname on public.server_members
  for each row execute function public.audit_server_change();

-- Filtering the log by action or by the person acting is keyset-paged on id.
create index if not exists audit_log_server_action_idx on public.audit_log (server_id, action, id desc);
create index if not exists audit_log_server_actor_idx on public.audit_log (server_id, actor_id, id desc);
create index if not exists audit_log_server_target_idx on public.audit_log (server_id, target_id, id desc);

COMMIT;
