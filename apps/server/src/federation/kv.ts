import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from '@fedify/fedify';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';

/**
 * Fedify's key-value store (caches, inbound idempotency keys) in private.fedify_kv, on the
 * service's own connection pool. Expired rows read as missing and are swept on writes.
 */
export class PgKvStore implements KvStore {
  constructor(private readonly db: Database) {}

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const result = await this.db.execute<{ value: T }>(
      sql`select value from private.fedify_kv
           where key = ${toArray(key)} and (expires_at is null or expires_at > now())`,
    );
    return result.rows[0]?.value;
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    const ttlMs = options?.ttl ? options.ttl.total('millisecond') : null;
    await this.db.execute(
      sql`insert into private.fedify_kv (key, value, expires_at)
          values (${toArray(key)}, ${JSON.stringify(value)}::jsonb,
                  case when ${ttlMs}::float8 is null then null
                       else now() + make_interval(secs => ${ttlMs}::float8 / 1000) end)
          on conflict (key) do update set value = excluded.value, expires_at = excluded.expires_at`,
    );
    await this.db.execute(
      sql`delete from private.fedify_kv where ctid in (
            select ctid from private.fedify_kv where expires_at < now() limit 100)`,
    );
  }

  async delete(key: KvKey): Promise<void> {
    await this.db.execute(sql`delete from private.fedify_kv where key = ${toArray(key)}`);
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const result = await this.db.execute<{ key: string[]; value: unknown }>(
      !prefix
        ? sql`select key, value from private.fedify_kv where expires_at is null or expires_at > now()`
        : sql`select key, value from private.fedify_kv
               where key[1:${prefix.length}] = ${toArray(prefix)} and (expires_at is null or expires_at > now())`,
    );
    for (const row of result.rows) yield { key: row.key as unknown as KvKey, value: row.value };
  }
}

function toArray(key: KvKey) {
  return sql`array[${sql.join(
    key.map((part) => sql`${part}`),
    sql`, `,
  )}]::text[]`;
}
