/**
 * PostgREST's in-database configuration (Config/Database.hs): `alter role authenticator set
 * pgrst.<name> = '…'` (for all databases, or `in database …`, which wins) overrides the
 * environment's value. It is read with the schema cache, on start and on `NOTIFY pgrst`
 * ('reload config' or 'reload schema').
 */

/** db-tx-end: how each request's transaction ends, and whether `Prefer: tx=` may change it. */
export type TxEnd = 'commit' | 'commit-allow-override' | 'rollback' | 'rollback-allow-override';

export interface RestSettings {
  /** db-schemas: the exposed schemas, the first one the default. */
  schemas: string[];
  /** db-max-rows: null = unlimited. */
  maxRows: number | null;
  /** db-aggregates-enabled: `count()`, `sum()`, … in `select`. */
  aggregatesEnabled: boolean;
  /** db-plan-enabled: `Accept: application/vnd.pgrst.plan`. */
  planEnabled: boolean;
  txEnd: TxEnd;
  /** db-extra-search-path: schemas after the request's schema on its search_path. */
  extraSearchPath: string[];
}

/** The authenticator's `pgrst.*` settings, the database-specific one winning over the global one. */
export const DB_SETTINGS_SQL = `
select distinct on (key) substr(kv, 7, strpos(kv, '=') - 7) as key, substr(kv, strpos(kv, '=') + 1) as value
from pg_db_role_setting s, unnest(s.setconfig) kv
where s.setrole = (select oid from pg_roles where rolname = $1)
  and s.setdatabase in (0, (select oid from pg_database where datname = current_database()))
  and kv like 'pgrst.%'
order by key, s.setdatabase desc`;

const TRUE_WORDS = new Set(['true', 'on', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'off', 'no', '0']);
const TX_ENDS: TxEnd[] = ['commit', 'commit-allow-override', 'rollback', 'rollback-allow-override'];

function parseBool(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (TRUE_WORDS.has(v)) return true;
  if (FALSE_WORDS.has(v)) return false;
  return undefined;
}

/**
 * The environment's settings overridden by the database's (unparsable values are skipped and
 * reported, as PostgREST keeps its previous value when a reload fails).
 */
export function applyDbSettings(
  base: RestSettings,
  rows: { key: string; value: string }[],
  onInvalid: (key: string, value: string) => void,
): RestSettings {
  const settings = { ...base };
  for (const { key, value } of rows) {
    switch (key) {
      case 'db_schemas': {
        const schemas = value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        if (schemas.length) settings.schemas = schemas;
        else onInvalid(key, value);
        break;
      }
      case 'db_max_rows': {
        const n = Number(value.trim());
        if (value.trim() === '') settings.maxRows = null;
        else if (Number.isInteger(n) && n >= 0) settings.maxRows = n > 0 ? n : null;
        else onInvalid(key, value);
        break;
      }
      case 'db_aggregates_enabled':
      case 'db_plan_enabled': {
        const b = parseBool(value);
        if (b === undefined) onInvalid(key, value);
        else if (key === 'db_aggregates_enabled') settings.aggregatesEnabled = b;
        else settings.planEnabled = b;
        break;
      }
      case 'db_tx_end': {
        const v = value.trim() as TxEnd;
        if (TX_ENDS.includes(v)) settings.txEnd = v;
        else onInvalid(key, value);
        break;
      }
    }
  }
  return settings;
}

/** Whether the transaction rolls back, given db-tx-end and the request's `Prefer: tx=`. */
export function endsInRollback(txEnd: TxEnd, preferred: 'commit' | 'rollback' | undefined): boolean {
  if (txEnd.endsWith('-allow-override') && preferred) return preferred === 'rollback';
  return txEnd.startsWith('rollback');
}

export const txOverridable = (txEnd: TxEnd) => txEnd.endsWith('-allow-override');
