-- Daily per-server activity, the input of the trending ranking (70_views.sql). A scheduled
-- job (service_role, or pg_cron as postgres) refreshes yesterday and today; the table keeps
-- the aggregates so ranking never scans messages.

create table public.server_activity_daily (
  server_id uuid not null references public.servers (id) on delete cascade,
  -- A UTC calendar day.
  day date not null,
  message_count integer not null default 0 check (message_count >= 0),
  -- Distinct authors that day.
  active_members integer not null default 0 check (active_members >= 0),
  primary key (server_id, day)
);
create index server_activity_daily_day_idx on public.server_activity_daily (day);

-- Recomputes one UTC day from the messages themselves, so running it again is harmless and
-- deleted messages drop out. Returns how many servers had activity that day.
create function public.refresh_server_activity(p_day date)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  day_start timestamptz := p_day::timestamp at time zone 'UTC';
  refreshed integer;
begin
  if p_day is null then
    raise exception 'day is required' using errcode = '22004';
  end if;
  delete from public.server_activity_daily a where a.day = p_day;
  insert into public.server_activity_daily (server_id, day, message_count, active_members)
  select c.server_id, p_day, count(*)::integer, count(distinct m.author_id)::integer
    from public.messages m
    join public.channels c on c.id = m.channel_id
   where c.server_id is not null
     and m.created_at >= day_start and m.created_at < day_start + interval '1 day'
     and m.deleted_at is null
     and m.type in ('default', 'reply')
   group by c.server_id;
  get diagnostics refreshed = row_count;
  return refreshed;
end;
$$;

grant execute on function public.refresh_server_activity(date) to service_role;
