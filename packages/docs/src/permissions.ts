/**
 * The permission bit table, generated from @harmony/shared and checked against the
 * database's public.permission() / default_everyone_permissions(), so the page cannot
 * describe bits that either side lacks.
 */
import {
  ALL_PERMISSIONS,
  computeChannelPermissions,
  DEFAULT_EVERYONE_PERMISSIONS,
  type PermissionName,
  Permissions,
} from '@harmony/shared';
import { code, table } from './markdown.js';
import { header, type Queryable } from './reference.js';

const P = Permissions;

/** Effective channel permissions of a plain member whose @everyone role holds `mask`. */
const effective = (mask: bigint, timedOut = false) =>
  computeChannelPermissions({ isOwner: false, everyone: mask, roles: [], roleOverwrites: [], timedOut });

/** Rules of the algorithm that apply to one bit, worked out by running the algorithm itself. */
function notes(bit: bigint): string[] {
  if (bit === P.ADMINISTRATOR) return ['grants every bit; bypasses overwrites and timeouts'];
  const found: string[] = [];
  const base = P.VIEW_CHANNEL | P.SEND_MESSAGES | P.CONNECT | bit;
  // Every bit needs VIEW_CHANNEL in a channel: the page says so once instead of on every row.
  if (
    bit !== P.SEND_MESSAGES &&
    (effective(base) & bit) !== 0n &&
    (effective(base & ~P.SEND_MESSAGES) & bit) === 0n
  ) {
    found.push('needs SEND_MESSAGES');
  }
  if (bit !== P.CONNECT && (effective(base) & bit) !== 0n && (effective(base & ~P.CONNECT) & bit) === 0n) {
    found.push('needs CONNECT');
  }
  if ((effective(base, true) & bit) !== 0n) found.push('kept while timed out');
  return found;
}

export async function permissionsPage(db: Queryable): Promise<string> {
  const names = Object.keys(P) as PermissionName[];
  const { rows } = await db.query<{ name: string; value: string }>(
    'select n as name, public.permission(n)::text as value from unnest($1::text[]) as n order by n collate "C"',
    [names],
  );
  for (const row of rows) {
    if (BigInt(row.value) !== P[row.name as PermissionName]) {
      throw new Error(
        `public.permission('${row.name}') is ${row.value} but @harmony/shared says ${P[row.name as PermissionName]}`,
      );
    }
  }
  const defaults = (
    await db.query<{ all: string; everyone: string }>(
      'select public.all_permissions()::text as "all", public.default_everyone_permissions()::text as everyone',
    )
  ).rows[0];
  if (BigInt(defaults?.all ?? -1) !== ALL_PERMISSIONS) {
    throw new Error(`public.all_permissions() is ${defaults?.all} but ALL_PERMISSIONS is ${ALL_PERMISSIONS}`);
  }
  if (BigInt(defaults?.everyone ?? -1) !== DEFAULT_EVERYONE_PERMISSIONS) {
    throw new Error(
      `public.default_everyone_permissions() is ${defaults?.everyone} but DEFAULT_EVERYONE_PERMISSIONS is ${DEFAULT_EVERYONE_PERMISSIONS}`,
    );
  }

  const bits = names
    .map((name) => ({ name, value: P[name], bit: P[name].toString(2).length - 1 }))
    .sort((a, b) => a.bit - b.bit);
  const assigned = new Set(bits.map((b) => b.bit));
  const unassigned = [...Array(bits.at(-1)?.bit ?? 0).keys()].filter((bit) => !assigned.has(bit));
  return `${[
    header(
      'Permission bits',
      "Discord's bit names and positions, as `@harmony/shared` (`Permissions`, " +
        '`DEFAULT_EVERYONE_PERMISSIONS`) and the database (`public.permission(name)`, ' +
        '`public.default_everyone_permissions()`) define them; generation fails if the two disagree. ' +
        'Masks are `bigint` in PostgreSQL and decimal strings in JSON. In a channel every bit also ' +
        'needs VIEW_CHANNEL. See the [permissions guide](../guide/permissions.md) for the algorithm.',
    ),
    table(
      ['Bit', 'Name', 'Value', '@everyone default', 'Rules'],
      bits.map((b) => [
        String(b.bit),
        code(b.name),
        code(b.value.toString()),
        (DEFAULT_EVERYONE_PERMISSIONS & b.value) !== 0n ? 'yes' : '',
        notes(b.value).join('; '),
      ]),
    ),
    '',
    `Unassigned: ${unassigned.length > 0 ? unassigned.join(', ') : 'none'}.\n`,
    `Every assigned bit (\`ALL_PERMISSIONS\`, \`public.all_permissions()\`): ${code(ALL_PERMISSIONS.toString())}.\n`,
    `A new server's @everyone role (\`DEFAULT_EVERYONE_PERMISSIONS\`): ${code(DEFAULT_EVERYONE_PERMISSIONS.toString())}.\n`,
  ]
    .join('\n')
    .trimEnd()}\n`;
}
