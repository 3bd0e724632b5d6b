import { randomUUID } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { signJwt } from '../src/jwt.js';
import { TEST_JWT_SECRET, type TestStack } from './harness.js';

/**
 * Fixtures for the REST tests: a small library schema with every relationship shape
 * (many-to-one twice to the same table, one-to-many, one-to-one, many-to-many, self reference),
 * functions of every return kind, and an RLS-protected table. Created as superuser with explicit
 * grants, then picked up by the schema cache through NOTIFY pgrst.
 */
export const FIXTURE_SQL = `
create table public.rt_authors (
  id int primary key,
  name text not null,
  country text,
  born date,
  tags text[] not null default '{}',
  meta jsonb,
  search tsvector generated always as (to_tsvector('english', name)) stored
);
create table public.rt_books (
  id int primary key,
  title text not null,
  author_id int references public.rt_authors (id),
  editor_id int references public.rt_authors (id),
  pages int,
  price numeric(8, 2),
  published boolean,
  span int4range,
  blurb text
);
create table public.rt_tags (id int primary key, label text not null unique);
create table public.rt_book_tags (
  book_id int references public.rt_books (id),
  tag_id int references public.rt_tags (id),
  primary key (book_id, tag_id)
);
create table public.rt_author_bios (author_id int primary key references public.rt_authors (id), bio text);
create table public.rt_nodes (id int primary key, parent_id int references public.rt_nodes (id), label text);
create table public.rt_items (
  id serial primary key,
  name text not null unique,
  qty int not null default 1 check (qty >= 0),
  note text,
  created_at timestamptz not null default now()
);
create table public.rt_notes (
  id serial primary key,
  owner uuid not null default auth.uid(),
  body text not null
);
alter table public.rt_notes enable row level security;
create policy rt_notes_own on public.rt_notes for all to authenticated
  using (owner = auth.uid()) with check (owner = auth.uid());

grant select, insert, update, delete on public.rt_authors, public.rt_books, public.rt_tags, public.rt_book_tags,
  public.rt_author_bios, public.rt_nodes, public.rt_items to anon, authenticated, service_role;
grant usage on sequence public.rt_items_id_seq to anon, authenticated, service_role;
-- The platform's default privileges grant everything in public to the API roles; be explicit.
revoke all on public.rt_notes from anon;
grant select, insert, update, delete on public.rt_notes to authenticated, service_role;
grant usage on sequence public.rt_notes_id_seq to authenticated, service_role;

insert into public.rt_authors (id, name, country, born, tags, meta) values
  (1, 'Ursula K. Le Guin', 'US', '1929-10-21', '{scifi,fantasy}', '{"awards": {"hugo": 5}, "lang": "en"}'),
  (2, 'Stanisław Lem', 'PL', '1921-09-12', '{scifi}', '{"awards": {"hugo": 0}, "lang": "pl"}'),
  (3, 'Octavia E. Butler', 'US', '1947-06-22', '{scifi}', null),
  (4, 'Nobody', null, null, '{}', null);
insert into public.rt_books (id, title, author_id, editor_id, pages, price, published, span, blurb) values
  (1, 'The Left Hand of Darkness', 1, 2, 304, 9.99, true, '[1969,1970)', 'A planet of ambisexual people'),
  (2, 'The Dispossessed', 1, 3, 387, 12.50, true, '[1974,1975)', 'An ambiguous utopia'),
  (3, 'Solaris', 2, 1, 204, 8.00, true, '[1961,1962)', 'The ocean thinks, maybe'),
  (4, 'Kindred', 3, null, 264, null, true, '[1979,1980)', null),
  (5, 'Unfinished', null, null, null, null, false, null, 'Draft, with "quotes", commas');
insert into public.rt_tags values (1, 'classic'), (2, 'feminist'), (3, 'polish');
insert into public.rt_book_tags values (1, 1), (1, 2), (2, 1), (3, 1), (3, 3), (4, 2);
insert into public.rt_author_bios values (1, 'Wrote Earthsea'), (2, 'Wrote Solaris');
insert into public.rt_nodes values (1, null, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'a1');

create function public.rt_add(a int, b int) returns int language sql immutable as $$ select a + b $$;
create function public.rt_add_default(a int, b int default 10) returns int language sql immutable as $$ select a + b $$;
create function public.rt_books_by(author int) returns setof public.rt_books language sql stable
  as $$ select * from public.rt_books where author_id = author order by id $$;
create function public.rt_squares(n int) returns table (i int, sq int) language sql immutable
  as $$ select g, g * g from generate_series(1, n) g $$;
create function public.rt_numbers(n int) returns setof int language sql immutable
  as $$ select generate_series(1, n) $$;
create function public.rt_echo(json) returns json language sql immutable as $$ select $1 $$;
create function public.rt_author(author int) returns public.rt_authors language sql stable
  as $$ select * from public.rt_authors where id = author $$;
create function public.rt_noop() returns void language sql volatile as $$ select $$;
create function public.rt_sum(variadic v int[]) returns int language sql immutable
  as $$ select sum(x)::int from unnest(v) x $$;
create function public.rt_fail(msg text) returns int language plpgsql volatile as $$
begin
  raise exception '%', msg using detail = 'the detail', hint = 'the hint';
end $$;
create function public.rt_make_item(item_name text) returns public.rt_items language sql volatile
  as $$ insert into public.rt_items (name) values (item_name) returning * $$;
create function public.rt_whoami() returns json language sql stable
  as $$ select json_build_object('role', current_user, 'sub', auth.uid(),
    'method', current_setting('request.method', true), 'path', current_setting('request.path', true),
    'client', current_setting('request.headers', true)::json->>'x-client-info',
    'search_path', current_setting('search_path')) $$;
create function public.rt_status() returns json language plpgsql stable as $$
begin
  perform set_config('response.status', '202', true);
  perform set_config('response.headers', '[{"X-Custom": "yes"}]', true);
  return '{"ok": true}';
end $$;
grant execute on all functions in schema public to anon, authenticated, service_role;
`;

