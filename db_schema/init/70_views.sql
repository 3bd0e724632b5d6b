-- Discovery views. Every view is security_invoker (Supabase's security_definer_view lint):
-- it reads the tables under the caller's own RLS. Member counts of servers the caller has
-- not joined are not readable that way, so they come from a gated function instead.

-- Member and online counts of a server that is public or that the caller belongs to; no
-- row at all for any other server, so it reveals nothing about private servers.
create function public.server_member_stats(p_server_id uuid)
returns table (member_count integer, online_count integer)
language sql
stable
security definer
set search_path = ''
as $$
  select count(*)::integer, (count(*) filter (where p.status <> 'offline'))::integer
    from public.server_members m
    join public.profiles p on p.id = m.profile_id
   where m.server_id = p_server_id
  having exists (
    select 1 from public.servers s
     where s.id = p_server_id and (s.is_public or public.is_server_member(p_server_id))
  )
$$;

grant execute on function public.server_member_stats(uuid) to authenticated;

-- The public server directory, largest first by default.
create view public.public_server_directory with (security_invoker = true) as
select s.id as server_id,
       s.name,
       s.description,
       s.icon_url,
       s.banner_url,
       stats.member_count,
       stats.online_count,
       s.created_at
  from public.servers s
  cross join lateral public.server_member_stats(s.id) stats
 where s.is_public;

-- Public servers ranked by the last 7 UTC days of activity (server_activity_daily, kept by
-- refresh_server_activity). Breadth counts: each active member-day weighs ten messages.
create view public.trending_servers with (security_invoker = true) as
with recent as (
  select a.server_id,
         sum(a.message_count)::bigint as messages_7d,
         sum(a.active_members)::bigint as active_member_days_7d
    from public.server_activity_daily a
   where a.day > (now() at time zone 'UTC')::date - 7
   group by a.server_id
)
select row_number() over (order by r.messages_7d + 10 * r.active_member_days_7d desc, s.created_at, s.id)
         as rank,
       s.id as server_id,
       s.name,
       s.description,
       s.icon_url,
       r.messages_7d,
       r.active_member_days_7d,
       r.messages_7d + 10 * r.active_member_days_7d as score
  from recent r
  join public.servers s on s.id = r.server_id
 where s.is_public;

grant select on public.public_server_directory, public.trending_servers to authenticated;
