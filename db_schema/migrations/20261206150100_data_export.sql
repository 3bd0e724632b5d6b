-- Data export (issue 16): everything the caller owns, as one JSON document the client offers as
-- a download. Only auth.uid()'s own data: other people appear by username only (as the caller
-- sees them in the app), and no one else's messages are included.
BEGIN;

create or replace function public.export_my_data()
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  me uuid := public.require_signed_in();
  uid uuid := (select auth.uid());
begin
  return jsonb_build_object(
    'format', 'harmony-export-1',
    'exported_at', now(),
    'account', (
      select jsonb_build_object('email', u.email, 'created_at', u.created_at,
                                'last_sign_in_at', u.last_sign_in_at)
        from auth.users u where u.id = uid),
    'profile', (
      select to_jsonb(p) - 'user_id' - 'domain' - 'deleted_at' from public.profiles p where p.id = me),
    'settings', (
      select to_jsonb(s) - 'profile_id' from public.user_settings s where s.profile_id = me),
    'memberships', coalesce((
      select jsonb_agg(jsonb_build_object(
               'server_id', s.id, 'server', s.name, 'owner', s.owner_id = me,
               'nickname', m.nickname, 'joined_at', m.joined_at,
               'roles', coalesce((select jsonb_agg(r.name order by r.position desc)
                                    from public.member_roles mr join public.roles r on r.id = mr.role_id
                                   where mr.server_id = m.server_id and mr.profile_id = me), '[]'))
             order by s.name)
        from public.server_members m join public.servers s on s.id = m.server_id
       where m.profile_id = me), '[]'),
    'messages', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', msg.id, 'server', s.name, 'channel', c.name, 'channel_id', c.id,
               'channel_type', c.type, 'content', msg.content, 'attachments', msg.attachments,
               'reply_to_id', msg.reply_to_id, 'created_at', msg.created_at,
               'edited_at', msg.edited_at)
             order by msg.created_at)
        from public.messages msg
        join public.channels c on c.id = msg.channel_id
        left join public.servers s on s.id = c.server_id
       where msg.author_id = me and msg.deleted_at is null), '[]'),
    'reactions', coalesce((
      select jsonb_agg(jsonb_build_object('message_id', r.message_id, 'emoji', r.emoji,
                                          'created_at', r.created_at) order by r.created_at)
        from public.message_reactions r where r.profile_id = me), '[]'),
    'direct_messages', coalesce((
      select jsonb_agg(jsonb_build_object(
               'channel_id', c.id, 'type', c.type, 'name', c.name,
               'recipients', (select jsonb_agg(p.username order by p.username)
                                from public.channel_recipients o join public.profiles p on p.id = o.profile_id
                               where o.channel_id = c.id and o.profile_id <> me)))
        from public.channel_recipients r join public.channels c on c.id = r.channel_id
       where r.profile_id = me), '[]'),
    'friends', coalesce((
      select jsonb_agg(jsonb_build_object('username', p.username, 'since', f.created_at) order by p.username)
        from public.friendships f
        join public.profiles p on p.id = case when f.profile_a = me then f.profile_b else f.profile_a end
       where me in (f.profile_a, f.profile_b)), '[]'),
    'friend_requests', coalesce((
      select jsonb_agg(jsonb_build_object(
               'direction', case when fr.sender_id = me then 'sent' else 'received' end,
               'username', p.username, 'created_at', fr.created_at))
        from public.friend_requests fr
        join public.profiles p on p.id = case when fr.sender_id = me then fr.recipient_id else fr.sender_id end
       where me in (fr.sender_id, fr.recipient_id)), '[]'),
    'blocked', coalesce((
      select jsonb_agg(jsonb_build_object('username', p.username, 'since', b.created_at))
        from public.user_blocks b join public.profiles p on p.id = b.blocked_id
       where b.blocker_id = me), '[]'),
    'notification_settings', jsonb_build_object(
      'servers', coalesce((
        select jsonb_agg(jsonb_build_object('server_id', n.server_id, 'server', s.name,
                                            'level', n.level, 'muted_until', n.muted_until))
          from public.server_notification_settings n join public.servers s on s.id = n.server_id
         where n.profile_id = me), '[]'),
      'channels', coalesce((
        select jsonb_agg(jsonb_build_object('channel_id', n.channel_id, 'channel', c.name,
                                            'level', n.level, 'muted_until', n.muted_until))
          from public.channel_notification_settings n join public.channels c on c.id = n.channel_id
         where n.profile_id = me), '[]')),
    -- Files in the attachments bucket; the client adds download URLs (signed, the bucket is private).
    'attachments', coalesce((
      select jsonb_agg(a.file || jsonb_build_object('message_id', msg.id, 'bucket', 'attachments')
                       order by msg.created_at)
        from public.messages msg, jsonb_array_elements(msg.attachments) as a(file)
       where msg.author_id = me and msg.deleted_at is null), '[]')
  );
end;
$$;
revoke all on function public.export_my_data() from public, anon, authenticated;
grant execute on function public.export_my_data() to authenticated;

COMMIT;
