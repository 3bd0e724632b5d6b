-- presence:<profile id>: a person's live status for their friends, who may share no server with
-- them (the server topics' presence covers members only). Only the person tracks on it; their
-- friends may join it to read the presence, nothing else (no broadcast, no tracking); anyone
-- else is refused at the join. The web client tracks its status there as on its server topics
-- (docs-source/realtime.md).
BEGIN;

-- The caller's friends, for the join check (friendships are stored with the smaller id first).
create or replace function public.my_friend_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select case when f.profile_a = me.id then f.profile_b else f.profile_a end
    from (select public.get_current_profile_id() as id) me
    join public.friendships f on me.id in (f.profile_a, f.profile_b)
$$;
revoke execute on function public.my_friend_ids() from public, anon;
grant execute on function public.my_friend_ids() to authenticated;

drop policy if exists realtime_messages_select_friend_presence on realtime.messages;
create policy realtime_messages_select_friend_presence on realtime.messages
  for select to authenticated
  using (
    extension = 'presence' and (
      (select public.realtime_topic_id('presence')) = (select public.get_current_profile_id())
      or (select public.realtime_topic_id('presence')) in (select public.my_friend_ids())
    )
  );

drop policy if exists realtime_messages_insert_own_presence on realtime.messages;
create policy realtime_messages_insert_own_presence on realtime.messages
  for insert to authenticated
  with check (
    extension = 'presence'
    and (select public.realtime_topic_id('presence')) = (select public.get_current_profile_id())
  );

COMMIT;
