import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@harmony/db/testing';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

interface Bucket {
  id: string;
  public: boolean;
  file_size_limit: number | null;
  allowed_mime_types: string[] | null;
}

const UNITS: Record<string, number> = {
  B: 1,
  KB: 1024,
  KIB: 1024,
  MB: 1024 ** 2,
  MIB: 1024 ** 2,
  GB: 1024 ** 3,
  GIB: 1024 ** 3,
};

/** "5MiB" → 5242880, as the CLI reads sizes. */
export function bytes(size: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/.exec(size.trim());
  const unit = match ? UNITS[(match[2] as string).toUpperCase()] : undefined;
  if (!match || unit === undefined) throw new Error(`not a size: ${size}`);
  return Math.round(Number(match[1]) * unit);
}

function configBuckets(): Bucket[] {
  const config = parseToml(readFileSync(join(ROOT, 'supabase', 'config.toml'), 'utf8')) as {
    storage: {
      buckets?: Record<string, { public?: boolean; file_size_limit?: string; allowed_mime_types?: string[] }>;
    };
  };
  return Object.entries(config.storage.buckets ?? {})
    .map(([id, b]) => ({
      id,
      public: b.public ?? false,
      file_size_limit: b.file_size_limit === undefined ? null : bytes(b.file_size_limit),
      allowed_mime_types: b.allowed_mime_types ?? null,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

describe('storage buckets', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('reads sizes the way config.toml writes them', () => {
    expect(bytes('5MiB')).toBe(5_242_880);
    expect(bytes('512KiB')).toBe(524_288);
    expect(bytes('50MiB')).toBe(52_428_800);
  });

  it('supabase/config.toml declares the buckets db_schema/init/97_storage_buckets.sql creates', async (ctx) => {
    const { rows } = await db.query<Bucket>(
      `select id, public, file_size_limit::bigint::float8 as file_size_limit, allowed_mime_types
         from storage.buckets order by id`,
    );
    if (rows.length === 0) ctx.skip('97_storage_buckets.sql creates no buckets yet');
    expect(configBuckets()).toEqual(rows);
  });
});
