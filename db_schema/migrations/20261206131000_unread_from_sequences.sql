-- Unread and mention counts in O(channels) (issue 17). get_unread_state() counted every unread
-- message of every readable channel (125 ms for a member of 1,000 channels who had read
-- everything; a never-opened channel of 1M messages timed out). Now, per channel:
--
--   unread   = (last seq - read seq)
--              - seqs in that range that no longer count for anyone (deleted, soft or hard:
--                private.message_gaps, one row per deleted message)
--              - the caller's own live messages in that range (index (author_id, channel_id, seq))
--   mentions = rows of private.message_mention_targets in that range whose target is the caller,
--              one of the caller's roles in the server, or the channel itself (@everyone/@here),
--              from someone else: one row per mention target of a message, written with it
--              (never one per member: @everyone is one row), removed when the message is deleted
--              and rewritten when an edit changes its mentions.
--
-- Both are exact at any read position (a read to the middle of a channel, deletions on either
-- side of the marker), and each term is an index range that is empty for a channel read to
-- its end, which is then skipped without a probe. The cost grows with the number of channels,
-- and otherwise only with deleted messages, own messages and mentions after the marker.
BEGIN;

create schema if not exists private;

create table if not exists private.message_gaps (
  channel_id uuid not null references public.channels (id) on delete cascade,
  seq bigint not null,
  primary key (channel_id, seq)
);

create table if not exists private.message_mention_targets (
  -- A profile, a role, or the channel itself for @everyone/@here.
  target_id uuid not null,
  channel_id uuid not null references public.channels (id) on delete cascade,
  seq bigint not null,
  author_id uuid,
  primary key (target_id, channel_id, seq)
);
create index if not exists message_mention_targets_message_idx on private.message_mention_targets (channel_id, seq);

revoke all on table private.message_gaps, private.message_mention_targets from public, anon, authenticated, service_role;
alter table private.message_gaps enable row level security;
alter table private.message_mention_targets enable row level security;

-- The caller's own messages after a read marker; also serves the author foreign key and the
-- ban purge (author, server channels, recent), so it replaces (author_id, created_at desc).
create index if not exists messages_author_channel_seq_idx on public.messages (author_id, channel_id, seq);
drop index if exists public.messages_author_idx;

-- A live message's mention targets.
create or replace function private.write_mention_targets(p_message public.messages)
returns void
language sql
set search_path = ''
as $$
  insert into private.message_mention_targets (target_id, channel_id, seq, author_id)
  select t.id, p_message.channel_id, p_message.seq, p_message.author_id
    from (select unnest(p_message.mention_profile_ids) as id
          union select unnest(p_message.mention_role_ids)
          union select p_message.channel_id where p_message.mention_everyone) t
  on conflict do nothing
$$;

create or replace function private.messages_unread_bookkeeping()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    delete from private.message_mention_targets t where t.channel_id = old.channel_id and t.seq = old.seq;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.deleted_at is null then
    perform private.write_mention_targets(new);
  end if;
  -- A message stops counting when deleted; a hard delete of a whole channel leaves nothing.
  if (tg_op = 'UPDATE' and new.deleted_at is not null and old.deleted_at is null)
     or (tg_op = 'DELETE' and old.deleted_at is null
         and exists (select 1 from public.channels c where c.id = old.channel_id)) then
    insert into private.message_gaps (channel_id, seq) values (old.channel_id, old.seq) on conflict do nothing;
  end if;
  return null;
end;
$$;

revoke execute on function private.write_mention_targets(public.messages), private.messages_unread_bookkeeping()
  from public, anon, authenticated, service_role;

drop trigger if exists messages_unread_insert on public.messages;
create trigger messages_unread_insert after insert on public.messages
  for each row when (new.mention_everyone or new.mention_profile_ids <> '{}' or new.mention_role_ids <> '{}')
  execute function private.messages_unread_bookkeeping();
drop trigger if exists messages_unread_update on public.messages;
-- No column list: an edit sets only content, and the edit trigger derives the mentions.
create trigger messages_unread_update after update on public.messages
  for each row when (old.deleted_at is distinct from new.deleted_at
                     or old.mention_profile_ids is distinct from new.mention_profile_ids
                     or old.mention_role_ids is distinct from new.mention_role_ids
                     or old.mention_everyone is distinct from new.mention_everyone)
  execute function private.messages_unread_bookkeeping();
drop trigger if exists messages_unread_delete on public.messages;
create trigger messages_unread_delete after delete on public.messages
  for each row execute function private.messages_unread_bookkeeping();

-- == backfill (and repair on a rerun) ==
delete from private.message_gaps;
insert into private.message_gaps (channel_id, seq)
select s.channel_id, g.seq
  from public.channel_sequences s
 cross join lateral generate_series(1, s.last_seq) g (seq)
 where not exists (select 1 from public.messages m
                    where m.channel_id = s.channel_id and m.seq = g.seq and m.deleted_at is null);
delete from private.message_mention_targets;
select private.write_mention_targets(m) from public.messages m
 where m.deleted_at is null and (m.mention_everyone or m.mention_profile_ids <> '{}' or m.mention_role_ids <> '{}');

-- Same result shape and order as before (apps/web/src/features/unread reads it).
create or replace function public.get_unread_state()
returns table (
  channel_id uuid,
  server_id uuid,
  last_read_seq bigint,
  last_message_seq bigint,
  unread_count integer,
  mention_count integer
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  read_bits constant bigint := public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY');
begin
  return query
    with readable as (
      select p.channel_id, p.server_id from private.channel_member_permissions p
       where p.profile_id = me
         and (case when p.timed_out_until > now() then p.timed_out_permissions else p.permissions end)
             & read_bits = read_bits
      union all
      select r.channel_id, null::uuid from public.channel_recipients r where r.profile_id = me
    ),
    positions as (
      select r.channel_id, r.server_id, coalesce(rs.last_read_seq, 0) as read_seq,
             coalesce(s.last_seq, 0) as last_seq
        from readable r
        left join public.read_states rs on rs.profile_id = me and rs.channel_id = r.channel_id
        left join public.channel_sequences s on s.channel_id = r.channel_id
    )
    select p.channel_id, p.server_id, p.read_seq, p.last_seq,
           case when p.last_seq <= p.read_seq then 0 else (
             p.last_seq - p.read_seq
             - (select count(*) from private.message_gaps g
                 where g.channel_id = p.channel_id and g.seq > p.read_seq)
             - (select count(*) from public.messages m
                 where m.author_id = me and m.channel_id = p.channel_id and m.seq > p.read_seq
                   and m.deleted_at is null))::integer end,
           case when p.last_seq <= p.read_seq then 0 else (
             select count(distinct t.seq) from private.message_mention_targets t
              where t.target_id = any(array[me, p.channel_id] || array(
                      select mr.role_id from public.member_roles mr
                       where mr.server_id = p.server_id and mr.profile_id = me))
                and t.channel_id = p.channel_id and t.seq > p.read_seq
                and t.author_id is distinct from me)::integer end
      from positions p
     order by p.server_id nulls first, p.channel_id;
end;
$$;

COMMIT;
