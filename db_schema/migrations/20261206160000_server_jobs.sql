-- apps/server: its database role, its job queue's schema, Web Push subscriptions, and the
-- triggers and scheduled functions that give it work (issue 19).
--
-- 1. Role harmony_server: what apps/server connects as. NOLOGIN here; a deployment that runs
--    the service gives it a password (`alter role harmony_server with login password '…'`,
--    run once in the SQL editor on Supabase Cloud; the local stack and tests do it themselves).
--    Never a superuser, no BYPASSRLS: it reads the rows the jobs need through policies made for
--    it, and changes data only through the functions below.
-- 2. Schema graphile_worker, owned by harmony_server, holding graphile-worker's bootstrap
--    table: graphile-worker installs and upgrades the rest itself when the service starts, and
--    needs no CREATE on the database for that (it only creates the schema when this table is
--    missing).
-- 3. private.enqueue_job: add a job from SQL. Before the service has ever started (the queue's
--    tables are not there yet) jobs wait in private.job_outbox, which the service moves into the
--    queue when it starts, so nothing enqueued is lost.
-- 4. public.push_subscriptions: one row per browser/device push subscription, own rows only.
--    register_push_subscription() upserts by endpoint; touch_presence() is the client's
--    heartbeat (profile last_seen_at, and the device's last_active_at so no push goes to a device
--    in use).
-- 5. A send-push job for each mention, reply and DM notification of a user with a subscription.
-- 6. Scheduled work (graphile-worker's crontab calls these): expire timeouts, old invites and
--    stale presence; delete old realtime.messages where the platform does not.
BEGIN;

-- == 1. the service's role ==

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'harmony_server') then
    create role harmony_server nologin noinherit nosuperuser nocreatedb nocreaterole nobypassrls;
  end if;
  -- On Supabase Cloud migrations run as postgres (not a superuser): membership lets it create
  -- the queue's schema for harmony_server and, in enqueue_job, use the queue's tables that
  -- harmony_server's graphile-worker creates.
  if not (select rolsuper from pg_roles where rolname = current_user) then
    execute format('grant harmony_server to %I', current_user);
  end if;
end $$;

grant usage on schema public, private to harmony_server;

-- == 2. the queue's schema ==

create schema if not exists graphile_worker authorization harmony_server;
-- graphile-worker's own bootstrap table (as it creates it), so its first start skips
-- `create schema`, which would need CREATE on the database.
create table if not exists graphile_worker.migrations (
  id int primary key,
  ts timestamptz default now() not null,
  breaking boolean not null default false
);
alter table graphile_worker.migrations owner to harmony_server;
revoke all on schema graphile_worker from public;

-- == 3. enqueueing from SQL ==

-- Jobs enqueued while graphile-worker's tables do not exist yet.
create table if not exists private.job_outbox (
  id bigint generated always as identity primary key,
  task text not null,
  payload jsonb not null default '{}',
  job_key text,
  created_at timestamptz not null default now()
);
revoke all on private.job_outbox from public, anon, authenticated, service_role;
grant select, delete on private.job_outbox to harmony_server;

-- Callers: the trigger functions below. Its owner (the migrating role, a member of
-- harmony_server) reaches the queue's tables, which harmony_server owns.
create or replace function private.enqueue_job(p_task text, p_payload jsonb, p_job_key text default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if to_regprocedure('graphile_worker.add_job(text, json, text, timestamptz, integer, text, integer, text[], text)') is not null then
    perform graphile_worker.add_job(p_task, p_payload::json, job_key => p_job_key);
  else
    insert into private.job_outbox (task, payload, job_key) values (p_task, p_payload, p_job_key);
  end if;
end;
$$;
revoke execute on function private.enqueue_job(text, jsonb, text) from public, anon, authenticated, service_role;

-- == 4. push subscriptions ==

create table if not exists public.push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  profile_id uuid not null references public.profiles (id) on delete cascade,
  -- The push service's URL for this browser: a capability, unique to one device.
  endpoint text not null unique check (endpoint ~ '^https?://' and length(endpoint) <= 2048),
  -- The browser's P-256 public key (keys.p256dh) and auth secret (keys.auth), base64url: what
  -- RFC 8291 encrypts each push to.
  public_key text not null check (public_key ~ '^[A-Za-z0-9_-]{80,100}$'),
  auth_secret text not null check (auth_secret ~ '^[A-Za-z0-9_-]{16,32}$'),
  -- How the device is listed in settings ("Firefox on Linux").
  device_name text check (length(device_name) <= 200),
  created_at timestamptz not null default now(),
  -- Last heartbeat from a visible tab on this device: no push while it is recent.
  last_active_at timestamptz
);
create index if not exists push_subscriptions_profile_idx on public.push_subscriptions (profile_id);

