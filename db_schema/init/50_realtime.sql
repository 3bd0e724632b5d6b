-- What the client listens to. Postgres Changes: the tables below are published on
-- supabase_realtime and each change reaches only subscribers whose RLS SELECT lets them
-- see the row. Broadcast/presence (typing, online lists): private channels authorised by
-- policies on realtime.messages, keyed by topic.

alter publication supabase_realtime add table
  public.messages,
  public.message_reactions,
  public.channels,
  public.channel_categories,
  public.channel_overwrites,
  public.channel_recipients,
  public.servers,
  public.roles,
  public.server_members,
  public.member_roles,
  public.notifications,
  public.read_states,
  public.profiles,
  public.friend_requests,
  public.friendships;

-- The default identity (primary key) already carries every column clients filter on for
-- these: reactions (message_id), members and member roles (server_id), read state and
-- recipients (profile/channel ids). The tables below are filtered by a non-key column
-- (channel_id, server_id, recipient_id), so UPDATE/DELETE events must carry the old row.
alter table public.messages replica identity full;
alter table public.channels replica identity full;
alter table public.channel_categories replica identity full;
alter table public.roles replica identity full;
alter table public.notifications replica identity full;
alter table public.friend_requests replica identity full;

-- Topics are "<kind>:<uuid>". A malformed topic authorises nothing rather than erroring.
create function public.realtime_topic_id(p_kind text)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  topic text := realtime.topic();
begin
  if topic is null or topic !~ ('^' || p_kind || ':[0-9a-fA-F-]{36}$') then
    return null;
  end if;
  return substr(topic, char_length(p_kind) + 2)::uuid;
end;
$$;

grant execute on function public.realtime_topic_id(text) to authenticated;

-- channel:<id>  typing indicators and voice presence: whoever can see the channel.
-- server:<id>   who is online in a server: its members.
-- user:<id>     a user's own devices (call ringing, sync): that user only.
create policy realtime_messages_select_harmony_topics on realtime.messages
  for select to authenticated
  using (
    extension in ('broadcast', 'presence') and (
      (select public.realtime_topic_id('channel')) in (select public.visible_channel_ids())
      or (select public.realtime_topic_id('server')) in (select public.my_server_ids())
      or (select public.realtime_topic_id('user')) = (select public.get_current_profile_id())
    )
  );

create policy realtime_messages_insert_harmony_topics on realtime.messages
  for insert to authenticated
  with check (
    extension in ('broadcast', 'presence') and (
      (select public.realtime_topic_id('channel')) in (select public.visible_channel_ids())
      or (select public.realtime_topic_id('server')) in (select public.my_server_ids())
      or (select public.realtime_topic_id('user')) = (select public.get_current_profile_id())
    )
  );
