-- Incoming webhooks (Discord's "Execute Webhook"): a channel's secret URL that other services
-- POST messages to. apps/server answers POST /api/webhooks/<id>/<token> and calls
-- execute_webhook as harmony_server; members who may Manage Webhooks create, list, regenerate
-- and delete a channel's webhooks through the RPCs below.
--
-- The token in the URL is 'hwh_' + 64 hex digits; only its SHA-256 is stored, so the URL is
-- shown once (regenerating gives a new one and the old URL stops working).
-- A webhook message has no author profile: author_id is null, webhook_id names the webhook and
-- author_name / author_avatar_url are what it was sent as (the payload's username and
-- avatar_url, else the webhook's own).
BEGIN;

create table if not exists public.webhooks (
  id uuid primary key default gen_random_uuid(),
  server_id uuid not null references public.servers (id) on delete cascade,
  channel_id uuid not null references public.channels (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 80),
  avatar_url text check (avatar_url ~ '^https://' and char_length(avatar_url) <= 2048),
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  -- Whether its messages may ping @everyone / @here (set by someone who may mention everyone).
  mention_everyone boolean not null default false,
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now()
);
create index if not exists webhooks_channel_idx on public.webhooks (channel_id);
create index if not exists webhooks_server_idx on public.webhooks (server_id);
create index if not exists webhooks_created_by_idx on public.webhooks (created_by);

alter table public.messages add column if not exists webhook_id uuid references public.webhooks (id) on delete set null;
alter table public.messages add column if not exists author_name text;
alter table public.messages add column if not exists author_avatar_url text;
alter table public.messages drop constraint if exists messages_author_name_length;
alter table public.messages add constraint messages_author_name_length
  check (author_name is null or char_length(author_name) between 1 and 80);
create index if not exists messages_webhook_idx on public.messages (webhook_id) where webhook_id is not null;

-- Execution counts per webhook: 5 messages per 2 seconds (Discord's per-webhook bucket).
create table if not exists private.webhook_rate_windows (
  webhook_id uuid primary key references public.webhooks (id) on delete cascade,
  started_at timestamptz not null default now(),
  used integer not null default 0
);
revoke all on table private.webhook_rate_windows from public, anon, authenticated, service_role;

-- Managers of a channel's webhooks see them (never the hash: column grant).
grant select (id, server_id, channel_id, name, avatar_url, mention_everyone, created_by, created_at)
  on public.webhooks to authenticated;
alter table public.webhooks enable row level security;
drop policy if exists webhooks_select_managers on public.webhooks;
create policy webhooks_select_managers on public.webhooks
  for select to authenticated
  using (public.has_channel_permission(channel_id, public.permission('MANAGE_WEBHOOKS')));

-- Internal: a fresh URL token, its hash stored on the webhook.
create or replace function private.new_webhook_token(out token text, out token_hash text)
language plpgsql
volatile
set search_path = ''
as $$
begin
  token := 'hwh_' || encode(extensions.gen_random_bytes(32), 'hex');
  token_hash := encode(extensions.digest(token, 'sha256'), 'hex');
end;
$$;
revoke all on function private.new_webhook_token() from public, anon, authenticated, service_role;

-- The webhook the caller may manage, or "not found" (someone else's is not told apart).
create or replace function private.managed_webhook(p_webhook_id uuid)
returns public.webhooks
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  found_webhook public.webhooks;
begin
  select * into found_webhook from public.webhooks w where w.id = p_webhook_id;
  if not found or not public.has_channel_permission(found_webhook.channel_id, public.permission('MANAGE_WEBHOOKS')) then
    raise exception 'webhook not found' using errcode = 'PT404';
  end if;
  return found_webhook;
end;
$$;
revoke all on function private.managed_webhook(uuid) from public, anon, authenticated, service_role;

-- Creates a webhook in a server text channel; its URL token is returned only here.
create or replace function public.create_webhook(p_channel_id uuid, p_name text, p_mention_everyone boolean default false)
returns table (webhook_id uuid, token text)
language plpgsql
security definer
set search_path = ''
as $$
declare
  channel public.channels;
  fresh record;
  created uuid;
begin
  if public.get_current_profile_id() is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  select * into channel from public.channels c where c.id = p_channel_id;
  if not found or not public.has_channel_permission(p_channel_id, public.permission('VIEW_CHANNEL')) then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  if not public.has_channel_permission(p_channel_id, public.permission('MANAGE_WEBHOOKS')) then
    raise exception 'you need Manage Webhooks in this channel' using errcode = '42501';
  end if;
  if channel.server_id is null or channel.type <> 'text' then
    raise exception 'webhooks post only in server text channels' using errcode = '22023';
  end if;
  if p_name is null or char_length(btrim(p_name)) not between 1 and 80 then
    raise exception 'webhook name must be 1 to 80 characters' using errcode = '22023';
  end if;
  if coalesce(p_mention_everyone, false)
     and not public.has_channel_permission(p_channel_id, public.permission('MENTION_EVERYONE')) then
    raise exception 'you cannot let a webhook mention @everyone without that permission yourself'
      using errcode = '42501';
  end if;
  -- The row lock on the channel serialises concurrent creations, so the cap holds.
  perform 1 from public.channels c where c.id = p_channel_id for update;
  if (select count(*) from public.webhooks w where w.channel_id = p_channel_id) >= 15 then
    raise exception 'a channel has at most 15 webhooks' using errcode = 'P0001';
  end if;
  fresh := private.new_webhook_token();
  insert into public.webhooks (server_id, channel_id, name, token_hash, mention_everyone, created_by)
  values (channel.server_id, p_channel_id, btrim(p_name), fresh.token_hash, coalesce(p_mention_everyone, false),
          public.get_current_profile_id())
  returning id into created;
  return query select created, fresh.token;
end;
$$;

-- A new URL token; the old URL is refused from now on.
create or replace function public.regenerate_webhook_token(p_webhook_id uuid)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  fresh record;
begin
  perform private.managed_webhook(p_webhook_id);
  fresh := private.new_webhook_token();
  update public.webhooks w set token_hash = fresh.token_hash where w.id = p_webhook_id;
  return fresh.token;
end;
$$;

-- Deletes (revokes) a webhook; the messages it sent stay, showing the name they were sent as.
create or replace function public.delete_webhook(p_webhook_id uuid)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.managed_webhook(p_webhook_id);
  delete from public.webhooks w where w.id = p_webhook_id;
end;
$$;

/**
 * For apps/server (harmony_server): posts a webhook message. Unknown webhook: PT404; wrong
 * token: 28000; @everyone from a webhook not allowed to: 42501; bad fields: 22023. Over the
 * rate limit, no message and retry_after_ms > 0 (not raised, so the counted window commits).
 */
create or replace function public.execute_webhook(
  p_webhook_id uuid,
  p_token text,
  p_content text,
  p_username text default null,
  p_avatar_url text default null,
  p_embeds jsonb default '[]'
)
returns table (message_id uuid, retry_after_ms integer)
language plpgsql
security definer
set search_path = ''
as $$
declare
  max_per_window constant integer := 5;
  rate_window constant interval := interval '2 seconds';
  hook public.webhooks;
  rate private.webhook_rate_windows;
  created uuid;
begin
  select * into hook from public.webhooks w where w.id = p_webhook_id;
  if not found then
    raise exception 'Unknown Webhook' using errcode = 'PT404';
  end if;
  if p_token is null or encode(extensions.digest(p_token, 'sha256'), 'hex') <> hook.token_hash then
    raise exception 'Invalid Webhook Token' using errcode = '28000';
  end if;
  if coalesce(p_content, '') = '' and coalesce(jsonb_array_length(p_embeds), 0) = 0 then
    raise exception 'Cannot send an empty message' using errcode = '22023';
  end if;
  if not hook.mention_everyone and coalesce(p_content, '') ~ '(^|\W)@(everyone|here)\M' then
    raise exception 'This webhook may not mention @everyone or @here' using errcode = '42501';
  end if;

  insert into private.webhook_rate_windows as r (webhook_id, started_at, used)
  values (hook.id, now(), 1)
  on conflict (webhook_id) do update
    set started_at = case when r.started_at <= now() - rate_window then now() else r.started_at end,
        used = case when r.started_at <= now() - rate_window then 1 else r.used + 1 end
  returning * into rate;
  if rate.used > max_per_window then
    return query select null::uuid,
      greatest(1, ceil(extract(epoch from rate.started_at + rate_window - now()) * 1000))::integer;
    return;
  end if;

  insert into public.messages (channel_id, author_id, content, embeds, webhook_id, author_name, author_avatar_url)
  values (hook.channel_id, null, coalesce(p_content, ''), coalesce(p_embeds, '[]'), hook.id,
          coalesce(nullif(btrim(p_username), ''), hook.name), coalesce(p_avatar_url, hook.avatar_url))
  returning id into created;
  return query select created, 0;
end;
$$;

-- The mentions trigger gives an authorless message no @everyone; a webhook allowed to ping
-- everyone gets it here (fires after messages_before_insert: triggers run in name order).
create or replace function private.messages_webhook_mentions()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.mention_everyone := exists (
    select 1 from public.webhooks w where w.id = new.webhook_id and w.mention_everyone
  ) and new.content ~ '(^|\W)@(everyone|here)\M';
  return new;
end;
$$;
revoke all on function private.messages_webhook_mentions() from public, anon, authenticated, service_role;
drop trigger if exists messages_webhook_mentions on public.messages;
create trigger messages_webhook_mentions before insert on public.messages
  for each row when (new.webhook_id is not null)
  execute function private.messages_webhook_mentions();

revoke all on function public.create_webhook(uuid, text, boolean), public.regenerate_webhook_token(uuid),
  public.delete_webhook(uuid),
  public.execute_webhook(uuid, text, text, text, text, jsonb)
  from public, anon, authenticated, service_role;
grant execute on function public.create_webhook(uuid, text, boolean), public.regenerate_webhook_token(uuid),
  public.delete_webhook(uuid)
  to authenticated;
grant execute on function public.execute_webhook(uuid, text, text, text, text, jsonb) to harmony_server;

COMMIT;
