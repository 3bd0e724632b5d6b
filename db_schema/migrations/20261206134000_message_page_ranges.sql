-- Older pages that stop after a page at any depth (issue 17). get_messages() bounded a page
-- with `(p_before_seq is null or m.seq < p_before_seq)`: in its cached generic plan that is a
-- filter, not an index condition, so an older page scanned every newer row of the channel
-- first, and in a small channel inside a big table the planner could choose to fetch and sort
-- every row below the cursor. Now each page reads one explicit seq range of the channel's
-- (channel_id, seq) index, which no plan can read beyond: [cursor - window, cursor) for older
-- pages, (cursor, cursor + window] for newer ones. Seqs are gap-free, so one window of a page
-- size is a full page; only hard-deleted messages leave holes, and then the window widens
-- (×4) until the page is full or the channel's end is reached.
BEGIN;

create or replace function public.get_messages(
  p_channel_id uuid,
  p_before_seq bigint default null,
  p_after_seq bigint default null,
  p_limit integer default 50
)
returns setof public.messages
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  page_size integer := least(greatest(coalesce(p_limit, 50), 1), 100);
  last_seq bigint;
  low bigint;
  high bigint;
  span bigint := page_size;
begin
  if p_channel_id is null or not public.has_channel_permission(
    p_channel_id, public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY')) then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  if p_before_seq < 1 or p_after_seq < 0 then
    raise exception 'sequence numbers start at 1' using errcode = '22023';
  end if;
  select coalesce((select s.last_seq from public.channel_sequences s where s.channel_id = p_channel_id), 0)
    into last_seq;
  if p_after_seq is not null then
    -- (p_after_seq, high], high below p_before_seq when both are given.
    high := least(coalesce(p_before_seq - 1, last_seq), last_seq);
    loop
      exit when (select count(*) from public.messages m
                  where m.channel_id = p_channel_id and m.seq > p_after_seq
                    and m.seq <= least(p_after_seq + span, high)) >= page_size
             or p_after_seq + span >= high;
      span := span * 4;
    end loop;
    return query
      select m.* from public.messages m
       where m.channel_id = p_channel_id and m.seq > p_after_seq and m.seq <= least(p_after_seq + span, high)
       order by m.seq
       limit page_size;
  else
    -- [low, p_before_seq), or the newest page.
    high := least(coalesce(p_before_seq - 1, last_seq), last_seq);
    loop
      low := greatest(high - span + 1, 1);
      exit when low = 1
             or (select count(*) from public.messages m
                  where m.channel_id = p_channel_id and m.seq between low and high) >= page_size;
      span := span * 4;
    end loop;
    return query
      select page.* from (
        select m.* from public.messages m
         where m.channel_id = p_channel_id and m.seq between low and high
         order by m.seq desc
         limit page_size
      ) page
      order by page.seq;
  end if;
end;
$$;

COMMIT;
