-- Triggers: profile creation on signup, timestamps, message numbering and mentions,
-- notifications, and the moderation audit log.

-- == section: core and social ==

-- A profile for every new account. The username comes from the signup metadata
-- (options.data.username); a bad or taken one fails the signup with a clear message,
-- and none at all derives one from the email address.
create function public.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  requested text := lower(btrim(new.raw_user_meta_data ->> 'username'));
  chosen text;
  display text := coalesce(
    nullif(btrim(new.raw_user_meta_data ->> 'display_name'), ''),
    nullif(btrim(new.raw_user_meta_data ->> 'full_name'), ''),
    nullif(btrim(new.raw_user_meta_data ->> 'name'), '')
  );
begin
  if requested is not null and requested <> '' then
    if requested !~ '^[a-z0-9_.]{2,32}$' then
      raise exception 'username must be 2 to 32 characters of a-z, 0-9, _ and .'
        using errcode = '23514', hint = 'choose another username';
    end if;
    if public.is_reserved_username(requested)
       or exists (select 1 from public.profiles p where p.username = requested and p.domain is null) then
      raise exception 'username "%" is already taken', requested
        using errcode = '23505', hint = 'choose another username';
    end if;
    chosen := requested;
  else
    chosen := left(regexp_replace(lower(split_part(coalesce(new.email, 'user'), '@', 1)), '[^a-z0-9_.]', '', 'g'), 27);
    if char_length(chosen) < 2 then
      chosen := 'user';
    end if;
    while public.is_reserved_username(chosen)
          or exists (select 1 from public.profiles p where p.username = chosen and p.domain is null) loop
      chosen := left(chosen, 27) || lpad((floor(random() * 10000))::int::text, 4, '0');
    end loop;
  end if;

  insert into public.profiles (user_id, username, display_name)
  values (new.id, chosen, left(display, 64))
  returning id into strict chosen;
  insert into public.user_settings (profile_id) values (chosen::uuid);
  return new;
end;
$$;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function public.handle_new_user();

-- updated_at maintenance for tables that carry it.
create function public.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

create trigger profiles_touch before update on public.profiles
  for each row execute function public.touch_updated_at();
create trigger user_settings_touch before update on public.user_settings
  for each row execute function public.touch_updated_at();
create trigger servers_touch before update on public.servers
  for each row execute function public.touch_updated_at();
create trigger channels_touch before update on public.channels
  for each row execute function public.touch_updated_at();

-- Every channel gets its message counter when it is created.
create function public.create_channel_sequence()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.channel_sequences (channel_id) values (new.id);
  return new;
end;
$$;

create trigger channels_create_sequence after insert on public.channels
  for each row execute function public.create_channel_sequence();

-- == end section: core and social ==

-- == section: servers ==

-- {"column": {"before": x, "after": y}} for each column whose value differs, except p_ignore.
-- An insert has no before (null) and a delete no after.
create function public.audit_changes(p_before jsonb, p_after jsonb, p_ignore text[])
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select coalesce(jsonb_object_agg(k, jsonb_build_object('before', p_before -> k, 'after', p_after -> k)), '{}')
    from jsonb_object_keys(coalesce(p_before, '{}') || coalesce(p_after, '{}')) as k
   where k <> all (p_ignore)
     and coalesce(p_before -> k, 'null') is distinct from coalesce(p_after -> k, 'null')
$$;

/*
 * The moderation audit log, one row per changed server object. The actor is the requesting
 * user (null for service_role and maintenance). Rows caused by deleting their parent (a
 * server, channel, role or member going away) are skipped: the parent's own row says it.
 * Kick and timeout reasons come from harmony.audit_reason (set by their RPCs); a ban's
 * reason is on the ban itself. A leave is not a kick, and the membership removed by a ban
 * is not logged twice.
 */
create function public.audit_server_change()
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
      if tg_op = 'UPDATE' then
        act := 'member_timeout';
        changes := public.audit_changes(jsonb_build_object('timed_out_until', before -> 'timed_out_until'),
                                        jsonb_build_object('timed_out_until', after -> 'timed_out_until'), '{}');
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

create trigger servers_audit after update on public.servers
  for each row execute function public.audit_server_change();
create trigger channels_audit
  after insert or delete or update of category_id, type, name, topic, position, slowmode_seconds, nsfw,
    is_encrypted, user_limit, owner_id, icon_url
  on public.channels
  for each row execute function public.audit_server_change();
create trigger roles_audit
  after insert or delete or update of name, color, permissions, hoist, mentionable on public.roles
  for each row execute function public.audit_server_change();
create trigger member_roles_audit after insert or delete on public.member_roles
  for each row execute function public.audit_server_change();
create trigger channel_overwrites_audit after insert or update or delete on public.channel_overwrites
  for each row execute function public.audit_server_change();
create trigger invites_audit after insert or update of revoked_at on public.invites
  for each row execute function public.audit_server_change();
create trigger server_bans_audit after insert or delete on public.server_bans
  for each row execute function public.audit_server_change();
create trigger server_members_audit after delete or update of timed_out_until on public.server_members
  for each row execute function public.audit_server_change();