export async function installFixtures(t: TestStack): Promise<void> {
  await t.db.query(FIXTURE_SQL);
  // The event trigger's NOTIFY reloads the cache; unknown names also force a reload.
}

export interface RestUser {
  userId: string;
  profileId: string;
  username: string;
  token: string;
  client: SupabaseClient;
}

/** An account inserted the way GoTrue does; the signup trigger creates its profile. */
export async function createRestUser(t: TestStack, username: string): Promise<RestUser> {
  const userId = randomUUID();
  await t.db.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                             raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, '',
             now(), '{"provider":"email","providers":["email"]}', $3, now(), now())`,
    [userId, `${username}@example.test`, JSON.stringify({ username })],
  );
  const { rows } = await t.db.query<{ id: string }>('select id from public.profiles where user_id = $1', [
    userId,
  ]);
  const profileId = rows[0]?.id as string;
  const token = await userToken(userId);
  return { userId, profileId, username, token, client: clientWithToken(t, token) };
}

export async function userToken(userId: string, claims: Record<string, unknown> = {}): Promise<string> {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return signJwt(
    { sub: userId, role: 'authenticated', aud: 'authenticated', exp, ...claims },
    TEST_JWT_SECRET,
  );
}

/** supabase-js with the anon key and this access token (as after signing in). */
export function clientWithToken(t: TestStack, token: string): SupabaseClient {
  return createClient(t.url, t.stack.keys.anon, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { headers: { Authorization: `Bearer ${token}` } },
  });
}

/** A raw request to the REST API with the anon key (and optionally a bearer token). */
export function rest(t: TestStack, path: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  headers.set('apikey', t.stack.keys.anon);
  if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
  return fetch(`${t.url}/rest/v1${path}`, { ...init, headers });
}

/** A response's JSON body, loosely typed for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions index into arbitrary JSON
export const body = (res: Response): Promise<any> => res.json();

/**
 * `alter role authenticator in database <this one> set|reset <name>` (PostgREST's in-database
 * configuration). Role settings without a database apply to every database of the cluster,
 * which other test files' stacks share.
 */
export function authenticatorSetting(name: string, value: string | null = null): string {
  const action =
    value === null
      ? `reset %s', current_database(), '${name}'`
      : `set %s = %L', current_database(), '${name}', '${value}'`;
  return `do $$ begin execute format('alter role authenticator in database %I ${action}); end $$`;
}
