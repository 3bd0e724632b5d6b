-- Recreates the Realtime pieces app SQL touches (fact sheet §4): publication supabase_realtime,
-- realtime.messages, topic(), send(), send_binary() and broadcast_changes().
-- ONLY for plain PostgreSQL: real Supabase already has them. Not recreated: Postgres-Changes
-- internals (realtime.subscription, apply_rls, list_changes).

-- Empty, like Supabase's: apps opt tables in with ALTER PUBLICATION ... ADD TABLE, which
-- requires owning it, so postgres owns it as on Supabase (its init scripts run as postgres).
do $$
begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
  end if;
end $$;
alter publication supabase_realtime owner to postgres;

create schema if not exists realtime authorization supabase_admin;
alter schema realtime owner to supabase_admin;

grant usage on schema realtime to anon, authenticated, service_role;
grant usage on schema realtime to postgres with grant option;
grant all on schema realtime to supabase_realtime_admin with grant option;

-- Realtime runs its migrations as supabase_admin; set first so the objects below inherit it.
alter default privileges for role supabase_admin in schema realtime
  grant all on tables to postgres, dashboard_user;
alter default privileges for role supabase_admin in schema realtime
  grant all on sequences to postgres, dashboard_user;
alter default privileges for role supabase_admin in schema realtime
  grant all on routines to postgres, dashboard_user;

-- Upstream partitions this by day and a janitor manages the partitions; a plain table keeps
-- the same columns, key and behaviour for inserts and policies without that machinery.
create table if not exists realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  id uuid not null default gen_random_uuid(),
  binary_payload bytea,
  constraint messages_pkey primary key (id, inserted_at),
  constraint messages_payload_exclusive check (payload is null or binary_payload is null)
);
create index if not exists messages_inserted_at_topic_index on realtime.messages (inserted_at desc, topic)
  where extension = 'broadcast' and private is true;
alter table realtime.messages owner to supabase_realtime_admin;

-- Policies on this table decide who may receive (SELECT) and send (INSERT) on private channels.
alter table realtime.messages enable row level security;
grant select, insert, update on realtime.messages to anon, authenticated, service_role, postgres;

-- The channel topic being authorised; Realtime sets realtime.topic before probing policies.
create or replace function realtime.topic()
returns text
language sql
stable
as $$
  select nullif(current_setting('realtime.topic', true), '')::text
$$;

-- Not SECURITY DEFINER: the insert runs as the caller and is subject to the INSERT policies.
-- A failed send must not abort the caller's transaction, so errors become a WARNING.
create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void
language plpgsql
as $$
declare
  message_id uuid;
  body jsonb;
begin
  begin
    message_id := gen_random_uuid();
    if payload ? 'id' then
      body := payload;
    else
      body := jsonb_set(payload, '{id}', to_jsonb(message_id));
    end if;
    perform set_config('realtime.topic', topic, true);
    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (message_id, body, event, topic, private, 'broadcast');
  exception when others then
    raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;

create or replace function realtime.send_binary(payload bytea, event text, topic text, private boolean default true)
returns void
language plpgsql
as $$
begin
  begin
    perform set_config('realtime.topic', topic, true);
    insert into realtime.messages (id, binary_payload, event, topic, private, extension)
    values (gen_random_uuid(), payload, event, topic, private, 'broadcast');
  exception when others then
    raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;

-- For row triggers: broadcasts {old_record, record, operation, table, schema} on topic_name.
create or replace function realtime.broadcast_changes(
  topic_name text,
  event_name text,
  operation text,
  table_name text,
  table_schema text,
  new record,
  old record,
  level text default 'ROW'
)
returns void
language plpgsql
as $$
declare
  body jsonb;
begin
  if level = 'STATEMENT' then
    raise exception 'function can only be triggered for each row, not for each statement';
  end if;
  if operation not in ('INSERT', 'UPDATE', 'DELETE') then
    raise exception 'Unexpected operation type: %', operation;
  end if;
  body := jsonb_build_object(
    'old_record', old,
    'record', new,
    'operation', operation,
    'table', table_name,
    'schema', table_schema
  );
  perform realtime.send(body, event_name, topic_name);
exception when others then
  raise exception 'Failed to process the row: %', sqlerrm;
end;
$$;

alter function realtime.topic() owner to supabase_realtime_admin;
alter function realtime.send(jsonb, text, text, boolean) owner to supabase_realtime_admin;
alter function realtime.send_binary(bytea, text, text, boolean) owner to supabase_realtime_admin;
alter function realtime.broadcast_changes(text, text, text, text, text, record, record, text)
  owner to supabase_realtime_admin;
