-- profile_update: a person's new name, picture, banner, bio, pronouns or custom status reaches
-- everyone who shows it, without a reload. Before, others kept the old name and picture until
-- they reloaded.
--
-- Audience: the members of each server the person is in (server:<id>), and on their personal
-- topics (user:<id>) the person's own other devices, their friends, the people with a pending
-- friend request to or from them, and the people they share a DM or group DM with. The record is
-- what any signed-in user may read of a profile anyway (profiles_select_signed_in), without the
-- presence columns: presence travels on presence topics, and a status or last-seen change sends
-- nothing here (the trigger's WHEN clause).
BEGIN;

-- == functions ==

create or replace function private.broadcast_profile_update()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  shown jsonb := to_jsonb(new) - 'status' - 'last_seen_at';
  topic text;
begin
  for topic in
    select 'server:' || m.server_id from public.server_members m where m.profile_id = new.id
    union
    select 'user:' || person
      from (select new.id as person
            union
            select case when f.profile_a = new.id then f.profile_b else f.profile_a end
              from public.friendships f
             where new.id in (f.profile_a, f.profile_b)
            union
            select case when q.sender_id = new.id then q.recipient_id else q.sender_id end
              from public.friend_requests q
             where new.id in (q.sender_id, q.recipient_id)
            union
            select other.profile_id
              from public.channel_recipients own
              join public.channel_recipients other on other.channel_id = own.channel_id
             where own.profile_id = new.id) people
  loop
    perform private.broadcast(topic, 'profile_update', 'UPDATE', 'profiles', shown);
  end loop;
  return null;
end;
$$;

-- == triggers ==

drop trigger if exists broadcast_profile_update on public.profiles;
create trigger broadcast_profile_update after update on public.profiles
  for each row
  -- One IS DISTINCT FROM per column (a row comparison would dump as nested ORs that do not
  -- replay to the same text).
  when (old.username is distinct from new.username or old.display_name is distinct from new.display_name
        or old.avatar_url is distinct from new.avatar_url or old.banner_url is distinct from new.banner_url
        or old.bio is distinct from new.bio or old.pronouns is distinct from new.pronouns
        or old.custom_status is distinct from new.custom_status
        or old.custom_status_emoji is distinct from new.custom_status_emoji
        or old.custom_status_expires_at is distinct from new.custom_status_expires_at
        or old.deleted_at is distinct from new.deleted_at)
  execute function private.broadcast_profile_update();

-- == privileges ==

-- Only the trigger calls it (as the owner); no API role may.
revoke all on function private.broadcast_profile_update() from public, anon, authenticated, service_role;

COMMIT;
