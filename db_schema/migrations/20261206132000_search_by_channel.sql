-- Search that starts from the caller's channels (issue 17). search_messages() matched the whole
-- table (every server's messages) and filtered to readable channels afterwards: a common or
-- partial word ran word_similarity over most rows (timed out at 1M messages). Now:
--   1. the caller's readable channels (stored permissions; narrowed to p_server_id/p_channel_id)
--      form an array, and nothing outside it is ever read;
--   2. the newest 500 messages of each of those channels are matched first (an index range per
--      channel on (channel_id, seq)) by words and substrings (trigram word similarity, about
--      16 µs a row, is left to step 3); when they hold a page of matches, the page is the
--      best-ranked of the newest 4 pages of them: a common or partial word costs the same at
--      any table size;
--   3. otherwise the word is rare in recent history, and the text indexes (tsvector and trigram
--      GIN) find the matches in those channels: all of them for a rare word (up to 4 pages),
--      ranked; a typo of a common word, which trigram similarity matches in most rows, stops
--      at the first 4 pages found instead of ranking every row.
-- The ranking and matching rules are unchanged (websearch words, substrings, trigram word
-- similarity; rank = ts_rank + word_similarity, then similarity, then newest).
BEGIN;

create or replace function public.search_messages(
  p_query text,
  p_server_id uuid default null,
  p_channel_id uuid default null,
  p_limit integer default 25
)
returns setof public.messages
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  me uuid := public.messaging_caller();
  term text := btrim(p_query);
  page_size integer := least(greatest(coalesce(p_limit, 25), 1), 100);
  read_bits constant bigint := public.permission('VIEW_CHANNEL') | public.permission('READ_MESSAGE_HISTORY');
  recent_window constant integer := 500;
  tsq tsquery;
  pattern text;
  channels uuid[];
  recent uuid[];
begin
  if term is null or term = '' then
    raise exception 'a search query is required' using errcode = '22023';
  end if;
  if char_length(term) > 200 then
    raise exception 'search queries are at most 200 characters' using errcode = '22023';
  end if;
  if p_server_id is not null and not public.is_server_member(p_server_id) then
    raise exception 'server not found' using errcode = 'PT404';
  end if;
  if p_channel_id is not null and not public.has_channel_permission(p_channel_id, read_bits) then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  tsq := websearch_to_tsquery('simple', term);
  pattern := '%' || replace(replace(replace(term, '\', '\\'), '%', '\%'), '_', '\_') || '%';

  channels := array(
    select p.channel_id from private.channel_member_permissions p
     where p.profile_id = me
       and (case when p.timed_out_until > now() then p.timed_out_permissions else p.permissions end)
           & read_bits = read_bits
       and (p_server_id is null or p.server_id = p_server_id)
       and (p_channel_id is null or p.channel_id = p_channel_id)
    union all
    select r.channel_id from public.channel_recipients r
     where r.profile_id = me and p_server_id is null and (p_channel_id is null or r.channel_id = p_channel_id));

  recent := array(
    select m.id
      from unnest(channels) c (id)
      join public.channel_sequences s on s.channel_id = c.id and s.last_seq > 0
     -- A seq range rather than ORDER BY seq DESC LIMIT: the planner cannot misjudge it
     -- (with a limit it may fetch and sort a whole big channel when channels look small).
     cross join lateral (
       select m.id, m.content, m.search_vector, m.deleted_at, m.created_at from public.messages m
        where m.channel_id = c.id and m.seq > s.last_seq - recent_window
        offset 0 -- kept a per-channel index range, never flattened into a scan of the table
     ) m
     where m.deleted_at is null and (m.search_vector @@ tsq or m.content ilike pattern)
     order by m.created_at desc
     limit page_size * 4);

  if cardinality(recent) < page_size then
    -- Through the text indexes, at most 4 pages of matches: all of them for a rare word; for a
    -- typo of a common word (which trigram similarity matches in most rows) the first found.
    recent := array(
      select m.id from public.messages m
       where m.channel_id = any(channels)
         and m.deleted_at is null
         and (m.search_vector @@ tsq
              or m.content ilike pattern
              or term operator(extensions.<%) m.content)
       limit page_size * 4);
  end if;

  return query
    select m.* from public.messages m
     where m.id = any(recent)
     -- Word matches first (rank normalised by length), then how closely the whole text matches.
     order by ts_rank(m.search_vector, tsq, 1) + extensions.word_similarity(term, m.content) desc,
              extensions.similarity(term, m.content) desc, m.created_at desc, m.id
     limit page_size;
end;
$$;

COMMIT;
