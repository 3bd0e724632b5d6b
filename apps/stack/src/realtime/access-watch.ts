import type pg from 'pg';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db-errors.js';
import { type Extension, type ReadRecheck, recheckReadPolicies, whenCommitVisible } from './authorize.js';
import { tupleMap } from './changes/pgoutput.js';
import type { Change } from './changes/reader.js';
import { type Channel, REVOKED_REASON, UNAVAILABLE_REASON } from './channel.js';

/**
 * Revocation on the local stack: the tables a member's right to read a channel or server
 * depends on are streamed through a publication of the stack's own (a local addition:
 * Supabase Realtime re-checks private channels only when the client refreshes its token).
 * A transaction that changes them has the private channels it may affect authorised again
 * before anything committed after it is delivered; those that lost read access are closed
 * as Realtime closes them on a token refresh.
 */
export const ACCESS_PUBLICATION = 'harmony_realtime_access';

/**
 * What a change can take away: a server's or a channel's topics, or a profile's own (its
 * friends' presence:<profile>), from everyone or one profile.
 */
interface Impact {
  kind: 'server' | 'channel' | 'profile';
  id: string;
  /** The one profile affected; null = anyone. */
  profile: string | null;
}

type Rule = (row: (column: string) => string | null) => Impact[];

const server =
  (member: boolean): Rule =>
  (row) => {
    const id = row('server_id');
    return id ? [{ kind: 'server', id, profile: member ? row('profile_id') : null }] : [];
  };

/** A friendship ending (unfriended, or blocked) takes each one's presence topic from the other. */
const eachOther: Rule = (row) => {
  const [a, b] = [row('profile_a'), row('profile_b')];
  return a && b
    ? [
        { kind: 'profile', id: a, profile: b },
        { kind: 'profile', id: b, profile: a },
      ]
    : [];
};

/**
 * The permission-bearing tables (db_schema/init: membership, roles, overwrites, bans,
 * ownership, timeouts, DM recipients, friendships) and whose access a row change can reduce. Only primary
 * key columns are read from deleted rows, the default replica identity.
 */
const RULES: Record<string, Rule> = {
  server_members: server(true),
  server_bans: server(true),
  member_roles: server(true),
  roles: server(false),
  servers: (row) => (row('id') ? [{ kind: 'server', id: row('id') as string, profile: null }] : []),
  channels: (row) => (row('id') ? [{ kind: 'channel', id: row('id') as string, profile: null }] : []),
  channel_overwrites: (row) => {
    const id = row('channel_id');
    if (!id) return [];
    return [{ kind: 'channel', id, profile: row('target_type') === 'member' ? row('target_id') : null }];
  },
  channel_recipients: (row) => {
    const id = row('channel_id');
    return id ? [{ kind: 'channel', id, profile: row('profile_id') }] : [];
  },
  friendships: eachOther,
};

