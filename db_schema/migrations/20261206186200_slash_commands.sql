-- Slash commands and interactions (Discord's application commands, over Harmony's own pieces).
--
-- A bot registers its commands with register_commands (global: every server it is in, or one
-- server's), each with typed options (string, integer, number, boolean, user, channel, role),
-- choices, required flags and default member permissions. A member runs one with
-- invoke_command: the options are checked against the definition, an interaction row is made and
-- `interaction_create` goes to the bot's personal topic (user:<bot profile>), which only the bot
-- may join. The bot answers with respond_to_interaction: a public message, an ephemeral one (a
-- row in ephemeral_messages only the invoker may read, sent only on the invoker's personal topic),
-- or a deferral followed by follow-ups. The invoker's topic gets `interaction_update` as the
-- status moves (pending → deferred → responded); the client says "did not respond" after 3 s.
BEGIN;

create table if not exists public.application_commands (
  id uuid primary key default gen_random_uuid(),
  bot_id uuid not null references public.bots (id) on delete cascade,
  -- null: a global command, offered in every server the bot is in.
  server_id uuid references public.servers (id) on delete cascade,
  name text not null check (name ~ '^[a-z0-9_-]{1,32}$'),
  description text not null check (char_length(description) between 1 and 100),
  -- [{name, description, type, required, choices: [{name, value}]}], checked by register_commands.
  options jsonb not null default '[]' check (jsonb_typeof(options) = 'array'),
  -- Who may see and run it by default: members holding all of these bits (null: everyone).
  default_member_permissions bigint check (default_member_permissions >= 0),
  created_at timestamptz not null default now()
);
create unique index if not exists application_commands_scope_name_key
  on public.application_commands (bot_id, coalesce(server_id, '00000000-0000-0000-0000-000000000000'::uuid), name);
create index if not exists application_commands_server_idx on public.application_commands (server_id);

create table if not exists public.interactions (
  id uuid primary key default gen_random_uuid(),
  command_id uuid references public.application_commands (id) on delete set null,
  bot_id uuid not null references public.bots (id) on delete cascade,
  server_id uuid not null references public.servers (id) on delete cascade,
  channel_id uuid not null references public.channels (id) on delete cascade,
  -- The member who ran the command.
  user_id uuid not null references public.profiles (id) on delete cascade,
  command_name text not null,
  options jsonb not null default '{}',
  status text not null default 'pending' check (status in ('pending', 'deferred', 'responded')),
  created_at timestamptz not null default now(),
  responded_at timestamptz
);
create index if not exists interactions_user_time_idx on public.interactions (user_id, created_at desc);
create index if not exists interactions_bot_idx on public.interactions (bot_id, created_at desc);
create index if not exists interactions_command_idx on public.interactions (command_id);
create index if not exists interactions_server_idx on public.interactions (server_id);
create index if not exists interactions_channel_idx on public.interactions (channel_id);

-- Replies only their invoker sees. Never in messages (every member reads those, and their
-- events go to the channel's topic).
create table if not exists public.ephemeral_messages (
  id uuid primary key default gen_random_uuid(),
  interaction_id uuid not null references public.interactions (id) on delete cascade,
  channel_id uuid not null references public.channels (id) on delete cascade,
  recipient_id uuid not null references public.profiles (id) on delete cascade,
  author_id uuid references public.profiles (id) on delete set null,
  content text not null default '' check (char_length(content) <= 4000),
  embeds jsonb not null default '[]' check (jsonb_typeof(embeds) = 'array' and jsonb_array_length(embeds) <= 10),
  created_at timestamptz not null default now()
);
create index if not exists ephemeral_messages_recipient_idx on public.ephemeral_messages (recipient_id, channel_id);
create index if not exists ephemeral_messages_interaction_idx on public.ephemeral_messages (interaction_id);
create index if not exists ephemeral_messages_channel_idx on public.ephemeral_messages (channel_id);
create index if not exists ephemeral_messages_author_idx on public.ephemeral_messages (author_id);

alter table public.application_commands enable row level security;
alter table public.interactions enable row level security;
alter table public.ephemeral_messages enable row level security;
grant select on public.application_commands, public.interactions, public.ephemeral_messages to authenticated;

-- The bot a profile is (null for people).
create or replace function private.bot_of_profile(p_profile_id uuid)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select b.id from public.bots b where b.profile_id = p_profile_id
$$;
revoke all on function private.bot_of_profile(uuid) from public, anon, authenticated, service_role;

-- Commands: their owner, the bot itself, and members of servers the bot is in (for its scope).
drop policy if exists application_commands_select_visible on public.application_commands;
create policy application_commands_select_visible on public.application_commands
  for select to authenticated
  using (
    bot_id in (select public.my_bot_ids())
    or exists (select 1 from public.bot_server_installs i
                where i.bot_id = application_commands.bot_id
                  and i.server_id in (select public.my_server_ids())
                  and (application_commands.server_id is null or application_commands.server_id = i.server_id))
  );

drop policy if exists interactions_select_parties on public.interactions;
create policy interactions_select_parties on public.interactions
  for select to authenticated
  using (
    user_id = (select public.get_current_profile_id())
    -- The bot itself (its row is visible to it in every server it is in).
    or bot_id in (select b.id from public.bots b where b.profile_id = (select public.get_current_profile_id()))
  );

drop policy if exists ephemeral_messages_select_recipient on public.ephemeral_messages;
create policy ephemeral_messages_select_recipient on public.ephemeral_messages
  for select to authenticated
  using (recipient_id = (select public.get_current_profile_id()));

-- One option definition, or why it is wrong.
create or replace function private.command_option_problem(p_option jsonb)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  option_type text := p_option ->> 'type';
  choice_type text;
  choice jsonb;
begin
  if jsonb_typeof(p_option) <> 'object' then
    return 'each option is an object';
  end if;
  if coalesce(p_option ->> 'name', '') !~ '^[a-z0-9_-]{1,32}$' then
    return 'option names are 1 to 32 characters of a-z, 0-9, _ and -';
  end if;
  if char_length(coalesce(p_option ->> 'description', '')) not between 1 and 100 then
    return format('option %s needs a description of 1 to 100 characters', p_option ->> 'name');
  end if;
  if option_type is null or option_type not in ('string', 'integer', 'number', 'boolean', 'user', 'channel', 'role') then
    return format('option %s has an unknown type', p_option ->> 'name');
  end if;
  if p_option ? 'required' and jsonb_typeof(p_option -> 'required') <> 'boolean' then
    return format('option %s: required is true or false', p_option ->> 'name');
  end if;
  if p_option ? 'choices' then
    if option_type not in ('string', 'integer', 'number') or jsonb_typeof(p_option -> 'choices') <> 'array'
       or jsonb_array_length(p_option -> 'choices') not between 1 and 25 then
      return format('option %s: choices are 1 to 25, for string, integer and number options', p_option ->> 'name');
    end if;
    choice_type := case option_type when 'string' then 'string' else 'number' end;
    for choice in select * from jsonb_array_elements(p_option -> 'choices') loop
      if char_length(coalesce(choice ->> 'name', '')) not between 1 and 100
         or jsonb_typeof(choice -> 'value') is distinct from choice_type then
        return format('option %s: each choice has a name and a value of the option''s type', p_option ->> 'name');
      end if;
    end loop;
  end if;
  return null;
end;
$$;
revoke all on function private.command_option_problem(jsonb) from public, anon, authenticated, service_role;

/**
 * Called by a bot: replaces its commands of one scope (p_server_id null: global) with
 * p_commands ([{name, description, options?, default_member_permissions?}]), as Discord's bulk
 * overwrite does. Returns the commands now registered in that scope.
 */
create or replace function public.register_commands(p_server_id uuid, p_commands jsonb)
returns setof public.application_commands
language plpgsql
security definer
set search_path = ''
as $$
declare
  my_bot uuid := private.bot_of_profile(public.get_current_profile_id());
  command jsonb;
  option jsonb;
  problem text;
  seen_optional boolean;
  names text[] := '{}';
begin
  if my_bot is null then
    raise exception 'only bots register commands' using errcode = '42501';
  end if;
  if p_server_id is not null and not exists (
    select 1 from public.bot_server_installs i where i.bot_id = my_bot and i.server_id = p_server_id
  ) then
    raise exception 'server not found' using errcode = 'PT404';
  end if;
  if jsonb_typeof(p_commands) <> 'array' or jsonb_array_length(p_commands) > 100 then
    raise exception 'commands are a list of at most 100' using errcode = '22023';
  end if;
  for command in select * from jsonb_array_elements(p_commands) loop
    if coalesce(command ->> 'name', '') !~ '^[a-z0-9_-]{1,32}$' then
      raise exception 'command names are 1 to 32 characters of a-z, 0-9, _ and -' using errcode = '22023';
    end if;
    if command ->> 'name' = any (names) then
      raise exception 'command % is listed twice', command ->> 'name' using errcode = '22023';
    end if;
    names := names || (command ->> 'name');
    if char_length(coalesce(command ->> 'description', '')) not between 1 and 100 then
      raise exception 'command % needs a description of 1 to 100 characters', command ->> 'name' using errcode = '22023';
    end if;
    if coalesce(jsonb_typeof(command -> 'options'), 'array') <> 'array'
       or jsonb_array_length(coalesce(command -> 'options', '[]')) > 25 then
      raise exception 'command %: options are a list of at most 25', command ->> 'name' using errcode = '22023';
    end if;
    seen_optional := false;
    for option in select * from jsonb_array_elements(coalesce(command -> 'options', '[]')) loop
      problem := private.command_option_problem(option);
      if problem is not null then
        raise exception 'command %: %', command ->> 'name', problem using errcode = '22023';
      end if;
      if coalesce((option ->> 'required')::boolean, false) and seen_optional then
        raise exception 'command %: required options come before optional ones', command ->> 'name' using errcode = '22023';
      end if;
      seen_optional := seen_optional or not coalesce((option ->> 'required')::boolean, false);
    end loop;
    if command ? 'default_member_permissions' and command -> 'default_member_permissions' <> 'null'
       and (command ->> 'default_member_permissions') !~ '^\d{1,19}$' then
      raise exception 'command %: default_member_permissions is a permission mask', command ->> 'name' using errcode = '22023';
    end if;
  end loop;

  delete from public.application_commands c
   where c.bot_id = my_bot and c.server_id is not distinct from p_server_id and not (c.name = any (names));
  insert into public.application_commands as c (bot_id, server_id, name, description, options, default_member_permissions)
  select my_bot, p_server_id, x ->> 'name', x ->> 'description', coalesce(x -> 'options', '[]'),
         nullif(x ->> 'default_member_permissions', '')::bigint
    from jsonb_array_elements(p_commands) x
  on conflict (bot_id, (coalesce(server_id, '00000000-0000-0000-0000-000000000000'::uuid)), name) do update
    set description = excluded.description, options = excluded.options,
        default_member_permissions = excluded.default_member_permissions;
  return query select * from public.application_commands c
                where c.bot_id = my_bot and c.server_id is not distinct from p_server_id order by c.name;
end;
$$;

/** The commands the caller may run in a channel, with their bot's name and profile. */
create or replace function public.channel_commands(p_channel_id uuid)
returns table (id uuid, bot_id uuid, bot_name text, bot_profile_id uuid, name text, description text, options jsonb)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  channel_server uuid;
  perms bigint := private.stored_channel_permissions(p_channel_id, public.get_current_profile_id());
  needed constant bigint := public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES');
begin
  select c.server_id into channel_server from public.channels c where c.id = p_channel_id;
  if channel_server is null or coalesce(perms, 0) & needed <> needed then
    return;
  end if;
  return query
    select c.id, c.bot_id, b.name, b.profile_id, c.name, c.description, c.options
      from public.application_commands c
      join public.bots b on b.id = c.bot_id
      join public.bot_server_installs i on i.bot_id = c.bot_id and i.server_id = channel_server
     where (c.server_id is null or c.server_id = channel_server)
       and (c.default_member_permissions is null or perms & c.default_member_permissions = c.default_member_permissions)
     order by c.name, b.name;
end;
$$;

-- The option values given for a command, checked against its definition; the cleaned object.
create or replace function private.checked_command_options(p_command public.application_commands, p_server_id uuid, p_values jsonb)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  option jsonb;
  option_name text;
  option_type text;
  given jsonb;
  cleaned jsonb := '{}';
  unknown text;
  valid boolean;
  expected text;
begin
  if p_values is null then
    p_values := '{}';
  end if;
  if jsonb_typeof(p_values) <> 'object' then
    raise exception 'options are an object of name: value' using errcode = '22023';
  end if;
  select k into unknown from jsonb_object_keys(p_values) k
   where not exists (select 1 from jsonb_array_elements(p_command.options) o where o ->> 'name' = k) limit 1;
  if unknown is not null then
    raise exception '/% has no option %', p_command.name, unknown using errcode = '22023';
  end if;
  for option in select * from jsonb_array_elements(p_command.options) loop
    option_name := option ->> 'name';
    option_type := option ->> 'type';
    given := p_values -> option_name;
    if given is null or given = 'null' or (jsonb_typeof(given) = 'string' and btrim(given #>> '{}') = '') then
      if coalesce((option ->> 'required')::boolean, false) then
        raise exception '/% needs %', p_command.name, option_name using errcode = '22023';
      end if;
      continue;
    end if;
    valid := case option_type
      when 'string' then jsonb_typeof(given) = 'string' and char_length(given #>> '{}') <= 6000
      when 'integer' then coalesce(case when jsonb_typeof(given) = 'number'
                                        then (given #>> '{}')::numeric = trunc((given #>> '{}')::numeric) end, false)
      when 'number' then jsonb_typeof(given) = 'number'
      when 'boolean' then jsonb_typeof(given) = 'boolean'
      when 'user' then jsonb_typeof(given) = 'string' and exists (
        select 1 from public.server_members m where m.server_id = p_server_id and m.profile_id::text = given #>> '{}')
      when 'channel' then jsonb_typeof(given) = 'string' and exists (
        select 1 from public.channels c where c.server_id = p_server_id and c.id::text = given #>> '{}')
      when 'role' then jsonb_typeof(given) = 'string' and exists (
        select 1 from public.roles r where r.server_id = p_server_id and r.id::text = given #>> '{}')
      else false
    end;
    if not valid then
      expected := case option_type when 'user' then 'member of this server' when 'channel' then 'channel of this server'
                                   when 'role' then 'role of this server' else option_type end;
      raise exception '/%: % must be a %', p_command.name, option_name, expected using errcode = '22023';
    end if;
    if option ? 'choices' and not exists (
      select 1 from jsonb_array_elements(option -> 'choices') ch where ch -> 'value' = given
    ) then
      raise exception '/%: % must be one of its choices', p_command.name, option_name using errcode = '22023';
    end if;
    cleaned := cleaned || jsonb_build_object(option_name, given);
  end loop;
  return cleaned;
end;
$$;
revoke all on function private.checked_command_options(public.application_commands, uuid, jsonb)
  from public, anon, authenticated, service_role;

/**
 * Runs a command in a channel: checks the caller may (view and send there, the command's
 * default permissions) and the options, records the interaction and sends it to the bot.
 * At most 5 commands per member in 5 seconds (PT429, HTTP 429).
 */
create or replace function public.invoke_command(p_channel_id uuid, p_command_id uuid, p_options jsonb default '{}')
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  channel_server uuid;
  perms bigint;
  command public.application_commands;
  bot public.bots;
  cleaned jsonb;
  created public.interactions;
  needed constant bigint := public.permission('VIEW_CHANNEL') | public.permission('SEND_MESSAGES');
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  select c.server_id into channel_server from public.channels c where c.id = p_channel_id;
  perms := coalesce(private.stored_channel_permissions(p_channel_id, me), 0);
  if channel_server is null or perms & public.permission('VIEW_CHANNEL') = 0 then
    raise exception 'channel not found' using errcode = 'PT404';
  end if;
  if perms & needed <> needed then
    raise exception 'you cannot use commands in this channel' using errcode = '42501';
  end if;
  select c.* into command from public.application_commands c
    join public.bot_server_installs i on i.bot_id = c.bot_id and i.server_id = channel_server
   where c.id = p_command_id and (c.server_id is null or c.server_id = channel_server);
  if not found then
    raise exception 'command not found' using errcode = 'PT404';
  end if;
  if command.default_member_permissions is not null
     and perms & command.default_member_permissions <> command.default_member_permissions then
    raise exception 'you do not have the permissions /% needs', command.name using errcode = '42501';
  end if;
  if (select count(*) from public.interactions x
       where x.user_id = me and x.created_at > now() - interval '5 seconds') >= 5 then
    perform set_config('response.headers', '[{"Retry-After": "5"}]', true);
    raise exception 'slow down: wait a few seconds before running another command' using errcode = 'PT429';
  end if;
  cleaned := private.checked_command_options(command, channel_server, p_options);
  select * into bot from public.bots b where b.id = command.bot_id;

  insert into public.interactions (command_id, bot_id, server_id, channel_id, user_id, command_name, options)
  values (command.id, command.bot_id, channel_server, p_channel_id, me, command.name, cleaned)
  returning * into created;
  perform private.broadcast('user:' || bot.profile_id, 'interaction_create', 'INSERT', 'interactions',
    to_jsonb(created));
  return created.id;
end;
$$;

/**
 * Called by the bot of an interaction, within 15 minutes: p_kind 'defer' (the invoker sees the
 * bot thinking), 'reply' (the first answer) or 'followup' (after a defer or a reply). An answer
 * is a public message in the channel, or with p_ephemeral one only the invoker sees. Returns
 * the message's id (null for a deferral).
 */
create or replace function public.respond_to_interaction(
  p_interaction_id uuid,
  p_kind text,
  p_content text default '',
  p_ephemeral boolean default false,
  p_embeds jsonb default '[]'
)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  me uuid := public.get_current_profile_id();
  x public.interactions;
  answer_id uuid;
begin
  select * into x from public.interactions i
   where i.id = p_interaction_id and i.bot_id = private.bot_of_profile(me)
   for update;
  if not found then
    raise exception 'interaction not found' using errcode = 'PT404';
  end if;
  if x.created_at < now() - interval '15 minutes' then
    raise exception 'this interaction has expired (15 minutes)' using errcode = '22023';
  end if;
  if p_kind not in ('defer', 'reply', 'followup') then
    raise exception 'kind is defer, reply or followup' using errcode = '22023';
  end if;
  if p_kind in ('defer', 'reply') and x.status <> 'pending' then
    raise exception 'this interaction was already answered: send a followup' using errcode = '22023';
  end if;
  if p_kind = 'followup' and x.status = 'pending' then
    raise exception 'answer with reply or defer first' using errcode = '22023';
  end if;

  if p_kind = 'defer' then
    update public.interactions i set status = 'deferred' where i.id = x.id;
    perform private.broadcast('user:' || x.user_id, 'interaction_update', 'UPDATE', 'interactions',
      jsonb_build_object('id', x.id, 'channel_id', x.channel_id, 'status', 'deferred'));
    return null;
  end if;

  if coalesce(btrim(p_content), '') = '' and coalesce(jsonb_array_length(p_embeds), 0) = 0 then
    raise exception 'an answer needs content or embeds' using errcode = '22023';
  end if;
  if jsonb_typeof(coalesce(p_embeds, '[]')) <> 'array' or jsonb_array_length(coalesce(p_embeds, '[]')) > 10 then
    raise exception 'embeds are a list of at most 10' using errcode = '22023';
  end if;
  if p_ephemeral then
    insert into public.ephemeral_messages (interaction_id, channel_id, recipient_id, author_id, content, embeds)
    values (x.id, x.channel_id, x.user_id, me, coalesce(p_content, ''), coalesce(p_embeds, '[]'))
    returning id into answer_id;
    perform private.broadcast('user:' || x.user_id, 'ephemeral_message', 'INSERT', 'ephemeral_messages',
      (select to_jsonb(e) from public.ephemeral_messages e where e.id = answer_id));
  else
    insert into public.messages (channel_id, author_id, content, embeds)
    values (x.channel_id, me, coalesce(p_content, ''), coalesce(p_embeds, '[]'))
    returning id into answer_id;
  end if;
  if x.status <> 'responded' then
    update public.interactions i set status = 'responded', responded_at = now() where i.id = x.id;
    perform private.broadcast('user:' || x.user_id, 'interaction_update', 'UPDATE', 'interactions',
      jsonb_build_object('id', x.id, 'channel_id', x.channel_id, 'status', 'responded'));
  end if;
  return answer_id;
end;
$$;

revoke all on function public.register_commands(uuid, jsonb), public.channel_commands(uuid),
  public.invoke_command(uuid, uuid, jsonb), public.respond_to_interaction(uuid, text, text, boolean, jsonb)
  from public, anon, authenticated, service_role;
grant execute on function public.register_commands(uuid, jsonb), public.channel_commands(uuid),
  public.invoke_command(uuid, uuid, jsonb), public.respond_to_interaction(uuid, text, text, boolean, jsonb)
  to authenticated;

COMMIT;