alter table public.push_subscriptions enable row level security;
revoke all on public.push_subscriptions from public, anon, authenticated, service_role;
-- Listed and removed by their owner; added or moved only through register_push_subscription.
grant select, delete on public.push_subscriptions to authenticated;
grant select, delete on public.push_subscriptions to harmony_server;
grant all on public.push_subscriptions to service_role;

drop policy if exists push_subscriptions_select_own on public.push_subscriptions;
create policy push_subscriptions_select_own on public.push_subscriptions
  for select to authenticated
  using (profile_id = (select public.get_current_profile_id()));

drop policy if exists push_subscriptions_delete_own on public.push_subscriptions;
create policy push_subscriptions_delete_own on public.push_subscriptions
  for delete to authenticated
  using (profile_id = (select public.get_current_profile_id()));

-- The push sender reads every subscription and removes the ones the push service says are gone.
drop policy if exists push_subscriptions_server on public.push_subscriptions;
create policy push_subscriptions_server on public.push_subscriptions
  for all to harmony_server
  using (true);

-- Saves this device's subscription for the caller. An endpoint belongs to one browser, so
-- subscribing again there (after signing in as someone else too) replaces the old row.
create or replace function public.register_push_subscription(
  p_endpoint text,
  p_p256dh text,
  p_auth text,
  p_device_name text default null
)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
  saved uuid;
begin
  if p_endpoint is null or p_endpoint !~ '^https?://' or length(p_endpoint) > 2048 then
    raise exception 'endpoint must be an http(s) URL of at most 2048 characters' using errcode = '22023';
  end if;
  if coalesce(p_p256dh, '') !~ '^[A-Za-z0-9_-]{80,100}$' or coalesce(p_auth, '') !~ '^[A-Za-z0-9_-]{16,32}$' then
    raise exception 'keys.p256dh and keys.auth must be the subscription''s base64url keys' using errcode = '22023';
  end if;
  insert into public.push_subscriptions (profile_id, endpoint, public_key, auth_secret, device_name, last_active_at)
  values (me, p_endpoint, p_p256dh, p_auth, left(p_device_name, 200), now())
  on conflict (endpoint) do update
    set profile_id = excluded.profile_id, public_key = excluded.public_key, auth_secret = excluded.auth_secret,
        device_name = excluded.device_name, last_active_at = excluded.last_active_at
  returning id into saved;
  return saved;
end;
$$;
revoke execute on function public.register_push_subscription(text, text, text, text) from public, anon;
grant execute on function public.register_push_subscription(text, text, text, text) to authenticated;

-- The client's heartbeat while a tab is visible (every minute): keeps the profile's presence
-- from expiring (restoring the chosen status after it did) and, with this device's push
-- endpoint, marks the device in use so pushes skip it.
create or replace function public.touch_presence(p_push_endpoint text default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
begin
  update public.profiles p
     set last_seen_at = now(),
         status = case when p.status = 'offline'
                       then coalesce((select case when s.preferred_status = 'invisible' then 'offline'
                                                  else s.preferred_status end
                                        from public.user_settings s where s.profile_id = me), 'online')
                       else p.status end
   where p.id = me;
  if p_push_endpoint is not null then
    update public.push_subscriptions set last_active_at = now()
     where endpoint = p_push_endpoint and profile_id = me;
  end if;
end;
$$;
revoke execute on function public.touch_presence(text) from public, anon;
grant execute on function public.touch_presence(text) to authenticated;

-- Which subscriptions a notification already reached: a retried send-push job skips them.
create table if not exists private.push_deliveries (
  notification_id uuid not null references public.notifications (id) on delete cascade,
  subscription_id uuid not null references public.push_subscriptions (id) on delete cascade,
  sent_at timestamptz not null default now(),
  primary key (notification_id, subscription_id)
);
create index if not exists push_deliveries_subscription_idx on private.push_deliveries (subscription_id);
create index if not exists push_deliveries_sent_at_idx on private.push_deliveries (sent_at);
revoke all on private.push_deliveries from public, anon, authenticated, service_role;
grant select, insert on private.push_deliveries to harmony_server;

-- == 5. a push for each mention, reply and DM ==

-- What the push needs to read, and nothing else: rows through policies for harmony_server only.
grant select on public.notifications, public.profiles, public.user_settings, public.channels,
  public.servers, public.messages to harmony_server;

drop policy if exists notifications_server on public.notifications;
create policy notifications_server on public.notifications for select to harmony_server using (true);
drop policy if exists profiles_server on public.profiles;
create policy profiles_server on public.profiles for select to harmony_server using (true);
drop policy if exists user_settings_server on public.user_settings;
create policy user_settings_server on public.user_settings for select to harmony_server using (true);
drop policy if exists channels_server on public.channels;
create policy channels_server on public.channels for select to harmony_server using (true);
drop policy if exists servers_server on public.servers;
create policy servers_server on public.servers for select to harmony_server using (true);
drop policy if exists messages_server on public.messages;
create policy messages_server on public.messages for select to harmony_server using (true);

grant execute on function public.notification_level_for(uuid, uuid) to harmony_server;

-- Only for recipients with a subscription, so users without push cost no job.
create or replace function private.enqueue_notification_push()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from public.push_subscriptions s where s.profile_id = new.recipient_id) then
    perform private.enqueue_job('send-push', jsonb_build_object('notificationId', new.id), 'send-push:' || new.id);
  end if;
  return null;