create trigger custom_emojis_audit after insert or delete on public.custom_emojis
  for each row execute function public.audit_server_change();

-- == end section: servers ==

-- == section: messages ==

/*
 * Before a message is stored: the author is the caller (API roles cannot write author_id;
 * trusted callers may), a reply becomes type 'reply', a repeated nonce is refused as
 * "already sent" (23505), slowmode is enforced, mentions are derived from the content, and
 * the channel's counter assigns seq. That counter row is locked until commit, so seq is
 * gap-free per channel: a failed or rolled-back insert rolls the counter back with it.
 * Permissions are checked afterwards by the insert policy (a refused insert rolls back too).
 */
create function public.messages_before_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  perms bigint;
  slowmode integer;
  wait_seconds integer;
  mentions record;
begin
  new.author_id := coalesce(new.author_id, public.get_current_profile_id());
  if new.reply_to_id is not null and new.type = 'default' then
    new.type := 'reply';
  end if;
  if new.nonce is not null and exists (
    select 1 from public.messages m
     where m.channel_id = new.channel_id and m.author_id = new.author_id and m.nonce = new.nonce
  ) then
    raise exception 'a message with this nonce was already sent' using errcode = '23505',
      hint = 'the earlier send succeeded; treat this one as already sent';
  end if;

  perms := public.channel_permissions(new.channel_id, new.author_id);
  select c.slowmode_seconds into slowmode from public.channels c where c.id = new.channel_id;
  if slowmode > 0 and new.type in ('default', 'reply')
     and perms & public.permission('SEND_MESSAGES') <> 0
     and perms & (public.permission('BYPASS_SLOWMODE') | public.permission('MANAGE_MESSAGES')
                  | public.permission('MANAGE_CHANNELS')) = 0 then
    -- Atomic check-and-set: a concurrent second send waits here and then fails the check.
    insert into public.channel_slowmode as s (channel_id, profile_id, last_message_at)
    values (new.channel_id, new.author_id, now())
    on conflict (channel_id, profile_id) do update set last_message_at = excluded.last_message_at
      where s.last_message_at <= now() - make_interval(secs => slowmode);
    if not found then
      select greatest(1, ceil(extract(epoch from s.last_message_at + make_interval(secs => slowmode) - now())))
        into wait_seconds
        from public.channel_slowmode s
       where s.channel_id = new.channel_id and s.profile_id = new.author_id;
      raise exception 'slowmode: wait % seconds', wait_seconds using errcode = 'P0001';
    end if;
  end if;

  mentions := public.message_mentions(new.channel_id, new.author_id, new.content);
  new.mention_profile_ids := mentions.profile_ids;
  new.mention_role_ids := mentions.role_ids;
  new.mention_everyone := mentions.everyone;

  -- The row lock on the counter serialises writers per channel; a rolled-back insert rolls
  -- the counter back too, so numbers stay gap-free.
  -- No counter row means no such channel: seq stays 0 and the insert policy refuses it.
  update public.channel_sequences s set last_seq = s.last_seq + 1, last_message_at = now()
   where s.channel_id = new.channel_id
  returning s.last_seq into new.seq;
  return new;
end;
$$;

create trigger messages_before_insert before insert on public.messages
  for each row execute function public.messages_before_insert();

-- After a message is stored: notifications, and closed DMs reappear for their recipients.
create function public.messages_after_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.notify_message(new, new.mention_profile_ids, new.mention_role_ids, new.mention_everyone, true);
  update public.channel_recipients set closed = false where channel_id = new.channel_id and closed;
  return null;
end;
$$;

create trigger messages_after_insert after insert on public.messages
  for each row execute function public.messages_after_insert();

-- An edit (not a deletion) is marked and its mentions derived again.
create function public.messages_before_edit()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  mentions record;
begin
  new.edited_at := now();
  mentions := public.message_mentions(new.channel_id, new.author_id, new.content);
  new.mention_profile_ids := mentions.profile_ids;
  new.mention_role_ids := mentions.role_ids;
  new.mention_everyone := mentions.everyone;
  return new;
end;
$$;

create trigger messages_before_edit before update of content on public.messages
  for each row when (new.content is distinct from old.content and new.deleted_at is null)
  execute function public.messages_before_edit();

-- Only the mentions an edit added notify; the others were notified when first sent.
create function public.messages_after_edit()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform public.notify_message(
    new,
    array(select unnest(new.mention_profile_ids) except select unnest(old.mention_profile_ids)),
    array(select unnest(new.mention_role_ids) except select unnest(old.mention_role_ids)),
    new.mention_everyone and not old.mention_everyone,
    false);
  return null;
end;
$$;

create trigger messages_after_edit after update of content on public.messages
  for each row when (new.content is distinct from old.content and new.deleted_at is null)
  execute function public.messages_after_edit();

-- A reaction is the caller's own: API roles cannot write profile_id, so the default decides
-- (a default rather than a trigger, so generated client types know it may be left out).
alter table public.message_reactions alter column profile_id set default public.get_current_profile_id();

-- == end section: messages ==
