import { exportJwk, generateCryptoKeyPair, importJwk } from '@fedify/fedify';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';

/** Keys as Fedify types them (the same under Node's and the DOM's typings). */
type Key = Awaited<ReturnType<typeof importJwk>>;
type Jwk = Parameters<typeof importJwk>[0];
export interface KeyPair {
  privateKey: Key;
  publicKey: Key;
}

/**
 * Local actors' signing key pairs (RSASSA-PKCS1-v1_5, what HTTP Signatures use across the
 * fediverse), made on first use and kept in private.ap_key_pairs, which only harmony_server
 * reads. Imported keys are kept in memory: every signature needs them.
 */
export class ActorKeys {
  private readonly cache = new Map<string, Promise<KeyPair>>();

  constructor(private readonly db: Database) {}

  get(actorId: string): Promise<KeyPair> {
    let pair = this.cache.get(actorId);
    if (!pair) {
      pair = this.load(actorId);
      pair.catch(() => this.cache.delete(actorId));
      this.cache.set(actorId, pair);
    }
    return pair;
  }

  private async load(actorId: string): Promise<KeyPair> {
    let row = await this.read(actorId);
    if (!row) {
      const made = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
      await this.db.execute(
        sql`insert into private.ap_key_pairs (actor_id, private_jwk, public_jwk)
            values (${actorId}::uuid, ${JSON.stringify(await exportJwk(made.privateKey))}::jsonb,
                    ${JSON.stringify(await exportJwk(made.publicKey))}::jsonb)
            on conflict (actor_id) do nothing`,
      );
      // Another replica may have made one at the same moment: the stored pair wins.
      row = await this.read(actorId);
      if (!row) throw new Error(`no key pair stored for actor ${actorId}`);
    }
    return {
      privateKey: await importJwk(row.private_jwk, 'private'),
      publicKey: await importJwk(row.public_jwk, 'public'),
    };
  }

  private async read(actorId: string) {
    const result = await this.db.execute<{
      private_jwk: Jwk;
      public_jwk: Jwk;
    }>(sql`select private_jwk, public_jwk from private.ap_key_pairs where actor_id = ${actorId}::uuid`);
    return result.rows[0];
  }
}