end;
$$;
revoke execute on function private.enqueue_notification_push() from public, anon, authenticated, service_role;

drop trigger if exists notifications_enqueue_push on public.notifications;
create trigger notifications_enqueue_push
  after insert on public.notifications
  for each row when (new.type in ('mention', 'reply', 'direct_message'))
  execute function private.enqueue_notification_push();

-- == 6. scheduled work ==

-- Ends timeouts whose time has passed, so members and their clients see them lifted (the
-- member broadcast and the stored permissions follow the update). Permission checks already
-- ignore an expired timeout; this only tidies the row.
create or replace function private.expire_timeouts()
returns integer
language sql
security definer
set search_path = ''
as $$
  with ended as (
    update public.server_members set timed_out_until = null
     where timed_out_until <= now()
    returning 1
  )
  select count(*)::integer from ended
$$;

-- Deletes invites that expired, were used up or were revoked over a day ago (in that day the
-- link still says "expired" rather than "not found").
create or replace function private.expire_invites()
returns integer
language sql
security definer
set search_path = ''
as $$
  with gone as (
    delete from public.invites
     where expires_at < now() - interval '1 day'
        or revoked_at < now() - interval '1 day'
        or (uses >= max_uses and created_at < now() - interval '1 day')
    returning 1
  )
  select count(*)::integer from gone
$$;

-- Shows as offline whoever has sent no heartbeat (touch_presence) for p_stale_after.
create or replace function private.expire_presence(p_stale_after interval default interval '10 minutes')
returns integer
language sql
security definer
set search_path = ''
as $$
  with stale as (
    update public.profiles set status = 'offline'
     where status <> 'offline' and not is_bot
       and (last_seen_at is null or last_seen_at < now() - p_stale_after)
    returning 1
  )
  select count(*)::integer from stale
$$;

-- Supabase Realtime partitions realtime.messages by day and drops partitions older than
-- 72 hours itself (as the local stack's janitor does); a plain table without such a janitor is
-- trimmed here the same way, in batches.
create or replace function private.clean_realtime_messages(p_retention interval default interval '72 hours',
                                                          p_batch integer default 5000)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  removed integer;
begin
  if to_regclass('realtime.messages') is null
     or (select c.relkind from pg_class c where c.oid = 'realtime.messages'::regclass) = 'p' then
    return 0;
  end if;
  with old as (
    select ctid from realtime.messages
     where inserted_at < date_trunc('day', localtimestamp - p_retention)
     limit p_batch
  )
  delete from realtime.messages m using old where m.ctid = old.ctid;
  get diagnostics removed = row_count;
  return removed;
end;
$$;

-- Forgets which devices old notifications reached (their jobs are long done).
create or replace function private.prune_push_deliveries(p_older_than interval default interval '7 days')
returns integer
language sql
security definer
set search_path = ''
as $$
  with old as (
    delete from private.push_deliveries where sent_at < now() - p_older_than returning 1
  )
  select count(*)::integer from old
$$;

revoke execute on function private.expire_timeouts(), private.expire_invites(), private.expire_presence(interval),
  private.clean_realtime_messages(interval, integer), private.prune_push_deliveries(interval)
  from public, anon, authenticated, service_role;
grant execute on function private.expire_timeouts(), private.expire_invites(), private.expire_presence(interval),
  private.clean_realtime_messages(interval, integer), private.prune_push_deliveries(interval)
  to harmony_server;

COMMIT;