/** (Re)creates the stack's publication of the permission-bearing tables that exist. */
export async function ensureAccessPublication(admin: pg.Pool): Promise<void> {
  const { rows } = await admin.query<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname = any($1::text[])
      order by c.relname`,
    [Object.keys(RULES)],
  );
  const tables = rows.map((r) => r.name).join(', ');
  const current = await admin.query<{ name: string | null }>(
    `select string_agg(format('%I.%I', t.schemaname, t.tablename), ', ' order by t.tablename) as name
       from pg_publication p left join pg_publication_tables t on t.pubname = p.pubname
      where p.pubname = $1 group by p.pubname`,
    [ACCESS_PUBLICATION],
  );
  if (!current.rowCount) {
    await admin.query(`create publication ${ACCESS_PUBLICATION}${tables ? ` for table ${tables}` : ''}`);
  } else if (tables && (current.rows[0]?.name ?? '') !== tables) {
    await admin.query(`alter publication ${ACCESS_PUBLICATION} set table ${tables}`);
  }
}

export function isAccessChange(change: Change): boolean {
  return change.relation.schema === 'public' && change.relation.table in RULES;
}

/** What the watch needs from the Realtime service. */
export interface AccessHost {
  readonly admin: pg.Pool;
  readonly log: Logger;
  /** Joined private channels, in no particular order. */
  privateReaders(): Iterable<Channel>;
  /** Private joins whose authorisation is running: a concerned change makes them check again. */
  readonly pendingJoins: ReadonlySet<Channel>;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The ids a topic names, e.g. `channel:<uuid>` → [uuid]: what decides which changes concern it. */
export function topicIds(subTopic: string): string[] {
  return (subTopic.match(UUID) ?? []).map((id) => id.toLowerCase());
}

const readExtensions = (channel: Channel): Extension[] =>
  (['broadcast', 'presence'] as const).filter((ext) => channel.policies?.[ext].read === true);

/**
 * Turns a transaction's permission changes into the private channels to authorise again
 * (those whose topic names an affected server or one of its channels, or an affected
 * channel, limited to the affected member's sockets when the change is about one member),
 * re-runs their read checks in one batch, and returns what closes the ones that lost access.
 */
export async function recheckAccess(host: AccessHost, xid: number, changes: Change[]): Promise<() => void> {
  const impacts = impactsOf(changes);
  const anyPrivate = host.pendingJoins.size > 0 || !host.privateReaders()[Symbol.iterator]().next().done;
  if (!impacts.length || !anyPrivate) return () => undefined;
  try {
    return await recheck(host, xid, impacts);
  } catch (error) {
    // Nothing can be authorised now (or the check broke): close what this change might have
    // affected rather than keep serving it, as Realtime closes a channel whose token refresh
    // cannot be authorised. Not retried: the walsender waits for us, even to shut down.
    const unavailable = isDatabaseUnavailable(error);
    if (!unavailable)
      host.log.warn({ err: error }, 'realtime: could not re-check access after a permission change');
    return () => {
      for (const channel of [...host.privateReaders()])
        if (!channel.closed)
          channel.shutdown(unavailable ? UNAVAILABLE_REASON : REVOKED_REASON(channel.subTopic));
    };
  }
}

function impactsOf(changes: Change[]): Impact[] {
  const impacts: Impact[] = [];
  for (const change of changes) {
    const rule = RULES[change.relation.table];
    if (!rule) continue;
    // An update that moved a row's key also sends the old key: both sides are affected.
    const tuples = [
      change.tag === 'delete' ? null : change.newTuple,
      change.tag === 'insert' ? null : change.oldTuple,
    ];
    for (const tuple of tuples) {
      if (!tuple) continue;
      const row = tupleMap(change.relation, tuple);
      impacts.push(...rule((column) => row.get(column) ?? null));
    }
  }
  return impacts;
}

async function recheck(host: AccessHost, xid: number, impacts: Impact[]) {
  await whenCommitVisible(host.admin, xid);
  // Channels of affected servers, and the users behind affected profiles.
  const servers = [...new Set(impacts.filter((i) => i.kind === 'server').map((i) => i.id))];
  const profiles = [...new Set(impacts.flatMap((i) => (i.profile ? [i.profile] : [])))];
  const [channelRows, userRows] = await Promise.all([
    servers.length
      ? host.admin.query<{ id: string; server_id: string }>(
          'select id::text, server_id::text from public.channels where server_id = any($1::uuid[])',
          [servers],
        )
      : { rows: [] },
    profiles.length
      ? host.admin.query<{ id: string; user_id: string | null }>(
          'select id::text, user_id::text from public.profiles where id = any($1::uuid[])',
          [profiles],
        )
      : { rows: [] },
  ]);
  const userOf = new Map(userRows.rows.map((r) => [r.id, r.user_id]));
  // id named by a topic -> who is affected there (null = everyone).
  const affected = new Map<string, Set<string | null>>();
  const add = (id: string, profile: string | null) => {
    const who = affected.get(id) ?? new Set();
    who.add(profile === null ? null : (userOf.get(profile) ?? profile));
    affected.set(id, who);
  };
  for (const impact of impacts) {
    add(impact.id, impact.profile);
    if (impact.kind === 'server')
      for (const c of channelRows.rows) if (c.server_id === impact.id) add(c.id, impact.profile);
  }

  const concerned = (channel: Channel) => {
    const sub = typeof channel.context.claims.sub === 'string' ? channel.context.claims.sub : null;
    return topicIds(channel.subTopic).some((id) => {
      const who = affected.get(id);
      return who !== undefined && (who.has(null) || (sub !== null && who.has(sub)));
    });
  };
  // Synchronous from here to the scan: a join is either pending (its check may predate this
  // commit: it checks again) or registered (and re-checked below).
  for (const channel of host.pendingJoins) if (concerned(channel)) channel.authorizationStale = true;
  const channels = [...host.privateReaders()].filter(
    (channel) => !channel.closed && readExtensions(channel).length > 0 && concerned(channel),
  );
  if (!channels.length) return () => undefined;

  const checks: ReadRecheck[] = channels.map((channel) => ({
    context: channel.context,
    topic: channel.subTopic,
    headers: channel.headers(),
    extensions: readExtensions(channel),
  }));
  const results = await recheckReadPolicies(host.admin, checks);
  return () => {
    channels.forEach((channel, i) => {
      const result = results[i];
      if (channel.closed || result === undefined) return;
      const revoked =
        result === 'error' || (checks[i]?.extensions ?? []).some((ext) => result[ext] === false);
      if (revoked) channel.shutdown(REVOKED_REASON(channel.subTopic));
      else channel.forgetWritePolicies();
    });
  };
}
