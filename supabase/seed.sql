-- Demo data for LOCAL development only: `supabase db reset` / `supabase start` load it
-- ([db.seed] in config.toml); `supabase db push` never does unless given --include-seed.
-- Never load it into a database reachable by anyone else: the passwords below are public.
--
--   ada@example.com    password: ada-password    (owns "Harmony Demo")
--   grace@example.com  password: grace-password  (member, in the Moderators role)
--
-- Idempotent: fixed ids and `on conflict do nothing`, so running it again changes nothing.
-- Messages are inserted only when absent (rather than relying on a conflict) because the
-- numbering trigger runs before the conflict check and would otherwise skip sequence numbers.

-- Accounts, as GoTrue stores them: bcrypt hashes, e-mail identities, confirmed addresses.
-- The on_auth_user_created trigger creates each profile from raw_user_meta_data.
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  confirmation_token, recovery_token, email_change_token_new, email_change,
  raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at
)
values
  ('00000000-0000-0000-0000-000000000000', 'de300000-0000-4000-8000-000000000001',
   'authenticated', 'authenticated', 'ada@example.com',
   extensions.crypt('ada-password', extensions.gen_salt('bf', 10)), now(), '', '', '', '',
   '{"provider": "email", "providers": ["email"]}',
   '{"username": "ada", "display_name": "Ada Lovelace"}', false, now(), now()),
  ('00000000-0000-0000-0000-000000000000', 'de300000-0000-4000-8000-000000000002',
   'authenticated', 'authenticated', 'grace@example.com',
   extensions.crypt('grace-password', extensions.gen_salt('bf', 10)), now(), '', '', '', '',
   '{"provider": "email", "providers": ["email"]}',
   '{"username": "grace", "display_name": "Grace Hopper"}', false, now(), now())
on conflict do nothing;

insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select u.id::text, u.id,
       jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true, 'phone_verified', false),
       'email', now(), now(), now()
  from auth.users u
 where u.id in ('de300000-0000-4000-8000-000000000001', 'de300000-0000-4000-8000-000000000002')
on conflict do nothing;

-- A server owned by ada, laid out like create_server() does, plus a Moderators role for grace.
insert into public.servers (id, name, description, owner_id, is_public)
select 'de300000-0000-4000-8000-000000000100', 'Harmony Demo', 'A place to try Harmony out.', p.id, true
  from public.profiles p
 where p.user_id = 'de300000-0000-4000-8000-000000000001'
on conflict do nothing;

insert into public.roles (id, server_id, name, position, permissions)
values
  ('de300000-0000-4000-8000-000000000100', 'de300000-0000-4000-8000-000000000100', '@everyone', 0,
   public.default_everyone_permissions()),
  ('de300000-0000-4000-8000-000000000110', 'de300000-0000-4000-8000-000000000100', 'Moderators', 1,
   public.permission('MANAGE_MESSAGES') | public.permission('KICK_MEMBERS') | public.permission('MUTE_MEMBERS'))
on conflict do nothing;

insert into public.server_members (server_id, profile_id)
select 'de300000-0000-4000-8000-000000000100', p.id
  from public.profiles p
 where p.user_id in ('de300000-0000-4000-8000-000000000001', 'de300000-0000-4000-8000-000000000002')
on conflict do nothing;

insert into public.member_roles (server_id, profile_id, role_id)
select 'de300000-0000-4000-8000-000000000100', p.id, 'de300000-0000-4000-8000-000000000110'
  from public.profiles p
 where p.user_id = 'de300000-0000-4000-8000-000000000002'
on conflict do nothing;

insert into public.channel_categories (id, server_id, name, position)
values
  ('de300000-0000-4000-8000-000000000101', 'de300000-0000-4000-8000-000000000100', 'Text Channels', 0),
  ('de300000-0000-4000-8000-000000000102', 'de300000-0000-4000-8000-000000000100', 'Voice Channels', 1)
on conflict do nothing;

insert into public.channels (id, server_id, category_id, type, name, topic, position)
values
  ('de300000-0000-4000-8000-000000000201', 'de300000-0000-4000-8000-000000000100',
   'de300000-0000-4000-8000-000000000101', 'text', 'general', 'Say hello!', 0),
  ('de300000-0000-4000-8000-000000000202', 'de300000-0000-4000-8000-000000000100',
   'de300000-0000-4000-8000-000000000101', 'text', 'random', 'Anything goes.', 1),
  ('de300000-0000-4000-8000-000000000203', 'de300000-0000-4000-8000-000000000100',
   'de300000-0000-4000-8000-000000000102', 'voice', 'General', null, 2)
on conflict do nothing;

-- A short conversation in #general (with a mention and a reply) and one message in #random.
insert into public.messages (id, channel_id, author_id, content, created_at)
select 'de300000-0000-4000-8000-000000000301', 'de300000-0000-4000-8000-000000000201', ada.id,
       format('Welcome to Harmony, <@%s>!', grace.id), now() - interval '30 minutes'
  from public.profiles ada, public.profiles grace
 where ada.user_id = 'de300000-0000-4000-8000-000000000001'
   and grace.user_id = 'de300000-0000-4000-8000-000000000002'
   and not exists (select 1 from public.messages m where m.id = 'de300000-0000-4000-8000-000000000301');

insert into public.messages (id, channel_id, author_id, content, reply_to_id, created_at)
select 'de300000-0000-4000-8000-000000000302', 'de300000-0000-4000-8000-000000000201', p.id,
       'Thanks! Glad to be here.', 'de300000-0000-4000-8000-000000000301', now() - interval '29 minutes'
  from public.profiles p
 where p.user_id = 'de300000-0000-4000-8000-000000000002'
   and not exists (select 1 from public.messages m where m.id = 'de300000-0000-4000-8000-000000000302');

insert into public.messages (id, channel_id, author_id, content, created_at)
select 'de300000-0000-4000-8000-000000000303', 'de300000-0000-4000-8000-000000000201', p.id,
       'Voice is in the General channel whenever you want to talk.', now() - interval '28 minutes'
  from public.profiles p
 where p.user_id = 'de300000-0000-4000-8000-000000000001'
   and not exists (select 1 from public.messages m where m.id = 'de300000-0000-4000-8000-000000000303');

insert into public.messages (id, channel_id, author_id, content, created_at)
select 'de300000-0000-4000-8000-000000000304', 'de300000-0000-4000-8000-000000000202', p.id,
       'First bug found: it was a moth.', now() - interval '10 minutes'
  from public.profiles p
 where p.user_id = 'de300000-0000-4000-8000-000000000002'
   and not exists (select 1 from public.messages m where m.id = 'de300000-0000-4000-8000-000000000304');

insert into public.message_reactions (message_id, profile_id, emoji)
select 'de300000-0000-4000-8000-000000000301', p.id, '👋'
  from public.profiles p
 where p.user_id = 'de300000-0000-4000-8000-000000000002'
on conflict do nothing;

-- Voice against a local `livekit-server --dev` (its built-in devkey/secret), unless already set.
insert into private.livekit_config (id, api_key, api_secret, server_url)
values (true, 'devkey', 'secret', 'ws://127.0.0.1:7880')
on conflict do nothing;
