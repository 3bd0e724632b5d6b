-- Federation for the instance's admins (issue 22).
--
-- 1. public.instance_admins: who administers this instance (not a server: the whole
--    installation). Only service_role (the operator) adds or removes rows; a signed-in user
--    reads only their own row.
-- 2. set_federation_paused / set_instance_blocked: an instance admin may call them too (they
--    stay the operator's through service_role); public.federation_admin_settings() gives an
--    admin the pause switch and the blocklist.
-- 3. remote_follow_* broadcasts to both people on their user: topics, so a follow from another
--    instance shows up live.
BEGIN;

-- == 1. instance admins ==

create table if not exists public.instance_admins (
  user_id uuid primary key references auth.users (id) on delete cascade,
  created_at timestamptz not null default now()
);
alter table public.instance_admins enable row level security;
revoke all on public.instance_admins from public, anon, authenticated, service_role;
grant select on public.instance_admins to authenticated;
grant select, insert, delete on public.instance_admins to service_role;
drop policy if exists instance_admins_select_self on public.instance_admins;
create policy instance_admins_select_self on public.instance_admins
  for select to authenticated
  using (user_id = (select auth.uid()));

-- Whether the caller administers this instance.
create or replace function public.is_instance_admin()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.instance_admins a where a.user_id = (select auth.uid()));
$$;
revoke execute on function public.is_instance_admin() from public, anon;
grant execute on function public.is_instance_admin() to authenticated, service_role;

-- API users (anon, authenticated) must be instance admins; service_role and the operator's own
-- database sessions pass. The role setting is the caller's even inside SECURITY DEFINER.
create or replace function private.require_instance_admin()
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if coalesce(current_setting('role', true), 'none') in ('anon', 'authenticated')
     and not exists (select 1 from public.instance_admins a where a.user_id = (select auth.uid())) then
    raise exception 'only an instance admin can change federation settings' using errcode = '42501';
  end if;
end;
$$;
revoke execute on function private.require_instance_admin() from public, anon, authenticated, service_role;

-- == 2. the admin's controls ==

create or replace function public.set_federation_paused(p_paused boolean)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_instance_admin();
  if p_paused is null then
    raise exception 'paused must be true or false' using errcode = '22023';
  end if;
  update private.federation_settings set paused = p_paused, updated_at = now() where singleton;
  return p_paused;
end;
$$;
revoke execute on function public.set_federation_paused(boolean) from public, anon;
grant execute on function public.set_federation_paused(boolean) to authenticated, service_role;

create or replace function public.set_instance_blocked(p_domain text, p_blocked boolean)
returns public.federated_instances
language plpgsql
security definer
set search_path = ''
as $$
declare
  target text := lower(btrim(p_domain));
  result public.federated_instances;
begin
  perform private.require_instance_admin();
  if target is null or target = '' or p_blocked is null then
    raise exception 'domain and blocked are required' using errcode = '22023';
  end if;
  if target !~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$'
     or char_length(target) > 253 then
    raise exception '% is not an instance''s host name', p_domain using errcode = '22023';
  end if;
  insert into public.federated_instances (domain, status, trusted)
  values (target, case when p_blocked then 'blocked' else 'active' end, false)
  on conflict (domain) do update
    set status = excluded.status,
        trusted = case when p_blocked then false else public.federated_instances.trusted end
  returning * into result;
  return result;
end;
$$;
revoke execute on function public.set_instance_blocked(text, boolean) from public, anon;
grant execute on function public.set_instance_blocked(text, boolean) to authenticated, service_role;

-- The pause switch and the blocked instances, for the admin's settings page.
create or replace function public.federation_admin_settings()
returns table (paused boolean, blocked_domains text[])
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_instance_admin();
  return query
    select s.paused,
           coalesce((select array_agg(i.domain order by i.domain)
                       from public.federated_instances i where i.status = 'blocked'), '{}')
      from private.federation_settings s
     where s.singleton;
end;
$$;
revoke execute on function public.federation_admin_settings() from public, anon;
grant execute on function public.federation_admin_settings() to authenticated, service_role;

-- == 3. live follows ==

drop trigger if exists broadcast_remote_follow on public.remote_follows;
create trigger broadcast_remote_follow after insert or update or delete on public.remote_follows
  for each row execute function private.broadcast_between_two('remote_follow', 'follower_id', 'followee_id');

COMMIT;
